package org.natflow.rest.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} against the configured tokens, in constant time: the write
 * token gives the write role (which may read too), the read token the read role.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private final byte[] token;
    private final byte[] readToken;

    BearerTokenFilter(String token, String readToken) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.readToken = readToken.getBytes(StandardCharsets.UTF_8);
    }

    private static void grant(String who, String... roles) {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken(who, null,
                java.util.Arrays.stream(roles).map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            if (token.length > 0 && MessageDigest.isEqual(given, token)) {
                grant("api-token", Roles.WRITE, Roles.READ);
            } else if (readToken.length > 0 && MessageDigest.isEqual(given, readToken)) {
                grant("api-read-token", Roles.READ);
            }
        }
        chain.doFilter(request, response);
    }
}
