//! The generated large organisation (`jobdesc demo --scale`) and the list pages
//! that page through it: here at a two-hundredth of the size, the shape unchanged.

use awc::http::StatusCode;
use diesel::prelude::*;
use jobdesc::db::schema::{acknowledgements, jd_versions};
use jobdesc::services::scale::{self, Scale};
use jobdesc::services::{acknowledgements as acks, coverage, demo, journal, Cursor, Page};

use crate::helpers::{TestApp, Web};

fn generate(app: &TestApp) -> (Scale, scale::ScaleSummary) {
    let size = Scale::large().divided(200);
    let key = app.settings.secret_key.expose().as_bytes().to_vec();
    let summary = scale::load(&mut app.conn(), &app.clock, &(&app.settings).into(), &key, &size).expect("generated");
    (size, summary)
}

/// Every part is as large as asked, every generated row is in the change log,
/// the chain verifies, and what the server reads of it is consistent.
async fn the_generated_organisation_is_whole_and_its_chain_verifies(app: TestApp) {
    let (size, s) = generate(&app);
    assert_eq!(s.positions, size.positions);
    assert_eq!(s.documents, size.positions);
    assert_eq!(s.employees, size.employees);
    assert_eq!(s.versions, size.positions * size.versions_per_document);
    let holders = size.employees.min(size.positions / 2);
    assert_eq!(
        s.acknowledgements,
        holders * (1 + size.past_positions) * size.versions_per_document
    );
    assert_eq!(s.in_agreement, size.in_agreement);
    // A title is a position in several departments, never twice in one.
    let placed: Vec<(String, String)> = jobdesc::db::schema::positions::table
        .select((
            jobdesc::db::schema::positions::department_id,
            jobdesc::db::schema::positions::title,
        ))
        .load(&mut *app.conn())
        .expect("positions");
    let distinct: std::collections::HashSet<&(String, String)> = placed.iter().collect();
    assert_eq!(distinct.len(), placed.len(), "no title twice in a department");

    // The log holds what was asked for (or more, when the rows' own entries exceed it).
    assert!(s.log_entries >= size.log_entries, "{} entries", s.log_entries);
    assert_eq!(app.log_len() as usize, s.log_entries);
    let verdict = journal::verify(&mut app.conn()).expect("verify");
    assert_eq!(verdict, Ok(s.log_entries as u64));

    // Generated seals are made with the server's key: the evidence page accepts them.
    let key = app.settings.secret_key.expose().as_bytes().to_vec();
    let signed: String = acknowledgements::table
        .filter(acknowledgements::signed_at.is_not_null())
        .select(acknowledgements::id)
        .first(&mut *app.conn())
        .expect("a signed acknowledgement");
    let e = acks::evidence(&mut app.conn(), &key, &signed).expect("evidence");
    assert!(e.seal_valid, "generated seal verifies");

    // Coverage, a page at a time, lists every job description once, in title
    // order, with the figures of the whole list where a version is in force.
    let today = app.today();
    let in_force: i64 = jd_versions::table
        .filter(jd_versions::status.eq("approved"))
        .count()
        .get_result(&mut *app.conn())
        .expect("count");
    let all = coverage::coverage(&mut app.conn(), today).expect("coverage");
    assert_eq!(all.len() as i64, in_force);
    // Walked by page number and by cursor from each page's last line: the same lines.
    let mut lines = Vec::new();
    let mut walked = Vec::new();
    let mut after: Option<Cursor> = None;
    for n in 1.. {
        let p = coverage::page(&mut app.conn(), today, Page::new(Some(n), Some(30)), None).expect("page");
        assert_eq!(p.total as usize, s.documents + demo_documents(&app));
        let c = coverage::page(&mut app.conn(), today, Page::new(Some(n), Some(30)), after.as_ref()).expect("page");
        after = c.items.last().map(|l| Cursor::After(l.position_id.clone()));
        walked.extend(c.items.into_iter().map(|l| l.job_description_id));
        if p.items.is_empty() {
            break;
        }
        lines.extend(p.items);
    }
    let numbered: Vec<&String> = lines.iter().map(|l| &l.job_description_id).collect();
    assert_eq!(
        walked.iter().collect::<Vec<_>>(),
        numbered,
        "cursor and page number agree"
    );
    assert_eq!(lines.len(), s.documents + demo_documents(&app), "each document once");
    let paged: Vec<String> = lines
        .iter()
        .filter_map(|l| l.figures.as_ref())
        .map(|r| r.version_id.clone())
        .collect();
    let whole: Vec<String> = all.iter().map(|r| r.version_id.clone()).collect();
    assert_eq!(paged, whole, "the pages hold the whole list's figures, in order");
    assert!(
        lines.iter().any(|l| l.figures.is_none()),
        "the demo's drafts show as not in force"
    );
    let unsigned: usize = all.iter().map(|r| r.pending + r.overdue).sum();
    let expected: i64 = acknowledgements::table
        .inner_join(jd_versions::table.on(jd_versions::id.eq(acknowledgements::version_id)))
        .filter(jd_versions::status.eq("approved"))
        .filter(acknowledgements::signed_at.is_null())
        .count()
        .get_result(&mut *app.conn())
        .expect("count");
    assert_eq!(unsigned as i64, expected);
    assert!(unsigned > 0, "some current holders have not signed yet");
}

async fn hr(app: &TestApp) -> Web {
    let mut web = Web::new(&app.base);
    let (status, _) = web.login("hr", demo::DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    web
}

/// The list pages show a page of the large organisation and link onwards.
async fn list_pages_page_through_the_large_organisation(app: TestApp) {
    let (size, s) = generate(&app);
    let mut web = hr(&app).await;

    let page = web.get("/coverage").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("?page=2"), "coverage links to its next page");
    assert_eq!(page.body.matches("<tr><td>").count(), 50, "one page of positions");
    let last = (s.documents + demo_documents(&app)).div_ceil(50);
    let end = web.get(&format!("/coverage?page={last}")).await;
    assert_eq!(end.status, StatusCode::OK);
    assert!(
        !end.body.contains(&format!("?page={}", last + 1)),
        "the last page links no further"
    );

    let log = web.get("/log").await;
    assert_eq!(log.status, StatusCode::OK);
    let n = app.log_len() as usize;
    let older = format!("/log?before={}", n - 49);
    assert!(log.body.contains(&older), "the newest page links to older entries");
    let page = web.get(&older).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("<tr><td>{}</td>", n - 50)));
    assert!(
        !page.body.contains(&format!("<tr><td>{}</td>", n - 49)),
        "no entry twice"
    );
    assert!(page.body.contains("href=\"/log\""), "a way back to the newest");
    let first = web.get("/log?before=2").await;
    assert!(
        first.body.contains("<tr><td>1</td>") && !first.body.contains("?before="),
        "the oldest page ends the list"
    );

    // A neighbour's link reads the page from the edge row on: the same rows as
    // the page by number, both ways.
    for list in ["/documents", "/coverage", "/positions", "/employees"] {
        let first = web.get(list).await;
        let next = link(&first.body, "next");
        assert!(list == "/employees" || next.contains("&after="), "{list}: {next}");
        let by_link = web.get(&format!("{list}{next}")).await;
        let by_number = web.get(&format!("{list}?page=2")).await;
        assert_eq!(rows(&by_link.body), rows(&by_number.body), "{list} page 2");
        let back = link(&by_link.body, "prev");
        assert_eq!(
            rows(&web.get(&format!("{list}{back}")).await.body),
            rows(&first.body),
            "{list} back to 1"
        );
    }
    let gone = web
        .get("/documents?page=2&after=00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(
        rows(&gone.body),
        rows(&web.get("/documents?page=2").await.body),
        "an unknown edge: the number decides"
    );

    for path in ["/documents?page=2", "/employees?page=2", "/positions?page=3", "/"] {
        assert_eq!(web.get(path).await.status, StatusCode::OK, "{path}");
    }
    let docs = web.get("/documents").await;
    assert!(
        docs.body
            .contains(&format!(": {}.", size.positions + demo_documents(&app))),
        "the total is shown"
    );
}

/// The inbox's reading of the versions in agreement is kept while the change log's
/// head stays put and read again after any change (here, a visa).
async fn the_waiting_versions_are_read_again_only_after_a_change(app: TestApp) {
    use jobdesc::domain::workflow::Decision;
    use jobdesc::services::inbox::{self, WaitingCache};
    use jobdesc::services::{users, workflow};
    let (_, s) = generate(&app);
    let cache = WaitingCache::default();
    let mut conn = app.conn();
    let first = cache.get(&mut conn).expect("waiting");
    assert_eq!(first.len(), s.in_agreement);
    let again = cache.get(&mut conn).expect("waiting");
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "nothing changed: no new reading"
    );
    let head = users::by_login(&mut conn, "head")
        .expect("read")
        .expect("the demo's head")
        .0;
    let tasks = inbox::inbox(&mut conn, &app.clock, &cache, &head).expect("inbox");
    let visa = tasks
        .iter()
        .find(|t| t.kind == "visa")
        .expect("a visa waits for the head");
    let agree = workflow::VisaInput {
        decision: Decision::Agree,
        comment: String::new(),
        on_behalf_of: None,
    };
    workflow::give_visa(&mut conn, &app.clock, &head, &visa.version_id, &agree).expect("visa given");
    let after = cache.get(&mut conn).expect("waiting");
    assert!(!std::sync::Arc::ptr_eq(&first, &after), "the change is seen");
    let tasks = inbox::inbox(&mut conn, &app.clock, &cache, &head).expect("inbox");
    assert!(
        !tasks
            .iter()
            .any(|t| t.kind == "visa" && t.version_id == visa.version_id),
        "the visa given is no longer a task"
    );
}

/// The href of the pager link with this `rel`, unescaped.
fn link(body: &str, rel: &str) -> String {
    let end = body
        .find(&format!("\" rel=\"{rel}\""))
        .unwrap_or_else(|| panic!("a {rel} link"));
    let start = body[..end].rfind("href=\"").expect("href") + 6;
    body[start..end].replace("&amp;", "&")
}

/// The table rows of a list page.
fn rows(body: &str) -> &str {
    let start = body.find("<tbody>").expect("a table");
    let end = body[start..].find("</tbody>").expect("its end") + start;
    &body[start..end]
}

fn demo_documents(app: &TestApp) -> usize {
    use jobdesc::db::schema::job_descriptions;
    let all: i64 = job_descriptions::table
        .count()
        .get_result(&mut *app.conn())
        .expect("count");
    // Everything but the generated ones.
    all as usize - Scale::large().divided(200).positions
}

crate::on_both_backends!(
    the_generated_organisation_is_whole_and_its_chain_verifies,
    list_pages_page_through_the_large_organisation,
    the_waiting_versions_are_read_again_only_after_a_change,
);
