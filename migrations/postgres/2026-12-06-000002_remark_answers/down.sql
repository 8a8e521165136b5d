ALTER TABLE clause_comments DROP COLUMN reply_to;
