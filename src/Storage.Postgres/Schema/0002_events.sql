-- Webhook endpoints, one per tenant. Citus: by tenant_id.
CREATE TABLE webhook_subscriptions (
    tenant_id text COLLATE "C" NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- Each tenant's event stream per log partition, numbered by the partition's owner: the next
-- number is max + 1 inside the statement that stores the event, and the primary key makes a
-- second writer of one number (a node that lost the partition and does not know yet) fail instead
-- of overwriting. The body is the event's JSON exactly as signed and delivered, stored raw.
-- Citus: distributed by tenant_id.
CREATE TABLE events (
    tenant_id text COLLATE "C" NOT NULL,
    log_partition integer NOT NULL,
    seq bigint NOT NULL,
    event_id text COLLATE "C" NOT NULL,
    type text COLLATE "C" NOT NULL,
    conversation_id text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (tenant_id, log_partition, seq)
);

-- An event id is stored once: a replayed record finds it here and stores nothing. Citus: by tenant_id.
CREATE TABLE event_ids (
    tenant_id text COLLATE "C" NOT NULL,
    event_id text COLLATE "C" NOT NULL,
    log_partition integer NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

-- Deliveries still to make, keyed like their event; the partition's owner delivers them, so the
-- index by partition is what a node reads when it is given partitions. Citus: by tenant_id.
CREATE TABLE outbox (
    tenant_id text COLLATE "C" NOT NULL,
    log_partition integer NOT NULL,
    seq bigint NOT NULL,
    event_id text COLLATE "C" NOT NULL,
    conversation_id text COLLATE "C" NOT NULL,
    attempts integer NOT NULL,
    first_attempt_at timestamptz,
    next_attempt_at timestamptz NOT NULL,
    last_error text,
    PRIMARY KEY (tenant_id, log_partition, seq)
);
CREATE INDEX outbox_by_partition ON outbox (log_partition);

-- Deliveries given up on, redeliverable by event id. Citus: by tenant_id.
CREATE TABLE dead_letters (
    tenant_id text COLLATE "C" NOT NULL,
    log_partition integer NOT NULL,
    seq bigint NOT NULL,
    event_id text COLLATE "C" NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (tenant_id, log_partition, seq)
);
