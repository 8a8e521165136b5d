//! Word's automatic numbering from `word/numbering.xml`: definitions, counters
//! and rendering of `w:lvlText` such as "%1.%2.".
//!
//! Counters are kept per abstract numbering (`w:abstractNum`), so two `w:num`
//! instances that point at the same definition continue one sequence, as Word
//! does when a list is split by other paragraphs or pasted. A `w:num` with a
//! `w:startOverride` for a level restarts that level at the override value the
//! first time a paragraph uses that `w:num` at that level ("Restart at 1" in Word
//! creates exactly such a `w:num`); later paragraphs continue from there.

use std::collections::{HashMap, HashSet};

use quick_xml::events::Event;

use super::archive::ReadError;
use super::xml::{attr, bad_xml, on_off, parse_num, reader};

/// Word has nine list levels, 0..=8.
const LEVELS: usize = 9;

/// One `w:lvl`: how a level counts and prints.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Level {
    start: u32,
    fmt: String,
    text: String,
    /// `w:lvlRestart`: 1-based level whose use restarts this one; 0 = never.
    restart: Option<u32>,
    is_lgl: bool,
    p_style: Option<String>,
}

impl Default for Level {
    fn default() -> Self {
        // ECMA-376 says an absent w:start means 0; fmt defaults to decimal.
        Level {
            start: 0,
            fmt: "decimal".into(),
            text: String::new(),
            restart: None,
            is_lgl: false,
            p_style: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Abstract {
    levels: [Option<Level>; LEVELS],
    /// `w:numStyleLink`: this definition is a reference to the one whose `w:styleLink` matches.
    num_style_link: Option<String>,
    style_link: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Override {
    start: Option<u32>,
    level: Option<Level>,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: u32,
    overrides: HashMap<u8, Override>,
}

/// Numbering definitions plus the running counters of one document pass.
#[derive(Debug, Clone, Default)]
pub struct Numbering {
    abstracts: HashMap<u32, Abstract>,
    nums: HashMap<u32, Num>,
    counters: HashMap<u32, [Option<u32>; LEVELS]>,
    /// (numId, ilvl) pairs whose startOverride has been applied.
    applied: HashSet<(u32, u8)>,
}

/// Where the parser is while reading numbering.xml.
enum Owner {
    None,
    Abstract(u32),
    Num(u32),
}

impl Numbering {
    /// Parses numbering.xml.
    pub fn parse(xml: &str) -> Result<Self, ReadError> {
        let mut r = reader(xml);
        let mut n = Numbering::default();
        let mut owner = Owner::None;
        let mut over: Option<(u8, Override)> = None;
        let mut lvl: Option<(u8, Level)> = None;
        // mc:Choice holds w14 "custom" formats we cannot print; the Fallback
        // next to it holds the plain equivalent, so the Choice is skipped.
        // Level pPr/rPr hold indents and fonts only.
        let mut skip = 0usize;
        loop {
            let ev = r
                .read_event()
                .map_err(|e| bad_xml("numbering.xml", r.error_position(), e))?;
            let (e, is_start) = match &ev {
                Event::Start(e) => (e, true),
                Event::Empty(e) => (e, false),
                Event::End(e) => {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    match e.name().as_ref() {
                        "w:lvl" => n.finish_level(&owner, &mut over, lvl.take()),
                        "w:lvlOverride" => {
                            if let (Owner::Num(id), Some((il, o))) = (&owner, over.take())
                                && let Some(num) = n.nums.get_mut(id)
                            {
                                num.overrides.insert(il, o);
                            }
                        }
                        "w:abstractNum" | "w:num" => owner = Owner::None,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            if skip > 0 {
                skip += usize::from(is_start);
                continue;
            }
            let val = || attr(e, "w:val");
            match e.name().as_ref() {
                "mc:Choice" | "w:numPicBullet" | "w:pPr" | "w:rPr" if is_start => skip = 1,
                "w:abstractNum" => {
                    let id = parse_num(attr(e, "w:abstractNumId")).unwrap_or(u32::MAX);
                    n.abstracts.insert(id, Abstract::default());
                    owner = if is_start { Owner::Abstract(id) } else { Owner::None };
                }
                "w:num" => {
                    let id = parse_num(attr(e, "w:numId")).unwrap_or(u32::MAX);
                    n.nums.insert(id, Num::default());
                    owner = if is_start { Owner::Num(id) } else { Owner::None };
                }
                "w:abstractNumId" => {
                    if let (Owner::Num(id), Some(a)) = (&owner, parse_num(val()))
                        && let Some(num) = n.nums.get_mut(id)
                    {
                        num.abstract_id = a;
                    }
                }
                "w:numStyleLink" | "w:styleLink" => {
                    if let Owner::Abstract(id) = owner
                        && let Some(a) = n.abstracts.get_mut(&id)
                    {
                        if e.name().as_ref() == "w:styleLink" {
                            a.style_link = val();
                        } else {
                            a.num_style_link = val();
                        }
                    }
                }
                "w:lvlOverride" if is_start => {
                    over = Some((parse_num(attr(e, "w:ilvl")).unwrap_or(0), Override::default()));
                }
                "w:startOverride" => {
                    if let Some((_, o)) = over.as_mut() {
                        o.start = parse_num(val());
                    }
                }
                "w:lvl" => {
                    let l = (parse_num(attr(e, "w:ilvl")).unwrap_or(0), Level::default());
                    if is_start {
                        lvl = Some(l);
                    } else {
                        n.finish_level(&owner, &mut over, Some(l));
                    }
                }
                name => {
                    if let Some((_, l)) = lvl.as_mut() {
                        match name {
                            "w:start" => l.start = parse_num(val()).unwrap_or(0),
                            "w:numFmt" => l.fmt = val().unwrap_or_else(|| "decimal".into()),
                            "w:lvlText" => l.text = val().unwrap_or_default(),
                            "w:lvlRestart" => l.restart = parse_num(val()),
                            "w:isLgl" => l.is_lgl = on_off(e, "w:val"),
                            "w:pStyle" => l.p_style = val(),
                            _ => {}
                        }
                    }
                }
            }
        }
        Ok(n)
    }

    /// Stores a finished `w:lvl` in its abstract numbering or override.
    fn finish_level(&mut self, owner: &Owner, over: &mut Option<(u8, Override)>, lvl: Option<(u8, Level)>) {
        let Some((il, l)) = lvl else { return };
        if let Some((_, o)) = over.as_mut() {
            o.level = Some(l);
        } else if let Owner::Abstract(id) = owner
            && let Some(slot) = self.abstracts.get_mut(id).and_then(|a| a.levels.get_mut(il as usize))
        {
            *slot = Some(l);
        }
    }

    /// The abstract numbering a `w:num` really uses (following `w:numStyleLink`).
    fn abstract_of(&self, num_id: u32) -> Option<(u32, &Abstract)> {
        let id = self.nums.get(&num_id)?.abstract_id;
        let a = self.abstracts.get(&id)?;
        if let Some(link) = &a.num_style_link
            && let Some((lid, la)) = self.abstracts.iter().find(|(_, x)| x.style_link.as_ref() == Some(link))
        {
            return Some((*lid, la));
        }
        Some((id, a))
    }

    /// The effective definition of level `ilvl` for `w:num` `num_id`.
    fn level(&self, num_id: u32, ilvl: u8) -> Option<&Level> {
        let num = self.nums.get(&num_id)?;
        if let Some(l) = num.overrides.get(&ilvl).and_then(|o| o.level.as_ref()) {
            return Some(l);
        }
        self.abstract_of(num_id)?.1.levels.get(ilvl as usize)?.as_ref()
    }

    /// The level whose `w:pStyle` is `style_id`, for styles that give a numId but no ilvl.
    pub fn level_for_style(&self, num_id: u32, style_id: &str) -> Option<u8> {
        (0..LEVELS as u8).find(|&i| self.level(num_id, i).and_then(|l| l.p_style.as_deref()) == Some(style_id))
    }

    /// Whether `num_id` names a known numbering instance.
    pub fn has_num(&self, num_id: u32) -> bool {
        self.nums.contains_key(&num_id)
    }

    /// Counts one paragraph at `ilvl` of `num_id` and renders its number
    /// ("3.1.", "•"); None when the level is undefined or prints nothing.
    pub fn next(&mut self, num_id: u32, ilvl: u8) -> Option<String> {
        let ilvl = ilvl.min(LEVELS as u8 - 1);
        let (abs_id, _) = self.abstract_of(num_id)?;
        let lvl = self.level(num_id, ilvl)?.clone();
        let over_start = self
            .nums
            .get(&num_id)
            .and_then(|n| n.overrides.get(&ilvl))
            .and_then(|o| o.start);
        let restarts: Vec<Option<u32>> = (0..LEVELS as u8)
            .map(|m| self.level(num_id, m).and_then(|l| l.restart))
            .collect();
        let first_use = over_start.is_some() && self.applied.insert((num_id, ilvl));
        let counters = self.counters.entry(abs_id).or_insert([None; LEVELS]);
        let i = ilvl as usize;
        counters[i] = Some(match (first_use, over_start, counters[i]) {
            (true, Some(s), _) => s,
            (_, _, Some(c)) => c.saturating_add(1),
            (_, s, None) => s.unwrap_or(lvl.start),
        });
        for (m, restart) in restarts.iter().enumerate().skip(i + 1) {
            // Default: any shallower item restarts a level; lvlRestart=r limits
            // that to levels 0..r (1-based r), and 0 means never.
            let resets = match restart {
                None => true,
                Some(0) => false,
                Some(r) => (ilvl as u32) < *r,
            };
            if resets {
                counters[m] = None;
            }
        }
        let values = *counters;
        let text = self.render(num_id, &lvl, &values);
        if text.trim().is_empty() {
            None
        } else {
            Some(text)
        }
    }

    /// Replaces %1..%9 in the level text with the formatted counters.
    fn render(&self, num_id: u32, lvl: &Level, values: &[Option<u32>; LEVELS]) -> String {
        if lvl.fmt == "bullet" {
            return map_bullet(&lvl.text);
        }
        let mut out = String::new();
        let mut chars = lvl.text.chars().peekable();
        while let Some(c) = chars.next() {
            let digit = chars
                .peek()
                .and_then(|d| d.to_digit(10))
                .filter(|d| (1..=9).contains(d));
            match (c, digit) {
                ('%', Some(d)) => {
                    chars.next();
                    let k = (d - 1) as u8;
                    let level = self.level(num_id, k);
                    // A level never used yet prints as its start value.
                    let v = values[k as usize].unwrap_or_else(|| level.map_or(1, |l| l.start));
                    let fmt = match level {
                        _ if lvl.is_lgl => "decimal",
                        Some(l) => l.fmt.as_str(),
                        None => "decimal",
                    };
                    out.push_str(&format_number(v, fmt));
                }
                _ => out.push(c),
            }
        }
        out
    }
}

/// Symbol/Wingdings bullets are private-use code points (U+F0B7 ...): show '•'.
fn map_bullet(text: &str) -> String {
    text.chars()
        .map(|c| {
            if ('\u{F000}'..='\u{F0FF}').contains(&c) {
                '•'
            } else {
                c
            }
        })
        .collect()
}

/// Russian list letters as Word prints them (no ё, й, ъ, ы, ь).
const RUSSIAN: &[char] = &[
    'а', 'б', 'в', 'г', 'д', 'е', 'ж', 'з', 'и', 'к', 'л', 'м', 'н', 'о', 'п', 'р', 'с', 'т', 'у', 'ф', 'х', 'ц', 'ч',
    'ш', 'щ', 'э', 'ю', 'я',
];
const LATIN: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w',
    'x', 'y', 'z',
];

/// Formats `n` in a `w:numFmt`; unknown formats fall back to decimal.
pub fn format_number(n: u32, fmt: &str) -> String {
    match fmt {
        "none" => String::new(),
        "decimalZero" if n < 10 => format!("0{n}"),
        "lowerLetter" => letters(n, LATIN, false),
        "upperLetter" => letters(n, LATIN, true),
        "russianLower" => letters(n, RUSSIAN, false),
        "russianUpper" => letters(n, RUSSIAN, true),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        _ => n.to_string(),
    }
}

/// a..z, then aa..zz, aaa...: Word repeats the letter rather than carrying.
fn letters(n: u32, alphabet: &[char], upper: bool) -> String {
    if n == 0 {
        return "0".into();
    }
    let len = alphabet.len() as u32;
    let c = alphabet[((n - 1) % len) as usize];
    let times = ((n - 1) / len + 1).min(64) as usize;
    let s: String = std::iter::repeat_n(c, times).collect();
    if upper {
        s.to_uppercase()
    } else {
        s
    }
}

fn roman(n: u32) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    const TABLE: &[(u32, &str)] = &[
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for &(v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_number(4, "lowerRoman"), "iv");
        assert_eq!(format_number(1994, "upperRoman"), "MCMXCIV");
        assert_eq!(format_number(27, "lowerLetter"), "aa");
        assert_eq!(format_number(3, "upperLetter"), "C");
        assert_eq!(format_number(10, "russianLower"), "к");
        assert_eq!(format_number(2, "russianUpper"), "Б");
        assert_eq!(format_number(7, "decimalZero"), "07");
        assert_eq!(format_number(12, "decimalZero"), "12");
        assert_eq!(format_number(5, "ordinalText"), "5");
        assert_eq!(format_number(5, "none"), "");
    }

    #[test]
    fn bullets_map_private_use() {
        assert_eq!(map_bullet("\u{F0B7}"), "•");
        assert_eq!(map_bullet("o"), "o");
    }

    #[test]
    fn lvl_restart_and_is_lgl() {
        let xml = r#"<w:numbering xmlns:w="x">
          <w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/><w:lvlRestart w:val="0"/><w:isLgl/></w:lvl>
          </w:abstractNum>
          <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
        </w:numbering>"#;
        let mut n = Numbering::parse(xml).expect("parses");
        assert_eq!(n.next(1, 0).as_deref(), Some("I."));
        assert_eq!(n.next(1, 1).as_deref(), Some("1.1"));
        assert_eq!(n.next(1, 0).as_deref(), Some("II."));
        // lvlRestart 0: level 1 keeps counting across level-0 items.
        assert_eq!(n.next(1, 1).as_deref(), Some("2.2"));
        assert_eq!(n.next(9, 0), None);
    }
}
