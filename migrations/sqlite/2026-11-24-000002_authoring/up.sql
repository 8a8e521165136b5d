-- Authoring: clause library, templates, job descriptions and their versions.
-- A version's text is one JSON document (sections of nested clauses); numbering
-- is derived from it, never stored.
CREATE TABLE library_clauses (
    id TEXT PRIMARY KEY NOT NULL,
    section_kind TEXT NOT NULL,
    categories TEXT NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    revision BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX library_clauses_section ON library_clauses(section_kind);

CREATE TABLE templates (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    category TEXT,
    content TEXT NOT NULL,
    revision BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE job_descriptions (
    id TEXT PRIMARY KEY NOT NULL,
    position_id TEXT NOT NULL UNIQUE REFERENCES positions(id),
    registration_number TEXT,
    review_date DATE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE jd_versions (
    id TEXT PRIMARY KEY NOT NULL,
    job_description_id TEXT NOT NULL REFERENCES job_descriptions(id),
    number INTEGER NOT NULL,
    status TEXT NOT NULL,
    based_on_id TEXT REFERENCES jd_versions(id),
    content TEXT NOT NULL,
    revision BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (job_description_id, number)
);
