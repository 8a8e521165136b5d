ALTER TABLE jd_versions DROP COLUMN order_date;
ALTER TABLE jd_versions DROP COLUMN order_number;
