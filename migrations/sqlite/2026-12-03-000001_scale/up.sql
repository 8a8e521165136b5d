-- The last verified point of the change log's hash chain: later checks start
-- there instead of recomputing a million entries (`jobdesc verify-log` still recomputes them all).
CREATE TABLE change_log_checkpoint (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    verified_at TIMESTAMP NOT NULL
);

-- The inbox and the in-flight list look versions up by status (documents,
-- visas and acknowledgements by version are covered by their UNIQUE keys).
CREATE INDEX jd_versions_status ON jd_versions (status);

-- A version's text lives in its own table: lists and workflow reads of
-- versions no longer pass over tens of kilobytes of text per row (in SQLite a
-- column stored after a long one is reached only through its overflow pages).
CREATE TABLE jd_version_texts (
    version_id TEXT PRIMARY KEY NOT NULL REFERENCES jd_versions(id),
    content TEXT NOT NULL
);
INSERT INTO jd_version_texts (version_id, content) SELECT id, content FROM jd_versions;
ALTER TABLE jd_versions DROP COLUMN content;
