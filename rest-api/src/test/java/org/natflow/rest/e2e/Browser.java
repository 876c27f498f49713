package org.natflow.rest.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven by Selenium through Debian's chromium-driver (no driver download): the
 * dashboard's tests open pages, type, click, wait for text with a deadline, and take screenshots.
 */
final class Browser implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final WebDriver driver;
    private final Path screenshots;

    Browser(Path screenshots) throws IOException {
        this.screenshots = screenshots;
        Files.createDirectories(screenshots);
        ChromeOptions options = new ChromeOptions();
        File binary = new File("/usr/lib/chromium/chromium");
        options.setBinary(binary.exists() ? binary : new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,900", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        try {
            return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw diagnosed(e);
        }
    }

    /** A failed wait, with the page as it was saved beside the screenshots (failed.png, failed.html). */
    private RuntimeException diagnosed(RuntimeException e) {
        try {
            screenshot("failed");
            Files.writeString(screenshots.resolve("failed.html"), driver.getPageSource());
        } catch (IOException | RuntimeException ignored) {
            // the failure itself is what matters
        }
        return e;
    }

    void type(String css, String text) {
        WebElement e = find(css);
        e.clear();
        e.sendKeys(text);
    }

    void click(String css) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
    }

    /** Waits until the element's text contains every one of {@code texts}; returns its text. */
    String waitForText(String css, String... texts) {
        try {
            return new WebDriverWait(driver, WAIT).withMessage(() -> css + " to show " + String.join(", ", texts)
                + "; it shows: " + textOf(css)).until(d -> {
                    String t = textOf(css);
                    for (String s : texts) {
                        if (!t.contains(s)) {
                            return null;
                        }
                    }
                    return t;
                });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw diagnosed(e);
        }
    }

    /** Waits until the element's text starts with a number of at least {@code n}. */
    void waitForAtLeast(String css, int n) {
        try {
            new WebDriverWait(driver, WAIT).withMessage(() -> css + " to reach " + n + "; it shows: " + textOf(css))
                    .until(d -> {
                        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\d+").matcher(textOf(css).strip());
                        return m.find() && Integer.parseInt(m.group()) >= n ? Boolean.TRUE : null;
                    });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw diagnosed(e);
        }
    }

    /** Waits until the element shows some text; returns it. */
    String waitForAnyText(String css) {
        return new WebDriverWait(driver, WAIT).withMessage(() -> css + " to show a message").until(d -> {
            String t = textOf(css);
            return t.isBlank() ? null : t;
        });
    }

    private String textOf(String css) {
        try {
            var found = driver.findElements(By.cssSelector(css));
            return found.isEmpty() ? "" : found.get(0).getText();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return ""; // the view redrew it (live views do every few seconds): the next poll reads the new one
        }
    }

    /** Goes to a view of the dashboard by its #fragment. */
    void view(String name) {
        click("#nav a[data-view='" + name + "']");
    }

    /** Saves a screenshot as NAME.png. */
    Path screenshot(String name) throws IOException {
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path out = screenshots.resolve(name + ".png");
        Files.copy(f.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
