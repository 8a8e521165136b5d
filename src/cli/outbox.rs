//! `mail` and `webhooks`: one pass of the outbox worker now, a test mail, the endpoints.

use super::{CliError, MailCommand, WebhooksCommand};
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::DbConn;
use crate::i18n::strings;

/// `mail run` and `mail test ADDRESS`.
pub fn mail_command(
    mut settings: Settings,
    c: &mut DbConn,
    clock: &Clock,
    action: MailCommand,
) -> Result<(), CliError> {
    // Unsubscribe links are signed with the server's key.
    settings.ensure_secret_key()?;
    let transport = crate::startup::mailer(&settings)?
        .ok_or_else(|| CliError::Message(strings().get("refused.mail_not_configured")))?;
    let ctx = crate::services::mail::Context::from(&settings);
    match action {
        MailCommand::Run => {
            let p = crate::services::mail::run(c, clock, &ctx, transport.as_ref())?;
            println!(
                "Digests composed: {}; mails sent: {}; not taken by the server (tried again later): {}.",
                p.queued, p.sent, p.failed
            );
            Ok(())
        }
        MailCommand::Test { address } => {
            let to = crate::domain::mail::clean_address(&address)
                .ok()
                .flatten()
                .ok_or_else(|| CliError::Message(format!("{address:?}: {}", strings().get("errors.invalid_email"))))?;
            let mail = crate::services::mail::Outgoing {
                id: crate::services::new_id(),
                to: to.clone(),
                subject: "jobdesc: проверка почты".into(),
                body: "Это письмо отправлено командой jobdesc mail test: настройки почты работают.\n".into(),
                unsubscribe_url: format!("{}/me/mail", ctx.public_url),
            };
            transport
                .send(&mail)
                .map_err(|e| CliError::Message(format!("the SMTP server did not take the mail: {e}")))?;
            println!("The SMTP server took a test mail to {to}.");
            Ok(())
        }
    }
}

/// `webhooks list` and `webhooks run`.
pub fn webhooks_command(c: &mut DbConn, clock: &Clock, action: WebhooksCommand) -> Result<(), CliError> {
    match action {
        WebhooksCommand::List => {
            for w in crate::services::webhooks::list(c, clock)? {
                println!("{}  {}  {}", w.id, w.url, w.events.join(","));
            }
        }
        WebhooksCommand::Run => {
            let p = crate::services::webhooks::run(c, clock, &crate::webhook_client::Http::default())?;
            println!(
                "Overdue acknowledgements announced: {}; deliveries taken: {}; not taken (tried again later): {}.",
                p.overdue, p.delivered, p.failed
            );
        }
    }
    Ok(())
}
