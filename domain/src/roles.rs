//! Who works in the office: roles, and the signed-in person.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a person does in the office; decides what they may see and do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages accounts and settings.
    Administrator,
    /// Assigns work and checks the legal analysis.
    Supervisor,
    /// Opens cases, collects evidence and drafts findings.
    Investigator,
    /// Reviews, approves and publishes findings and reports.
    Commissioner,
    /// Reads the audit trail; changes nothing.
    Auditor,
}

impl Role {
    /// Every role, in the order they are offered in forms.
    pub const ALL: [Role; 5] = [
        Role::Administrator,
        Role::Supervisor,
        Role::Investigator,
        Role::Commissioner,
        Role::Auditor,
    ];

    /// The stored name of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Supervisor => "supervisor",
            Role::Investigator => "investigator",
            Role::Commissioner => "commissioner",
            Role::Auditor => "auditor",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::Supervisor => "Supervisor",
            Role::Investigator => "Investigator",
            Role::Commissioner => "Commissioner",
            Role::Auditor => "Auditor",
        }
    }

    /// Parses a stored or typed role name; `admin` is accepted for `administrator`.
    pub fn parse(name: &str) -> Option<Role> {
        let name = name.trim().to_ascii_lowercase();
        if name == "admin" {
            return Some(Role::Administrator);
        }
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The person behind the current request, as the page shell shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// Database id of the account.
    pub user_id: i64,
    /// The sign-in name.
    pub username: String,
    /// The name shown to colleagues.
    pub display_name: String,
    /// What they do in the office.
    pub role: Role,
}
