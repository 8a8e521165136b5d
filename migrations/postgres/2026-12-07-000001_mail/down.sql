DROP TABLE mail_outbox;
ALTER TABLE notifications DROP COLUMN mailed_at;
ALTER TABLE users DROP COLUMN mail_digest;
ALTER TABLE users DROP COLUMN email;
