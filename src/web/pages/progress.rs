//! A bulk run's page, sent as it goes: the page's head at once, a row as each item
//! is done, the summary at the end. The browser shows rows as they arrive, so a run
//! of hundreds of items shows its progress without any script.

use actix_session::Session;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use futures_util::stream;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::clock::Clock;
use crate::db::DbConn;
use crate::i18n::{self, strings, Locale};
use crate::services::bulk::{BulkResult, Outcome, Progress};
use crate::services::ServiceError;
use crate::web::auth::CurrentUser;
use crate::web::error::AppError;
use crate::web::state::AppState;
use crate::web::templates::{base_context, render_part};

/// Where the rows go in the rendered page.
const ROWS: &str = "<!--rows-->";

/// What a run tells its page.
enum Event {
    Start(usize),
    Item(Outcome),
    Done(Result<BulkResult, AppError>),
}

/// Passes a run's progress to its page.
struct Sender(UnboundedSender<Event>);

impl Progress for Sender {
    fn start(&mut self, total: usize) {
        let _ = self.0.send(Event::Start(total));
    }

    fn item(&mut self, outcome: &Outcome) {
        let _ = self.0.send(Event::Item(outcome.clone()));
    }
}

/// Runs `work` (`what` names it: `documents`, `send`, `paper`, `acknowledge`) and
/// answers its page as it goes. A refusal before the first item (nothing chosen, too
/// many, no such department) is returned as `Err`, for the caller's usual redirect.
pub async fn run<F>(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    what: &'static str,
    work: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut DbConn, &Clock, &mut dyn Progress) -> Result<BulkResult, ServiceError> + Send + 'static,
{
    let (tx, mut rx) = unbounded_channel();
    let (st, done, locale) = (state.clone(), tx.clone(), i18n::current());
    // The run goes on by itself: a reader who closes the page does not stop it halfway.
    actix_web::rt::spawn(i18n::scope(locale, async move {
        let result = st.with_clock(move |c, clock| work(c, clock, &mut Sender(tx))).await;
        let _ = done.send(Event::Done(result));
    }));
    let total = match rx.recv().await {
        Some(Event::Start(total)) => total,
        Some(Event::Done(Err(e))) => return Err(e),
        _ => return Err(AppError::Internal("a bulk run ended without starting".into())),
    };
    let mut ctx = base_context(Some(&user.0), session)?;
    ctx.insert("title", &strings().get(&format!("bulk.title_{what}")));
    ctx.insert("total", &total);
    ctx.insert("what", what);
    let page = render_part("bulk_result.html", ctx)?;
    let (head, tail) = page
        .split_once(ROWS)
        .ok_or_else(|| AppError::Internal("bulk_result.html has no rows mark".into()))?;
    let first = Bytes::from(head.to_string());
    let body = stream::unfold(
        Some(Rows {
            rx,
            what,
            locale,
            tail: tail.to_string(),
            first: Some(first),
        }),
        |rows| async move {
            let mut rows = rows?;
            if let Some(first) = rows.first.take() {
                return Some((Ok::<_, actix_web::Error>(first), Some(rows)));
            }
            let chunk = match rows.rx.recv().await {
                Some(Event::Item(o)) => rows.row(&o),
                Some(Event::Done(r)) => return Some((Ok(rows.end(r)), None)),
                Some(Event::Start(_)) => String::new(),
                None => return Some((Ok(Bytes::from(rows.tail.clone())), None)),
            };
            Some((Ok(Bytes::from(chunk)), Some(rows)))
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .streaming(body))
}

/// The page's rows still to come.
struct Rows {
    rx: UnboundedReceiver<Event>,
    what: &'static str,
    locale: Locale,
    tail: String,
    first: Option<Bytes>,
}

impl Rows {
    /// One item's row, in the request's language (the body is sent after the handler).
    fn row(&self, o: &Outcome) -> String {
        i18n::sync_scope(self.locale, || {
            let mut ctx = tera::Context::new();
            ctx.insert("o", o);
            ctx.insert("what", self.what);
            ctx.insert("said", &o.said(self.what));
            render_part("bulk_row.html", ctx).unwrap_or_default()
        })
    }

    /// The summary and the rest of the page.
    fn end(&self, result: Result<BulkResult, AppError>) -> Bytes {
        let summary = i18n::sync_scope(self.locale, || {
            let mut ctx = tera::Context::new();
            match &result {
                Ok(r) => {
                    ctx.insert("said", &r.summary());
                    ctx.insert("kind", if r.refused > 0 { "warning" } else { "done" });
                }
                Err(e) => {
                    tracing::error!(error = %e, "bulk run failed");
                    ctx.insert("said", &strings().get("bulk.broken"));
                    ctx.insert("kind", "refused");
                }
            }
            render_part("bulk_summary.html", ctx).unwrap_or_default()
        });
        Bytes::from(self.tail.replacen("<!--summary-->", &summary, 1))
    }
}
