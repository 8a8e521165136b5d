ALTER TABLE jd_versions ADD COLUMN content TEXT NOT NULL DEFAULT '';
UPDATE jd_versions SET content = (SELECT t.content FROM jd_version_texts t WHERE t.version_id = jd_versions.id);
DROP TABLE jd_version_texts;
DROP INDEX jd_versions_status;
DROP TABLE change_log_checkpoint;
