-- Files read for import, kept for review until HR makes drafts from them.
CREATE TABLE imports (
    id TEXT PRIMARY KEY NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    lines TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE INDEX imports_created_by ON imports (created_by, created_at);
