-- In-app notifications (issue 14): reminders to acknowledge, and escalations of
-- overdue acknowledgements to the head of the department. E-mail comes later and
-- will read the same rows.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    link TEXT,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_unread ON notifications (user_id, read_at, created_at);
