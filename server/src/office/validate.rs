//! Validation of what people and programs send: every field has limits, every message says
//! what to fix. The pages and the API use the same rules.

use crate::storage::cases::{AllegationInput, CaseDetails, PartyInput, is_iso_date};
use probity_domain::cases::{AllegationFields, CaseFields, PartyFields};
use probity_domain::cases::{
    AllegationStatus, Confidentiality, IntakeChannel, PartyKind, PartyRole, Priority,
};
use probity_domain::validation::FieldErrors;

/// Trims a field and checks it is present (when `required`) and within `max` characters.
/// Control characters other than line breaks and tabs are refused.
pub fn text(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    required: bool,
    max: usize,
    what: &str,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.add(field, format!("Enter {what}."));
    } else if value.chars().count() > max {
        errors.add(field, format!("Use at most {max} characters."));
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(field, "Remove the control characters.");
    }
    value.replace("\r\n", "\n")
}

/// One line of text: line breaks refused too.
pub fn line(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    required: bool,
    max: usize,
    what: &str,
) -> String {
    let value = text(errors, field, value, required, max, what);
    if value.contains('\n') && errors.get(field).is_none() {
        errors.add(field, "Keep this on one line.");
    }
    value
}

/// One of a closed set of values.
pub fn choice<T>(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> Option<T> {
    let parsed = parse(value.trim());
    if parsed.is_none() {
        errors.add(field, format!("Choose {what}."));
    }
    parsed
}

/// Validates the case form.
pub fn case_details(values: &CaseFields) -> Result<CaseDetails, FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = line(&mut errors, "title", &values.title, true, 200, "a title");
    let summary = text(
        &mut errors,
        "summary",
        &values.summary,
        true,
        10_000,
        "a summary",
    );
    let subject_agency = line(
        &mut errors,
        "subject_agency",
        &values.subject_agency,
        true,
        200,
        "the subject agency",
    );
    let intake_channel = choice(
        &mut errors,
        "intake_channel",
        &values.intake_channel,
        IntakeChannel::parse,
        "how the case came in",
    );
    let received_on = values.received_on.trim().to_string();
    if !is_iso_date(&received_on) {
        errors.add(
            "received_on",
            "Enter the date received as YYYY-MM-DD, for example 2025-02-03.",
        );
    } else if received_on > today() {
        errors.add("received_on", "The date received cannot be in the future.");
    }
    let priority = choice(
        &mut errors,
        "priority",
        &values.priority,
        Priority::parse,
        "a priority",
    );
    let confidentiality = choice(
        &mut errors,
        "confidentiality",
        &values.confidentiality,
        Confidentiality::parse,
        "a confidentiality level",
    );
    let time_zone = match values.time_zone.trim() {
        "" => "UTC".to_string(),
        name => match jiff::tz::TimeZone::get(name) {
            Ok(zone) => zone.iana_name().unwrap_or(name).to_string(),
            Err(_) => {
                errors.add(
                    "time_zone",
                    "Enter a time zone name such as America/New_York or UTC.",
                );
                String::new()
            }
        },
    };
    match (intake_channel, priority, confidentiality) {
        (Some(intake_channel), Some(priority), Some(confidentiality)) if errors.is_empty() => {
            Ok(CaseDetails {
                title,
                summary,
                subject_agency,
                intake_channel,
                received_on,
                priority,
                confidentiality,
                time_zone,
            })
        }
        _ => Err(errors),
    }
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}

/// Validates the party form.
pub fn party(values: &PartyFields) -> Result<PartyInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = line(&mut errors, "name", &values.name, true, 200, "a name");
    let kind = choice(
        &mut errors,
        "kind",
        &values.kind,
        PartyKind::parse,
        "person or organisation",
    );
    let party_role = choice(
        &mut errors,
        "party_role",
        &values.party_role,
        PartyRole::parse,
        "their role in the case",
    );
    let pseudonym = line(
        &mut errors,
        "pseudonym",
        &values.pseudonym,
        false,
        100,
        "a pseudonym",
    );
    let details = text(
        &mut errors,
        "details",
        &values.details,
        false,
        5_000,
        "details",
    );
    match (kind, party_role) {
        (Some(kind), Some(party_role)) if errors.is_empty() => Ok(PartyInput {
            kind,
            name,
            party_role,
            details,
            pseudonym,
            senior_employee: matches!(values.senior_employee.trim(), "yes" | "true" | "on"),
        }),
        _ => Err(errors),
    }
}

/// Validates the allegation form; `party_ids` are the case's parties.
pub fn allegation(
    values: &AllegationFields,
    party_ids: &[i64],
) -> Result<AllegationInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let subject = values.subject_party_id.trim();
    let subject_party_id = if subject.is_empty() {
        None
    } else {
        match subject.parse::<i64>() {
            Ok(id) if party_ids.contains(&id) => Some(id),
            _ => {
                errors.add("subject_party_id", "Choose one of this case's parties.");
                None
            }
        }
    };
    let summary = text(
        &mut errors,
        "summary",
        &values.summary,
        true,
        2_000,
        "what they allegedly did",
    );
    let rule_at_issue = line(
        &mut errors,
        "rule_at_issue",
        &values.rule_at_issue,
        true,
        500,
        "the law or policy at issue",
    );
    let status = choice(
        &mut errors,
        "status",
        &values.status,
        AllegationStatus::parse,
        "a status",
    );
    match status {
        Some(status) if errors.is_empty() => Ok(AllegationInput {
            subject_party_id,
            summary,
            rule_at_issue,
            status,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good_case() -> CaseFields {
        CaseFields {
            title: "Disclosure of custody status".into(),
            summary: "Line one\r\nline two".into(),
            subject_agency: "Department of Correction".into(),
            intake_channel: "referral".into(),
            received_on: "2025-02-03".into(),
            priority: "high".into(),
            confidentiality: "confidential".into(),
            time_zone: String::new(),
            case_type: String::new(),
            version: String::new(),
        }
    }

    #[test]
    fn a_good_case_passes_and_line_breaks_are_normalised() {
        let details = case_details(&good_case()).expect("valid");
        assert_eq!(details.summary, "Line one\nline two");
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let values = CaseFields {
            title: "x".repeat(201),
            summary: "   ".into(),
            subject_agency: "Two\nlines".into(),
            intake_channel: "carrier pigeon".into(),
            received_on: "3025-01-01".into(),
            priority: String::new(),
            confidentiality: "top".into(),
            time_zone: "Nowhere/Land".into(),
            case_type: String::new(),
            version: String::new(),
        };
        let errors = case_details(&values).expect_err("invalid");
        for field in [
            "title",
            "summary",
            "subject_agency",
            "intake_channel",
            "received_on",
            "priority",
            "confidentiality",
            "time_zone",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let mut bad_date = good_case();
        bad_date.received_on = "2025-02-30".into();
        assert!(case_details(&bad_date).is_err());
    }

    #[test]
    fn an_allegation_subject_must_belong_to_the_case() {
        let values = AllegationFields {
            subject_party_id: "99".into(),
            summary: "Passed custody data".into(),
            rule_at_issue: "City sanctuary law".into(),
            status: "open".into(),
            version: String::new(),
        };
        assert!(allegation(&values, &[1, 2]).is_err());
        assert!(allegation(&values, &[99]).is_ok());
    }
}
