package org.natflow.rest.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads list settings (comma-separated or indexed): blank entries skipped, a bad one named with its property. */
final class SettingLists {

    private SettingLists() {
    }

    /**
     * Each non-blank entry, trimmed, through {@code parser}; an entry it refuses (IllegalArgumentException) is
     * reported as {@code property: 'entry': reason}.
     */
    static <T> List<T> parse(List<String> entries, String property, Function<String, T> parser) {
        List<T> out = new ArrayList<>();
        for (String e : entries) {
            if (e.isBlank()) {
                continue;
            }
            try {
                out.add(parser.apply(e.trim()));
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException(property + ": '" + e.trim() + "': " + x.getMessage(), x);
            }
        }
        return out;
    }
}
