DROP TABLE sign_ins;
DROP TABLE sessions;
ALTER TABLE users DROP COLUMN active;
