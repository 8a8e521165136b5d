-- Orders (issue 15): the number and date of the order (приказ) that brings a version
-- into force, recorded at approval; printed in the register's basis column and the stamp.
ALTER TABLE jd_versions ADD COLUMN order_number TEXT;
ALTER TABLE jd_versions ADD COLUMN order_date DATE;
