//! Talks LDAP to the directory (OpenLDAP, Active Directory) for `domain::directory`.
//!
//! One connection per sign-in: find the person with the service account, bind as them
//! with the password given, then read their groups. Nothing is kept between sign-ins.

use ldap3::{LdapConn, LdapConnSettings, LdapError, Scope, SearchEntry};

use crate::config::DirectorySettings;
use crate::domain::directory::{fill_filter, Directory, DirectoryError, Person};

/// `invalidCredentials`: the password (or the service account's) is wrong.
const INVALID_CREDENTIALS: u32 = 49;

/// The directory of the settings.
pub struct Ldap {
    settings: DirectorySettings,
}

impl Ldap {
    /// A directory client; it connects at each sign-in.
    pub fn new(settings: DirectorySettings) -> Ldap {
        Ldap { settings }
    }

    fn connect(&self) -> Result<LdapConn, DirectoryError> {
        let options = LdapConnSettings::new()
            .set_conn_timeout(self.settings.timeout)
            .set_starttls(self.settings.starttls);
        LdapConn::with_settings(options, &self.settings.url)
            .map_err(|e| DirectoryError::Unreachable(format!("{}: {e}", self.settings.url)))
    }

    /// Binds as the service account (or stays anonymous without one).
    fn bind_service(&self, ldap: &mut LdapConn) -> Result<(), DirectoryError> {
        if let Some((dn, password)) = &self.settings.bind {
            ldap.with_timeout(self.settings.timeout)
                .simple_bind(dn, password.expose())
                .and_then(|r| r.success())
                .map_err(|e| DirectoryError::ServiceBind(e.to_string()))?;
        }
        Ok(())
    }

    fn search(
        &self,
        ldap: &mut LdapConn,
        base: &str,
        filter: &str,
        attrs: Vec<&str>,
    ) -> Result<Vec<SearchEntry>, DirectoryError> {
        let (entries, _) = ldap
            .with_timeout(self.settings.timeout)
            .search(base, Scope::Subtree, filter, attrs)
            .and_then(|r| r.success())
            .map_err(|e| DirectoryError::Other(format!("search {filter} under {base}: {e}")))?;
        Ok(entries.into_iter().map(SearchEntry::construct).collect())
    }
}

fn first(entry: &SearchEntry, attr: &str) -> Option<String> {
    entry
        .attrs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(attr))
        .and_then(|(_, v)| v.first())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl Directory for Ldap {
    fn sign_in(&self, login: &str, password: &str) -> Result<Option<Person>, DirectoryError> {
        // An empty password is an unauthenticated bind, which directories accept: never a sign-in.
        if password.is_empty() || login.is_empty() {
            return Ok(None);
        }
        let s = &self.settings;
        let mut ldap = self.connect()?;
        self.bind_service(&mut ldap)?;
        let filter = fill_filter(&s.user_filter, "login", login);
        let mut found = self.search(&mut ldap, &s.base_dn, &filter, vec!["mail", "employeeNumber"])?;
        if found.len() != 1 {
            if found.len() > 1 {
                tracing::warn!(
                    login,
                    count = found.len(),
                    "directory: the login matches several entries"
                );
            }
            return Ok(None);
        }
        let entry = found.remove(0);
        match ldap
            .with_timeout(s.timeout)
            .simple_bind(&entry.dn, password)
            .and_then(|r| r.success())
        {
            Ok(_) => {}
            Err(LdapError::LdapResult { result }) if result.rc == INVALID_CREDENTIALS => return Ok(None),
            Err(e) => return Err(DirectoryError::Other(format!("bind as {}: {e}", entry.dn))),
        }
        // Groups are read with the service account's rights, as the person was found.
        self.bind_service(&mut ldap)?;
        let group_filter = fill_filter(&fill_filter(&s.group_filter, "dn", &entry.dn), "login", login);
        let groups = self
            .search(&mut ldap, &s.group_base_dn, &group_filter, vec!["1.1"])?
            .into_iter()
            .map(|g| g.dn)
            .collect();
        let _ = ldap.unbind();
        Ok(Some(Person {
            login: login.to_string(),
            email: first(&entry, "mail"),
            personnel_number: first(&entry, "employeeNumber"),
            dn: entry.dn,
            groups,
        }))
    }
}
