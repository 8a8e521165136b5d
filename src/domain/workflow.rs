//! The agreement route and the rules of the workflow, as plain functions of the
//! current state: who may act now, and what a visa leads to.

use serde::{Deserialize, Serialize};

use super::account::UserId;
use super::version::Status;

/// Ordered stages of agreers (all of a stage must agree before the next is
/// asked) and one approver. Users are named by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Route {
    pub stages: Vec<Vec<UserId>>,
    pub approver: UserId,
}

/// An agreer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Agree,
    AgreeWithRemarks,
    Reject,
}

impl Decision {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Agree => "agree",
            Decision::AgreeWithRemarks => "agree_with_remarks",
            Decision::Reject => "reject",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Decision> {
        [Decision::Agree, Decision::AgreeWithRemarks, Decision::Reject]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// A visa given in the current round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenVisa {
    pub stage: usize,
    /// The agreer in whose name it was given.
    pub user_id: UserId,
    /// Who actually gave it (the agreer or a substitute).
    pub acted_by: UserId,
    pub decision: Decision,
}

/// Why a workflow action is refused; codes are stable for the UI and API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("the route needs at least one stage, no empty stage, nobody twice and an approver")]
    InvalidRoute,
    #[error("the action does not fit the version's status")]
    WrongStatus,
    #[error("not an agreer of the current stage")]
    NotCurrentAgreer,
    #[error("already acted in this round")]
    AlreadyActed,
    #[error("only the route's approver may approve")]
    NotApprover,
    #[error("a rejection needs a comment")]
    CommentRequired,
    #[error("the text has errors that block sending")]
    ChecksFailed,
    #[error("four eyes: the author, the sender and those who gave a visa cannot approve")]
    FourEyes,
    #[error("a substitute must hold the role the act needs")]
    SubstituteLacksRole,
    #[error("only the route's participants and drafting staff take part")]
    NotParticipant,
    #[error("only drafting staff do this")]
    NotDrafter,
}

impl WorkflowError {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            WorkflowError::InvalidRoute => "invalid_route",
            WorkflowError::WrongStatus => "wrong_status",
            WorkflowError::NotCurrentAgreer => "not_current_agreer",
            WorkflowError::AlreadyActed => "already_acted",
            WorkflowError::NotApprover => "not_approver",
            WorkflowError::CommentRequired => "comment_required",
            WorkflowError::ChecksFailed => "checks_failed",
            WorkflowError::FourEyes => "four_eyes",
            WorkflowError::SubstituteLacksRole => "substitute_lacks_role",
            WorkflowError::NotParticipant => "not_a_participant",
            WorkflowError::NotDrafter => "not_drafter",
        }
    }
}

impl Route {
    /// Checks the shape of a route.
    pub fn validate(&self) -> Result<(), WorkflowError> {
        let mut seen = std::collections::HashSet::new();
        let ok = !self.stages.is_empty()
            && !self.approver.is_empty()
            && self.stages.iter().all(|s| !s.is_empty())
            && self
                .stages
                .iter()
                .flatten()
                .all(|u| !u.is_empty() && seen.insert(u.clone()))
            && !seen.contains(&self.approver);
        if ok {
            Ok(())
        } else {
            Err(WorkflowError::InvalidRoute)
        }
    }

    /// The first stage not yet fully agreed, given this round's visas; `None` when all agreed.
    pub fn current_stage(&self, visas: &[GivenVisa]) -> Option<usize> {
        self.stages.iter().position(|agreers| {
            !agreers
                .iter()
                .all(|u| visas.iter().any(|v| &v.user_id == u && v.decision != Decision::Reject))
        })
    }

    /// Agreers of the current stage who have not acted yet.
    pub fn waiting_for(&self, visas: &[GivenVisa]) -> Vec<UserId> {
        match self.current_stage(visas) {
            Some(stage) => self.stages[stage]
                .iter()
                .filter(|u| !visas.iter().any(|v| &v.user_id == *u))
                .cloned()
                .collect(),
            None => Vec::new(),
        }
    }
}

/// What a visa leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Recorded; the stage still waits for others.
    Recorded { stage: usize },
    /// The stage is complete and the next one is asked.
    NextStage { stage: usize },
    /// Every stage agreed: the approver is asked.
    AllAgreed,
    /// Rejected: the version goes back to draft.
    Rejected,
}

/// Checks and applies one visa in the name of `principal` (an agreer of the route).
pub fn visa(
    status: Status,
    route: &Route,
    visas: &[GivenVisa],
    principal: &UserId,
    decision: Decision,
    comment: &str,
) -> Result<(usize, Outcome), WorkflowError> {
    if status != Status::InAgreement {
        return Err(WorkflowError::WrongStatus);
    }
    if visas.iter().any(|v| &v.user_id == principal) {
        return Err(WorkflowError::AlreadyActed);
    }
    let stage = route.current_stage(visas).ok_or(WorkflowError::WrongStatus)?;
    if !route.stages[stage].iter().any(|u| u == principal) {
        return Err(WorkflowError::NotCurrentAgreer);
    }
    if decision == Decision::Reject && comment.trim().is_empty() {
        return Err(WorkflowError::CommentRequired);
    }
    if decision == Decision::Reject {
        return Ok((stage, Outcome::Rejected));
    }
    let mut after = visas.to_vec();
    after.push(GivenVisa {
        stage,
        user_id: principal.clone(),
        acted_by: principal.clone(),
        decision,
    });
    let outcome = match route.current_stage(&after) {
        None => Outcome::AllAgreed,
        Some(next) if next != stage => Outcome::NextStage { stage: next },
        Some(_) => Outcome::Recorded { stage },
    };
    Ok((stage, outcome))
}

/// Four eyes for visas: in one round a person gives at most one visa, whether in
/// their own name or as a substitute.
pub fn one_visa_each(visas: &[GivenVisa], actor: &UserId) -> Result<(), WorkflowError> {
    if visas.iter().any(|v| &v.acted_by == actor || &v.user_id == actor) {
        Err(WorkflowError::AlreadyActed)
    } else {
        Ok(())
    }
}

/// Four eyes for approval: nobody who wrote or sent the version, or gave (or was
/// named in) a visa of this round, approves it, in their own name or as a substitute.
pub fn may_approve(visas: &[GivenVisa], actor: &UserId, authors: &[UserId]) -> Result<(), WorkflowError> {
    let involved = authors.contains(actor) || visas.iter().any(|v| &v.acted_by == actor || &v.user_id == actor);
    if involved {
        Err(WorkflowError::FourEyes)
    } else {
        Ok(())
    }
}

/// The status a version takes when its text is edited: any edit of a version
/// in agreement or awaiting approval sends it back to draft.
pub fn status_after_edit(status: Status) -> Result<Status, WorkflowError> {
    match status {
        Status::Draft | Status::InAgreement | Status::AwaitingApproval => Ok(Status::Draft),
        _ => Err(WorkflowError::WrongStatus),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route() -> Route {
        Route {
            stages: vec![vec!["head".into(), "lawyer".into()], vec!["safety".into()]],
            approver: "director".into(),
        }
    }

    fn given(stage: usize, user: &str, decision: Decision) -> GivenVisa {
        GivenVisa {
            stage,
            user_id: user.into(),
            acted_by: user.into(),
            decision,
        }
    }

    #[test]
    fn nobody_gives_two_visas_or_approves_what_they_touched() {
        let v = [GivenVisa {
            acted_by: "deputy".into(),
            ..given(0, "head", Decision::Agree)
        }];
        assert_eq!(
            one_visa_each(&v, &UserId::from("deputy")),
            Err(WorkflowError::AlreadyActed)
        );
        assert_eq!(
            one_visa_each(&v, &UserId::from("head")),
            Err(WorkflowError::AlreadyActed)
        );
        assert_eq!(one_visa_each(&v, &UserId::from("lawyer")), Ok(()));
        let authors = [UserId::from("hr")];
        assert_eq!(
            may_approve(&v, &UserId::from("hr"), &authors),
            Err(WorkflowError::FourEyes)
        );
        assert_eq!(
            may_approve(&v, &UserId::from("deputy"), &authors),
            Err(WorkflowError::FourEyes)
        );
        assert_eq!(
            may_approve(&v, &UserId::from("head"), &authors),
            Err(WorkflowError::FourEyes)
        );
        assert_eq!(may_approve(&v, &UserId::from("director"), &authors), Ok(()));
    }

    #[test]
    fn routes_are_validated() {
        assert!(route().validate().is_ok());
        let mut r = route();
        r.stages.push(vec![]);
        assert!(r.validate().is_err());
        let mut r = route();
        r.stages[1].push("head".into());
        assert!(r.validate().is_err(), "nobody twice");
        let mut r = route();
        r.approver = "head".into();
        assert!(r.validate().is_err(), "the approver does not also agree");
        assert!(Route::default().validate().is_err());
    }

    #[test]
    fn stages_are_sequential_and_parallel_inside() {
        let r = route();
        assert_eq!(r.current_stage(&[]), Some(0));
        assert_eq!(r.waiting_for(&[]), [UserId::from("head"), UserId::from("lawyer")]);
        // The later stage cannot act before the first is complete.
        assert_eq!(
            visa(
                Status::InAgreement,
                &r,
                &[],
                &UserId::from("safety"),
                Decision::Agree,
                ""
            ),
            Err(WorkflowError::NotCurrentAgreer)
        );
        let (stage, o) = visa(
            Status::InAgreement,
            &r,
            &[],
            &UserId::from("lawyer"),
            Decision::AgreeWithRemarks,
            "см. п. 2.3",
        )
        .expect("ok");
        assert_eq!((stage, o), (0, Outcome::Recorded { stage: 0 }));
        let v = [given(0, "lawyer", Decision::AgreeWithRemarks)];
        assert_eq!(
            visa(
                Status::InAgreement,
                &r,
                &v,
                &UserId::from("lawyer"),
                Decision::Agree,
                ""
            ),
            Err(WorkflowError::AlreadyActed)
        );
        assert_eq!(
            visa(Status::InAgreement, &r, &v, &UserId::from("head"), Decision::Agree, ""),
            Ok((0, Outcome::NextStage { stage: 1 }))
        );
        let v = [given(0, "lawyer", Decision::Agree), given(0, "head", Decision::Agree)];
        assert_eq!(
            visa(
                Status::InAgreement,
                &r,
                &v,
                &UserId::from("safety"),
                Decision::Agree,
                ""
            ),
            Ok((1, Outcome::AllAgreed))
        );
        assert_eq!(
            visa(
                Status::InAgreement,
                &r,
                &v,
                &UserId::from("director"),
                Decision::Agree,
                ""
            ),
            Err(WorkflowError::NotCurrentAgreer)
        );
    }

    #[test]
    fn rejection_needs_a_comment_and_returns_to_draft() {
        let r = route();
        assert_eq!(
            visa(
                Status::InAgreement,
                &r,
                &[],
                &UserId::from("head"),
                Decision::Reject,
                " "
            ),
            Err(WorkflowError::CommentRequired)
        );
        assert_eq!(
            visa(
                Status::InAgreement,
                &r,
                &[],
                &UserId::from("head"),
                Decision::Reject,
                "Уточнить п. 2.1"
            ),
            Ok((0, Outcome::Rejected))
        );
        assert_eq!(
            visa(Status::Draft, &r, &[], &UserId::from("head"), Decision::Agree, ""),
            Err(WorkflowError::WrongStatus)
        );
    }

    #[test]
    fn edits_send_back_to_draft_and_approved_is_frozen() {
        assert_eq!(status_after_edit(Status::InAgreement), Ok(Status::Draft));
        assert_eq!(status_after_edit(Status::AwaitingApproval), Ok(Status::Draft));
        assert_eq!(status_after_edit(Status::Approved), Err(WorkflowError::WrongStatus));
        assert_eq!(status_after_edit(Status::Superseded), Err(WorkflowError::WrongStatus));
    }

    #[test]
    fn decisions_round_trip() {
        for d in [Decision::Agree, Decision::AgreeWithRemarks, Decision::Reject] {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
    }
}
