ALTER TABLE users DROP COLUMN directory_dn;
