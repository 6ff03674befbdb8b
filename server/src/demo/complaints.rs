//! The demo's front door: complaints of Port Halden in every state of triage, from the web
//! form and the hotline, one with a file and one waiting on the complainant's answer.

use crate::office::Caller;
use crate::office::complaints::{self, IntoCase, ReferralFields};
use crate::storage::{DynStore, User};
use probity_domain::cases::CaseFields;
use probity_domain::complaints::{ComplaintFields, ComplaintStatus};

fn fields(what: &str, agency: &str, who: &str, when: &str, channel: &str) -> ComplaintFields {
    ComplaintFields {
        what_happened: what.to_string(),
        agency: agency.to_string(),
        people_involved: who.to_string(),
        when_happened: when.to_string(),
        where_happened: "Port Halden".to_string(),
        how_known: "witnessed".to_string(),
        wants_contact: String::new(),
        contact_name: String::new(),
        contact_details: String::new(),
        channel: channel.to_string(),
        received_on: crate::office::validate::today(),
    }
}

/// Loads the demo complaints once; returns the receipt code of the one waiting on its
/// complainant (shown this once), or `None` when they were loaded before.
pub async fn load(
    store: &DynStore,
    vault: crate::office::evidence::Vault<'_>,
    intake: &User,
    prefix: &str,
    merge_into: Option<&str>,
) -> anyhow::Result<Option<String>> {
    let already = store
        .complaint_status_counts()
        .await?
        .iter()
        .any(|(_, count)| *count > 0);
    if already {
        return Ok(None);
    }
    let hashing = crate::auth::password::HashGate::new(1, 16);
    let caller = Caller {
        user: intake.clone(),
        addr: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        via: Some("probity demo".into()),
        confirmed: true,
    };
    let submit = |values: ComplaintFields,
                  staff: bool,
                  files: Vec<crate::storage::complaints::NewComplaintFile>| {
        let hashing = &hashing;
        let caller = &caller;
        async move {
            let valid = complaints::validate_complaint(&values, staff)
                .map_err(|errors| anyhow::anyhow!("a demo complaint is invalid: {errors:?}"))?;
            let logged = staff.then_some(caller);
            complaints::submit(store, hashing, valid, files, logged)
                .await
                .map_err(|error| anyhow::anyhow!("cannot record a demo complaint: {error}"))
        }
    };
    let photo_notes = b"Notes on the photos I took, 14 May 2025, about 07:40:\n\
        Truck PH-2207 (Public Works) parked behind 18 Alder Row; two workers loading\n\
        city paving stones into a private trailer. Same trailer seen on 21 May.\n";
    let blob = vault
        .blobs
        .put_bytes(photo_notes)
        .await
        .map_err(|error| anyhow::anyhow!("cannot store a demo complaint's file: {error}"))?;
    let file = complaints::received_file("alder-row-notes.txt", &blob, None);

    // New, from the web form, with a file.
    submit(
        fields(
            "Public Works crews are loading city paving stones into a private trailer behind a house on Alder Row, early in the morning, twice in May.",
            "Port Halden Department of Public Works",
            "Two workers of the paving crew; the truck is PH-2207.",
            "14 and 21 May 2025",
            "",
        ),
        false,
        vec![file],
    )
    .await?;

    // Under review, from the hotline.
    let call = submit(
        fields(
            "Caller says building inspectors sign off inspections at the Harbor View development without visiting the site.",
            "Port Halden Building Department",
            "Two inspectors of the north district.",
            "Since March 2025",
            "hotline",
        ),
        true,
        Vec::new(),
    )
    .await?;
    complaints::move_complaint(
        store,
        &caller,
        call.complaint.complaint_id,
        call.complaint.version,
        ComplaintStatus::UnderReview,
    )
    .await?;

    // Needs information: the office asked, the complainant has not answered yet.
    let asked = submit(
        fields(
            "A clerk at the permits counter asks for cash to move applications to the top of the pile.",
            "Port Halden Permits Office",
            "A clerk at the permits counter, afternoons.",
            "April 2025",
            "",
        ),
        false,
        Vec::new(),
    )
    .await?;
    complaints::write_to_complainant(
        store,
        &caller,
        asked.complaint.complaint_id,
        "Thank you for your report. Which days did this happen, and did you or anyone else pay? If you kept a receipt or a message, you can add it here.",
        Vec::new(),
    )
    .await?;

    // Opened as a case.
    let opened = submit(
        fields(
            "Parking fines of a council member's relatives are cancelled by the parking office without any appeal being filed.",
            "Port Halden Parking Authority",
            "A supervisor at the parking office.",
            "2024 and 2025",
            "",
        ),
        false,
        Vec::new(),
    )
    .await?;
    complaints::move_complaint(
        store,
        &caller,
        opened.complaint.complaint_id,
        opened.complaint.version,
        ComplaintStatus::UnderReview,
    )
    .await?;
    let case_fields = CaseFields {
        title: "Parking fines cancelled without appeal".into(),
        summary: "From complaint: parking fines of relatives of a council member cancelled without appeal.".into(),
        subject_agency: "Port Halden Parking Authority".into(),
        intake_channel: "complaint".into(),
        received_on: crate::office::validate::today(),
        priority: "normal".into(),
        confidentiality: "confidential".into(),
        time_zone: "America/New_York".into(),
        case_type: String::new(),
        version: String::new(),
    };
    complaints::into_case(
        vault,
        &caller,
        opened.complaint.complaint_id,
        opened.complaint.version + 1,
        IntoCase::New {
            fields: &case_fields,
            prefix,
            types: &probity_domain::clocks::default_case_types(),
        },
    )
    .await?;

    // A reprisal complaint from the hotline, 150 days ago, opened as a reprisal case: its
    // 180-day determination clock was extended by 60 days with the complainant's consent,
    // and the complainant agreed the team may know who they are.
    let received = (time::OffsetDateTime::now_utc() - time::Duration::days(150))
        .date()
        .to_string();
    let consented = (time::OffsetDateTime::now_utc() - time::Duration::days(20))
        .date()
        .to_string();
    let mut reprisal = fields(
        "Caller, a sanitation dispatcher, says she was moved to night shifts and lost her overtime a week after she told the department's auditor that route sheets were being padded.",
        "Port Halden Sanitation Department",
        "The dispatch supervisor of the east garage.",
        "Since February 2025",
        "hotline",
    );
    reprisal.received_on = received.clone();
    reprisal.how_known = "involved".into();
    reprisal.wants_contact = "yes".into();
    reprisal.contact_name = "Delphine Okafor-Marsh".into();
    reprisal.contact_details = "delphine.om@example.net, 555-0199 (evenings)".into();
    let reprisal = submit(reprisal, true, Vec::new()).await?;
    let reprisal_fields = CaseFields {
        title: "Dispatcher moved to night shifts after reporting padded route sheets".into(),
        summary: "Whistleblower reprisal complaint: a protected disclosure to the department's auditor, followed a week later by a move to night shifts and loss of overtime.".into(),
        subject_agency: "Port Halden Sanitation Department".into(),
        intake_channel: "complaint".into(),
        received_on: received,
        priority: "high".into(),
        confidentiality: "confidential".into(),
        time_zone: "America/New_York".into(),
        case_type: "whistleblower_reprisal".into(),
        version: String::new(),
    };
    let reprisal_case = complaints::into_case(
        vault,
        &caller,
        reprisal.complaint.complaint_id,
        reprisal.complaint.version,
        IntoCase::New {
            fields: &reprisal_fields,
            prefix,
            types: &probity_domain::clocks::default_case_types(),
        },
    )
    .await?;
    crate::office::plan::change_clock(
        store,
        &caller,
        reprisal_case,
        "determination",
        &crate::office::plan::ClockChangeFields {
            kind: "extend".into(),
            days: "60".into(),
            reason: "The complainant agreed in writing to 60 more days so that the garage's shift records can be obtained.".into(),
            consent_on: consented.clone(),
        },
    )
    .await?;
    crate::office::plan::record_consent(
        store,
        &caller,
        reprisal_case,
        &crate::office::plan::ConsentFields {
            complaint_id: reprisal.complaint.complaint_id.to_string(),
            scope: "team".into(),
            given_on: consented,
            how_given: "Signed consent form, filed as an exhibit".into(),
        },
    )
    .await?;

    // Referred to another agency.
    let referred = submit(
        fields(
            "A state trooper was seen using the state fuel card for a private car at the Route 9 station.",
            "State Highway Patrol",
            "A trooper; plate noted by the caller.",
            "June 2025",
            "letter",
        ),
        true,
        Vec::new(),
    )
    .await?;
    complaints::refer(
        store,
        &caller,
        referred.complaint.complaint_id,
        referred.complaint.version,
        &ReferralFields {
            referred_to: "State Office of the Inspector General".into(),
            referred_on: crate::office::validate::today(),
            referral_sent: "The letter and a summary; the writer's name withheld.".into(),
            note: "A state employee: outside the city's jurisdiction.".into(),
        },
    )
    .await?;

    // Merged into a case already open about the same thing.
    if let Some(case_number) = merge_into {
        let merged = submit(
            fields(
                "An officer says the 4th Precinct evidence log was changed after items went missing last year.",
                "Port Halden Police Department",
                "An evidence clerk and a sergeant of the 4th Precinct.",
                "2024",
                "hotline",
            ),
            true,
            Vec::new(),
        )
        .await?;
        complaints::into_case(
            vault,
            &caller,
            merged.complaint.complaint_id,
            merged.complaint.version,
            IntoCase::Existing { case_number },
        )
        .await?;
    }

    // Closed: no jurisdiction.
    let closed = submit(
        fields("My neighbour's dog barks all night.", "", "", "", ""),
        false,
        Vec::new(),
    )
    .await?;
    complaints::close(
        store,
        &caller,
        closed.complaint.complaint_id,
        closed.complaint.version,
        "no_jurisdiction",
        "A private dispute, not misconduct in a city agency.",
    )
    .await?;
    Ok(Some(asked.receipt))
}
