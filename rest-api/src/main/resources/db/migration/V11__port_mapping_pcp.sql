-- PCP (RFC 6887): a mapping is renewed or deleted only by the client holding its nonce; the forward keeps the
-- nonce and the mapping's kind (MAP or PEER) as an opaque tag. The epoch PCP and NAT-PMP report counts from
-- one origin kept with the mappings it describes (so a restart, or another instance on the same database,
-- continues it).
ALTER TABLE port_forward ADD COLUMN client_tag VARCHAR(64) DEFAULT '' NOT NULL;
CREATE TABLE port_mapping_epoch (
    id             SMALLINT PRIMARY KEY,
    origin_millis  BIGINT   NOT NULL,
    CONSTRAINT port_mapping_epoch_one_row CHECK (id = 1)
);
