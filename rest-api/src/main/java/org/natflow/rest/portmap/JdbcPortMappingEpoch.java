package org.natflow.rest.portmap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * When the PCP and NAT-PMP epoch began, in the one-row {@code port_mapping_epoch} table beside the mappings it
 * describes: set at the first start with this database (from {@code <data-dir>/natpmp.epoch} when an earlier
 * version kept it there), then kept, so a restart or another instance on the same database continues the epoch
 * and clients see no reason to think their mappings were lost.
 */
@Repository
public class JdbcPortMappingEpoch {

    private final JdbcClient jdbc;

    public JdbcPortMappingEpoch(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The origin, stored now if it never was. */
    @Transactional
    public long origin(Path dataDir, Clock clock) {
        Optional<Long> stored = read();
        if (stored.isPresent()) {
            return stored.get();
        }
        long origin = legacy(dataDir).orElse(clock.millis());
        try {
            jdbc.sql("INSERT INTO port_mapping_epoch (id, origin_millis) VALUES (1, ?)").param(origin).update();
            return origin;
        } catch (DuplicateKeyException e) {
            return read().orElseThrow(); // another instance stored it first
        }
    }

    private Optional<Long> read() {
        return jdbc.sql("SELECT origin_millis FROM port_mapping_epoch WHERE id = 1").query(Long.class).optional();
    }

    private static Optional<Long> legacy(Path dataDir) {
        Path file = dataDir.resolve("natpmp.epoch");
        try {
            return Files.exists(file)
                    ? Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // unreadable: a new epoch (clients renew their mappings)
        }
    }
}
