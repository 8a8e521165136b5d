-- PostgreSQL announces head moves and ended sessions to listening instances; SQLite
-- is not watched (every request reads the file), so nothing changes here.
SELECT 1;
