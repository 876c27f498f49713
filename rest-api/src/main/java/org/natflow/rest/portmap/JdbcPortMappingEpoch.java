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

    /**
     * The epoch's origin, and whether it began at this start (no mapping state was there: a new database).
     *
     * @param originMillis when the epoch began
     * @param begun        whether it began now
     */
    public record Epoch(long originMillis, boolean begun) {
    }

    /** The origin, stored now if it never was. */
    @Transactional
    public Epoch origin(Path dataDir, Clock clock) {
        Optional<Long> stored = read();
        if (stored.isPresent()) {
            return new Epoch(stored.get(), false);
        }
        Optional<Long> earlier = legacy(dataDir);
        long origin = earlier.orElse(clock.millis());
        try {
            jdbc.sql("INSERT INTO port_mapping_epoch (id, origin_millis) VALUES (1, ?)").param(origin).update();
            return new Epoch(origin, earlier.isEmpty());
        } catch (DuplicateKeyException e) {
            return new Epoch(read().orElseThrow(), false); // another instance stored it first
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
