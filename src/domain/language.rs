//! The language a document is written and printed in, and the words its sheets print.
//!
//! Separate from the interface's language (`i18n`): a Bulgarian job description
//! prints «ДЛЪЖНОСТНА ХАРАКТЕРИСТИКА» whoever reads it, and a Russian one stays
//! Russian for a reader who chose English.

use serde::{Deserialize, Serialize};

/// A document's language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DocLanguage {
    #[default]
    Ru,
    Bg,
}

impl DocLanguage {
    /// Every document language, the default first.
    pub const ALL: [DocLanguage; 2] = [DocLanguage::Ru, DocLanguage::Bg];

    /// The stored code: `ru`, `bg`.
    pub fn code(self) -> &'static str {
        match self {
            DocLanguage::Ru => "ru",
            DocLanguage::Bg => "bg",
        }
    }

    /// The language of a code.
    pub fn parse(code: &str) -> Option<DocLanguage> {
        DocLanguage::ALL.into_iter().find(|l| l.code() == code.trim())
    }

    /// True for Russian, which stored texts leave unsaid.
    pub fn is_default(&self) -> bool {
        *self == DocLanguage::Ru
    }

    /// What this language's sheets print.
    pub fn words(self) -> &'static Words {
        match self {
            DocLanguage::Ru => &RU,
            DocLanguage::Bg => &BG,
        }
    }

    /// The language a text is written in, guessed from its letters: Bulgarian has
    /// no «ы» or «э» and writes «ъ» inside words all the time («длъжност», «във»);
    /// Russian has «ы» in nearly every sentence.
    pub fn detect(text: &str) -> DocLanguage {
        let count = |set: &[char]| text.chars().filter(|c| set.contains(c)).count();
        let russian = count(&['ы', 'Ы', 'э', 'Э', 'ё', 'Ё']);
        let bulgarian = count(&['ъ', 'Ъ', 'ѝ', 'Ѝ']);
        if bulgarian >= 3 && bulgarian > russian * 4 {
            DocLanguage::Bg
        } else {
            DocLanguage::Ru
        }
    }
}

/// The words the sheets print; `{name}` marks where a value goes.
#[derive(Debug)]
pub struct Words {
    /// The approval stamp's first line.
    pub approve: &'static str,
    /// The document's type, printed as its title.
    pub doctype: &'static str,
    /// «Должностная инструкция {of}»: the PDF's title.
    pub title: &'static str,
    /// Several documents in one file.
    pub titles: &'static str,
    /// Across a draft.
    pub draft: &'static str,
    pub agreed: &'static str,
    pub remarks_attached: &'static str,
    pub remarks_sheet: &'static str,
    /// «к должностной инструкции {of}, редакция {version}».
    pub remarks_of: &'static str,
    pub remark_with_visa: &'static str,
    /// Before an answer to a remark: «Ответ:».
    pub answer: &'static str,
    /// «к пункту {number}».
    pub remark_on_clause: &'static str,
    pub remarks_columns: [&'static str; 4],
    pub verify: &'static str,
    pub journal_title: &'static str,
    pub journal_columns: [&'static str; 3],
    pub ack_sheet: &'static str,
    /// «с должностной инструкцией {of}».
    pub ack_of: &'static str,
    /// «№ {number}, редакция {version}».
    pub number_version: &'static str,
    pub acknowledged: &'static str,
    pub ack_columns: [&'static str; 4],
    /// The mark of a signature given in the system: «… {at} … {code}».
    pub signed_simply: &'static str,
    pub register_sheet: &'static str,
    /// «должностной инструкции {of}».
    pub register_of: &'static str,
    pub register_columns: [&'static str; 8],
    /// Changed, replaced, new, cancelled sheets: «изм.: {changed}…».
    pub sheets: &'static str,
    pub e_signed: &'static str,
    /// «Подписал: {who}».
    pub signed_by: &'static str,
    /// «Дата: {at}; код: {code}».
    pub at_code: &'static str,
    /// A signature line still to be signed.
    pub name_blank: &'static str,
    /// A date still to be written.
    pub date_blank: &'static str,
    months: [&'static str; 12],
    /// The day in quotes, «24» ноября (Russian), or bare, 24 ноември (Bulgarian).
    quoted_day: bool,
    /// How the position is named after the document's type: its title in the genitive
    /// (Russian), or «на длъжността „…“» (Bulgarian, which has no cases).
    of_position: &'static str,
    /// Opening and closing quotation marks.
    pub quotes: (&'static str, &'static str),
    /// The register's phrasing of each change, in the order of [`Change`].
    changes: [&'static str; 10],
    /// The journal's events (`sent`, `visa` …) and visa decisions, as printed.
    events: &'static [(&'static str, &'static str)],
}

/// A change the register states: `{n}` a section's number (with its leading space where
/// it may be absent), `{heading}`, `{old}` and `{new}` clause numbers, `{text}` quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    SectionRestated,
    SectionAdded,
    SectionRemoved,
    SectionRenamed,
    ClauseChanged,
    ClauseAdded,
    ClauseRemoved,
    ClauseMoved,
    ClauseMovedChanged,
    ClausesMoved,
}

impl Words {
    /// `2026-11-24` as written in the document: «24» ноября 2026 г., 24 ноември 2026 г.;
    /// anything else stays as it is.
    pub fn long_date(&self, iso: &str) -> String {
        use chrono::Datelike;
        match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
            Ok(d) if self.quoted_day => {
                format!("«{:02}» {} {} г.", d.day(), self.months[d.month0() as usize], d.year())
            }
            Ok(d) => format!("{} {} {} г.", d.day(), self.months[d.month0() as usize], d.year()),
            Err(_) => iso.to_string(),
        }
    }

    /// `text` in this language's quotation marks.
    pub fn quote(&self, text: &str) -> String {
        format!("{}{text}{}", self.quotes.0, self.quotes.1)
    }

    /// The register's line for `change`, filled with `values`.
    pub fn change(&self, change: Change, values: &[(&str, &str)]) -> String {
        fill(self.changes[change as usize], values)
    }

    /// An event of the journal (`sent`, `approved` …) or a visa's decision, as printed;
    /// the code itself when this language has no words for it.
    pub fn event<'a>(&self, code: &'a str) -> &'a str {
        self.events.iter().find(|(c, _)| *c == code).map_or(code, |(_, w)| w)
    }

    /// The position as named after the document's type: «менеджера по продажам»,
    /// «на длъжността „Мениджър продажби“».
    pub fn of(&self, title: &str, genitive: &str) -> String {
        self.of_position
            .replace("{title}", title)
            .replace("{genitive}", genitive)
    }
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(text.to_string(), |t, (name, value)| {
        t.replace(&format!("{{{name}}}"), value)
    })
}

static RU: Words = Words {
    approve: "УТВЕРЖДАЮ",
    doctype: "ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ",
    title: "Должностная инструкция {of}",
    titles: "Должностные инструкции ({n})",
    draft: "ПРОЕКТ",
    agreed: "СОГЛАСОВАНО",
    remarks_attached: "Замечания прилагаются",
    remarks_sheet: "ЛИСТ ЗАМЕЧАНИЙ",
    remarks_of: "к должностной инструкции {of}, редакция {version}",
    remark_with_visa: "к визе",
    answer: "Ответ:",
    remark_on_clause: "к пункту {number}",
    remarks_columns: ["№ п/п", "Пункт", "Замечание", "Кто и когда"],
    verify: "Проверка подлинности этой редакции:",
    journal_title: "Журнал согласования и утверждения",
    journal_columns: ["Дата и время", "Кто", "Событие"],
    ack_sheet: "ЛИСТ ОЗНАКОМЛЕНИЯ",
    ack_of: "с должностной инструкцией {of}",
    number_version: "№ {number}, редакция {version}",
    acknowledged: "С должностной инструкцией ознакомлен(а):",
    ack_columns: [
        "№ п/п",
        "Фамилия, имя, отчество работника",
        "Дата ознакомления",
        "Личная подпись работника",
    ],
    signed_simply: "Подписано простой электронной подписью\n{at}\nкод {code}",
    register_sheet: "ЛИСТ РЕГИСТРАЦИИ ИЗМЕНЕНИЙ",
    register_of: "должностной инструкции {of}",
    register_columns: [
        "№ изм.",
        "Номера листов (изменённых, заменённых, новых, аннулированных)",
        "Всего листов в документе",
        "Дата внесения изменения",
        "Дата введения изменения",
        "Основание (приказ)",
        "Содержание изменения",
        "Изменение внёс (Ф.И.О., подпись)",
    ],
    sheets: "изм.: {changed}\nзам.: {replaced}\nнов.: {new}\nаннул.: {cancelled}",
    e_signed: "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
    signed_by: "Подписал: {who}",
    at_code: "Дата: {at}; код: {code}",
    name_blank: "________________ И.О. Фамилия",
    date_blank: "«___» ____________ 20___ г.",
    months: [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
    quoted_day: true,
    of_position: "{genitive}",
    quotes: ("«", "»"),
    changes: [
        "раздел{n} «{heading}» изложить в новой редакции",
        "дополнить разделом{n} «{heading}»",
        "раздел{n} «{heading}» исключить",
        "наименование раздела{n} изложить в следующей редакции: {heading}",
        "пункт {old} изложить в новой редакции: {text}",
        "дополнить пунктом {new} следующего содержания: {text}",
        "пункт {old} исключить",
        "пункт {old} считать пунктом {new}",
        "пункт {old} считать пунктом {new} и изложить его в новой редакции: {text}",
        "пункты {old} считать соответственно пунктами {new}",
    ],
    events: &[
        ("sent", "Отправлен на согласование"),
        ("visa", "Виза"),
        ("clause_comment", "Замечание к пункту"),
        ("remark_answered", "Ответ на замечание к пункту"),
        ("returned_to_draft", "Возвращён в проект после правки"),
        ("approval_rejected", "Возвращён на доработку утверждающим"),
        ("approved", "Утверждён"),
        ("withdrawn", "Отменён"),
        ("superseded", "Заменён новой редакцией"),
        ("agree", "Согласовано"),
        ("agree_with_remarks", "Согласовано с замечаниями"),
        ("reject", "Отклонено"),
    ],
};

static BG: Words = Words {
    approve: "УТВЪРЖДАВАМ",
    doctype: "ДЛЪЖНОСТНА ХАРАКТЕРИСТИКА",
    title: "Длъжностна характеристика {of}",
    titles: "Длъжностни характеристики ({n})",
    draft: "ПРОЕКТ",
    agreed: "СЪГЛАСУВАНО",
    remarks_attached: "Забележките са приложени",
    remarks_sheet: "ЛИСТ ЗА ЗАБЕЛЕЖКИ",
    remarks_of: "към длъжностната характеристика {of}, редакция {version}",
    remark_with_visa: "към визата",
    answer: "Отговор:",
    remark_on_clause: "към т. {number}",
    remarks_columns: ["№ по ред", "Точка", "Забележка", "Кой и кога"],
    verify: "Проверка на автентичността на тази редакция:",
    journal_title: "Дневник на съгласуването и утвърждаването",
    journal_columns: ["Дата и час", "Кой", "Събитие"],
    ack_sheet: "ЛИСТ ЗА ЗАПОЗНАВАНЕ",
    ack_of: "с длъжностната характеристика {of}",
    number_version: "№ {number}, редакция {version}",
    acknowledged: "Запознат(а) съм с длъжностната характеристика и получих екземпляр от нея:",
    ack_columns: [
        "№ по ред",
        "Име, презиме и фамилия на служителя",
        "Дата на запознаване",
        "Подпис на служителя",
    ],
    signed_simply: "Подписано с обикновен електронен подпис\n{at}\nкод {code}",
    register_sheet: "ЛИСТ ЗА РЕГИСТРИРАНЕ НА ПРОМЕНИТЕ",
    register_of: "на длъжностната характеристика {of}",
    register_columns: [
        "№ на пром.",
        "Номера на листовете (променени, заменени, нови, анулирани)",
        "Общо листове в документа",
        "Дата на внасяне на промяната",
        "Дата на влизане в сила",
        "Основание (заповед)",
        "Съдържание на промяната",
        "Промяната е внесена от (име, подпис)",
    ],
    sheets: "пром.: {changed}\nзам.: {replaced}\nнови: {new}\nанул.: {cancelled}",
    e_signed: "ДОКУМЕНТЪТ Е ПОДПИСАН С ЕЛЕКТРОНЕН ПОДПИС",
    signed_by: "Подписал: {who}",
    at_code: "Дата: {at}; код: {code}",
    name_blank: "________________ Име Фамилия",
    date_blank: "„___“ ____________ 20___ г.",
    months: [
        "януари",
        "февруари",
        "март",
        "април",
        "май",
        "юни",
        "юли",
        "август",
        "септември",
        "октомври",
        "ноември",
        "декември",
    ],
    quoted_day: false,
    of_position: "на длъжността „{title}“",
    quotes: ("„", "“"),
    changes: [
        "раздел{n} „{heading}“ се изменя изцяло",
        "създава се раздел{n} „{heading}“",
        "раздел{n} „{heading}“ се отменя",
        "наименованието на раздел{n} се изменя така: {heading}",
        "т. {old} се изменя така: {text}",
        "създава се т. {new} със следното съдържание: {text}",
        "т. {old} се отменя",
        "т. {old} става т. {new}",
        "т. {old} става т. {new} и се изменя така: {text}",
        "т. {old} стават съответно т. {new}",
    ],
    events: &[
        ("sent", "Изпратена за съгласуване"),
        ("visa", "Виза"),
        ("clause_comment", "Забележка към точка"),
        ("remark_answered", "Отговор на забележка към точка"),
        ("returned_to_draft", "Върната в проект за поправка"),
        ("approval_rejected", "Върната за доработка от утвърждаващия"),
        ("approved", "Утвърдена"),
        ("withdrawn", "Отменена"),
        ("superseded", "Заменена с нова редакция"),
        ("agree", "Съгласувано"),
        ("agree_with_remarks", "Съгласувано със забележки"),
        ("reject", "Отхвърлено"),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_the_position_as_each_language_writes_them() {
        assert_eq!(DocLanguage::Ru.words().long_date("2026-12-07"), "«07» декабря 2026 г.");
        assert_eq!(DocLanguage::Bg.words().long_date("2026-12-07"), "7 декември 2026 г.");
        assert_eq!(DocLanguage::Bg.words().long_date("не дата"), "не дата");
        assert_eq!(
            DocLanguage::Ru
                .words()
                .of("Менеджер по продажам", "менеджера по продажам"),
            "менеджера по продажам"
        );
        assert_eq!(
            DocLanguage::Bg.words().of("Мениджър продажби", "мениджър продажби"),
            "на длъжността „Мениджър продажби“"
        );
        assert_eq!(
            fill(
                DocLanguage::Bg.words().number_version,
                &[("number", "ДХ-1"), ("version", "2")]
            ),
            "№ ДХ-1, редакция 2"
        );
    }

    #[test]
    fn bulgarian_is_told_from_russian_by_its_letters() {
        let bg = "1. Общи положения. Мениджърът по продажбите се назначава и освобождава от длъжност \
                  със заповед на управителя. Той изпълнява възложените му задачи във връзка с търговската дейност.";
        let ru = "1. Общие положения. Менеджер по продажам назначается на должность и освобождается \
                  от неё приказом директора. Объект работы: клиенты и заказы, которые мы получаем.";
        assert_eq!(DocLanguage::detect(bg), DocLanguage::Bg);
        assert_eq!(DocLanguage::detect(ru), DocLanguage::Ru);
        assert_eq!(
            DocLanguage::detect(""),
            DocLanguage::Ru,
            "nothing to go by: the default"
        );
        assert_eq!(DocLanguage::parse("bg"), Some(DocLanguage::Bg));
        assert_eq!(DocLanguage::parse("de"), None);
    }
}
