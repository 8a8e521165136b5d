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
