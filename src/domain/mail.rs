//! E-mail, independent of how it is stored or sent: which addresses are accepted,
//! what one person's daily digest says, the signed link that stops digests, and
//! what the SMTP side is given to send.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Longest address SMTP carries (RFC 5321: 254 characters in a path).
const ADDRESS_MAX: usize = 254;

/// Cleans an address as typed: `None` for an empty field, the error code for one
/// that cannot be an address. Checks the shape only; the mail server judges the rest.
pub fn clean_address(raw: &str) -> Result<Option<String>, &'static str> {
    let a = raw.trim();
    if a.is_empty() {
        return Ok(None);
    }
    let Some((local, domain)) = a.rsplit_once('@') else {
        return Err("invalid_email");
    };
    let label_ok = |l: &str| {
        !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let ok = a.len() <= ADDRESS_MAX
        && !local.is_empty()
        && local.len() <= 64
        && !local.contains('@')
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[]\\,;:\"".contains(c))
        && domain.contains('.')
        && domain.split('.').all(label_ok);
    if ok {
        Ok(Some(format!("{local}@{}", domain.to_lowercase())))
    } else {
        Err("invalid_email")
    }
}

/// What a digest line is about, in the order the digest lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemKind {
    /// A version waits for the reader's visa.
    Visa,
    /// A version waits for the reader's approval.
    Approval,
    /// The reader has a job description to acknowledge.
    Acknowledgement,
    /// Someone in a department the reader heads is late to acknowledge.
    Overdue,
    /// An in-app notification not yet carried by a digest.
    Notice,
}

impl ItemKind {
    /// All kinds, in digest order.
    pub const ALL: [ItemKind; 5] = [
        ItemKind::Visa,
        ItemKind::Approval,
        ItemKind::Acknowledgement,
        ItemKind::Overdue,
        ItemKind::Notice,
    ];

    /// The key of the heading in the string catalogue (`mail.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            ItemKind::Visa => "visa",
            ItemKind::Approval => "approval",
            ItemKind::Acknowledgement => "acknowledgement",
            ItemKind::Overdue => "overdue",
            ItemKind::Notice => "notice",
        }
    }
}

/// One line of a digest: what, and the page (a path) where it is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    pub text: String,
    pub link: String,
}

/// The words a digest is written in (from the string catalogue).
pub struct Words<'a> {
    /// The subject; `{date}` and `{n}` (the number of lines) are filled in.
    pub subject: &'a str,
    /// The greeting; `{name}` is filled in.
    pub greeting: &'a str,
    /// The line under the greeting; `{date}` and `{organization}` are filled in.
    pub intro: &'a str,
    /// The heading of a group of lines, by kind.
    pub heading: &'a dyn Fn(ItemKind) -> String,
    /// The closing line about how often digests come and how to stop them.
    pub footer: &'a str,
}

/// Whom a digest is for, and for which day.
pub struct Heading<'a> {
    pub name: &'a str,
    pub organization: &'a str,
    /// The day, as people read it.
    pub date: &'a str,
}

/// A composed mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub body: String,
}

/// One person's digest: the lines grouped by kind, each with the full address of its
/// page, and the link that stops digests at the end. `None` when there is nothing to say.
pub fn digest(
    words: &Words<'_>,
    fill: &dyn Fn(&str, &str, &str) -> String,
    to: &Heading<'_>,
    items: &[Item],
    base_url: &str,
    unsubscribe_url: &str,
) -> Option<Mail> {
    if items.is_empty() {
        return None;
    }
    let subject = fill(&fill(words.subject, "date", to.date), "n", &items.len().to_string());
    let mut body = fill(words.greeting, "name", to.name);
    body.push_str("\n\n");
    body.push_str(&fill(
        &fill(words.intro, "date", to.date),
        "organization",
        to.organization,
    ));
    body.push('\n');
    for kind in ItemKind::ALL {
        let lines: Vec<&Item> = items.iter().filter(|i| i.kind == kind).collect();
        if lines.is_empty() {
            continue;
        }
        body.push_str(&format!("\n{} ({}):\n", (words.heading)(kind), lines.len()));
        for i in lines {
            body.push_str(&format!("  • {}\n    {base_url}{}\n", i.text, i.link));
        }
    }
    body.push_str(&format!("\n-- \n{}\n{unsubscribe_url}\n", words.footer));
    Some(Mail { subject, body })
}

/// A mail on its way to the SMTP server.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The outbox row: also the mail's Message-ID, the same on every try.
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// For the `List-Unsubscribe` header.
    pub unsubscribe_url: String,
}

/// Something that hands mails to an SMTP server (the server's: `Smtp` in mailer.rs).
pub trait Transport: Send + Sync {
    /// Delivers one mail; the error says why the server did not take it.
    fn send(&self, mail: &Outgoing) -> Result<(), String>;
}

type HmacSha256 = Hmac<Sha256>;

fn unsubscribe_mac(key: &[u8], user_id: &str) -> HmacSha256 {
    // A key of any length is accepted by HMAC; this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(b"unsubscribe:");
    mac.update(user_id.as_bytes());
    mac
}

/// The token of a user's unsubscribe link: the user id and a signature, so the link
/// works without signing in and cannot be made for someone else.
pub fn unsubscribe_token(key: &[u8], user_id: &str) -> String {
    let tag = unsubscribe_mac(key, user_id).finalize().into_bytes();
    format!("{user_id}.{}", hex::encode(&tag[..16]))
}

/// The user id a token was made for, when its signature is right.
pub fn unsubscribe_user(key: &[u8], token: &str) -> Option<String> {
    let (user_id, tag) = token.rsplit_once('.')?;
    let tag = hex::decode(tag).ok()?;
    if tag.len() != 16 {
        return None;
    }
    unsubscribe_mac(key, user_id)
        .verify_truncated_left(&tag)
        .ok()
        .map(|()| user_id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_for_shape_and_the_domain_is_lower_cased() {
        assert_eq!(clean_address("  "), Ok(None));
        assert_eq!(
            clean_address(" Ivan.Petrov@Vector.RU "),
            Ok(Some("Ivan.Petrov@vector.ru".into()))
        );
        assert_eq!(clean_address("кадры@пример.рф"), Ok(Some("кадры@пример.рф".into())));
        for bad in [
            "ivan",
            "ivan@",
            "@vector.ru",
            "ivan@vector",
            "ivan petrov@vector.ru",
            "ivan@vector..ru",
            "ivan@-vector.ru",
            "a@b@vector.ru",
            "<ivan@vector.ru>",
            "ivan@vector.ru\r\nBcc: x@y.z",
        ] {
            assert_eq!(clean_address(bad), Err("invalid_email"), "{bad}");
        }
        assert!(clean_address(&format!("{}@vector.ru", "a".repeat(65))).is_err());
    }

    fn words_fill(text: &str, name: &str, value: &str) -> String {
        text.replace(&format!("{{{name}}}"), value)
    }

    #[test]
    fn a_digest_groups_lines_by_kind_links_each_and_ends_with_the_way_out() {
        let heading = |k: ItemKind| format!("H-{}", k.key());
        let words = Words {
            subject: "Digest {date}: {n}",
            greeting: "Hello, {name}!",
            intro: "On {date} at {organization}:",
            heading: &heading,
            footer: "Stop:",
        };
        let item = |kind, text: &str, link: &str| Item {
            kind,
            text: text.into(),
            link: link.into(),
        };
        let items = [
            item(ItemKind::Notice, "answered", "/versions/v1#c1"),
            item(ItemKind::Visa, "Storekeeper, rev. 2", "/versions/v2"),
            item(ItemKind::Visa, "Driver, rev. 1", "/versions/v3"),
        ];
        let to = Heading {
            name: "Ivan",
            organization: "Vector",
            date: "07.12.2026",
        };
        let mail = digest(
            &words,
            &words_fill,
            &to,
            &items,
            "https://jd.example",
            "https://jd.example/mail/unsubscribe/t",
        )
        .expect("a digest");
        assert_eq!(mail.subject, "Digest 07.12.2026: 3");
        let visa = mail.body.find("H-visa (2):").expect("visa heading");
        let notice = mail.body.find("H-notice (1):").expect("notice heading");
        assert!(visa < notice, "visas come first:\n{}", mail.body);
        assert!(!mail.body.contains("H-approval"), "empty groups are left out");
        assert!(mail
            .body
            .contains("  • Driver, rev. 1\n    https://jd.example/versions/v3\n"));
        assert!(mail.body.starts_with("Hello, Ivan!\n\nOn 07.12.2026 at Vector:\n"));
        assert!(mail.body.ends_with("Stop:\nhttps://jd.example/mail/unsubscribe/t\n"));
        assert_eq!(digest(&words, &words_fill, &to, &[], "", ""), None);
    }

    #[test]
    fn an_unsubscribe_token_names_its_user_and_cannot_be_forged() {
        let key = b"0123456789abcdef0123456789abcdef";
        let t = unsubscribe_token(key, "user-1");
        assert_eq!(unsubscribe_user(key, &t).as_deref(), Some("user-1"));
        let other = t.replace("user-1", "user-2");
        assert_eq!(
            unsubscribe_user(key, &other),
            None,
            "another user's id with this signature"
        );
        assert_eq!(unsubscribe_user(b"another key, another installation", &t), None);
        assert_eq!(unsubscribe_user(key, "user-1"), None);
        assert_eq!(unsubscribe_user(key, "user-1.zz"), None);
        assert_eq!(unsubscribe_user(key, "user-1.00"), None);
    }
}
