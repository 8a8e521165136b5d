//! Tables for a spreadsheet: CSV as Excel opens it in a Russian locale (UTF-8 with a
//! byte-order mark, `;` between cells, every cell quoted, CRLF line ends).

use actix_web::http::header;
use actix_web::HttpResponse;

/// The table as CSV text.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let line = |cells: &[String]| {
        cells
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(";")
            + "\r\n"
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&line(header));
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

/// The table as a download named `title.csv` (`ascii` for clients without RFC 5987).
pub fn download(title: &str, ascii: &str, header: &[String], rows: &[Vec<String>]) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{ascii}.csv\"; filename*=UTF-8''{}.csv",
                crate::web::pdf::rfc5987(title)
            ),
        ))
        .body(table(header, rows))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_are_quoted_and_quotes_doubled() {
        let csv = super::table(
            &["Рег. №".into(), "Должность".into()],
            &[vec!["ДИ-1".into(), "мастер \"А\"; смена".into()]],
        );
        assert_eq!(
            csv,
            "\u{feff}\"Рег. №\";\"Должность\"\r\n\"ДИ-1\";\"мастер \"\"А\"\"; смена\"\r\n"
        );
    }
}
