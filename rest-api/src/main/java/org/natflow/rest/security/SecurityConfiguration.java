package org.natflow.rest.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Reads are open; POST, PUT, PATCH and DELETE anywhere under {@code /api/} need a valid bearer token
 * ({@code natflow.api.token}) or HTTP Basic credentials ({@code natflow.api.username}/{@code password}).
 * Without them: 401 as problem+json, and nothing changes.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiProperties api) throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> {
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            response.setHeader("WWW-Authenticate", "Bearer realm=\"natflow\", Basic realm=\"natflow\"");
            response.setCharacterEncoding("UTF-8");
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                    + "\"detail\":\"writes need a bearer token or HTTP Basic credentials\",\"instance\":\""
                    + request.getRequestURI().replace("\"", "") + "\"}");
        };
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(api.token()), BasicAuthenticationFilter.class)
                .httpBasic(b -> b.authenticationEntryPoint(unauthorized))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.POST, "/api/**").authenticated()
                        .requestMatchers(HttpMethod.PUT, "/api/**").authenticated()
                        .requestMatchers(HttpMethod.PATCH, "/api/**").authenticated()
                        .requestMatchers(HttpMethod.DELETE, "/api/**").authenticated()
                        .anyRequest().permitAll());
        return http.build();
    }

    /** The Basic user, if configured; otherwise none (and Spring's generated default user is not created). */
    @Bean
    UserDetailsService apiUsers(ApiProperties api) {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        if (!api.username().isBlank() && !api.password().isEmpty()) {
            users.createUser(User.withUsername(api.username()).password("{noop}" + api.password()).roles("API")
                    .build());
        }
        return users;
    }
}
