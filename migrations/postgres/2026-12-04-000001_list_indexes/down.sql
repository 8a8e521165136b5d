DROP INDEX job_descriptions_position;
DROP INDEX job_descriptions_review;
DROP INDEX departments_name;
DROP INDEX employees_name;
DROP INDEX positions_title;
