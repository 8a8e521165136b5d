//! The three sheets: the job description, the acknowledgement sheet, the revision register.

use super::input::{RenderInput, SheetChanges, Signature};
use super::layout::{Align, Column, Flow, Style, LEFT, MM, TEXT_W};
use super::text::Face;
use crate::domain::language::{fill, Words};
use crate::domain::staff::initials;

pub(super) const BODY: Style = Style::new(Face::Regular, 12.0);
const BODY_BOLD: Style = Style::new(Face::Bold, 12.0);
pub(super) const BOLD: Style = Style::new(Face::Bold, 12.0);
pub(super) const HEAD: Style = Style::new(Face::Bold, 13.0);
const SMALL: Style = Style::new(Face::Regular, 9.0);
const SMALL_BOLD: Style = Style::new(Face::Bold, 9.0);
const ITALIC: Style = Style::new(Face::Italic, 10.0);

/// `2026-11-24` -> `24.11.2026`.
pub fn short_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// A signature: position, then a line or the electronic-signature mark, then the name.
fn signature(flow: &mut Flow, words: &Words, s: &Signature, x: f32, w: f32) {
    flow.paragraph(BODY, &s.position, x, w, Align::Left, None, 1);
    match &s.electronic {
        Some(e) => {
            flow.skip(2.0);
            let top = flow.y();
            flow.paragraph(SMALL_BOLD, words.e_signed, x + 4.0, w - 8.0, Align::Left, None, 3);
            flow.paragraph(
                SMALL,
                &fill(words.signed_by, &[("who", &e.signed_by)]),
                x + 4.0,
                w - 8.0,
                Align::Left,
                None,
                1,
            );
            flow.paragraph(
                SMALL,
                &fill(words.at_code, &[("at", &e.at), ("code", &e.code)]),
                x + 4.0,
                w - 8.0,
                Align::Left,
                None,
                1,
            );
            let bottom = flow.y() + 2.0;
            flow.rule(x, x + w, top);
            flow.rule(x, x + w, bottom);
            flow.skip(4.0);
            flow.paragraph(BODY, &initials(&s.name), x, w, Align::Right, None, 1);
        }
        None => {
            let line = format!("________________ {}", initials(&s.name));
            flow.paragraph(BODY, &line, x, w, Align::Left, None, 1);
        }
    }
    if let Some(d) = &s.date {
        flow.paragraph(BODY, &words.long_date(d), x, w, Align::Left, None, 1);
    }
}

/// The job description: requisites, approval stamp, title, sections, signatures, visas, QR code.
pub fn document(flow: &mut Flow, input: &RenderInput) {
    let words = input.document.language.words();
    flow.paragraph(
        BOLD,
        &input.organization.full_name,
        LEFT,
        TEXT_W * 0.5,
        Align::Left,
        None,
        1,
    );
    // The approval stamp, top right.
    let stamp_x = LEFT + TEXT_W * 0.55;
    let stamp_w = TEXT_W * 0.45;
    let after_org = flow.y();
    let top = flow.y().min(super::layout::TOP + 2.0 * BODY.leading());
    flow.skip(top - flow.y());
    flow.paragraph(BOLD, words.approve, stamp_x, stamp_w, Align::Left, None, 1);
    match &input.approval {
        Some(a) => {
            signature(flow, words, a, stamp_x, stamp_w);
            if let Some(order) = &input.document.order {
                flow.paragraph(BODY, order, stamp_x, stamp_w, Align::Left, None, 1);
            }
        }
        None => {
            flow.paragraph(BODY, "________________________", stamp_x, stamp_w, Align::Left, None, 1);
            flow.paragraph(BODY, words.name_blank, stamp_x, stamp_w, Align::Left, None, 1);
            flow.paragraph(BODY, words.date_blank, stamp_x, stamp_w, Align::Left, None, 1);
        }
    }
    if flow.y() < after_org {
        flow.skip(after_org - flow.y());
    }
    flow.skip(BODY.leading());
    flow.paragraph(HEAD, words.doctype, LEFT, TEXT_W, Align::Left, None, 1);
    let number = input
        .document
        .registration_number
        .clone()
        .unwrap_or_else(|| "______".into());
    let date = input
        .document
        .approved_on
        .as_deref()
        .map(short_date)
        .unwrap_or_else(|| "__________".into());
    flow.paragraph(BODY, &format!("{date} № {number}"), LEFT, TEXT_W, Align::Left, None, 1);
    if !input.organization.city.is_empty() {
        flow.paragraph(BODY, &input.organization.city, LEFT, TEXT_W, Align::Left, None, 1);
    }
    flow.skip(BODY.leading() * 0.5);
    flow.paragraph(BOLD, &of_position(input), LEFT, TEXT_W, Align::Left, None, 1);
    flow.skip(BODY.leading());

    for s in &input.sections {
        let title = match s.number {
            Some(n) => format!("{n}. {}", s.heading),
            None => s.heading.clone(),
        };
        flow.heading(HEAD, &title, BODY.leading());
        for c in &s.clauses {
            let extra = (c.depth.saturating_sub(1)) as f32 * 8.0 * MM;
            let prefix = if c.number.is_empty() {
                "–".to_string()
            } else {
                format!("{}.", c.number)
            };
            flow.paragraph(
                BODY,
                &c.text,
                LEFT + extra,
                TEXT_W - extra,
                Align::Justify,
                Some(&prefix),
                2,
            );
        }
        flow.skip(BODY.leading() * 0.4);
    }

    flow.skip(BODY.leading());
    if let Some(a) = &input.author {
        flow.ensure(BODY.leading() * 4.0);
        signature(flow, words, a, LEFT, TEXT_W * 0.6);
        flow.skip(BODY.leading());
    }
    if !input.visas.is_empty() {
        flow.ensure(BODY.leading() * 5.0);
        flow.paragraph(BOLD, words.agreed, LEFT, TEXT_W, Align::Left, None, 1);
        for v in &input.visas {
            flow.ensure(BODY.leading() * 4.0);
            signature(flow, words, v, LEFT, TEXT_W * 0.6);
            if v.remarks {
                flow.paragraph(ITALIC, words.remarks_attached, LEFT, TEXT_W * 0.6, Align::Left, None, 1);
            }
            flow.skip(BODY.leading() * 0.5);
        }
    }
    if let Some(url) = &input.document.verify_url {
        qr_block(flow, words, url, input.document.content_hash.as_deref());
    }
    if !input.remarks.is_empty() {
        remarks_sheet(flow, input);
    }
}

/// The remarks the visas refer to («Замечания прилагаются»), on a sheet of their own.
fn remarks_sheet(flow: &mut Flow, input: &RenderInput) {
    let words = input.document.language.words();
    flow.new_page();
    flow.heading(HEAD, words.remarks_sheet, BODY.leading());
    flow.paragraph(
        BODY,
        &fill(
            words.remarks_of,
            &[
                ("of", &of_position(input)),
                ("version", &input.document.version.to_string()),
            ],
        ),
        LEFT,
        TEXT_W,
        Align::Center,
        None,
        1,
    );
    flow.skip(BODY.leading() * 0.5);
    let rows: Vec<Vec<String>> = input
        .remarks
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let clause = if r.clause.is_empty() {
                words.remark_with_visa.to_string()
            } else {
                r.clause.clone()
            };
            vec![
                (i + 1).to_string(),
                clause,
                r.text.clone(),
                format!("{}\n{}", r.who, r.at),
            ]
        })
        .collect();
    flow.table(&remarks_columns(words), &rows, SMALL_BOLD, SMALL, 0.0);
}

/// The remarks sheet's columns.
fn remarks_columns(words: &Words) -> [Column; 4] {
    columns(&words.remarks_columns, [12.0, 18.0, 100.0, 50.0])
}

/// Columns of `titles` and widths in millimetres.
fn columns<const N: usize>(titles: &[&str; N], widths: [f32; N]) -> [Column; N] {
    std::array::from_fn(|i| Column::mm(titles[i], widths[i]))
}

/// The position as named after the document's type in its language.
fn of_position(input: &RenderInput) -> String {
    input
        .document
        .language
        .words()
        .of(&input.position.title, &input.position.title_genitive)
}

/// The modules of a QR code for `data` (level M), row by row, `true` for dark.
///
/// The mask is fixed instead of picked by penalty score as `QrCode::new` does:
/// every mask decodes, and scoring all eight cost more than laying out the
/// whole document (see docs/pdf.md, "Speed").
pub fn qr_modules(data: &[u8]) -> Option<(usize, Vec<bool>)> {
    use qrcode::{canvas, ec, EcLevel};
    let bits = qrcode::bits::encode_auto(data, EcLevel::M).ok()?;
    let version = bits.version();
    let (codewords, correction) = ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).ok()?;
    let mut canvas = canvas::Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&codewords, &correction);
    canvas.apply_mask(canvas::MaskPattern::Checkerboard);
    let width = usize::try_from(version.width()).ok()?;
    let dark = canvas
        .into_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Some((width, dark))
}

/// The QR code leading to the verification page, with the content hash beside it.
fn qr_block(flow: &mut Flow, words: &Words, url: &str, hash: Option<&str>) {
    let Some((n, dark)) = qr_modules(url.as_bytes()) else {
        return;
    };
    let module = 1.6;
    let side = n as f32 * module;
    flow.ensure(side + BODY.leading());
    flow.skip(BODY.leading() * 0.5);
    let top = flow.y();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if dark[row * n + col] {
                let start = col;
                while col < n && dark[row * n + col] {
                    col += 1;
                }
                flow.fill_rect(
                    LEFT + start as f32 * module,
                    top + row as f32 * module,
                    (col - start) as f32 * module,
                    module,
                );
            } else {
                col += 1;
            }
        }
    }
    let text_x = LEFT + side + 4.0 * MM;
    let text_w = TEXT_W - side - 4.0 * MM;
    flow.paragraph(SMALL, words.verify, text_x, text_w, Align::Left, None, 1);
    flow.paragraph(SMALL, url, text_x, text_w, Align::Left, None, 1);
    if let Some(h) = hash {
        flow.paragraph(SMALL, &format!("SHA-256: {h}"), text_x, text_w, Align::Left, None, 1);
    }
    let bottom = top + side;
    if flow.y() < bottom {
        flow.skip(bottom - flow.y());
    }
}

/// The columns of the journal printed with the register.
fn journal_columns(words: &Words) -> [Column; 3] {
    columns(&words.journal_columns, [28.0, 52.0, 100.0])
}

/// The acknowledgement sheet's columns (the paper form's).
fn sheet_columns(words: &Words) -> [Column; 4] {
    columns(&words.ack_columns, [12.0, 62.0, 30.0, 76.0])
}

/// The revision register's columns (GOST R 7.0.97 appendix form), each header word whole.
fn register_columns(words: &Words) -> [Column; 8] {
    columns(
        &words.register_columns,
        [12.0, 28.0, 20.0, 20.0, 20.0, 22.0, 36.0, 22.0],
    )
}

/// The acknowledgement sheet, with blank rows to the end of the page for paper signatures.
pub fn acknowledgement_sheet(flow: &mut Flow, input: &RenderInput) {
    let words = input.document.language.words();
    flow.heading(HEAD, words.ack_sheet, BODY.leading());
    flow.paragraph(
        BODY,
        &fill(words.ack_of, &[("of", &of_position(input))]),
        LEFT,
        TEXT_W,
        Align::Center,
        None,
        1,
    );
    if let Some(n) = &input.document.registration_number {
        flow.paragraph(
            BODY,
            &fill(
                words.number_version,
                &[("number", n), ("version", &input.document.version.to_string())],
            ),
            LEFT,
            TEXT_W,
            Align::Center,
            None,
            1,
        );
    }
    flow.skip(BODY.leading() * 0.5);
    // As on the paper form (seed 002): the statement, then one row per employee. The
    // position is the sheet's own, named above, not repeated on every row.
    flow.paragraph(BODY_BOLD, words.acknowledged, LEFT, TEXT_W, Align::Left, None, 2);
    flow.skip(BODY.leading() * 0.3);
    let cols = sheet_columns(words);
    let rows: Vec<Vec<String>> = input
        .acknowledgements
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let sign = match &a.electronic {
                Some(e) => fill(words.signed_simply, &[("at", &e.at), ("code", &e.code)]),
                None => String::new(),
            };
            vec![(i + 1).to_string(), a.name.clone(), a.date.clone(), sign]
        })
        .collect();
    flow.table(&cols, &rows, SMALL_BOLD, SMALL, 10.0 * MM);
    flow.blank_rows(&cols, SMALL, 10.0 * MM);
}

fn sheet_list(words: &Words, s: &SheetChanges) -> String {
    let list = |v: &[usize]| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
        }
    };
    fill(
        words.sheets,
        &[
            ("changed", &list(&s.changed)),
            ("replaced", &list(&s.replaced)),
            ("new", &list(&s.new)),
            ("cancelled", &list(&s.cancelled)),
        ],
    )
}

/// The revision register and, as its second part, the journal of every change.
pub fn register(flow: &mut Flow, input: &RenderInput) {
    let words = input.document.language.words();
    flow.heading(HEAD, words.register_sheet, BODY.leading());
    flow.paragraph(
        BODY,
        &fill(words.register_of, &[("of", &of_position(input))]),
        LEFT,
        TEXT_W,
        Align::Center,
        None,
        1,
    );
    flow.skip(BODY.leading() * 0.5);
    let cols = register_columns(words);
    let rows: Vec<Vec<String>> = input
        .register
        .iter()
        .map(|r| {
            vec![
                r.change_number.to_string(),
                sheet_list(words, &r.sheets),
                r.total_sheets.map(|n| n.to_string()).unwrap_or_default(),
                short_date(&r.entered),
                short_date(&r.effective),
                r.basis.clone(),
                r.content
                    .iter()
                    .enumerate()
                    .map(|(i, l)| format!("{}) {l};", i + 1))
                    .collect::<Vec<_>>()
                    .join("\n"),
                // The name, and a line to sign on: the register is signed on paper.
                format!("{}\n\n____________", r.author),
            ]
        })
        .collect();
    flow.table(&cols, &rows, SMALL_BOLD, SMALL, 8.0 * MM);
    flow.skip(BODY.leading());
    flow.heading(HEAD, words.journal_title, BODY.leading());
    let cols = journal_columns(words);
    let rows: Vec<Vec<String>> = input
        .journal
        .iter()
        .map(|j| vec![j.at.clone(), j.who.clone(), j.what.clone()])
        .collect();
    flow.table(&cols, &rows, SMALL_BOLD, SMALL, 0.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::language::DocLanguage;

    #[test]
    fn every_table_header_word_fits_its_column_whole() {
        let tables = DocLanguage::ALL.map(|l| {
            let w = l.words();
            [
                register_columns(w).to_vec(),
                sheet_columns(w).to_vec(),
                journal_columns(w).to_vec(),
                remarks_columns(w).to_vec(),
            ]
        });
        for cols in tables.iter().flatten() {
            let total: f32 = cols.iter().map(|c| c.width).sum();
            assert!(
                (total - crate::pdf::layout::TEXT_W).abs() < 0.5,
                "a table spans the text width"
            );
            for c in cols {
                for word in c.title.split_whitespace() {
                    let w = crate::pdf::text::width(SMALL_BOLD.face, SMALL_BOLD.size, word);
                    assert!(
                        w <= c.width - 2.0 * crate::pdf::layout::CELL_PAD,
                        "«{word}» does not fit «{}» ({w:.1} > {:.1})",
                        c.title,
                        c.width - 2.0 * crate::pdf::layout::CELL_PAD
                    );
                }
            }
        }
    }

    #[test]
    fn the_qr_code_decodes_to_the_verification_address() {
        let url = format!("https://jobdesc.example.org/verify/{}", "0123456789abcdef".repeat(4));
        let (n, dark) = qr_modules(url.as_bytes()).expect("fits in a QR code");
        assert_eq!(dark.len(), n * n);
        // Drawn four pixels a module with the four-module quiet zone, then read by rqrr.
        let (scale, quiet) = (4, 4);
        let side = (n + 2 * quiet) * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (col, row) = ((x / scale).wrapping_sub(quiet), (y / scale).wrapping_sub(quiet));
            let is_dark = col < n && row < n && dark[row * n + col];
            if is_dark {
                0
            } else {
                255
            }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one code found");
        let (_, content) = grids[0].decode().expect("decodes");
        assert_eq!(content, url);
    }

    #[test]
    fn dates_and_names_as_on_paper() {
        let long_date = |d: &str| DocLanguage::Ru.words().long_date(d);
        assert_eq!(long_date("2026-11-24"), "«24» ноября 2026 г.");
        assert_eq!(long_date("2026-03-05"), "«05» марта 2026 г.");
        assert_eq!(short_date("2026-03-05"), "05.03.2026");
        assert_eq!(initials("Воронцов Андрей Викторович"), "А.В. Воронцов");
    }
}
