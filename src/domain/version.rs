//! A version (редакция) of a job description and the states it passes through.

use serde::{Deserialize, Serialize};

/// Where a version stands in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    InAgreement,
    AwaitingApproval,
    Approved,
    Superseded,
    Withdrawn,
}

impl Status {
    /// Every status in workflow order.
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::InAgreement,
        Status::AwaitingApproval,
        Status::Approved,
        Status::Superseded,
        Status::Withdrawn,
    ];

    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InAgreement => "in_agreement",
            Status::AwaitingApproval => "awaiting_approval",
            Status::Approved => "approved",
            Status::Superseded => "superseded",
            Status::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the text may change: a draft, or a version in agreement or awaiting
    /// approval (which an edit returns to draft). Approved versions are immutable.
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::InAgreement | Status::AwaitingApproval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_only_drafts_are_editable() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            let open = matches!(s, Status::Draft | Status::InAgreement | Status::AwaitingApproval);
            assert_eq!(s.is_editable(), open);
        }
    }
}
