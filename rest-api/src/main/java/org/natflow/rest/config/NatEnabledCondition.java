package org.natflow.rest.config;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** True when {@code natflow.nat.public-addresses} is set (as a list or a comma-separated string). */
public class NatEnabledCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return Binder.get(context.getEnvironment())
                .bind("natflow.nat.public-addresses", Bindable.listOf(String.class))
                .map(list -> list.stream().anyMatch(s -> !s.isBlank())).orElse(false);
    }
}
