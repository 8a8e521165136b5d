//! The SMTP settings: which server digests go through, how the connection is protected.

use super::{ConfigError, Layer, Secret};

/// How a connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP: only for a relay on the same machine or network.
    None,
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// The SMTP server and the sender's address.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// Login and password, when the server asks for them.
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// `From:` of every mail, e.g. `Должностные инструкции <jd@example.ru>`.
    pub from: String,
}

/// The SMTP settings when a host is set: TLS on by default, the port following it.
pub(super) fn mail_settings(l: &Layer) -> Result<Option<MailSettings>, ConfigError> {
    let Some(host) = l.smtp_host.as_deref().map(str::trim).filter(|h| !h.is_empty()) else {
        return Ok(None);
    };
    let tls = match l.smtp_tls.as_deref().unwrap_or("starttls") {
        "none" => SmtpTls::None,
        "starttls" => SmtpTls::StartTls,
        "tls" => SmtpTls::Tls,
        other => {
            return Err(ConfigError::Invalid(format!(
                "smtp_tls must be none, starttls or tls, not {other}"
            )))
        }
    };
    let from = l
        .mail_from
        .clone()
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| ConfigError::Invalid("mail_from is required when smtp_host is set".into()))?;
    if from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(ConfigError::Invalid(format!(
            "mail_from {from:?} is not an address (expected jd@example.ru or Name <jd@example.ru>)"
        )));
    }
    if l.smtp_password.is_some() && l.smtp_user.is_none() {
        return Err(ConfigError::Invalid("smtp_password is set without smtp_user".into()));
    }
    Ok(Some(MailSettings {
        host: host.to_string(),
        port: l.smtp_port.unwrap_or(match tls {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
        }),
        tls,
        user: l.smtp_user.clone(),
        password: l.smtp_password.clone(),
        from,
    }))
}
