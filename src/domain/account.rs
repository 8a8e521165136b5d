//! User accounts, roles, and the password and token primitives they use.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::validation::{clean_opt, FieldErrors};

/// What a user may do; a user holds one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Hr,
    Agreer,
    Approver,
    Employee,
}

/// Roles that draft job descriptions: they send, route and revise them.
pub const DRAFTERS: &[Role] = &[Role::Admin, Role::Hr];

impl Role {
    /// Every role in display order.
    pub const ALL: [Role; 5] = [Role::Admin, Role::Hr, Role::Agreer, Role::Approver, Role::Employee];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Hr => "hr",
            Role::Agreer => "agreer",
            Role::Approver => "approver",
            Role::Employee => "employee",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Parses the stored comma-separated list, ignoring unknown codes.
    pub fn parse_list(s: &str) -> Vec<Role> {
        let mut roles: Vec<Role> = s.split(',').filter_map(|r| Role::parse(r.trim())).collect();
        roles.sort();
        roles.dedup();
        roles
    }

    /// Stores a list as comma-separated codes.
    pub fn join(roles: &[Role]) -> String {
        roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// A user account's id: the one stored form of "who did it" (logins can change).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct UserId(pub String);

impl UserId {
    /// The id as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for the empty id (an unfilled form field).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for UserId {
    fn from(s: &str) -> Self {
        UserId(s.to_string())
    }
}

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user account as shown (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub login: String,
    pub roles: Vec<Role>,
    pub employee_id: Option<String>,
    pub employee_name: Option<String>,
    /// A disabled account cannot sign in; its sessions and tokens have ended.
    pub active: bool,
    /// Where digests go; none, no mail.
    pub email: Option<String>,
    /// The user wants the daily digest (they can stop it from any digest).
    pub mail_digest: bool,
    /// The directory entry the account comes from (it signs in there); none when local.
    pub directory_dn: Option<String>,
    /// The language of the user's pages: `ru` or `en`.
    pub locale: String,
}

impl User {
    /// True when the user holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// What a client sends to create or change a user. On update an empty
/// password keeps the old one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserInput {
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub employee_id: Option<String>,
    /// E-mail address for digests; empty or absent for none.
    #[serde(default)]
    pub email: Option<String>,
}

/// A user input after checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUser {
    pub login: String,
    pub password: Option<String>,
    pub roles: Vec<Role>,
    pub employee_id: Option<String>,
    pub email: Option<String>,
}

/// Shortest password accepted.
pub const PASSWORD_MIN: usize = 8;

impl UserInput {
    /// Checks login, roles and (when `password_required`) the password.
    pub fn clean(&self, password_required: bool) -> Result<ValidUser, FieldErrors> {
        let mut e = FieldErrors::default();
        let login = self.login.trim().to_lowercase();
        if login.is_empty() {
            e.add("login", "required");
        } else if login.len() > 64 || !login.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
            e.add("login", "invalid_login");
        }
        let password = self.password.clone().filter(|p| !p.is_empty());
        match &password {
            None if password_required => e.add("password", "required"),
            Some(p) => {
                if let Err(code) = password_rule(p, &[&login]) {
                    e.add("password", code);
                }
            }
            None => {}
        }
        let mut roles = Vec::new();
        for r in &self.roles {
            match Role::parse(r.trim()) {
                Some(role) => roles.push(role),
                None => e.add("roles", "unknown_role"),
            }
        }
        roles.sort();
        roles.dedup();
        if roles.is_empty() && self.roles.is_empty() {
            e.add("roles", "required");
        }
        let email = super::mail::clean_address(self.email.as_deref().unwrap_or("")).unwrap_or_else(|code| {
            e.add("email", code);
            None
        });
        e.into_result()?;
        Ok(ValidUser {
            login,
            password,
            roles,
            employee_id: clean_opt(&self.employee_id),
            email,
        })
    }
}

/// Passwords people reach for first, in the languages of our users, beyond the
/// estimator's own (English) lists.
const COMMON: &[&str] = &[
    "пароль",
    "парольпароль",
    "йцукен",
    "йцукенгшщз",
    "qwertyйцукен",
    "парола",
    "паролата",
    "админ",
    "jobdesc",
    "password1",
    "qwerty123",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "zaq12wsx",
    "123qweasd",
];

/// Checks a new password: long enough, not too long, and not guessable by a
/// zxcvbn-style estimate (score 3 of 4 or better, counting the login and the
/// product's name as known words). Returns the error code.
pub fn password_rule(password: &str, user_inputs: &[&str]) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN {
        return Err("password_short");
    }
    if password.len() > 1024 {
        return Err("too_long");
    }
    let folded: String = password
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if password.trim().is_empty() || COMMON.contains(&folded.as_str()) {
        return Err("password_weak");
    }
    let mut inputs: Vec<&str> = user_inputs.to_vec();
    inputs.extend(["jobdesc", "admin", "password", "пароль"]);
    // The estimator's cost grows with length; the first 100 characters decide.
    let head: String = password.chars().take(100).collect();
    let score = zxcvbn::zxcvbn(&head, &inputs).score();
    if (score as u8) < 3 {
        return Err("password_weak");
    }
    Ok(())
}

/// Runs a password hash on one of a few threads kept for it, one per core.
/// Each hash takes Argon2's 19 MiB and a core: more at once add no speed, and
/// the allocator keeps that memory in every thread that ever hashed (32
/// signings at once on request threads left the server at 750 MB).
/// `None` only if a hashing thread could not run it.
fn on_hash_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    use std::sync::mpsc::{channel, Receiver, Sender};
    use std::sync::{Arc, Mutex, OnceLock};
    type Job = Box<dyn FnOnce() + Send>;
    static QUEUE: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        let rx: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(rx));
        for n in 0..std::thread::available_parallelism().map_or(1, |n| n.get()) {
            let rx = rx.clone();
            let _ = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || {
                    loop {
                        use std::sync::mpsc::TryRecvError;
                        // A poisoned lock only means another worker panicked while waiting.
                        let queue = rx.lock().unwrap_or_else(|p| p.into_inner());
                        let job = match queue.try_recv() {
                            Ok(job) => Ok(job),
                            Err(TryRecvError::Disconnected) => break,
                            Err(TryRecvError::Empty) => {
                                // Nothing waits: the memory goes back until the next hash.
                                BLOCKS.take();
                                queue.recv()
                            }
                        };
                        drop(queue);
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
        }
        Mutex::new(tx)
    });
    let (tx, rx) = channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    queue.lock().unwrap_or_else(|p| p.into_inner()).send(job).ok()?;
    rx.recv().ok()
}

/// Argon2id hash in PHC format with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let password = password.to_string();
    on_hash_thread(move || {
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .unwrap_or(Err(argon2::password_hash::Error::Crypto))
}

/// True when `password` matches the stored PHC hash; a malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    if PasswordHash::new(phc).is_err() {
        return false;
    }
    let (password, phc) = (password.to_string(), phc.to_string());
    on_hash_thread(move || PasswordHash::new(&phc).is_ok_and(|h| verify_in_kept_memory(password.as_bytes(), &h)))
        .unwrap_or(false)
}

std::thread_local! {
    /// Argon2's working memory on a hashing thread, kept while hashes queue up: taking
    /// and returning 19 MiB per hash cost a third of the signing rate in page faults.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `PasswordVerifier::verify_password` for Argon2id, computed in this thread's kept memory.
fn verify_in_kept_memory(password: &[u8], hash: &PasswordHash) -> bool {
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        argon2::Algorithm::try_from(hash.algorithm),
        argon2::Params::try_from(hash),
    ) else {
        return false;
    };
    let version = hash
        .version
        .map_or(Ok(argon2::Version::default()), argon2::Version::try_from);
    let Ok(version) = version else { return false };
    let mut salt_bytes = [0u8; argon2::password_hash::Salt::MAX_LENGTH];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let done = BLOCKS.with_borrow_mut(|blocks| {
        blocks.resize(params.block_count(), argon2::Block::default());
        Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password,
            salt,
            &mut out,
            &mut blocks[..],
        )
    });
    // `Output`'s comparison takes the same time whatever the bytes.
    done.is_ok() && argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
}

/// A random secret of `bytes` bytes, hex-encoded.
pub fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// A password that is easy to type from a console: 16 characters, no look-alikes.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf.iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// Tokens are stored as SHA-256: they are long random values, so a slow hash adds nothing.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip_uses_argon2id() {
        let h = hash_password("правильный пароль").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("правильный пароль", &h));
        assert!(!verify_password("неправильный", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn hashes_made_with_other_parameters_verify_as_the_library_does() {
        use argon2::password_hash::PasswordVerifier;
        let salt = SaltString::encode_b64(b"sixteen byte sal").expect("salt");
        for (algorithm, version, m, t) in [
            (argon2::Algorithm::Argon2id, argon2::Version::V0x13, 4096, 2),
            (argon2::Algorithm::Argon2i, argon2::Version::V0x13, 1024, 3),
            (argon2::Algorithm::Argon2d, argon2::Version::V0x10, 2048, 1),
        ] {
            let params = argon2::Params::new(m, t, 1, Some(24)).expect("params");
            let argon = Argon2::new(algorithm, version, params);
            let phc = argon.hash_password(b"secret", &salt).expect("hash").to_string();
            let parsed = PasswordHash::new(&phc).expect("parse");
            assert!(argon.verify_password(b"secret", &parsed).is_ok());
            assert!(verify_password("secret", &phc), "{phc}");
            assert!(!verify_password("secreT", &phc), "{phc}");
        }
        // The same hash with one character of its output changed.
        let good = hash_password("pw").expect("hash");
        let last = good.chars().last().expect("non-empty");
        let bad = format!("{}{}", &good[..good.len() - 1], if last == 'A' { 'B' } else { 'A' });
        assert!(!verify_password("pw", &bad));
    }

    #[test]
    fn user_input_rules() {
        let ok = UserInput {
            login: " Petrova ".into(),
            password: Some("длинный-пароль".into()),
            roles: vec!["hr".into(), "employee".into(), "hr".into()],
            employee_id: Some("".into()),
            email: Some(" Petrova@Vector.RU".into()),
        }
        .clean(true)
        .expect("valid");
        assert_eq!(ok.login, "petrova");
        assert_eq!(ok.email.as_deref(), Some("Petrova@vector.ru"));
        assert_eq!(ok.roles, vec![Role::Hr, Role::Employee]);
        assert_eq!(ok.employee_id, None);

        let e = UserInput {
            login: "пётр".into(),
            password: Some("short".into()),
            roles: vec!["king".into()],
            employee_id: None,
            email: Some("petr at vector".into()),
        }
        .clean(true)
        .unwrap_err();
        let codes: Vec<_> = e.0.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            ["invalid_login", "password_short", "unknown_role", "invalid_email"]
        );

        let e = UserInput {
            login: "a".into(),
            ..Default::default()
        }
        .clean(false)
        .unwrap_err();
        assert_eq!(e.0[0].field, "roles");
    }

    #[test]
    fn weak_passwords_are_refused() {
        for weak in [
            "12345678",
            "password",
            "        ",
            "qwerty123",
            "Пароль-пароль",
            "petrova2024",
        ] {
            assert!(password_rule(weak, &["petrova"]).is_err(), "{weak:?} is refused");
        }
        assert_eq!(password_rule("short", &[]), Err("password_short"));
        for strong in [
            "correct horse battery",
            "maple-harbor-demo",
            "длинный пароль",
            "достаточно длинный",
            &generate_password(),
        ] {
            assert_eq!(password_rule(strong, &["petrova"]), Ok(()), "{strong:?} is accepted");
        }
    }

    #[test]
    fn role_list_round_trip() {
        let roles = Role::parse_list("employee,hr,bogus,hr");
        assert_eq!(roles, vec![Role::Hr, Role::Employee]);
        assert_eq!(Role::join(&roles), "hr,employee");
    }

    #[test]
    fn generated_secrets_differ() {
        assert_ne!(generate_password(), generate_password());
        assert_eq!(random_secret(32).len(), 64);
    }
}
