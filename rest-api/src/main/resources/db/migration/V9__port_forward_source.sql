-- Port forwards applications ask for themselves (NAT-PMP, later PCP and UPnP): who made a rule, and when it
-- expires (epoch milliseconds; 0: never, as for every operator's rule).
ALTER TABLE port_forward ADD COLUMN source VARCHAR(16) DEFAULT 'api' NOT NULL;
ALTER TABLE port_forward ADD COLUMN expires_at BIGINT DEFAULT 0 NOT NULL;
