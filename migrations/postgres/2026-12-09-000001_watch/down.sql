DROP TRIGGER api_token_ended ON api_tokens;
DROP TRIGGER session_ended ON sessions;
DROP TRIGGER change_log_head_moved ON change_log_head;
DROP FUNCTION jobdesc_credential_ended();
DROP FUNCTION jobdesc_head_moved();
