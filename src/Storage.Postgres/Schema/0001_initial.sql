-- The store, Cassandra-shaped (ARCHITECTURE.md, "The store"): every table's leading key columns are
-- the port's partition key, clustering columns follow, and hot reads touch one partition. Rows the
-- gateway reads back whole are `body bytea`: the Core JSON (CoreJsonContext) byte for byte, so both
-- adapters return the same records (`convert_from(body, 'UTF8')::jsonb` reads one in psql). Plain
-- columns hold what a statement filters or orders on.
-- Text keys use the "C" collation: byte order, as the embedded store's keys sort, and no locale cost.
-- On Citus, each table's distribution column is named in its comment.

-- Citus: distributed by message_id.
CREATE TABLE messages (
    message_id uuid NOT NULL,
    conversation_id text COLLATE "C" NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (message_id)
) PARTITION BY HASH (message_id);
CREATE TABLE messages_p0 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE messages_p1 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE messages_p2 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE messages_p3 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE messages_p4 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE messages_p5 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE messages_p6 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE messages_p7 PARTITION OF messages FOR VALUES WITH (MODULUS 8, REMAINDER 7);

-- A message's status history, clustered by its sequence. Citus: distributed by message_id,
-- co-located with messages.
CREATE TABLE statuses (
    message_id uuid NOT NULL,
    seq integer NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (message_id, seq)
) PARTITION BY HASH (message_id);
CREATE TABLE statuses_p0 PARTITION OF statuses FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE statuses_p1 PARTITION OF statuses FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE statuses_p2 PARTITION OF statuses FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE statuses_p3 PARTITION OF statuses FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE statuses_p4 PARTITION OF statuses FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE statuses_p5 PARTITION OF statuses FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE statuses_p6 PARTITION OF statuses FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE statuses_p7 PARTITION OF statuses FOR VALUES WITH (MODULUS 8, REMAINDER 7);

-- A message's place on its timeline, written with the timeline row (a message may be placed before
-- its row is written). Citus: distributed by message_id, co-located with messages.
CREATE TABLE message_seq (
    message_id uuid NOT NULL,
    conversation_seq bigint NOT NULL,
    PRIMARY KEY (message_id)
);

-- Conversation headers, inserted if not exists: the first stays. Citus: by conversation_id.
CREATE TABLE conversations (
    conversation_id text COLLATE "C" NOT NULL,
    tenant_id text COLLATE "C" NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (conversation_id)
);

-- Timeline counters, written in the same statement as the timeline row. Citus: by conversation_id.
CREATE TABLE conversation_stats (
    conversation_id text COLLATE "C" NOT NULL,
    last_seq bigint NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (conversation_id)
);

-- Citus: distributed by conversation_id, co-located with conversations.
CREATE TABLE timeline (
    conversation_id text COLLATE "C" NOT NULL,
    seq bigint NOT NULL,
    message_id uuid NOT NULL,
    PRIMARY KEY (conversation_id, seq)
) PARTITION BY HASH (conversation_id);
CREATE TABLE timeline_p0 PARTITION OF timeline FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE timeline_p1 PARTITION OF timeline FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE timeline_p2 PARTITION OF timeline FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE timeline_p3 PARTITION OF timeline FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE timeline_p4 PARTITION OF timeline FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE timeline_p5 PARTITION OF timeline FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE timeline_p6 PARTITION OF timeline FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE timeline_p7 PARTITION OF timeline FOR VALUES WITH (MODULUS 8, REMAINDER 7);

-- Idempotency records. An expired record (created_at at or before now - retention) reads as absent
-- and may be claimed over; the sweep deletes expired ones oldest first through idempotency_by_age.
-- Citus: distributed by tenant_id.
CREATE TABLE idempotency (
    tenant_id text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_by_age ON idempotency (created_at);

-- Hand-overs to channels, and the provider's message id → ours. Citus: handoffs by message_id,
-- provider_message_ids by provider_message_id (read alone, by that key).
CREATE TABLE handoffs (
    message_id uuid NOT NULL,
    provider_message_id text COLLATE "C",
    body bytea NOT NULL,
    PRIMARY KEY (message_id)
);
CREATE TABLE provider_message_ids (
    provider_message_id text COLLATE "C" NOT NULL,
    message_id uuid NOT NULL,
    PRIMARY KEY (provider_message_id)
);

-- Receipts for messages nobody knows yet, one per (message, status). Citus: by message_id.
CREATE TABLE orphan_receipts (
    message_id uuid NOT NULL,
    status smallint NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (message_id, status)
);

-- The sandbox handsets: inboxes by (tenant, address) in arrival order, taken from one sequence so
-- that nodes sharing the database agree on it; handset_ids is the id index that makes a repeated
-- delivery a no-op. Citus: handset_inbox by tenant_id, handset_ids by message_id.
CREATE SEQUENCE handset_arrival;
CREATE TABLE handset_ids (
    message_id uuid NOT NULL,
    tenant_id text COLLATE "C" NOT NULL,
    address text COLLATE "C" NOT NULL,
    arrival bigint NOT NULL,
    PRIMARY KEY (message_id)
);
CREATE TABLE handset_inbox (
    tenant_id text COLLATE "C" NOT NULL,
    address text COLLATE "C" NOT NULL,
    arrival bigint NOT NULL,
    message_id uuid NOT NULL,
    receipts_owed integer NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (tenant_id, address, arrival)
);
CREATE INDEX handset_pending ON handset_inbox (message_id) WHERE receipts_owed > 0;

-- Payments: every change is a compare-and-set on version. Citus: payments by payment_id (a
-- reference-sized table in practice), the two index tables by their leading column.
CREATE TABLE payments (
    payment_id text COLLATE "C" NOT NULL,
    tenant_id text COLLATE "C" NOT NULL,
    conversation_id text COLLATE "C" NOT NULL,
    provider text COLLATE "C" NOT NULL,
    provider_payment_id text COLLATE "C",
    status text NOT NULL,
    is_open boolean NOT NULL,
    version bigint NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (payment_id)
);
CREATE INDEX payments_open ON payments (payment_id) WHERE is_open;
CREATE TABLE payments_by_conversation (
    conversation_id text COLLATE "C" NOT NULL,
    payment_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (conversation_id, payment_id)
);
CREATE TABLE payments_by_provider (
    provider text COLLATE "C" NOT NULL,
    provider_payment_id text COLLATE "C" NOT NULL,
    payment_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (provider, provider_payment_id)
);

-- Refunds by payment; unsent: not created at the provider and not given up. Citus: by payment_id.
CREATE TABLE refunds (
    payment_id text COLLATE "C" NOT NULL,
    refund_id text COLLATE "C" NOT NULL,
    unsent boolean NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (payment_id, refund_id)
);
CREATE INDEX refunds_unsent ON refunds (payment_id, refund_id) WHERE unsent;

-- The sandbox payment provider's own rows. Citus: by key (or a reference table).
CREATE TABLE sandbox_provider (
    key text COLLATE "C" NOT NULL,
    value bytea NOT NULL,
    PRIMARY KEY (key)
);

-- Channel accounts by (channel, account id): one tenant per account id. The by-sender table holds a
-- copy of the account, so a send finds it in one row. Citus: channel_accounts by account_id,
-- channel_accounts_by_sender by tenant_id.
CREATE TABLE channel_accounts (
    channel text COLLATE "C" NOT NULL,
    account_id text COLLATE "C" NOT NULL,
    tenant_id text COLLATE "C" NOT NULL,
    sender text COLLATE "C" NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (channel, account_id)
);
CREATE TABLE channel_accounts_by_sender (
    tenant_id text COLLATE "C" NOT NULL,
    channel text COLLATE "C" NOT NULL,
    sender text COLLATE "C" NOT NULL,
    account_id text COLLATE "C" NOT NULL,
    body bytea NOT NULL,
    PRIMARY KEY (tenant_id, channel, sender)
);

-- Log records dispatch put aside, kept byte for byte. Citus: a reference table (it stays small).
CREATE TABLE quarantine (
    record_id text COLLATE "C" NOT NULL,
    log_partition integer NOT NULL,
    log_offset bigint NOT NULL,
    log_stream smallint NOT NULL,
    attempts integer NOT NULL,
    error text NOT NULL,
    at timestamptz NOT NULL,
    record_key bytea NOT NULL,
    record_value bytea NOT NULL,
    PRIMARY KEY (record_id)
);
