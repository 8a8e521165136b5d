//! Webhooks, independent of storage and HTTP: the events other systems may
//! subscribe to, which endpoint addresses are accepted, and the signature that
//! lets a receiver check a body came from this installation, unaltered.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a webhook announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    /// A version was approved and comes into force.
    VersionApproved,
    /// A new revision of an approved job description was started.
    RevisionCreated,
    /// An employee acknowledged a version (electronically or on paper).
    AcknowledgementSigned,
    /// An acknowledgement is past its due date (announced once).
    AcknowledgementOverdue,
    /// A test delivery asked for by an administrator.
    Ping,
}

impl Event {
    /// The events an endpoint can subscribe to.
    pub const SUBSCRIBABLE: [Event; 4] = [
        Event::VersionApproved,
        Event::RevisionCreated,
        Event::AcknowledgementSigned,
        Event::AcknowledgementOverdue,
    ];

    /// The name in bodies, headers and settings.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::VersionApproved => "version.approved",
            Event::RevisionCreated => "revision.created",
            Event::AcknowledgementSigned => "acknowledgement.signed",
            Event::AcknowledgementOverdue => "acknowledgement.overdue",
            Event::Ping => "ping",
        }
    }

    /// The event of a name, if it is one an endpoint can subscribe to.
    pub fn parse(s: &str) -> Option<Event> {
        Event::SUBSCRIBABLE.into_iter().find(|e| e.as_str() == s.trim())
    }
}

/// Longest endpoint address accepted.
const URL_MAX: usize = 2000;

/// Cleans an endpoint address: `http` or `https`, a host, nothing that is not part
/// of a URL. Returns the error code otherwise.
pub fn clean_url(raw: &str) -> Result<String, &'static str> {
    let url = raw.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("invalid_webhook_url")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let ok =
        url.len() <= URL_MAX && !host.is_empty() && !host.starts_with(':') && url.chars().all(|c| c.is_ascii_graphic());
    if ok {
        Ok(url.to_string())
    } else {
        Err("invalid_webhook_url")
    }
}

/// Cleans a list of event names: at least one, each known, each once, in a fixed order.
pub fn clean_events(names: &[String]) -> Result<Vec<Event>, &'static str> {
    let mut events = Vec::new();
    for n in names {
        events.push(Event::parse(n).ok_or("unknown_event")?);
    }
    events.sort();
    events.dedup();
    if events.is_empty() {
        return Err("required");
    }
    Ok(events)
}

/// The `X-Jobdesc-Signature` of a body sent at `timestamp` (Unix seconds):
/// `sha256=` and the hex HMAC-SHA256 of `"{timestamp}.{body}"` under the endpoint's
/// secret. The timestamp is signed too, so a receiver can refuse an old body replayed.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // A key of any length is accepted by HMAC; this cannot fail.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// One delivery on its way: where, what, signed how.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: String,
    /// Name and value of each header beyond the content type.
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: String,
}

/// What the receiver answered: its HTTP status, or why there was no answer.
pub type Answer = Result<u16, String>;

/// Something that posts webhook requests (the server's: `Http` in webhook_client.rs).
pub trait Poster: Send + Sync {
    /// Posts one request and returns the status the receiver answered with.
    fn post(&self, request: &Request) -> Answer;
}

/// True when the receiver took the delivery (any 2xx).
pub fn accepted(answer: &Answer) -> bool {
    matches!(answer, Ok(s) if (200..300).contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_http_urls_with_a_host() {
        assert_eq!(
            clean_url(" https://1c.vector.example/hs/jobdesc?x=1 "),
            Ok("https://1c.vector.example/hs/jobdesc?x=1".into())
        );
        assert!(clean_url("http://127.0.0.1:8080/hook").is_ok());
        for bad in [
            "",
            "1c.vector.example/hook",
            "ftp://1c.vector.example/",
            "https://",
            "https:///path",
            "https://:80/",
            "https://host/with space",
            "javascript:alert(1)",
        ] {
            assert_eq!(clean_url(bad), Err("invalid_webhook_url"), "{bad:?}");
        }
        assert!(clean_url(&format!("https://h.example/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn events_are_known_names_each_once() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            clean_events(&names(&[
                "acknowledgement.signed",
                "version.approved",
                "version.approved"
            ])),
            Ok(vec![Event::VersionApproved, Event::AcknowledgementSigned])
        );
        assert_eq!(clean_events(&names(&["version.deleted"])), Err("unknown_event"));
        assert_eq!(
            clean_events(&names(&["ping"])),
            Err("unknown_event"),
            "ping is not subscribed to"
        );
        assert_eq!(clean_events(&[]), Err("required"));
        for e in Event::SUBSCRIBABLE {
            assert_eq!(Event::parse(e.as_str()), Some(e));
        }
    }

    #[test]
    fn the_signature_covers_the_time_and_the_body() {
        // What a receiver computes with Python's hmac module (docs/webhooks.md).
        let s = signature("whsec_test", 1_796_600_000, r#"{"event":"ping"}"#);
        assert_eq!(
            s,
            "sha256=a4e40c0c9e5635165808d27c9bbb07a226dad4e036ec012b6ca809b367a466c5"
        );
        assert_ne!(s, signature("whsec_test", 1_796_600_001, r#"{"event":"ping"}"#));
        assert_ne!(s, signature("whsec_test", 1_796_600_000, r#"{"event":"pong"}"#));
        assert_ne!(s, signature("whsec_other", 1_796_600_000, r#"{"event":"ping"}"#));
    }

    #[test]
    fn only_a_2xx_is_taken() {
        assert!(accepted(&Ok(200)) && accepted(&Ok(204)));
        assert!(!accepted(&Ok(301)) && !accepted(&Ok(500)) && !accepted(&Err("refused".into())));
    }
}
