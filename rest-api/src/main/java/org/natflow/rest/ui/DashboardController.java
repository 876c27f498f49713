package org.natflow.rest.ui;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code /ui} and {@code /ui/} lead to the dashboard's page (static, {@code static/ui/index.html}). */
@Controller
public class DashboardController {

    /** The bare address: on to {@code /ui/}, so that the page's relative links resolve. */
    @GetMapping("/ui")
    public String redirect() {
        return "redirect:/ui/";
    }

    /** The page itself. */
    @GetMapping("/ui/")
    public String page() {
        return "forward:/ui/index.html";
    }
}
