DROP INDEX jd_versions_status;
DROP TABLE change_log_checkpoint;
