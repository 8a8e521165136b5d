-- Workflow: routes, visas, approval, substitutes, acknowledgements.
ALTER TABLE job_descriptions DROP COLUMN registration_number;

ALTER TABLE jd_versions ADD COLUMN round INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jd_versions ADD COLUMN route TEXT;
ALTER TABLE jd_versions ADD COLUMN editorial BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE jd_versions ADD COLUMN sent_by TEXT;
ALTER TABLE jd_versions ADD COLUMN sent_at TIMESTAMP;
ALTER TABLE jd_versions ADD COLUMN registration_number TEXT;
ALTER TABLE jd_versions ADD COLUMN content_hash TEXT;
ALTER TABLE jd_versions ADD COLUMN approved_by TEXT;
ALTER TABLE jd_versions ADD COLUMN approved_at TIMESTAMP;
ALTER TABLE jd_versions ADD COLUMN effective_date DATE;

-- The default route of a department, copied to a version when it is sent.
CREATE TABLE department_routes (
    department_id TEXT PRIMARY KEY NOT NULL REFERENCES departments(id),
    route TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One visa per agreer and round; a new round starts with every sending.
CREATE TABLE visas (
    id TEXT PRIMARY KEY NOT NULL,
    version_id TEXT NOT NULL REFERENCES jd_versions(id),
    round INTEGER NOT NULL,
    stage INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    acted_by TEXT NOT NULL,
    decision TEXT NOT NULL,
    comment TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    UNIQUE (version_id, round, user_id)
);

CREATE TABLE clause_comments (
    id TEXT PRIMARY KEY NOT NULL,
    version_id TEXT NOT NULL REFERENCES jd_versions(id),
    round INTEGER NOT NULL,
    clause_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    text TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);

CREATE TABLE substitutes (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    substitute_id TEXT NOT NULL REFERENCES users(id),
    date_from DATE NOT NULL,
    date_to DATE NOT NULL
);

CREATE TABLE registration_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last INTEGER NOT NULL
);

-- One acknowledgement per employee and version; unsigned rows are open tasks.
CREATE TABLE acknowledgements (
    id TEXT PRIMARY KEY NOT NULL,
    version_id TEXT NOT NULL REFERENCES jd_versions(id),
    employee_id TEXT NOT NULL REFERENCES employees(id),
    content_hash TEXT NOT NULL,
    due_date DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    signed_at TIMESTAMP,
    method TEXT,
    ip TEXT,
    user_agent TEXT,
    signature_code TEXT,
    recorded_by TEXT,
    note TEXT,
    UNIQUE (version_id, employee_id)
);
CREATE INDEX acknowledgements_employee ON acknowledgements(employee_id);
