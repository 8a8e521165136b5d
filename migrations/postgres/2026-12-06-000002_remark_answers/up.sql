-- HR answers agreers' remarks (issue 14): an answer is a clause comment that names the remark.
ALTER TABLE clause_comments ADD COLUMN reply_to TEXT;
