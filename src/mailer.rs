//! The SMTP side of mail: messages built and handed to the configured server by lettre.

use std::time::Duration;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport as _};

use crate::config::{MailSettings, SmtpTls};
use crate::domain::mail::{Outgoing, Transport};

/// A mail server as configured.
pub struct Smtp {
    transport: SmtpTransport,
    from: Mailbox,
}

/// Why the mail settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("mail_from {0:?} is not an address")]
    From(String),
    #[error("smtp_host {host:?}: {message}")]
    Host { host: String, message: String },
}

impl Smtp {
    /// Prepares the connection (no connection is made until the first mail).
    pub fn new(s: &MailSettings) -> Result<Smtp, MailerError> {
        let from: Mailbox = s.from.parse().map_err(|_| MailerError::From(s.from.clone()))?;
        let tls = |host: &str| {
            TlsParameters::new(host.to_string()).map_err(|e| MailerError::Host {
                host: host.to_string(),
                message: e.to_string(),
            })
        };
        let builder = SmtpTransport::builder_dangerous(&s.host).port(s.port).tls(match s.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(tls(&s.host)?),
            SmtpTls::Tls => Tls::Wrapper(tls(&s.host)?),
        });
        let builder = match (&s.user, &s.password) {
            (Some(user), password) => builder.credentials(Credentials::new(
                user.clone(),
                password.as_ref().map(|p| p.expose().to_string()).unwrap_or_default(),
            )),
            (None, _) => builder,
        };
        Ok(Smtp {
            transport: builder.timeout(Some(Duration::from_secs(20))).build(),
            from,
        })
    }

    /// Builds the message of `mail`: plain text, UTF-8, with a Message-ID that stays the
    /// same on every try and one-click unsubscribe headers (RFC 8058).
    pub fn message(&self, mail: &Outgoing) -> Result<Message, String> {
        let to: Mailbox = mail.to.parse().map_err(|e| format!("recipient {:?}: {e}", mail.to))?;
        let domain = self.from.email.domain().to_string();
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", mail.id)))
            .header(ListUnsubscribe(format!("<{}>", mail.unsubscribe_url)))
            .header(ListUnsubscribePost)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| e.to_string())
    }
}

impl Transport for Smtp {
    fn send(&self, mail: &Outgoing) -> Result<(), String> {
        let message = self.message(mail)?;
        self.transport.send(&message).map(|_| ()).map_err(|e| e.to_string())
    }
}

/// `List-Unsubscribe: <https://…>`: mail programs offer the link as a button.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: the link stops digests by a POST
/// without a page in between (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}
