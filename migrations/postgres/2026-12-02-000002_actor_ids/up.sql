-- Who sent and who approved a version are stored as user ids, like the actor of
-- a visa; until now they held the login, which can change.
UPDATE jd_versions SET sent_by = (SELECT u.id FROM users u WHERE u.login = jd_versions.sent_by)
 WHERE sent_by IN (SELECT login FROM users);
UPDATE jd_versions SET approved_by = (SELECT u.id FROM users u WHERE u.login = jd_versions.approved_by)
 WHERE approved_by IN (SELECT login FROM users);
