//! The HTTP side of webhooks: deliveries posted by ureq (TLS by rustls), each with a
//! time limit, redirects not followed (an endpoint answers where it was registered).

use std::time::Duration;

use crate::domain::webhook::{Answer, Poster, Request};

/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Posts deliveries over HTTP(S).
pub struct Http {
    agent: ureq::Agent,
}

impl Default for Http {
    fn default() -> Http {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .max_redirects(0)
            // A 4xx or 5xx is an answer to record, not an error.
            .http_status_as_error(false)
            .user_agent(concat!("jobdesc/", env!("CARGO_PKG_VERSION")))
            .build();
        Http { agent: config.into() }
    }
}

impl Poster for Http {
    fn post(&self, request: &Request) -> Answer {
        let mut r = self.agent.post(&request.url).header("content-type", "application/json");
        for (name, value) in &request.headers {
            r = r.header(name, value);
        }
        r.send(request.body.as_str())
            .map(|answer| answer.status().as_u16())
            .map_err(|e| e.to_string())
    }
}
