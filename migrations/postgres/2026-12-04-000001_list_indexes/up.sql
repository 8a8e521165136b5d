-- List pages at the size of a large company (issue 13) read a page in the
-- order they show, so that order is an index and a page costs its rows, not
-- the table: documents and coverage by position title, employees by name,
-- departments by name, reviews by due date.
CREATE INDEX positions_title ON positions (title, id);
CREATE INDEX employees_name ON employees (surname, name, id);
CREATE INDEX departments_name ON departments (name, id);
CREATE INDEX job_descriptions_review ON job_descriptions (review_date);
-- Coverage picks a page of documents from indexes alone: position title, then
-- the position's document with its id in the same index.
CREATE INDEX job_descriptions_position ON job_descriptions (position_id, id);
