//! Directory sign-in (LDAP, Active Directory): the rules, free of any connection.
//!
//! The directory says who a person is and which groups they are in; the settings say
//! which group gives which role. Talking LDAP is left to an adapter outside the domain.

use std::collections::BTreeMap;

use super::account::Role;

/// What the directory says about a person who gave the right password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The entry's distinguished name.
    pub dn: String,
    /// The login as given at sign-in (lower-cased when stored).
    pub login: String,
    pub email: Option<String>,
    /// The personnel number (`employeeNumber`), linking the account to an employee.
    pub personnel_number: Option<String>,
    /// DNs of the groups the person is a member of.
    pub groups: Vec<String>,
}

/// Why the directory could not answer (not: the password was wrong).
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("directory unreachable: {0}")]
    Unreachable(String),
    #[error("directory refused the service account: {0}")]
    ServiceBind(String),
    #[error("directory: {0}")]
    Other(String),
}

/// Checks a login and password against a directory.
pub trait Directory: Send + Sync {
    /// The person when the directory knows the login and accepts the password;
    /// `None` when it does not.
    fn sign_in(&self, login: &str, password: &str) -> Result<Option<Person>, DirectoryError>;
}

/// `value` escaped for an LDAP search filter (RFC 4515), so a login like `*)(uid=*`
/// matches only itself.
pub fn escape_filter_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '*' | '(' | ')' | '\\' | '\0' => out.push_str(&format!("\\{:02x}", c as u8)),
            _ => out.push(c),
        }
    }
    out
}

/// The filter `template` with `{name}` replaced by the escaped `value`.
pub fn fill_filter(template: &str, name: &str, value: &str) -> String {
    template.replace(&format!("{{{name}}}"), &escape_filter_value(value))
}

/// A DN as compared: lower case, no spaces around `,` and `=`.
pub fn normalize_dn(dn: &str) -> String {
    dn.split(',')
        .map(|rdn| {
            rdn.split('=')
                .map(|p| p.trim().to_lowercase())
                .collect::<Vec<_>>()
                .join("=")
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Group DN (as written in the settings) → the roles it gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMap {
    by_group: BTreeMap<String, Vec<Role>>,
    /// Roles every directory user gets, whatever their groups (may be empty).
    pub default_roles: Vec<Role>,
}

impl RoleMap {
    /// A map from the settings' table; an unknown role is an error naming it.
    pub fn new(groups: &BTreeMap<String, Vec<String>>, default_roles: &[String]) -> Result<RoleMap, String> {
        let parse = |codes: &[String]| -> Result<Vec<Role>, String> {
            codes
                .iter()
                .map(|c| {
                    Role::parse(c.trim()).ok_or_else(|| {
                        format!("unknown role {c:?} (known: {})", Role::ALL.map(Role::as_str).join(", "))
                    })
                })
                .collect()
        };
        let mut by_group = BTreeMap::new();
        for (dn, codes) in groups {
            by_group.insert(normalize_dn(dn), parse(codes)?);
        }
        Ok(RoleMap {
            by_group,
            default_roles: parse(default_roles)?,
        })
    }

    /// The roles a member of `groups` holds: the default ones and each mapped group's,
    /// sorted, without repeats.
    pub fn roles_for(&self, groups: &[String]) -> Vec<Role> {
        let mut roles = self.default_roles.clone();
        for g in groups {
            if let Some(r) = self.by_group.get(&normalize_dn(g)) {
                roles.extend(r);
            }
        }
        roles.sort();
        roles.dedup();
        roles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_values_cannot_widen_the_search() {
        assert_eq!(escape_filter_value("ivanov"), "ivanov");
        assert_eq!(escape_filter_value("*)(uid=*"), "\\2a\\29\\28uid=\\2a");
        assert_eq!(escape_filter_value("a\\b\0"), "a\\5cb\\00");
        assert_eq!(escape_filter_value("иванов*"), "иванов\\2a");
        assert_eq!(
            fill_filter("(&(objectClass=person)(uid={login}))", "login", "x)(|(a=*"),
            "(&(objectClass=person)(uid=x\\29\\28|\\28a=\\2a))"
        );
    }

    #[test]
    fn groups_give_roles_by_dn_whatever_the_spelling() {
        let mut groups = BTreeMap::new();
        groups.insert(
            "cn=HR, ou=Groups, dc=vector, dc=example".to_string(),
            vec!["hr".to_string()],
        );
        groups.insert(
            "cn=heads,ou=groups,dc=vector,dc=example".to_string(),
            vec!["agreer".to_string(), "approver".to_string()],
        );
        let map = RoleMap::new(&groups, &["employee".to_string()]).expect("valid");
        assert_eq!(
            map.roles_for(&["CN=hr,OU=groups,DC=vector,DC=example".into()]),
            vec![Role::Hr, Role::Employee]
        );
        assert_eq!(
            map.roles_for(&["cn=heads,ou=groups,dc=vector,dc=example".into(), "cn=other,dc=x".into()]),
            vec![Role::Agreer, Role::Approver, Role::Employee]
        );
        assert_eq!(map.roles_for(&[]), vec![Role::Employee]);
        let err = RoleMap::new(&groups, &["boss".to_string()]).expect_err("unknown role");
        assert!(err.contains("\"boss\"") && err.contains("approver"), "{err}");
    }
}
