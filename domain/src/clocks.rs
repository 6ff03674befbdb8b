//! Case types and their statutory clocks: the office's rules ("whistleblower reprisal: a
//! determination due 180 days after receipt, extendable by up to 180 days with the
//! complainant's consent"), a case's running clocks, and how far along each one is.
//!
//! A clock is copied from its rule when the case opens, so that changing the rules later
//! does not rewrite a running clock. Days are calendar days; a paused clock does not count
//! the days it is paused.

use serde::{Deserialize, Serialize};
use time::Date;

/// When a clock starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStart {
    /// The day the complaint or referral was received (the case's "received" date).
    #[default]
    Received,
    /// The day the case was opened in Probity.
    Opened,
}

/// A clock an office's case type carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockRule {
    /// A short stable name, e.g. `determination`.
    pub key: String,
    /// What is due, e.g. "Determination".
    pub label: String,
    /// Days allowed from the start.
    pub days: i64,
    #[serde(default)]
    pub starts: ClockStart,
    /// The most the clock may be extended by, in days, over all extensions (0: never).
    #[serde(default)]
    pub extension_days: i64,
    /// An extension needs the complainant's consent, with its date recorded.
    #[serde(default)]
    pub extension_needs_consent: bool,
}

/// A task a case of this type starts with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskTemplate {
    pub title: String,
    #[serde(default)]
    pub notes: String,
    /// Due this many days after the case opens; none when absent.
    #[serde(default)]
    pub due_days: Option<i64>,
}

/// One of the office's case types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseType {
    /// A short stable name stored on each case, e.g. `whistleblower_reprisal`.
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, rename = "clock")]
    pub clocks: Vec<ClockRule>,
    #[serde(default, rename = "task")]
    pub tasks: Vec<TaskTemplate>,
    /// Cases of this type are whistleblower reprisal (retaliation) cases: their substantiated
    /// findings are counted apart in the semiannual statistics.
    #[serde(default)]
    pub reprisal: bool,
}

/// The key of the type every office has and old cases carry.
pub const GENERAL: &str = "general";

/// The office's case types, in the order the form offers them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseTypes {
    #[serde(rename = "case_type")]
    pub types: Vec<CaseType>,
}

impl CaseTypes {
    /// The type with this key.
    pub fn get(&self, key: &str) -> Option<&CaseType> {
        self.types.iter().find(|t| t.key == key)
    }

    /// The label of a stored key; the key itself when the office has since removed it.
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.get(key).map_or(key, |t| t.label.as_str())
    }

    /// Checks the rules make sense; the messages name what is wrong, for the operator.
    pub fn check(&self) -> Result<(), String> {
        if self.get(GENERAL).is_none() {
            return Err(format!("there is no case type with key \"{GENERAL}\""));
        }
        let mut keys = std::collections::HashSet::new();
        for t in &self.types {
            let key_ok = !t.key.is_empty()
                && t.key.len() <= 64
                && t.key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !key_ok {
                return Err(format!(
                    "case type key \"{}\" must be lower-case letters, digits and _",
                    t.key
                ));
            }
            if !keys.insert(t.key.as_str()) {
                return Err(format!("case type \"{}\" is listed twice", t.key));
            }
            if t.label.trim().is_empty() {
                return Err(format!("case type \"{}\" has no label", t.key));
            }
            let mut clocks = std::collections::HashSet::new();
            for clock in &t.clocks {
                if clock.key.is_empty() || !clocks.insert(clock.key.as_str()) {
                    return Err(format!(
                        "case type \"{}\": each clock needs a key of its own",
                        t.key
                    ));
                }
                if !(1..=3650).contains(&clock.days) || !(0..=3650).contains(&clock.extension_days)
                {
                    return Err(format!(
                        "case type \"{}\", clock \"{}\": days must be 1 to 3650 and extension_days 0 to 3650",
                        t.key, clock.key
                    ));
                }
            }
            for task in &t.tasks {
                if task.title.trim().is_empty()
                    || task.due_days.is_some_and(|d| !(0..=3650).contains(&d))
                {
                    return Err(format!(
                        "case type \"{}\": each task needs a title and due_days of 0 to 3650",
                        t.key
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A case's clock as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseClock {
    pub case_id: i64,
    pub clock: String,
    pub label: String,
    pub started_on: Date,
    pub base_days: i64,
    pub extension_limit_days: i64,
    pub extension_needs_consent: bool,
    pub extended_days: i64,
    /// Set while the clock is paused.
    pub paused_since: Option<Date>,
    /// Days of pauses already ended.
    pub paused_days: i64,
    /// Set when the case closed (the clock met or missed).
    pub stopped_on: Option<Date>,
    /// start + days + extensions + ended pauses.
    pub due_on: Date,
}

/// Where a clock stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockReading {
    /// Days counted so far (paused days not counted).
    pub used: i64,
    /// Days allowed so far (base and extensions).
    pub allowed: i64,
    /// Days left; negative when overdue.
    pub left: i64,
    pub paused: bool,
    pub stopped: bool,
}

impl ClockReading {
    /// Past its due day and still running (or stopped late).
    pub fn overdue(&self) -> bool {
        self.left < 0
    }
}

impl CaseClock {
    /// The due day for these counts.
    pub fn due_for(started_on: Date, days: i64) -> Date {
        started_on.saturating_add(time::Duration::days(days))
    }

    /// Where the clock stands on `today`.
    pub fn reading(&self, today: Date) -> ClockReading {
        let end = self.stopped_on.or(self.paused_since).unwrap_or(today);
        let used = ((end - self.started_on).whole_days() - self.paused_days).max(0);
        let allowed = self.base_days + self.extended_days;
        ClockReading {
            used,
            allowed,
            left: allowed - used,
            paused: self.paused_since.is_some() && self.stopped_on.is_none(),
            stopped: self.stopped_on.is_some(),
        }
    }

    /// The clock after `kind` on `today` (`days` for an extension), or `None` when the
    /// change does not apply: extending past the limit or a stopped clock, pausing a paused
    /// one, resuming one that runs.
    pub fn apply(&self, kind: ClockChangeKind, days: i64, today: Date) -> Option<CaseClock> {
        let mut next = self.clone();
        let fold_pause = |next: &mut CaseClock| {
            if let Some(since) = next.paused_since.take() {
                next.paused_days += (today - since).whole_days().max(0);
            }
        };
        match kind {
            ClockChangeKind::Extend => {
                if self.stopped_on.is_some() || days < 1 || days > self.extension_left() {
                    return None;
                }
                next.extended_days += days;
            }
            ClockChangeKind::Pause => {
                if self.stopped_on.is_some() || self.paused_since.is_some() {
                    return None;
                }
                next.paused_since = Some(today.max(self.started_on));
            }
            ClockChangeKind::Resume => {
                if self.stopped_on.is_some() || self.paused_since.is_none() {
                    return None;
                }
                fold_pause(&mut next);
            }
            ClockChangeKind::Stop => {
                if self.stopped_on.is_some() {
                    return None;
                }
                fold_pause(&mut next);
                next.stopped_on = Some(today);
            }
            ClockChangeKind::Restart => {
                self.stopped_on?;
                next.stopped_on = None;
            }
        }
        next.due_on = Self::due_for(
            next.started_on,
            next.base_days + next.extended_days + next.paused_days,
        );
        Some(next)
    }

    /// How many more days it may be extended by.
    pub fn extension_left(&self) -> i64 {
        (self.extension_limit_days - self.extended_days).max(0)
    }
}

crate::cases::text_enum!(
    /// What was done to a clock.
    ClockChangeKind {
        Extend = "extend" / "Extended",
        Pause = "pause" / "Paused",
        Resume = "resume" / "Resumed",
        Stop = "stop" / "Stopped (case closed)",
        Restart = "restart" / "Running again (case reopened)",
    }
);

/// One recorded change of a clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockChange {
    pub change_id: i64,
    pub clock: String,
    pub kind: ClockChangeKind,
    pub days: i64,
    pub reason: String,
    /// The day the complainant consented (extensions that need it).
    pub consent_on: Option<String>,
    pub changed_by_name: String,
    pub changed_at: time::OffsetDateTime,
}

/// A clock on the dashboard: which case, and its clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockDue {
    pub case_number: String,
    pub case_title: String,
    pub clock: CaseClock,
}

/// The office's case types when it configures none: a general investigation, and a
/// whistleblower reprisal case on the 180-day clock of 41 U.S.C. 4712 with its plan.
pub fn default_case_types() -> CaseTypes {
    CaseTypes {
        types: vec![
            CaseType {
                key: GENERAL.into(),
                label: "General investigation".into(),
                description: "Misconduct, fraud, waste or abuse; no statutory clock.".into(),
                clocks: Vec::new(),
                tasks: Vec::new(),
                reprisal: false,
            },
            CaseType {
                key: "whistleblower_reprisal".into(),
                label: "Whistleblower reprisal".into(),
                description: "A determination is due 180 days after the complaint is received; it may be extended by up to 180 days with the complainant's consent (41 U.S.C. 4712).".into(),
                clocks: vec![ClockRule {
                    key: "determination".into(),
                    label: "Determination".into(),
                    days: 180,
                    starts: ClockStart::Received,
                    extension_days: 180,
                    extension_needs_consent: true,
                }],
                tasks: vec![
                    TaskTemplate {
                        title: "Interview the complainant about the protected disclosure".into(),
                        notes: "What was disclosed, to whom and when.".into(),
                        due_days: Some(30),
                    },
                    TaskTemplate {
                        title: "Obtain the personnel action and its paperwork".into(),
                        notes: String::new(),
                        due_days: Some(45),
                    },
                    TaskTemplate {
                        title: "Establish whether the official knew of the disclosure".into(),
                        notes: String::new(),
                        due_days: Some(90),
                    },
                ],
                reprisal: true,
            },
        ],
    }
}

impl CaseTypes {
    /// The keys of the reprisal types.
    pub fn reprisal_keys(&self) -> Vec<String> {
        self.types
            .iter()
            .filter(|t| t.reprisal)
            .map(|t| t.key.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn clock() -> CaseClock {
        CaseClock {
            case_id: 1,
            clock: "determination".into(),
            label: "Determination".into(),
            started_on: date!(2026 - 01 - 01),
            base_days: 180,
            extension_limit_days: 180,
            extension_needs_consent: true,
            extended_days: 0,
            paused_since: None,
            paused_days: 0,
            stopped_on: None,
            due_on: date!(2026 - 06 - 30),
        }
    }

    #[test]
    fn a_running_clock_counts_calendar_days() {
        let reading = clock().reading(date!(2026 - 02 - 01));
        assert_eq!((reading.used, reading.left), (31, 149));
        assert!(!reading.overdue());
        assert!(clock().reading(date!(2026 - 07 - 01)).overdue());
    }

    #[test]
    fn pauses_and_extensions_move_the_count() {
        let mut c = clock();
        c.paused_days = 10;
        c.extended_days = 30;
        let reading = c.reading(date!(2026 - 07 - 01));
        assert_eq!(
            (reading.used, reading.allowed, reading.left),
            (171, 210, 39)
        );
        c.paused_since = Some(date!(2026 - 03 - 01));
        let frozen = c.reading(date!(2026 - 12 - 01));
        assert!(frozen.paused);
        assert_eq!(frozen.used, 59 - 10);
        assert_eq!(c.extension_left(), 150);
    }

    #[test]
    fn changes_apply_only_where_they_make_sense() {
        let c = clock();
        let extended = c
            .apply(ClockChangeKind::Extend, 60, date!(2026 - 05 - 01))
            .expect("extends");
        assert_eq!(extended.due_on, date!(2026 - 08 - 29));
        assert!(
            extended
                .apply(ClockChangeKind::Extend, 121, date!(2026 - 05 - 01))
                .is_none()
        );
        let paused = c
            .apply(ClockChangeKind::Pause, 0, date!(2026 - 02 - 01))
            .expect("pauses");
        assert!(
            paused
                .apply(ClockChangeKind::Pause, 0, date!(2026 - 02 - 02))
                .is_none()
        );
        let resumed = paused
            .apply(ClockChangeKind::Resume, 0, date!(2026 - 02 - 11))
            .expect("resumes");
        assert_eq!(
            (resumed.paused_days, resumed.due_on),
            (10, date!(2026 - 07 - 10))
        );
        let stopped = resumed
            .apply(ClockChangeKind::Stop, 0, date!(2026 - 03 - 01))
            .expect("stops");
        assert!(
            stopped
                .apply(ClockChangeKind::Extend, 1, date!(2026 - 03 - 01))
                .is_none()
        );
        assert!(stopped.reading(date!(2027 - 01 - 01)).stopped);
    }

    #[test]
    fn the_default_types_pass_their_own_check_and_bad_ones_do_not() {
        assert_eq!(default_case_types().check(), Ok(()));
        let mut types = default_case_types();
        types.types[1].clocks[0].days = 0;
        assert!(types.check().is_err());
        let mut types = default_case_types();
        types.types.remove(0);
        assert!(types.check().is_err());
    }
}
