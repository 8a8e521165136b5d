-- Foundation: organisation model, accounts, hash-chained change log (PostgreSQL).
CREATE TABLE organization (
    id TEXT PRIMARY KEY NOT NULL,
    full_name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    legal_form TEXT NOT NULL,
    city TEXT NOT NULL,
    head_position TEXT NOT NULL,
    head_name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE departments (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    parent_id TEXT REFERENCES departments(id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE positions (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    title_genitive TEXT NOT NULL,
    category TEXT NOT NULL,
    department_id TEXT NOT NULL REFERENCES departments(id),
    reports_to_id TEXT REFERENCES positions(id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE employees (
    id TEXT PRIMARY KEY NOT NULL,
    surname TEXT NOT NULL,
    name TEXT NOT NULL,
    patronymic TEXT NOT NULL,
    personnel_number TEXT NOT NULL UNIQUE,
    email TEXT,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE assignments (
    id TEXT PRIMARY KEY NOT NULL,
    employee_id TEXT NOT NULL REFERENCES employees(id),
    position_id TEXT NOT NULL REFERENCES positions(id),
    date_from DATE NOT NULL,
    date_to DATE,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX assignments_position ON assignments(position_id);
CREATE INDEX assignments_employee ON assignments(employee_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    login TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    employee_id TEXT REFERENCES employees(id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- Append-only journal; each entry hashes its predecessor.
CREATE TABLE change_log (
    seq BIGINT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX change_log_entity ON change_log(entity, entity_id);

-- One row: the tip of the chain. Updating it first in every write
-- transaction serialises writers, so the chain stays linear.
CREATE TABLE change_log_head (
    id INTEGER PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO change_log_head (id, seq, hash) VALUES (1, 0, '');

CREATE FUNCTION change_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'change_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER change_log_no_change BEFORE UPDATE OR DELETE ON change_log
FOR EACH ROW EXECUTE FUNCTION change_log_append_only();
