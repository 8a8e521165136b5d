//! The directory settings (`[ldap]`): where people sign in and which group gives which role.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{ConfigError, Secret};
use crate::domain::directory::RoleMap;

/// `[ldap]` as one layer supplies it; every field optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LdapLayer {
    pub url: Option<String>,
    pub starttls: Option<bool>,
    pub bind_dn: Option<String>,
    pub bind_password: Option<Secret>,
    pub base_dn: Option<String>,
    pub user_filter: Option<String>,
    pub group_base_dn: Option<String>,
    pub group_filter: Option<String>,
    pub roles: Option<BTreeMap<String, Vec<String>>>,
    pub default_roles: Option<Vec<String>>,
    pub timeout_seconds: Option<u64>,
}

impl LdapLayer {
    /// Values of `other` win over ours, field by field.
    pub(super) fn merge(self, other: LdapLayer) -> LdapLayer {
        LdapLayer {
            url: other.url.or(self.url),
            starttls: other.starttls.or(self.starttls),
            bind_dn: other.bind_dn.or(self.bind_dn),
            bind_password: other.bind_password.or(self.bind_password),
            base_dn: other.base_dn.or(self.base_dn),
            user_filter: other.user_filter.or(self.user_filter),
            group_base_dn: other.group_base_dn.or(self.group_base_dn),
            group_filter: other.group_filter.or(self.group_filter),
            roles: other.roles.or(self.roles),
            default_roles: other.default_roles.or(self.default_roles),
            timeout_seconds: other.timeout_seconds.or(self.timeout_seconds),
        }
    }
}

/// The directory people sign in against, when one is configured.
#[derive(Debug, Clone)]
pub struct DirectorySettings {
    /// `ldap://host:389` or `ldaps://host:636`.
    pub url: String,
    /// Upgrade an `ldap://` connection with STARTTLS (which must succeed).
    pub starttls: bool,
    /// The service account that looks people up; anonymous when absent.
    pub bind: Option<(String, Secret)>,
    /// Where people are looked up.
    pub base_dn: String,
    /// Finds a person by `{login}`, e.g. `(uid={login})`, `(sAMAccountName={login})`.
    pub user_filter: String,
    /// Where groups are looked up.
    pub group_base_dn: String,
    /// Finds a person's groups by `{dn}` (or `{login}`).
    pub group_filter: String,
    /// Which group gives which role.
    pub roles: RoleMap,
    /// How long a connection or an answer may take.
    pub timeout: std::time::Duration,
}

/// The directory settings when a URL is set, checked so a typo stops the start.
pub(super) fn directory_settings(l: Option<LdapLayer>) -> Result<Option<DirectorySettings>, ConfigError> {
    let Some(l) = l else { return Ok(None) };
    let Some(url) = l.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let bad = |m: String| Err(ConfigError::Invalid(format!("ldap: {m}")));
    if !(url.starts_with("ldap://") || url.starts_with("ldaps://")) {
        return bad(format!("url must start with ldap:// or ldaps://, not {url:?}"));
    }
    let Some(base_dn) = l.base_dn.filter(|b| !b.trim().is_empty()) else {
        return bad("base_dn is required (where people are looked up)".into());
    };
    let user_filter = l
        .user_filter
        .unwrap_or_else(|| "(&(objectClass=person)(uid={login}))".into());
    if !user_filter.contains("{login}") {
        return bad(format!("user_filter must contain {{login}}: {user_filter:?}"));
    }
    let group_filter = l
        .group_filter
        .unwrap_or_else(|| "(|(member={dn})(uniqueMember={dn}))".into());
    if !group_filter.contains("{dn}") && !group_filter.contains("{login}") {
        return bad(format!(
            "group_filter must contain {{dn}} or {{login}}: {group_filter:?}"
        ));
    }
    let bind = match (l.bind_dn, l.bind_password) {
        (Some(dn), Some(p)) => Some((dn, p)),
        (Some(dn), None) => Some((dn, Secret::new(""))),
        (None, Some(_)) => return bad("bind_password is set without bind_dn".into()),
        (None, None) => None,
    };
    if matches!(&bind, Some((_, p)) if p.expose().is_empty()) {
        return bad("bind_dn needs bind_password (an empty password is an anonymous bind)".into());
    }
    if l.starttls == Some(true) && url.starts_with("ldaps://") {
        return bad("starttls is for ldap:// URLs; ldaps:// is TLS already".into());
    }
    let roles = RoleMap::new(&l.roles.unwrap_or_default(), &l.default_roles.unwrap_or_default())
        .map_err(|m| ConfigError::Invalid(format!("ldap: roles: {m}")))?;
    Ok(Some(DirectorySettings {
        url: url.to_string(),
        starttls: l.starttls.unwrap_or(false),
        bind,
        group_base_dn: l.group_base_dn.unwrap_or_else(|| base_dn.clone()),
        base_dn,
        user_filter,
        group_filter,
        roles,
        timeout: std::time::Duration::from_secs(l.timeout_seconds.unwrap_or(5).clamp(1, 60)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(toml_text: &str) -> LdapLayer {
        toml::from_str(toml_text).expect("toml")
    }

    #[test]
    fn a_directory_is_configured_only_with_a_url_and_checked_when_it_is() {
        assert!(directory_settings(None).expect("ok").is_none());
        assert!(directory_settings(Some(layer("base_dn = \"dc=x\"")))
            .expect("ok")
            .is_none());
        let s = directory_settings(Some(layer(
            "url = \"ldap://127.0.0.1:389\"\nbase_dn = \"ou=people,dc=x\"\n[roles]\n\"cn=hr,dc=x\" = [\"hr\"]",
        )))
        .expect("ok")
        .expect("configured");
        assert_eq!(s.group_base_dn, "ou=people,dc=x");
        assert!(s.user_filter.contains("{login}"));
        for (text, says) in [
            ("url = \"http://x\"\nbase_dn = \"dc=x\"", "ldap://"),
            ("url = \"ldap://x\"", "base_dn"),
            (
                "url = \"ldap://x\"\nbase_dn = \"dc=x\"\nuser_filter = \"(uid=admin)\"",
                "{login}",
            ),
            (
                "url = \"ldap://x\"\nbase_dn = \"dc=x\"\nbind_password = \"p\"",
                "without bind_dn",
            ),
            (
                "url = \"ldap://x\"\nbase_dn = \"dc=x\"\nbind_dn = \"cn=s\"",
                "bind_password",
            ),
            ("url = \"ldaps://x\"\nbase_dn = \"dc=x\"\nstarttls = true", "starttls"),
            (
                "url = \"ldap://x\"\nbase_dn = \"dc=x\"\n[roles]\n\"cn=a\" = [\"boss\"]",
                "boss",
            ),
        ] {
            let err = directory_settings(Some(layer(text))).expect_err(text).to_string();
            assert!(err.starts_with("ldap: ") && err.contains(says), "{text}: {err}");
        }
    }
}
