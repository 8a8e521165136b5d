//! Finding things (issue 14, point 6): search and filters on the lists, which positions
//! have a job description, and the register of job descriptions.

use awc::http::StatusCode;

use crate::helpers::{TestApp, Web, PASSWORD};
use crate::workflow::{approve_through, story};

async fn signed_in(app: &TestApp, login: &str) -> Web {
    let mut web = Web::new(&app.base);
    let (status, _) = web.login(login, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{login} signs in");
    web
}

/// The texts of the first cells of a list page's rows.
fn first_cells(body: &str) -> Vec<String> {
    body.split("<tbody>")
        .nth(1)
        .unwrap_or_default()
        .split("<tr>")
        .skip(1)
        // The first cell that says something (a column of checkboxes comes before it).
        .filter_map(|row| {
            row.split("<td>")
                .skip(1)
                .find(|c| !c.starts_with("<input") && !c.starts_with("</td>"))
        })
        .map(|cell| {
            let text = cell.split("</td>").next().unwrap_or_default();
            let text = text.rsplit_once("\">").map_or(text, |(_, t)| t);
            text.trim_end_matches("</a>").to_string()
        })
        .collect()
}

async fn lists_are_searched_and_filtered_and_the_register_lists_what_was_approved(app: TestApp) {
    let s = story(&app).await;
    approve_through(&s, &s.version).await;
    let mut hr = signed_in(&app, "hr").await;

    // Positions say which have a job description, and can be narrowed to those without.
    let all = hr.get("/positions").await;
    assert!(all.body.contains("Должностная инструкция"), "the column");
    assert!(all.body.contains("утверждена, ред. 1, №"), "{}", all.body);
    let without = hr.get("/positions?without=1").await;
    assert_eq!(
        first_cells(&without.body),
        vec!["заведующий складом"],
        "{}",
        without.body
    );
    // Any word form, any case: «кладовщика» finds «кладовщик», «КЛАДОВЩИК» too; «заведующего» finds the head and the one reporting to him.
    assert_eq!(
        first_cells(
            &hr.get("/positions?q=%D0%BA%D0%BB%D0%B0%D0%B4%D0%BE%D0%B2%D1%89%D0%B8%D0%BA%D0%B0")
                .await
                .body
        ),
        vec!["кладовщик"]
    );
    assert_eq!(
        first_cells(
            &hr.get("/positions?q=%D0%9A%D0%9B%D0%90%D0%94%D0%9E%D0%92%D0%A9%D0%98%D0%9A")
                .await
                .body
        ),
        vec!["кладовщик"]
    );
    assert_eq!(
        first_cells(
            &hr.get("/positions?q=%D0%B7%D0%B0%D0%B2%D0%B5%D0%B4%D1%83%D1%8E%D1%89%D0%B5%D0%B3%D0%BE")
                .await
                .body
        ),
        vec!["заведующий складом", "кладовщик"]
    );
    let none = hr
        .get("/positions?q=%D0%B1%D1%83%D1%85%D0%B3%D0%B0%D0%BB%D1%82%D0%B5%D1%80")
        .await;
    assert!(none.body.contains("Ничего не найдено"));
    // Employees by surname in another case; assignments by the employee or the position.
    assert_eq!(
        first_cells(
            &hr.get("/employees?q=%D1%81%D0%BE%D0%BA%D0%BE%D0%BB%D0%BE%D0%B2%D0%B0")
                .await
                .body
        )
        .len(),
        1
    );
    let assignments = hr.get("/assignments?q=%D0%9E%D1%80%D0%BB%D0%BE%D0%B2%D0%B0").await;
    assert_eq!(first_cells(&assignments.body).len(), 1, "{}", assignments.body);

    // Documents by words and by status; the filter stays in the search box.
    let docs = hr
        .get("/documents?q=%D1%81%D0%BA%D0%BB%D0%B0%D0%B4&status=approved")
        .await;
    assert_eq!(first_cells(&docs.body), vec!["кладовщик"], "{}", docs.body);
    assert!(docs.body.contains("value=\"склад\"") && docs.body.contains("value=\"approved\" selected"));
    let drafts = hr.get("/documents?status=draft").await;
    assert!(drafts.body.contains("Ничего не найдено"));

    // The register: number, position, version, status, dates; and as CSV for a spreadsheet.
    let number =
        s.hr.get(&format!("/api/v1/versions/{}/workflow", s.version))
            .await
            .json()["state"]["registration_number"]
            .as_str()
            .expect("a registration number")
            .to_string();
    let registry = hr.get("/documents/registry").await;
    assert_eq!(registry.status, StatusCode::OK);
    assert!(
        registry.body.contains(&number) && registry.body.contains("кладовщик") && registry.body.contains("утверждена")
    );
    let today = app.today().format("%d.%m.%Y").to_string();
    assert!(registry.body.contains(&today), "dates as people write them");
    let csv = hr.get("/documents/registry?format=csv").await;
    assert_eq!(csv.header("content-type").as_deref(), Some("text/csv; charset=utf-8"));
    let mut lines = csv.body.lines();
    assert!(lines
        .next()
        .is_some_and(|h| h.starts_with('\u{feff}') && h.contains("\"Рег. №\"")));
    assert!(lines
        .next()
        .is_some_and(|l| l.starts_with(&format!("\"{number}\";\"кладовщик\""))));
    let narrowed = hr.get("/documents/registry?q=%D1%8E%D1%80%D0%B8%D1%81%D1%82").await;
    assert!(!narrowed.body.contains(&number));
}

crate::on_both_backends!(lists_are_searched_and_filtered_and_the_register_lists_what_was_approved);

async fn the_library_picker_offers_what_suits_the_position(app: TestApp) {
    let s = story(&app).await;
    let mut hr = signed_in(&app, "hr").await;
    let editor = hr.get(&format!("/versions/{}", s.version)).await;
    let marker = "id=\"s-duties-add\" href=\"";
    let at = editor.body.find(marker).expect("the duties' add link") + marker.len();
    let link = editor.body[at..]
        .split('"')
        .next()
        .unwrap_or_default()
        .replace("&amp;", "&");
    let page = hr.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    let hits = page.body.split("class=\"library-hits\"").nth(1).unwrap_or_default();
    let shown = hits.split("</ul>").next().unwrap_or_default().matches("<li>").count();
    let count = |category| {
        let q = jobdesc::services::library::Query {
            words: String::new(),
            section: Some(jobdesc::domain::document::SectionKind::Duties),
            category,
        };
        jobdesc::services::library::search(&mut app.conn(), &q, jobdesc::services::Page::new(Some(1), Some(100)))
            .expect("search")
            .total as usize
    };
    let worker = count(Some(jobdesc::domain::structure::Category::Worker));
    assert_eq!(
        shown, worker,
        "a storekeeper is offered a worker's duties and those for anyone"
    );
    assert!(worker < count(None), "not every duty of the library");
}

crate::on_both_backends!(the_library_picker_offers_what_suits_the_position);
