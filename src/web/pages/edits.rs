//! The edit actions of the text editor: each form posts one edit with the revision
//! it was made on, and goes back to the editor with the outcome.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::domain::document::{Move, SectionKind};
use crate::i18n::strings;
use crate::services::editing::{self, Edit};
use crate::services::ServiceError;
use crate::web::auth::CurrentUser;
use crate::web::error::{AppError, PageError};
use crate::web::forms::Form;
use crate::web::owner::OwnerKind;
use crate::web::session::refused;
use crate::web::state::{see_other, AppState};

use super::clause_page::{clause_form, ClausePage};
fn revision(form: &Form) -> Result<i64, AppError> {
    form.get("revision")
        .and_then(|r| r.trim().parse().ok())
        .ok_or_else(|| AppError::BadRequest("revision missing".into()))
}

/// Applies an edit from a form; success and refusals go back to the editor with a message.
async fn run<K: OwnerKind>(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    id: &str,
    expected: i64,
    edit: Edit,
    anchor: Option<String>,
) -> Result<Result<HttpResponse, AppError>, PageError> {
    let (owner, editor_url) = (K::owner(id), K::editor_url(id));
    let actor = user.0.login.clone();
    let result = state
        .with_clock(move |c, clock| editing::apply(c, clock, &actor, &owner, expected, &edit))
        .await;
    // Back at the clause, still selected, so that the next move needs no new choice.
    let target = |id: Option<&str>| match id {
        Some(a) => format!("{editor_url}?c={a}#c-{a}"),
        None => editor_url.clone(),
    };
    match result {
        Ok(applied) => Ok(Ok(see_other(&target(
            applied.created_id.as_deref().or(anchor.as_deref()),
        )))),
        Err(e @ AppError::Service(ServiceError::Refused(_) | ServiceError::Stale { .. })) => {
            refused(session, &e.user_message().unwrap_or_default());
            Ok(Ok(see_other(&target(anchor.as_deref()))))
        }
        Err(e @ AppError::Service(ServiceError::Validation(_))) => Ok(Err(e)),
        Err(e) => Err(e.into()),
    }
}

/// Adds a clause (written, or from the library).
pub async fn add_clause<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let section_id = form.get("section_id").unwrap_or_default().to_string();
    let parent_id = form.get("parent_id").map(str::to_string);
    let after_id = form.get("after_id").map(str::to_string);
    let text = form.get("text").map(str::to_string);
    let edit = Edit::AddClause {
        section_id: section_id.clone(),
        parent_id: parent_id.clone(),
        text: text.clone(),
        library_id: form.get("library_id").map(str::to_string),
        after_id: after_id.clone(),
    };
    let expected = revision(&form)?;
    match run::<K>(&state, &user, &session, &id, expected, edit, parent_id.clone()).await? {
        Ok(r) => Ok(r),
        Err(e) => {
            let status = e.status();
            clause_form::<K>(
                &state,
                &user,
                &session,
                &id,
                ClausePage {
                    section_id: Some(section_id),
                    parent_id,
                    after_id,
                    text,
                    error: e.user_message(),
                    ..ClausePage::default()
                },
                status,
            )
            .await
        }
    }
}

/// Saves a clause's new text; a stale revision shows the current text.
pub async fn save_clause<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let (id, cid) = path.into_inner();
    let text = form.get("text").unwrap_or_default().to_string();
    let expected = revision(&form)?;
    let actor = user.0.login.clone();
    let owner = K::owner(&id);
    let edit = Edit::SetText {
        clause_id: cid.clone(),
        text: text.clone(),
    };
    let result = state
        .with_clock(move |c, clock| editing::apply(c, clock, &actor, &owner, expected, &edit))
        .await;
    let t = strings();
    let again = |error: String, status| {
        clause_form::<K>(
            &state,
            &user,
            &session,
            &id,
            ClausePage {
                clause_id: Some(cid.clone()),
                text: Some(text.clone()),
                error: Some(error),
                ..ClausePage::default()
            },
            status,
        )
    };
    match result {
        Ok(_) => Ok(see_other(&format!("{}#c-{cid}", K::editor_url(&id)))),
        Err(AppError::Service(ServiceError::Stale { current, changes })) => {
            let mut message = t.get("refused.stale").replace("{revision}", &current.to_string());
            for c in changes {
                message.push_str(&format!(
                    " {} {}: {}{}.",
                    c.actor,
                    t.get(&format!("log_action.{}", c.action)),
                    c.number
                        .map(|n| format!("{} {n} ", t.get("editor.clause_short")))
                        .unwrap_or_default(),
                    c.text.map(|x| format!("«{x}»")).unwrap_or_default()
                ));
            }
            again(message, StatusCode::CONFLICT).await
        }
        Err(e @ AppError::Service(ServiceError::Refused(_) | ServiceError::Validation(_))) => {
            let status = e.status();
            again(e.user_message().unwrap_or_default(), status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Applies a simple form edit on one clause or section.
async fn simple<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    id: String,
    body: web::Bytes,
    make: impl FnOnce(&Form) -> Result<(Edit, Option<String>), AppError>,
) -> Result<HttpResponse, PageError> {
    let form = Form::parse(&session, &body, &[])?;
    let (edit, anchor) = make(&form)?;
    apply::<K>(&state, &user, &session, &id, &form, edit, anchor).await
}

/// Applies an edit made on the form's revision; any refusal goes back to the editor as a message.
async fn apply<K: OwnerKind>(
    state: &AppState,
    user: &CurrentUser,
    session: &Session,
    id: &str,
    form: &Form,
    edit: Edit,
    anchor: Option<String>,
) -> Result<HttpResponse, PageError> {
    let expected = revision(form)?;
    match run::<K>(state, user, session, id, expected, edit, anchor).await? {
        Ok(r) => Ok(r),
        Err(e) => {
            refused(session, &e.user_message().unwrap_or_default());
            Ok(see_other(&K::editor_url(id)))
        }
    }
}

/// The clause toolbar: `do` is the action (`up`, `down`, `indent`, `outdent`,
/// `delete`, `edit`, `sub`, `after` (a new clause right after it), `library` to take
/// the library's current text, or
/// `restore` to undo a removal)
/// and `c` the selected clause; a row's own button names its clause in `do`
/// (`library:<id>`). Every row shares the one form and its revision.
pub async fn clause_action<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    // Actions that open another page: a full navigation, also when sent in place.
    let go = |url: &str| match req.headers().contains_key("hx-request") {
        true => HttpResponse::Ok().insert_header(("hx-redirect", url)).finish(),
        false => see_other(url),
    };
    let form = Form::parse(&session, &body, &[])?;
    let id = path.into_inner();
    let (action, own) = match form.get("do").unwrap_or_default().split_once(':') {
        Some((a, c)) => (a.to_string(), Some(c.trim().to_string())),
        None => (form.get("do").unwrap_or_default().to_string(), None),
    };
    let Some(clause_id) = own
        .or_else(|| form.get("c").map(|c| c.trim().to_string()))
        .filter(|c| !c.is_empty())
    else {
        refused(&session, &strings().get("editor.select_clause"));
        return Ok(see_other(&K::editor_url(&id)));
    };
    let base = format!("{}/{id}", K::BASE);
    match action.as_str() {
        "edit" => return Ok(go(&format!("{base}/clauses/{clause_id}"))),
        "sub" | "after" => {
            let owner = K::owner(&id);
            let cid = clause_id.clone();
            let section = state
                .db(move |c| {
                    let text = crate::services::texts::load(c, &owner)?;
                    Ok(text
                        .content
                        .clauses()
                        .iter()
                        .find(|l| l.clause.id == cid)
                        .map(|l| (l.section.id.clone(), l.depth)))
                })
                .await?
                .ok_or(AppError::NotFound)?;
            let section = match section {
                (_, depth) if depth >= 2 && action == "sub" => {
                    refused(&session, &strings().get("refused.too_deep"));
                    return Ok(see_other(&format!("{}#c-{clause_id}", K::editor_url(&id))));
                }
                (section, _) => section,
            };
            let place = if action == "sub" { "parent_id" } else { "after_id" };
            let query = serde_urlencoded::to_string([("section_id", &section), (place, &clause_id)])
                .map_err(|e| AppError::Internal(e.to_string()))?;
            return Ok(go(&format!("{base}/clauses/new?{query}")));
        }
        _ => {}
    }
    let edit = match action.as_str() {
        "delete" => Edit::RemoveClause {
            clause_id: clause_id.clone(),
        },
        "library" => Edit::UpdateFromLibrary {
            clause_id: clause_id.clone(),
        },
        "restore" => Edit::RestoreClause {
            clause_id: clause_id.clone(),
        },
        other => Edit::MoveClause {
            clause_id: clause_id.clone(),
            direction: Move::parse(other).ok_or_else(|| {
                AppError::BadRequest(
                    "do must be up, down, indent, outdent, delete, edit, sub, after, library or restore".into(),
                )
            })?,
        },
    };
    if action == "delete" {
        // Back to the place the clause left, where the undo is offered.
        let expected = revision(&form)?;
        return match run::<K>(&state, &user, &session, &id, expected, edit, None).await? {
            Ok(_) => Ok(see_other(&format!("{}#undo", K::editor_url(&id)))),
            Err(e) => {
                refused(&session, &e.user_message().unwrap_or_default());
                Ok(see_other(&K::editor_url(&id)))
            }
        };
    }
    apply::<K>(&state, &user, &session, &id, &form, edit, Some(clause_id)).await
}

/// Adds an optional section.
pub async fn add_section<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    simple::<K>(state, user, session, path.into_inner(), body, |form| {
        let kind = form
            .get("kind")
            .and_then(SectionKind::parse)
            .ok_or_else(|| AppError::BadRequest("unknown section kind".into()))?;
        Ok((Edit::AddSection { kind }, None))
    })
    .await
}

/// Sets the language the text is written and printed in.
pub async fn set_language<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    simple::<K>(state, user, session, path.into_inner(), body, |form| {
        let language = form
            .get("language")
            .and_then(crate::domain::language::DocLanguage::parse)
            .ok_or_else(|| AppError::BadRequest("unknown document language".into()))?;
        Ok((Edit::SetLanguage { language }, None))
    })
    .await
}

/// Renames a section and sets whether it is numbered.
pub async fn rename_section<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (id, sid) = path.into_inner();
    simple::<K>(state, user, session, id, body, |form| {
        Ok((
            Edit::RenameSection {
                section_id: sid,
                heading: form.get("heading").unwrap_or_default().to_string(),
                numbered: form.get("numbered").is_some(),
            },
            None,
        ))
    })
    .await
}

/// Removes an optional section.
pub async fn delete_section<K: OwnerKind>(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (id, sid) = path.into_inner();
    simple::<K>(state, user, session, id, body, |_| {
        Ok((Edit::RemoveSection { section_id: sid }, None))
    })
    .await
}
