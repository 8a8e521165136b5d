DROP TABLE jd_versions;
DROP TABLE job_descriptions;
DROP TABLE templates;
DROP TABLE library_clauses;
