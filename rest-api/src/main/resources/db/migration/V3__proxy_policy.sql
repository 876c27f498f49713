-- The proxy policy: one row, the policy as JSON (users with password hashes, never passwords).
CREATE TABLE proxy_policy (
    id      SMALLINT PRIMARY KEY,
    policy  TEXT     NOT NULL,
    CONSTRAINT proxy_policy_one_row CHECK (id = 1)
);
