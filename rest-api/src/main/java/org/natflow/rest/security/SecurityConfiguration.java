package org.natflow.rest.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * POST, PUT, PATCH and DELETE anywhere under {@code /api/} need the write role: the bearer token
 * {@code natflow.api.token} or the HTTP Basic user {@code natflow.api.username}/{@code password}. Reads of what
 * says who was translated to what ({@link #SENSITIVE}: NAT mappings and port blocks, the RFC 6888 data an abuse
 * desk guards; TURN allocations; relay bindings; static NATs with the remotes let back in; VPN peers with their
 * leases and outer endpoints; the NAT event stream) need the read role ({@code natflow.api.read-token},
 * {@code read-username}/{@code read-password}) or the write role. Other reads are open. Without credentials:
 * 401 as problem+json, and nothing changes. Passwords and tokens are compared in constant time.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    /** Reads that need the read role. */
    static final String[] SENSITIVE = {"/api/v1/nat/sessions/**", "/api/v1/nat/sessions", "/api/v1/nat/blocks/**",
        "/api/v1/nat/blocks", "/api/v1/turn/**", "/api/v1/relays/**", "/api/v1/relays", "/api/v1/proxy/**",
        "/api/v1/intercepts", "/api/v1/intercepts/**", "/api/v1/dhcp/**", "/api/v1/static-nat",
        "/api/v1/static-nat/**", "/api/v1/vpn/peers", "/api/v1/vpn/peers/**", "/api/v1/events"};

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiProperties api) throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> {
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            response.setHeader("WWW-Authenticate", "Bearer realm=\"natflow\", Basic realm=\"natflow\"");
            response.setCharacterEncoding("UTF-8");
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                    + "\"detail\":\"writes, and reads of mappings, allocations, relays, the proxy, intercepts and DHCP leases, need a bearer token or HTTP"
                    + " Basic credentials\",\"instance\":\""
                    + request.getRequestURI().replace("\"", "") + "\"}");
        };
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(api.token(), api.readToken()), BasicAuthenticationFilter.class)
                .httpBasic(b -> b.authenticationEntryPoint(unauthorized))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.POST, "/api/**").hasRole(Roles.WRITE)
                        .requestMatchers(HttpMethod.PUT, "/api/**").hasRole(Roles.WRITE)
                        .requestMatchers(HttpMethod.PATCH, "/api/**").hasRole(Roles.WRITE)
                        .requestMatchers(HttpMethod.DELETE, "/api/**").hasRole(Roles.WRITE)
                        .requestMatchers(HttpMethod.GET, SENSITIVE).hasRole(Roles.READ)
                        .anyRequest().permitAll());
        return http.build();
    }

    /** The Basic users, if configured; otherwise none (and Spring's generated default user is not created). */
    @Bean
    UserDetailsService apiUsers(ApiProperties api) {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        if (!api.username().isBlank() && !api.password().isEmpty()) {
            users.createUser(User.withUsername(api.username()).password(api.password())
                    .roles(Roles.WRITE, Roles.READ).build());
        }
        if (!api.readUsername().isBlank() && !api.readPassword().isEmpty()) {
            users.createUser(User.withUsername(api.readUsername()).password(api.readPassword()).roles(Roles.READ)
                    .build());
        }
        return users;
    }

    /** Configured passwords are kept as given and compared in constant time (no timing side channel). */
    @Bean
    PasswordEncoder constantTimePasswords() {
        return new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                return raw.toString();
            }

            @Override
            public boolean matches(CharSequence raw, String stored) {
                return stored != null && MessageDigest.isEqual(raw.toString().getBytes(StandardCharsets.UTF_8),
                        stored.getBytes(StandardCharsets.UTF_8));
            }
        };
    }
}
