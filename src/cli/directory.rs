//! `ldap check LOGIN`: tries the directory settings with one person, changing nothing.

use std::io::BufRead;

use super::{CliError, LdapCommand};
use crate::config::Settings;
use crate::domain::directory::Directory;

/// `ldap check LOGIN`, the password on the first line of standard input.
pub fn ldap_command(settings: &Settings, action: LdapCommand) -> Result<(), CliError> {
    let LdapCommand::Check { login } = action;
    let d = settings
        .directory
        .clone()
        .ok_or_else(|| CliError::Message("no directory is configured: set [ldap] url and base_dn".into()))?;
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .map_err(|e| CliError::Message(format!("cannot read the password from standard input: {e}")))?;
    let password = password.trim_end_matches(['\r', '\n']);
    let roles = d.roles.clone();
    let person = crate::directory::Ldap::new(d)
        .sign_in(&login.trim().to_lowercase(), password)
        .map_err(|e| CliError::Message(e.to_string()))?
        .ok_or_else(|| {
            CliError::Message(format!(
                "the directory refused {login:?}: unknown login or wrong password"
            ))
        })?;
    let given = roles.roles_for(&person.groups);
    println!("entry: {}", person.dn);
    println!("e-mail: {}", person.email.as_deref().unwrap_or("-"));
    println!(
        "personnel number: {}",
        person.personnel_number.as_deref().unwrap_or("-")
    );
    println!(
        "groups: {}",
        if person.groups.is_empty() {
            "-".to_string()
        } else {
            person.groups.join("; ")
        }
    );
    if given.is_empty() {
        return Err(CliError::Message(format!(
            "{login:?} signs in at the directory, but none of the groups gives a role: map one under [ldap.roles]"
        )));
    }
    println!(
        "roles: {}",
        given.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
    );
    Ok(())
}
