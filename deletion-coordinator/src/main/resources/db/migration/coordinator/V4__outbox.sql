-- The transactional outbox (io.lethe.kafka.outbox.JdbcOutbox): events written with the job change that produced
-- them, sent by the relay after the commit, then removed. The same definition as JdbcOutbox.createTableSql().
CREATE TABLE lethe_outbox (
    id          bigserial   PRIMARY KEY,
    topic       text        NOT NULL,
    message_key text,
    payload     bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
