//! The permission table: for each role and action, whether it is never allowed, allowed on
//! cases whose team the person is on, only to the case's lead, or office-wide.
//!
//! The server checks every route against [`grant`]; the README shows the same table, printed
//! by [`markdown_table`]. Two walls override all of it: a recused person has no access to the
//! case at all, administrators included; and a highly confidential case is seen only by its
//! team and the supervisors and commissioners named on its team page, so an office-wide grant
//! reaches such a case only for those named.

use crate::roles::Role;

/// Something a person may try to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Add people, change their roles, disable accounts, reset passwords.
    ManagePeople,
    /// Browse the audit trail.
    ReadAudit,
    /// Open a new case.
    CreateCase,
    /// See a case and everything in it.
    ReadCase,
    /// Change a case's details, parties, allegations and notes.
    EditCase,
    /// Move a case along its workflow.
    MoveStatus,
    /// Reopen a closed case.
    ReopenCase,
    /// Add and remove team members, change the lead, and name the supervisors and
    /// commissioners who may see a highly confidential case.
    ManageTeam,
    /// Impose and lift recusals: a wall set by oversight, so never by the lead.
    ManageRecusals,
    /// Write findings, recommendations, redactions and report drafts; submit a draft for
    /// review; record an agency's response.
    DraftReport,
    /// Approve a submitted report or return it with comments.
    ReviewReport,
    /// Publish an approved, leak-checked report.
    PublishReport,
    /// Work the complaint queue: read complaints (with the complainant's contact details),
    /// write to complainants, log calls and letters, and decide each complaint's outcome.
    TriageComplaints,
    /// Extend, pause and resume a case's statutory clocks (an extension that needs the
    /// complainant's consent records its date).
    ManageClocks,
    /// Record (or withdraw) a complainant's consent to disclose their identity beyond intake
    /// staff and the case's lead.
    RecordConsent,
    /// See the office's statistics: office-wide totals, and behind each count the cases one
    /// may see.
    ReadStatistics,
    /// Record a supervisory review of a case (what the closure checklist asks for).
    ReviewCase,
}

impl Action {
    /// Every action, in the order of the README table.
    pub const ALL: [Action; 17] = [
        Action::ManagePeople,
        Action::ReadAudit,
        Action::CreateCase,
        Action::ReadCase,
        Action::EditCase,
        Action::MoveStatus,
        Action::ReopenCase,
        Action::ManageTeam,
        Action::ManageRecusals,
        Action::DraftReport,
        Action::ReviewReport,
        Action::PublishReport,
        Action::TriageComplaints,
        Action::ManageClocks,
        Action::RecordConsent,
        Action::ReadStatistics,
        Action::ReviewCase,
    ];

    /// What the action covers, in words.
    pub fn label(self) -> &'static str {
        match self {
            Action::ManagePeople => {
                "manage people (changing a role or removing a second factor: with a fresh second factor)"
            }
            Action::ReadAudit => "read the audit trail",
            Action::CreateCase => "open a case",
            Action::ReadCase => "see a case",
            Action::EditCase => "edit a case, its parties, allegations and notes",
            Action::MoveStatus => "move a case along its workflow",
            Action::ReopenCase => "reopen a closed case",
            Action::ManageTeam => {
                "manage a case's team and who else may see it when highly confidential"
            }
            Action::ManageRecusals => "impose and lift recusals (never one's own)",
            Action::DraftReport => {
                "write findings, recommendations, redactions and report drafts; submit them"
            }
            Action::ReviewReport => {
                "approve a report (with a fresh second factor) or return it with comments"
            }
            Action::PublishReport => "publish an approved report (with a fresh second factor)",
            Action::TriageComplaints => {
                "work the complaint queue: read complaints and complainants' contact details, write to complainants, decide outcomes"
            }
            Action::ManageClocks => "extend, pause and resume a case's statutory clocks",
            Action::RecordConsent => {
                "record a complainant's consent to disclose their identity, and its withdrawal"
            }
            Action::ReadStatistics => {
                "see the office's statistics (the cases behind each count only as far as one may see them)"
            }
            Action::ReviewCase => "record a supervisory review of a case",
        }
    }
}

/// How far a role's permission for an action reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Not allowed.
    Never,
    /// Only as the lead investigator of the case.
    AsLead,
    /// On cases whose team the person is on (lead or member).
    OnTeam,
    /// On every case the person is not recused from (a highly confidential one only when on
    /// its team or named to see it), or office-wide.
    OfficeWide,
}

impl Grant {
    /// A short mark for the table.
    pub fn mark(self) -> &'static str {
        match self {
            Grant::Never => "no",
            Grant::AsLead => "as lead",
            Grant::OnTeam => "on team",
            Grant::OfficeWide => "all",
        }
    }
}

/// The permission table.
pub fn grant(role: Role, action: Action) -> Grant {
    use Action::*;
    use Grant::*;
    use Role::*;
    match (action, role) {
        (ManagePeople, Administrator) => OfficeWide,
        (ManagePeople, _) => Never,

        (ReadAudit, Administrator | Auditor) => OfficeWide,
        (ReadAudit, _) => Never,

        (CreateCase, Supervisor | Investigator) => OfficeWide,
        (CreateCase, _) => Never,

        // Supervisors assign work and commissioners review it, so both see every case; an
        // administrator or auditor sees a case only when put on its team.
        (ReadCase, Supervisor | Commissioner) => OfficeWide,
        (ReadCase, Investigator | Administrator) => OnTeam,
        (ReadCase, Auditor) => Never,

        (EditCase, Supervisor) => OfficeWide,
        (EditCase, Investigator) => OnTeam,
        (EditCase, _) => Never,

        (MoveStatus, Supervisor) => OfficeWide,
        (MoveStatus, Investigator) => OnTeam,
        (MoveStatus, _) => Never,

        (ReopenCase, Supervisor) => OfficeWide,
        (ReopenCase, _) => Never,

        (ManageTeam, Supervisor) => OfficeWide,
        (ManageTeam, Investigator) => AsLead,
        (ManageTeam, _) => Never,

        // A recusal is a wall set by oversight: the lead cannot lift one, nor wall off the
        // people who review the case.
        (ManageRecusals, Supervisor) => OfficeWide,
        (ManageRecusals, _) => Never,

        (DraftReport, Supervisor) => OfficeWide,
        (DraftReport, Investigator) => OnTeam,
        (DraftReport, _) => Never,

        // Only commissioners sign off and publish: the office's word is theirs.
        (ReviewReport | PublishReport, Commissioner) => OfficeWide,
        (ReviewReport | PublishReport, _) => Never,

        // Intake is done by the people who open cases: a complaint's outcome is most often
        // a case or none, and offices rotate investigators through the hotline. Commissioners
        // judge the results, administrators and auditors stay out of case content.
        (TriageComplaints, Supervisor | Investigator) => OfficeWide,
        (TriageComplaints, _) => Never,

        // A clock's extension is a decision about the office's deadline: the supervisor's, or
        // the lead's who answers for the case; the same people record what the complainant
        // agreed to.
        (ManageClocks | RecordConsent, Supervisor) => OfficeWide,
        (ManageClocks | RecordConsent, Investigator) => AsLead,
        (ManageClocks | RecordConsent, _) => Never,

        // The totals are the office's report to the legislature: its supervisors and its
        // commissioners, who answer for it, read them office-wide.
        (ReadStatistics, Supervisor | Commissioner) => OfficeWide,
        (ReadStatistics, _) => Never,

        // The review the quality standards ask for is the supervisor's: an investigator
        // does not review their own case, and a commissioner reviews the report instead.
        (ReviewCase, Supervisor) => OfficeWide,
        (ReviewCase, _) => Never,
    }
}

/// A person's standing on one case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// They are on the case's team.
    pub member: bool,
    /// They are its lead investigator.
    pub lead: bool,
    /// They are walled off from it.
    pub recused: bool,
    /// The case is highly confidential: only its team and the people named may see it.
    pub sealed: bool,
    /// They are named to see the case while it is highly confidential.
    pub named: bool,
}

/// True when `role` with `standing` may do `action` on the case.
pub fn allows(role: Role, action: Action, standing: Standing) -> bool {
    if standing.recused
        || (standing.sealed && !(standing.member || standing.lead || standing.named))
    {
        return false;
    }
    match grant(role, action) {
        Grant::Never => false,
        Grant::AsLead => standing.lead,
        Grant::OnTeam => standing.member || standing.lead,
        Grant::OfficeWide => true,
    }
}

/// The table as Markdown, for the README.
pub fn markdown_table() -> String {
    let mut out = String::from("| action |");
    for role in Role::ALL {
        out.push_str(&format!(" {} |", role.label().to_lowercase()));
    }
    out.push_str("\n|---|");
    for _ in Role::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for action in Action::ALL {
        out.push_str(&format!("| {} |", action.label()));
        for role in Role::ALL {
            out.push_str(&format!(" {} |", grant(role, action).mark()));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recusal_overrides_every_role() {
        let recused = Standing {
            member: true,
            lead: true,
            recused: true,
            ..Standing::default()
        };
        for role in Role::ALL {
            for action in Action::ALL {
                assert!(!allows(role, action, recused), "{role:?} {action:?}");
            }
        }
    }

    #[test]
    fn investigators_see_only_their_team_cases() {
        let outsider = Standing::default();
        let member = Standing {
            member: true,
            ..Standing::default()
        };
        assert!(!allows(Role::Investigator, Action::ReadCase, outsider));
        assert!(allows(Role::Investigator, Action::ReadCase, member));
        assert!(!allows(Role::Investigator, Action::ManageTeam, member));
        assert!(!allows(Role::Auditor, Action::ReadCase, member));
        assert!(allows(Role::Commissioner, Action::ReadCase, outsider));
        assert!(!allows(Role::Commissioner, Action::EditCase, outsider));
    }

    #[test]
    fn a_highly_confidential_case_is_seen_by_its_team_and_those_named_only() {
        let sealed = Standing {
            sealed: true,
            ..Standing::default()
        };
        let named = Standing {
            named: true,
            ..sealed
        };
        let member = Standing {
            member: true,
            ..sealed
        };
        for role in Role::ALL {
            for action in Action::ALL {
                assert!(!allows(role, action, sealed), "{role:?} {action:?}");
                assert_eq!(
                    allows(role, action, named),
                    allows(role, action, Standing::default()),
                    "{role:?} {action:?}"
                );
            }
        }
        assert!(allows(Role::Investigator, Action::EditCase, member));
        assert!(allows(Role::Supervisor, Action::ManageTeam, named));
        // A recusal still wins over being named.
        let walled = Standing {
            recused: true,
            ..named
        };
        assert!(!allows(Role::Commissioner, Action::ReadCase, walled));
    }
}

#[cfg(test)]
mod readme {
    /// The README shows the table the code enforces.
    #[test]
    fn the_readme_shows_this_table() {
        let readme = include_str!("../../README.md");
        let table = super::markdown_table();
        assert!(
            readme.contains(&table),
            "README.md must contain the permission table exactly as printed:\n{table}"
        );
    }
}
