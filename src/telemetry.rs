//! Structured logs with `tracing`; each request gets a request id (tracing-actix-web).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber: human-readable text or JSON lines on standard error.
pub fn init(level: &str, format: &str) {
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (as in tests) is harmless, so its error is ignored.
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
