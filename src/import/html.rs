//! Reader for HTML: block structure from html5ever's tokenizer (no tree needed):
//! p/div/li/h1-h6/td blocks, list levels and simple <ol> numbering, <br> as '\n';
//! script, style, nav and the like dropped.

use super::error::ReadError;
use super::model::Paragraph;
use super::text;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use std::cell::RefCell;

/// Reads HTML bytes into paragraphs; `line` is the source line of the block's start.
pub fn read_html(bytes: &[u8]) -> Result<Vec<Paragraph>, ReadError> {
    let src = text::decode(bytes)?;
    let sink = Sink::default();
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&src));
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tok.feed(&input);
    tok.end();
    let mut st = tok.sink.state.into_inner();
    st.flush();
    if st.out.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(st.out)
}

#[derive(Default)]
struct Sink {
    state: RefCell<Walk>,
}

/// One open list: ordered or not, and the next item number.
struct List {
    ordered: bool,
    next: u32,
}

#[derive(Default)]
struct Walk {
    out: Vec<Paragraph>,
    buf: String,
    buf_line: usize,
    skip_depth: usize,
    lists: Vec<List>,
    heading: Option<u8>,
    list_number: Option<String>,
    list_level: Option<u8>,
    bold_depth: usize,
    bold_text: bool,
    plain_text: bool,
}

const SKIP: &[&str] = &[
    "script", "style", "nav", "noscript", "template", "head", "iframe", "svg", "button", "select", "form",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "th",
    "tr",
    "table",
    "ul",
    "ol",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "body",
    "html",
    "hr",
    "title",
];

impl Walk {
    fn flush(&mut self) {
        let text = self.buf.trim().to_string();
        if !text.is_empty() {
            let bold = self.bold_text && !self.plain_text;
            self.out.push(Paragraph {
                text,
                line: self.buf_line.max(1),
                list_level: self.list_level,
                list_number: self.list_number.take(),
                heading_level: self.heading,
                bold,
            });
        }
        self.buf.clear();
        self.list_number = None;
        self.bold_text = false;
        self.plain_text = false;
    }

    fn start(&mut self, name: &str, line: usize, attrs: &[(String, String)]) {
        if SKIP.contains(&name) {
            self.skip_depth += 1;
            return;
        }
        if self.skip_depth > 0 {
            return;
        }
        match name {
            "br" => self.buf.push('\n'),
            "b" | "strong" => self.bold_depth += 1,
            _ => {}
        }
        if BLOCK.contains(&name) {
            self.flush();
            self.buf_line = line;
            self.heading = name
                .strip_prefix('h')
                .and_then(|d| d.parse().ok())
                .filter(|d: &u8| (1..=6).contains(d));
            match name {
                "ul" | "ol" => {
                    let start = attrs
                        .iter()
                        .find(|(k, _)| k == "start")
                        .and_then(|(_, v)| v.parse().ok())
                        .unwrap_or(1);
                    self.lists.push(List {
                        ordered: name == "ol",
                        next: start,
                    });
                }
                "li" => {
                    self.list_level = Some(self.lists.len().saturating_sub(1).min(9) as u8);
                    if let Some(l) = self.lists.last_mut()
                        && l.ordered
                    {
                        self.list_number = Some(format!("{}.", l.next));
                        l.next += 1;
                    }
                }
                _ => {}
            }
        }
    }

    fn end(&mut self, name: &str) {
        if SKIP.contains(&name) {
            self.skip_depth = self.skip_depth.saturating_sub(1);
            return;
        }
        if self.skip_depth > 0 {
            return;
        }
        if matches!(name, "b" | "strong") {
            self.bold_depth = self.bold_depth.saturating_sub(1);
        }
        if BLOCK.contains(&name) {
            self.flush();
            self.heading = None;
            if matches!(name, "ul" | "ol") {
                self.lists.pop();
            }
            if name == "li" || matches!(name, "ul" | "ol") {
                self.list_level = if self.lists.is_empty() { None } else { self.list_level };
            }
            if self.lists.is_empty() {
                self.list_level = None;
            }
        }
    }

    fn chars(&mut self, s: &str, line: usize) {
        if self.skip_depth > 0 {
            return;
        }
        if self.buf.trim().is_empty() {
            self.buf_line = line;
        }
        // HTML whitespace collapses; line breaks come only from <br> and blocks.
        for c in s.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
                if !self.buf.ends_with([' ', '\n']) && !self.buf.is_empty() {
                    self.buf.push(' ');
                }
            } else {
                if self.bold_depth > 0 {
                    self.bold_text = true;
                } else {
                    self.plain_text = true;
                }
                self.buf.push(c);
            }
        }
    }
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        let mut st = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_ascii_lowercase();
                let name: &str = &name;
                match tag.kind {
                    TagKind::StartTag => {
                        let attrs: Vec<(String, String)> = tag
                            .attrs
                            .iter()
                            .map(|a| (a.name.local.to_string(), a.value.to_string()))
                            .collect();
                        st.start(name, line, &attrs);
                        if tag.self_closing && name != "br" {
                            st.end(name);
                        }
                        // The tokenizer must be told which elements hold raw text.
                        match name {
                            "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
                            "style" | "iframe" | "noscript" | "template" => {
                                return TokenSinkResult::RawData(RawKind::Rawtext)
                            }
                            "title" | "textarea" => return TokenSinkResult::RawData(RawKind::Rcdata),
                            _ => {}
                        }
                    }
                    TagKind::EndTag => st.end(name),
                }
            }
            Token::CharacterTokens(t) => st.chars(&t, line),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_lists_and_breaks() {
        let html = r#"<html><head><title>x</title><style>p{}</style></head><body>
<nav>Главная | Скачать</nav><script>var a = "<p>нет</p>";</script>
<h2>1. Общие положения</h2>
<p>Первая строка<br>вторая строка</p>
<ol><li>Первый пункт</li><li>Второй <b>пункт</b><ul><li>подпункт</li></ul></li></ol>
<table><tr><td>Ячейка 1</td><td>Ячейка 2</td></tr></table>
</body></html>"#;
        let p = read_html(html.as_bytes()).expect("ok");
        let texts: Vec<_> = p.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "1. Общие положения",
                "Первая строка\nвторая строка",
                "Первый пункт",
                "Второй пункт",
                "подпункт",
                "Ячейка 1",
                "Ячейка 2"
            ]
        );
        assert_eq!(p[0].heading_level, Some(2));
        assert_eq!(p[2].list_number.as_deref(), Some("1."));
        assert_eq!(p[3].list_number.as_deref(), Some("2."));
        assert_eq!(p[4].list_level, Some(1));
        assert_eq!(p[4].list_number, None);
    }

    #[test]
    fn empty_html() {
        assert_eq!(
            read_html(b"<html><body><script>x</script></body></html>"),
            Err(ReadError::Empty)
        );
    }
}
