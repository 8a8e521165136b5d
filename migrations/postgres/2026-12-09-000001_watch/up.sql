-- Each server instance listens for these (services::watch): the change log's head
-- moved, or a session or API token ended. Announced at commit, never for a rollback.
CREATE FUNCTION jobdesc_head_moved() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('jobdesc_head', NEW.seq::text);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER change_log_head_moved AFTER UPDATE ON change_log_head
    FOR EACH ROW WHEN (OLD.seq IS DISTINCT FROM NEW.seq)
    EXECUTE FUNCTION jobdesc_head_moved();

-- The payload is the hash the credential is stored under, the column the trigger
-- names: a session's id, a token's hash.
CREATE FUNCTION jobdesc_credential_ended() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('jobdesc_ended', to_jsonb(OLD) ->> TG_ARGV[0]);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER session_ended AFTER DELETE OR UPDATE OF id, user_id ON sessions
    FOR EACH ROW EXECUTE FUNCTION jobdesc_credential_ended('id');

CREATE TRIGGER api_token_ended AFTER DELETE OR UPDATE OF token_hash, user_id ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION jobdesc_credential_ended('token_hash');
