//! Who may act on a version now: the one rule the transitions enforce, the page
//! buttons show and the API reports.

use super::account::UserId;
use super::version::Status;
use super::workflow::{may_approve, one_visa_each, GivenVisa, Route, WorkflowError};

/// The caller as the rules see them.
#[derive(Debug, Clone)]
pub struct Caller<'a> {
    pub id: &'a UserId,
    /// The caller and those who named them substitute for today.
    pub principals: &'a [UserId],
    pub agreer: bool,
    pub approver: bool,
    /// Drafting staff (HR, administrators): they send, route and revise.
    pub drafter: bool,
}

/// A version as the rules see it.
#[derive(Debug, Clone)]
pub struct Situation<'a> {
    pub status: Status,
    /// The route it travels (set when sent).
    pub route: Option<&'a Route>,
    /// This round's visas.
    pub given: &'a [GivenVisa],
    /// Ids of who wrote and who sent it: four eyes keeps them from approving.
    pub authors: &'a [UserId],
    /// Version number; editorial marking needs an earlier version.
    pub number: i32,
    /// No later version of the job description exists.
    pub newest: bool,
}

/// What a caller may do on a version now: the one answer that the transitions
/// enforce, the page buttons show and the API reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Actions {
    pub send: bool,
    pub set_route: bool,
    pub set_editorial: bool,
    /// Agreers (ids) in whose name the caller may give a visa now.
    pub visa_for: Vec<UserId>,
    pub approve: bool,
    /// Return to draft at approval.
    pub reject: bool,
    pub comment: bool,
    /// Answer agreers' remarks.
    pub answer: bool,
    pub withdraw: bool,
    pub new_revision: bool,
}

impl Situation<'_> {
    fn route(&self) -> Result<&Route, WorkflowError> {
        self.route.ok_or(WorkflowError::WrongStatus)
    }

    fn drafter_on(&self, caller: &Caller, status: Status) -> Result<(), WorkflowError> {
        if !caller.drafter {
            return Err(WorkflowError::NotDrafter);
        }
        if self.status != status {
            return Err(WorkflowError::WrongStatus);
        }
        Ok(())
    }

    /// Sending, setting the route or the editorial mark: drafting staff, on a draft.
    pub fn check_draft_work(&self, caller: &Caller) -> Result<(), WorkflowError> {
        self.drafter_on(caller, Status::Draft)
    }

    /// Withdrawing or starting the next revision: drafting staff, on an approved version.
    pub fn check_approved_work(&self, caller: &Caller) -> Result<(), WorkflowError> {
        self.drafter_on(caller, Status::Approved)
    }

    /// A visa in the name of `principal`: they are waited for now, the caller may act
    /// for them today (holding the agreer role when standing in), and the caller has
    /// not given a visa of this round in anyone's name.
    pub fn check_visa(&self, caller: &Caller, principal: &UserId) -> Result<(), WorkflowError> {
        if self.status != Status::InAgreement {
            return Err(WorkflowError::WrongStatus);
        }
        let route = self.route()?;
        if !caller.principals.iter().any(|p| p == principal)
            || !route.waiting_for(self.given).iter().any(|p| p == principal)
        {
            return Err(WorkflowError::NotCurrentAgreer);
        }
        one_visa_each(self.given, caller.id)?;
        if principal != caller.id && !caller.agreer {
            return Err(WorkflowError::SubstituteLacksRole);
        }
        Ok(())
    }

    /// Approval: the route's approver or their substitute (holding the approver
    /// role), who neither wrote, sent nor gave a visa of this round.
    pub fn check_approve(&self, caller: &Caller) -> Result<(), WorkflowError> {
        self.check_reject(caller)?;
        let route = self.route()?;
        if &route.approver != caller.id && !caller.approver {
            return Err(WorkflowError::SubstituteLacksRole);
        }
        may_approve(self.given, caller.id, self.authors)
    }

    /// Return to draft at approval: the route's approver or their substitute.
    pub fn check_reject(&self, caller: &Caller) -> Result<(), WorkflowError> {
        if self.status != Status::AwaitingApproval {
            return Err(WorkflowError::WrongStatus);
        }
        let route = self.route()?;
        if !caller.principals.contains(&route.approver) {
            return Err(WorkflowError::NotApprover);
        }
        Ok(())
    }

    /// Clause comments: during agreement or approval, by the route's people and drafting staff.
    pub fn check_comment(&self, caller: &Caller) -> Result<(), WorkflowError> {
        if !matches!(self.status, Status::InAgreement | Status::AwaitingApproval) {
            return Err(WorkflowError::WrongStatus);
        }
        let route = self.route()?;
        let on_route = caller
            .principals
            .iter()
            .any(|p| route.approver == *p || route.stages.iter().flatten().any(|u| u == p));
        if on_route || caller.drafter {
            Ok(())
        } else {
            Err(WorkflowError::NotParticipant)
        }
    }

    /// Answers to remarks: by drafting staff, while the version is in agreement or
    /// approval, or back in draft after a round (to say what was done before resending).
    pub fn check_answer(&self, caller: &Caller) -> Result<(), WorkflowError> {
        if !caller.drafter {
            return Err(WorkflowError::NotDrafter);
        }
        match self.status {
            Status::InAgreement | Status::AwaitingApproval | Status::Draft => Ok(()),
            _ => Err(WorkflowError::WrongStatus),
        }
    }

    /// Whom the version waits for now: the current stage's agreers who have not
    /// acted, or the approver.
    pub fn waiting_for(&self) -> Vec<UserId> {
        match (self.route, self.status) {
            (Some(r), Status::InAgreement) => r.waiting_for(self.given),
            (Some(r), Status::AwaitingApproval) => vec![r.approver.clone()],
            _ => Vec::new(),
        }
    }

    /// Everything the caller may do now.
    pub fn actions(&self, caller: &Caller) -> Actions {
        let draft = self.check_draft_work(caller).is_ok();
        let approved = self.check_approved_work(caller).is_ok();
        let visa_for = match (self.route, self.status) {
            (Some(r), Status::InAgreement) => r
                .waiting_for(self.given)
                .into_iter()
                .filter(|p| self.check_visa(caller, p).is_ok())
                .collect(),
            _ => Vec::new(),
        };
        Actions {
            send: draft,
            set_route: draft,
            set_editorial: draft && self.number > 1,
            visa_for,
            approve: self.check_approve(caller).is_ok(),
            reject: self.check_reject(caller).is_ok(),
            comment: self.check_comment(caller).is_ok(),
            answer: self.check_answer(caller).is_ok(),
            withdraw: approved,
            new_revision: approved && self.newest,
        }
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

    fn caller<'a>(id: &str, principals: &'a [UserId]) -> Caller<'a> {
        Caller {
            // A test's callers live as long as the test.
            id: Box::leak(Box::new(UserId::from(id))),
            principals,
            agreer: false,
            approver: false,
            drafter: false,
        }
    }

    fn situation<'a>(status: Status, route: &'a Route, given: &'a [GivenVisa], authors: &'a [UserId]) -> Situation<'a> {
        Situation {
            status,
            route: Some(route),
            given,
            authors,
            number: 2,
            newest: true,
        }
    }

    #[test]
    fn the_buttons_offer_exactly_what_the_transitions_allow() {
        let r = route();
        let hr_p = [UserId::from("hr")];
        let hr = Caller {
            drafter: true,
            ..caller("hr", &hr_p)
        };
        let draft = situation(Status::Draft, &r, &[], &[]);
        let a = draft.actions(&hr);
        assert!(a.send && a.set_route && a.set_editorial && !a.approve && a.visa_for.is_empty());
        assert!(a.answer, "HR answers remarks before resending");
        assert_eq!(
            draft.check_draft_work(&caller("x", &hr_p)),
            Err(WorkflowError::NotDrafter)
        );

        // The head is waited for; the safety officer's stage has not come yet.
        let head_p = [UserId::from("head")];
        let head = Caller {
            agreer: true,
            ..caller("head", &head_p)
        };
        let agreement = situation(Status::InAgreement, &r, &[], &[]);
        assert_eq!(agreement.actions(&head).visa_for, vec![UserId::from("head")]);
        assert!(agreement.actions(&head).comment && !agreement.actions(&head).send);
        assert!(!agreement.actions(&head).answer, "agreers remark, HR answers");
        assert!(agreement.actions(&hr).answer);
        let approved = situation(Status::Approved, &r, &[], &[]);
        assert_eq!(approved.check_answer(&hr), Err(WorkflowError::WrongStatus));
        let safety_p = [UserId::from("safety")];
        assert_eq!(
            agreement.check_visa(&caller("safety", &safety_p), &UserId::from("safety")),
            Err(WorkflowError::NotCurrentAgreer)
        );
        assert!(agreement.actions(&caller("safety", &safety_p)).visa_for.is_empty());

        // A deputy standing in for the head without the agreer role is offered nothing.
        let deputy_p = [UserId::from("deputy"), UserId::from("head")];
        let deputy = caller("deputy", &deputy_p);
        assert_eq!(
            agreement.check_visa(&deputy, &UserId::from("head")),
            Err(WorkflowError::SubstituteLacksRole)
        );
        assert!(agreement.actions(&deputy).visa_for.is_empty());

        // Four eyes at approval: the director wrote the version, so may not approve it,
        // but may still send it back.
        let director_p = [UserId::from("director")];
        let director = Caller {
            approver: true,
            ..caller("director", &director_p)
        };
        let authors = [UserId::from("director")];
        let awaiting = situation(Status::AwaitingApproval, &r, &[], &authors);
        let a = awaiting.actions(&director);
        assert!(!a.approve && a.reject);
        assert_eq!(awaiting.check_approve(&director), Err(WorkflowError::FourEyes));
        assert_eq!(awaiting.waiting_for(), vec![UserId::from("director")]);
        let clean = situation(Status::AwaitingApproval, &r, &[], &[]);
        assert!(clean.actions(&director).approve);

        // Only the newest approved version gets a next revision.
        let approved = Situation {
            newest: false,
            ..situation(Status::Approved, &r, &[], &[])
        };
        let a = approved.actions(&hr);
        assert!(a.withdraw && !a.new_revision);
    }
}
