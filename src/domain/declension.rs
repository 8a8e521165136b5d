//! Russian case forms of position and department names, for placeholders such as
//! `{organization.head_position:dative}` («Генеральному директору»).
//!
//! Titles are noun phrases whose head comes first: adjectives, then one noun, then words
//! already in their own case («начальник отдела продаж», «менеджер по работе с клиентами»).
//! Only the leading adjectives and the head noun change; the rest is kept as written.

/// A grammatical case a placeholder can ask for; the nominative is the stored form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Genitive,
    Dative,
    Accusative,
    Instrumental,
    Prepositional,
}

impl Case {
    /// Every case, with the name used after the colon in a placeholder and a Russian hint.
    pub const ALL: [(Case, &'static str, &'static str); 5] = [
        (Case::Genitive, "genitive", "родительный: кого? чего?"),
        (Case::Dative, "dative", "дательный: кому? чему?"),
        (Case::Accusative, "accusative", "винительный: кого? что?"),
        (Case::Instrumental, "instrumental", "творительный: кем? чем?"),
        (Case::Prepositional, "prepositional", "предложный: о ком? о чём?"),
    ];

    /// The case named in a placeholder (`dative`), if any.
    pub fn parse(name: &str) -> Option<Case> {
        Case::ALL.iter().find(|(_, n, _)| *n == name).map(|(c, _, _)| *c)
    }
}

/// The phrase in `case`. People (`animate`) take the genitive form in the accusative.
pub fn decline(phrase: &str, case: Case, animate: bool) -> String {
    let mut out = Vec::new();
    let mut declining = true;
    for word in phrase.split(' ') {
        if !declining || word.is_empty() {
            out.push(word.to_string());
            continue;
        }
        if let Some(form) = adjective(word, case, animate) {
            out.push(form);
            continue;
        }
        // The head noun: it and everything after it end the declined part.
        declining = false;
        out.push(noun_word(word, case, animate));
    }
    out.join(" ")
}

/// A noun that may be hyphenated («HR-менеджер», «инженер-программист»): every
/// Cyrillic part declines, so «инженера-программиста».
fn noun_word(word: &str, case: Case, animate: bool) -> String {
    word.split('-')
        .map(|part| noun(part, case, animate))
        .collect::<Vec<_>>()
        .join("-")
}

/// Splits trailing punctuation off a word («директор,» → «директор», «,»).
fn split_tail(word: &str) -> (&str, &str) {
    let end = word.trim_end_matches(|c: char| !c.is_alphabetic()).len();
    word.split_at(end)
}

/// True when the word is an abbreviation or not Russian: it does not decline.
fn indeclinable(stem: &str) -> bool {
    stem.chars().count() < 2
        || stem.chars().any(|c| !matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
        || stem.chars().filter(|c| c.is_uppercase()).count() > 1
}

/// The word with `drop` final letters replaced by `ending`, keeping the original's case.
fn swap(stem: &str, drop: usize, ending: &str) -> String {
    let keep = stem.chars().count() - drop;
    let mut s: String = stem.chars().take(keep).collect();
    if stem.chars().last().is_some_and(char::is_uppercase) {
        s.push_str(&ending.to_uppercase());
    } else {
        s.push_str(ending);
    }
    s
}

fn ends_with_any(s: &str, endings: &[&str]) -> bool {
    endings.iter().any(|e| s.ends_with(e))
}

/// The adjective's form, or `None` when the word is not an adjective.
fn adjective(word: &str, case: Case, animate: bool) -> Option<String> {
    let (stem, tail) = split_tail(word);
    if indeclinable(stem) || stem.chars().count() < 4 {
        return None;
    }
    let lower = stem.to_lowercase();
    let before = lower.chars().rev().nth(2);
    let sibilant = before.is_some_and(|c| "жшчщ".contains(c));
    let velar = before.is_some_and(|c| "гкх".contains(c));
    let ending = if ends_with_any(&lower, &["ый", "ой"]) || (lower.ends_with("ий") && velar) {
        let hard_i = lower.ends_with("ий") || velar;
        match case {
            Case::Genitive => "ого",
            Case::Dative => "ому",
            Case::Accusative if animate => "ого",
            Case::Accusative => return Some(word.to_string()),
            Case::Instrumental if hard_i => "им",
            Case::Instrumental => "ым",
            Case::Prepositional => "ом",
        }
    } else if lower.ends_with("ий") {
        // «ведущий», «старший», «синий»: the soft declension.
        match case {
            Case::Genitive => "его",
            Case::Dative => "ему",
            Case::Accusative if animate => "его",
            Case::Accusative => return Some(word.to_string()),
            Case::Instrumental => "им",
            Case::Prepositional => "ем",
        }
    } else if lower.ends_with("ая") {
        let soft = sibilant;
        match case {
            Case::Accusative => "ую",
            _ if soft => "ей",
            _ => "ой",
        }
    } else if lower.ends_with("яя") {
        match case {
            Case::Accusative => "юю",
            _ => "ей",
        }
    } else if ends_with_any(&lower, &["ое", "ее"]) {
        let soft = lower.ends_with("ее");
        match case {
            Case::Genitive if soft => "его",
            Case::Genitive => "ого",
            Case::Dative if soft => "ему",
            Case::Dative => "ому",
            Case::Accusative => return Some(word.to_string()),
            Case::Instrumental => "ым",
            Case::Prepositional if soft => "ем",
            Case::Prepositional => "ом",
        }
    } else {
        return None;
    };
    Some(swap(stem, 2, ending) + tail)
}

/// The noun's form; a word it cannot tell is kept as written.
fn noun(word: &str, case: Case, animate: bool) -> String {
    let (stem, tail) = split_tail(word);
    if indeclinable(stem) {
        return word.to_string();
    }
    let lower = stem.to_lowercase();
    let last = lower.chars().last().unwrap_or(' ');
    let before = lower.chars().rev().nth(1).unwrap_or(' ');
    let form = if lower.ends_with("ия") {
        match case {
            Case::Accusative => swap(stem, 1, "ю"),
            Case::Instrumental => swap(stem, 1, "ей"),
            _ => swap(stem, 1, "и"),
        }
    } else if last == 'а' {
        let after_soft = "гкхжшчщ".contains(before);
        match case {
            Case::Genitive if after_soft => swap(stem, 1, "и"),
            Case::Genitive => swap(stem, 1, "ы"),
            Case::Dative | Case::Prepositional => swap(stem, 1, "е"),
            Case::Accusative => swap(stem, 1, "у"),
            Case::Instrumental if "жшчщц".contains(before) => swap(stem, 1, "ей"),
            Case::Instrumental => swap(stem, 1, "ой"),
        }
    } else if last == 'я' {
        match case {
            Case::Genitive => swap(stem, 1, "и"),
            Case::Dative | Case::Prepositional => swap(stem, 1, "е"),
            Case::Accusative => swap(stem, 1, "ю"),
            Case::Instrumental => swap(stem, 1, "ей"),
        }
    } else if lower.ends_with("ие") {
        match case {
            Case::Genitive => swap(stem, 1, "я"),
            Case::Dative => swap(stem, 1, "ю"),
            Case::Accusative => stem.to_string(),
            Case::Instrumental => swap(stem, 1, "ем"),
            Case::Prepositional => swap(stem, 1, "и"),
        }
    } else if last == 'о' {
        match case {
            Case::Genitive => swap(stem, 1, "а"),
            Case::Dative => swap(stem, 1, "у"),
            Case::Accusative => stem.to_string(),
            Case::Instrumental => swap(stem, 1, "ом"),
            Case::Prepositional => swap(stem, 1, "е"),
        }
    } else if last == 'ь' || last == 'й' {
        // Feminine nouns in -ь do not name positions; these are «руководитель», «секретарь».
        match case {
            Case::Genitive => swap(stem, 1, "я"),
            Case::Dative => swap(stem, 1, "ю"),
            Case::Accusative if animate => swap(stem, 1, "я"),
            Case::Accusative => stem.to_string(),
            Case::Instrumental => swap(stem, 1, "ем"),
            Case::Prepositional => swap(stem, 1, "е"),
        }
    } else if last.is_alphabetic() && !"аеёиоуыэюя".contains(last) {
        // «продавец» loses its vowel: «продавца»; «кузнец» (stressed) would not, but is rare.
        let base = if lower.ends_with("вец") || (lower.ends_with("нец") && lower.chars().count() > 6) {
            swap(stem, 2, "ц")
        } else {
            stem.to_string()
        };
        let add = match case {
            Case::Genitive => "а",
            Case::Dative => "у",
            Case::Accusative if animate => "а",
            Case::Accusative => return word.to_string(),
            // «кладовщиком», «продавцом»: stressed -ом is the common form in titles.
            Case::Instrumental => "ом",
            Case::Prepositional => "е",
        };
        swap(&base, 0, add)
    } else {
        return word.to_string();
    };
    form + tail
}

#[cfg(test)]
mod tests {
    use super::Case::*;
    use super::*;

    fn all(phrase: &str, animate: bool) -> [String; 5] {
        [Genitive, Dative, Accusative, Instrumental, Prepositional].map(|c| decline(phrase, c, animate))
    }

    #[test]
    fn positions_decline_their_head() {
        assert_eq!(
            all("Генеральный директор", true),
            [
                "Генерального директора",
                "Генеральному директору",
                "Генерального директора",
                "Генеральным директором",
                "Генеральном директоре"
            ]
        );
        assert_eq!(
            decline("начальник отдела продаж", Dative, true),
            "начальнику отдела продаж"
        );
        assert_eq!(decline("главный бухгалтер", Instrumental, true), "главным бухгалтером");
        assert_eq!(decline("ведущий специалист", Genitive, true), "ведущего специалиста");
        assert_eq!(decline("старший кладовщик", Dative, true), "старшему кладовщику");
        assert_eq!(decline("заместитель директора", Dative, true), "заместителю директора");
        assert_eq!(
            decline("руководитель группы", Instrumental, true),
            "руководителем группы"
        );
        assert_eq!(
            decline("менеджер по работе с клиентами", Genitive, true),
            "менеджера по работе с клиентами"
        );
        assert_eq!(decline("продавец-консультант", Genitive, true), "продавца-консультанта");
        assert_eq!(
            decline("технический директор", Genitive, true),
            "технического директора"
        );
        assert_eq!(decline("дежурный", Dative, true), "дежурному");
        assert_eq!(decline("медицинская сестра", Genitive, true), "медицинской сестры");
        assert_eq!(decline("медицинская сестра", Accusative, true), "медицинскую сестру");
    }

    #[test]
    fn departments_are_things() {
        assert_eq!(decline("Отдел продаж", Accusative, false), "Отдел продаж");
        assert_eq!(decline("Отдел продаж", Genitive, false), "Отдела продаж");
        assert_eq!(decline("Бухгалтерия", Genitive, false), "Бухгалтерии");
        assert_eq!(decline("Бухгалтерия", Instrumental, false), "Бухгалтерией");
        assert_eq!(decline("Служба безопасности", Dative, false), "Службе безопасности");
        assert_eq!(decline("Складское хозяйство", Genitive, false), "Складского хозяйства");
        assert_eq!(
            decline("Управление персоналом", Prepositional, false),
            "Управлении персоналом"
        );
    }

    #[test]
    fn what_it_cannot_tell_stays() {
        assert_eq!(decline("HR-менеджер", Dative, true), "HR-менеджеру");
        assert_eq!(decline("IT", Dative, true), "IT");
        assert_eq!(decline("ООО «Ромашка»", Genitive, false), "ООО «Ромашка»");
        assert_eq!(decline("", Genitive, true), "");
        assert_eq!(decline("ДИРЕКТОР", Dative, true), "ДИРЕКТОР");
    }
}
