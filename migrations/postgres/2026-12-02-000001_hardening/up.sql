-- Accounts can be disabled instead of deleted.
ALTER TABLE users ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;

-- Signed-in browser sessions: the cookie carries a secret whose SHA-256 is the id,
-- so signing out, disabling a user or changing a password ends the session everywhere.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Every sign-in attempt, failed or not; also what throttling counts.
-- No foreign key: the record outlives the account and names unknown logins too.
CREATE TABLE sign_ins (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    login TEXT NOT NULL,
    user_id TEXT,
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    channel TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX sign_ins_login ON sign_ins (login, at);
CREATE INDEX sign_ins_address ON sign_ins (address, at);
CREATE INDEX sign_ins_at ON sign_ins (at);
