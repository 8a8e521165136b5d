//! The order (приказ) that brings a job description or its new revision into force:
//! its words (the same for the PDF and the Word document) and its PDF page. Where the order's number,
//! date or the approval are not known yet, blanks are left to fill in by hand, so HR
//! can prepare the order before the approval.

use super::input::RenderInput;
use super::layout::{Align, Flow, LEFT, TEXT_W};
use super::parts::{short_date, BODY, BOLD, HEAD};
use crate::domain::language::{fill, DocLanguage};
use crate::domain::staff::initials;

/// The parts of an order as they are printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderText {
    /// «ПРИКАЗ», «ЗАПОВЕД».
    pub heading: &'static str,
    /// «ПРИКАЗЫВАЮ:», «НАРЕЖДАМ:».
    pub verb: &'static str,
    pub organization: String,
    /// «07.12.2026 № 15-к», or blanks.
    pub number_line: String,
    pub city: String,
    /// «Об утверждении должностной инструкции кладовщика».
    pub title: String,
    pub preamble: String,
    /// The numbered items, without their numbers.
    pub items: Vec<String>,
    pub signer_position: String,
    pub signer_name: String,
}

/// `text` ending in one full stop (a date already ends in «г.»).
fn sentence(text: String) -> String {
    if text.ends_with('.') {
        text
    } else {
        text + "."
    }
}

/// An order's phrasing in one language; `{name}` marks where a value goes.
struct Phrases {
    heading: &'static str,
    verb: &'static str,
    /// `{date}`, `{number}`; and the line while they are not known.
    number_line: &'static str,
    number_blank: &'static str,
    /// After the version's number: «, регистрационный № {number}».
    registration: &'static str,
    title_first: &'static str,
    title_revision: &'static str,
    preamble: &'static str,
    /// `{effective}`, `{of}`, `{registration}` (« (№ …)» or nothing).
    item_first: &'static str,
    /// `{effective}`, `{of}`, `{version}`, `{registration}` («, № …» or nothing).
    item_revision: &'static str,
    /// `{of}`, `{effective}`: the previous version repealed.
    item_repeal: &'static str,
    /// `{department}`, `{of}`: the head has the holders sign.
    item_head: &'static str,
    department: &'static str,
    department_named: &'static str,
    item_control: &'static str,
    signer_position: &'static str,
    signer_name: &'static str,
}

/// A Russian order (приказ), under articles 8 and 22 of the Labour Code.
const RU: Phrases = Phrases {
    heading: "ПРИКАЗ",
    verb: "ПРИКАЗЫВАЮ:",
    number_line: "{date} № {number}",
    number_blank: "«___» ____________ 20___ г. № ______",
    registration: "регистрационный № {number}",
    title_first: "Об утверждении должностной инструкции {of}",
    title_revision: "Об утверждении новой редакции должностной инструкции {of}",
    preamble: "В целях регламентации трудовой деятельности работников, в соответствии со статьями 8 и 22 \
               Трудового кодекса Российской Федерации",
    item_first: "Утвердить и ввести в действие с {effective} должностную инструкцию {of}{registration}.",
    item_revision: "Утвердить и ввести в действие с {effective} новую редакцию должностной инструкции {of} \
                    (редакция {version}{registration}).",
    item_repeal: "Должностную инструкцию {of} в предыдущей редакции признать утратившей силу с {effective}",
    item_head: "Руководителю {department} ознакомить работников, занимающих должность {of}, с должностной \
                инструкцией под подпись.",
    department: "подразделения",
    department_named: "подразделения «{name}»",
    item_control: "Контроль за исполнением настоящего приказа оставляю за собой.",
    signer_position: "Руководитель организации",
    signer_name: "И.О. Фамилия",
};

/// A Bulgarian order (заповед): the Labour Code's art. 127(1)(4) has the employer hand
/// each holder the job description, so the head hands a copy as well as reading it.
const BG: Phrases = Phrases {
    heading: "ЗАПОВЕД",
    verb: "НАРЕЖДАМ:",
    number_line: "№ {number} от {date} г.",
    number_blank: "№ ______ от „___“ ____________ 20___ г.",
    registration: "регистрационен № {number}",
    title_first: "Относно: утвърждаване на длъжностна характеристика {of}",
    title_revision: "Относно: утвърждаване на нова редакция на длъжностната характеристика {of}",
    preamble: "На основание чл. 127, ал. 1, т. 4 от Кодекса на труда и с цел уреждане на трудовите функции \
               на служителите",
    item_first: "Утвърждавам и въвеждам в действие от {effective} длъжностна характеристика {of}{registration}.",
    item_revision: "Утвърждавам и въвеждам в действие от {effective} нова редакция на длъжностната \
                    характеристика {of} (редакция {version}{registration}).",
    item_repeal: "Длъжностната характеристика {of} в предходната ѝ редакция се отменя от {effective}",
    item_head: "Ръководителят на {department} да запознае служителите, заемащи длъжността, с длъжностната \
                характеристика срещу подпис и да им връчи екземпляр от нея.",
    department: "звеното",
    department_named: "звено „{name}“",
    item_control: "Контролът по изпълнението на настоящата заповед запазвам за себе си.",
    signer_position: "Управител",
    signer_name: "Име Фамилия",
};

/// The order for the version of `input`, in the document's language.
pub fn order_text(input: &RenderInput) -> OrderText {
    let d = &input.document;
    let words = d.language.words();
    let p = match d.language {
        DocLanguage::Ru => &RU,
        DocLanguage::Bg => &BG,
    };
    let of = words.of(&input.position.title, &input.position.title_genitive);
    let revision = d.version > 1;
    let number_line = match (&d.order_date, &d.order_number) {
        (Some(date), Some(n)) => fill(p.number_line, &[("date", &short_date(date)), ("number", n)]),
        _ => p.number_blank.to_string(),
    };
    let effective = d
        .effective_date
        .as_deref()
        .map(|e| words.long_date(e))
        .unwrap_or_else(|| words.date_blank.into());
    let registration = d
        .registration_number
        .as_deref()
        .map(|n| fill(p.registration, &[("number", n)]));
    let mut items = Vec::new();
    if revision {
        let registration = registration.map(|r| format!(", {r}")).unwrap_or_default();
        let version = d.version.to_string();
        items.push(fill(
            p.item_revision,
            &[
                ("effective", &effective),
                ("of", &of),
                ("version", &version),
                ("registration", &registration),
            ],
        ));
        items.push(sentence(fill(p.item_repeal, &[("of", &of), ("effective", &effective)])));
    } else {
        let registration = registration.map(|r| format!(" ({r})")).unwrap_or_default();
        items.push(fill(
            p.item_first,
            &[("effective", &effective), ("of", &of), ("registration", &registration)],
        ));
    }
    let department = match input.position.department.as_str() {
        "" => p.department.to_string(),
        name => fill(p.department_named, &[("name", name)]),
    };
    items.push(fill(p.item_head, &[("department", &department), ("of", &of)]));
    items.push(p.item_control.into());
    let (signer_position, signer_name) = match &input.approval {
        Some(a) => (a.position.clone(), initials(&a.name)),
        None => (p.signer_position.into(), p.signer_name.into()),
    };
    OrderText {
        heading: p.heading,
        verb: p.verb,
        organization: input.organization.full_name.clone(),
        number_line,
        city: input.organization.city.clone(),
        title: fill(if revision { p.title_revision } else { p.title_first }, &[("of", &of)]),
        preamble: p.preamble.into(),
        items,
        signer_position,
        signer_name,
    }
}

/// The order on its page.
pub fn layout(flow: &mut Flow, input: &RenderInput) {
    let o = order_text(input);
    flow.paragraph(BOLD, &o.organization, LEFT, TEXT_W, Align::Center, None, 1);
    flow.skip(BODY.leading());
    flow.paragraph(HEAD, o.heading, LEFT, TEXT_W, Align::Center, None, 1);
    flow.skip(BODY.leading() * 0.5);
    flow.paragraph(BODY, &o.number_line, LEFT, TEXT_W, Align::Left, None, 1);
    if !o.city.is_empty() {
        flow.paragraph(BODY, &o.city, LEFT, TEXT_W, Align::Center, None, 1);
    }
    flow.skip(BODY.leading());
    flow.paragraph(BOLD, &o.title, LEFT, TEXT_W * 0.6, Align::Left, None, 1);
    flow.skip(BODY.leading());
    flow.paragraph(BODY, &o.preamble, LEFT, TEXT_W, Align::Justify, None, 2);
    flow.skip(BODY.leading() * 0.5);
    flow.paragraph(BOLD, o.verb, LEFT, TEXT_W, Align::Left, None, 1);
    for (i, item) in o.items.iter().enumerate() {
        flow.paragraph(
            BODY,
            item,
            LEFT,
            TEXT_W,
            Align::Justify,
            Some(&format!("{}.", i + 1)),
            2,
        );
    }
    flow.skip(BODY.leading() * 2.0);
    flow.paragraph(BODY, &o.signer_position, LEFT, TEXT_W * 0.5, Align::Left, None, 1);
    flow.paragraph(
        BODY,
        &format!("________________ {}", o.signer_name),
        LEFT + TEXT_W * 0.5,
        TEXT_W * 0.5,
        Align::Right,
        None,
        1,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> RenderInput {
        serde_json::from_str(include_str!("../../fixtures/reference.json")).expect("the reference input")
    }

    #[test]
    fn a_revision_is_brought_into_force_and_the_old_one_cancelled() {
        let mut input = reference();
        input.document.order_number = Some("15-к".into());
        input.document.order_date = Some("2026-11-24".into());
        let o = order_text(&input);
        assert_eq!(o.number_line, "24.11.2026 № 15-к");
        assert!(
            o.title
                .starts_with("Об утверждении новой редакции должностной инструкции менеджера"),
            "{o:?}"
        );
        assert!(
            o.items[0].contains("с «01» декабря 2026 г. новую редакцию") && o.items[0].contains("ДИ-2026-017"),
            "{o:?}"
        );
        assert!(o.items[1].contains("признать утратившей силу"));
        assert_eq!(o.signer_name, "А.В. Воронцов");
        assert_eq!(o.items.len(), 4);
        assert!(o.items[1].ends_with("2026 г."), "one full stop: {}", o.items[1]);
        assert!(
            o.items[2].contains("занимающих должность менеджера по работе с клиентами,"),
            "{}",
            o.items[2]
        );
    }

    #[test]
    fn a_first_version_before_approval_leaves_blanks() {
        let mut input = reference();
        input.document.version = 1;
        input.document.registration_number = None;
        input.document.effective_date = None;
        input.approval = None;
        let o = order_text(&input);
        assert!(o.number_line.contains("№ ______"));
        assert!(o.title.starts_with("Об утверждении должностной инструкции"));
        assert!(
            o.items[0].contains("«___» ____________ 20___ г.") && !o.items[0].contains("регистрационный"),
            "{o:?}"
        );
        assert_eq!(o.items.len(), 3);
        assert_eq!(o.signer_name, "И.О. Фамилия");
    }
}
