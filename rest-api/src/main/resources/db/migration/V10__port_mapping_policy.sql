-- The policy of the mappings inside hosts ask for (NAT-PMP): one row, as JSON; absent, the settings apply.
CREATE TABLE port_mapping_policy (
    id      SMALLINT PRIMARY KEY,
    policy  TEXT     NOT NULL,
    CONSTRAINT port_mapping_policy_one_row CHECK (id = 1)
);
