-- E-mail (issue 15): an address and a digest preference per account; the day's
-- notifications are marked once a digest carries them; the outbox holds every mail
-- until an SMTP server took it. `dedupe` makes a second digest for the same person
-- and day impossible, whichever instance composes it.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN mail_digest BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE notifications ADD COLUMN mailed_at TIMESTAMP;
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY NOT NULL,
    dedupe TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    sent_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);
CREATE INDEX mail_outbox_created ON mail_outbox (created_at);
