UPDATE jd_versions SET sent_by = (SELECT u.login FROM users u WHERE u.id = jd_versions.sent_by)
 WHERE sent_by IN (SELECT id FROM users);
UPDATE jd_versions SET approved_by = (SELECT u.login FROM users u WHERE u.id = jd_versions.approved_by)
 WHERE approved_by IN (SELECT id FROM users);
