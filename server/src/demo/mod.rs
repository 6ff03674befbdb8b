//! `probity demo`: one fictional case that shows every feature, and one account per role.
//!
//! Everything here is invented for the demo: the city of Port Halden, its agencies, the
//! people and the events. It follows the shape of a real kind of case (an officer passing
//! detainees' custody information to federal agents) without its names or text.

pub mod complaints;
pub mod screenshot;

use crate::storage::cases::{AllegationInput, CaseDetails, NewCase, PartyInput};
use crate::storage::{NewAuditEvent, NewUser, Outcome, Store, StoreError, User};
use anyhow::Context as _;
use probity_domain::cases::{
    AllegationStatus, CaseStatus, Confidentiality, IntakeChannel, PartyKind, PartyRole, Priority,
};
use probity_domain::roles::Role;

/// The default password of the demo accounts.
pub const DEMO_PASSWORD: &str = "port halden demo 2025";

/// The demo accounts: username, name, role.
pub const DEMO_USERS: [(&str, &str, Role); 8] = [
    ("alex.admin", "Alex Moreau", Role::Administrator),
    ("sam.supervisor", "Sam Okafor", Role::Supervisor),
    ("ines.investigator", "Inès Duarte", Role::Investigator),
    ("theo.investigator", "Theo Lindqvist", Role::Investigator),
    ("nora.investigator", "Nora Blake", Role::Investigator),
    ("pat.supervisor", "Pat Kessler", Role::Supervisor),
    ("cora.commissioner", "Cora Whitfield", Role::Commissioner),
    ("ade.auditor", "Ade Mensah", Role::Auditor),
];

/// The authenticator-app secret of a demo account (base32): fixed and public, so that anyone
/// trying the demo, and the tests, can compute its codes. Never a way to enrol a real account.
pub fn demo_totp_secret(username: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(format!("probity demo second factor {username}").as_bytes());
    totp_rs::Secret::from(digest[..20].to_vec()).to_base32()
}

/// The name of the demo's API token.
pub const DEMO_TOKEN_NAME: &str = "demo script";

/// The title of the demo case, used to find it again.
pub const DEMO_CASE_TITLE: &str = "Disclosure of detainee custody information to federal agents";

/// Loads the demo; running it again changes nothing.
pub async fn load(
    store: &crate::storage::DynStore,
    blobs: &std::sync::Arc<dyn crate::blobs::BlobStore>,
    password: &str,
    prefix: &str,
    office_name: &str,
) -> anyhow::Result<()> {
    if let Err(problem) = crate::auth::password::check_policy(password, "") {
        anyhow::bail!("the demo password is refused: {}", problem.message());
    }
    let hash = crate::auth::password::hash(password.to_string()).await?;
    let mut users = Vec::new();
    for (username, name, role) in DEMO_USERS {
        let user = match store
            .create_user(NewUser {
                username: username.to_string(),
                display_name: name.to_string(),
                role,
                password_hash: hash.clone(),
            })
            .await
        {
            Ok(user) => user,
            Err(StoreError::Conflict) => store
                .user_by_username(username)
                .await?
                .context("a demo account vanished")?,
            Err(error) => return Err(error.into()),
        };
        // Enrolled already, as an office requiring a second factor would have them.
        if store
            .begin_totp(user.user_id, &demo_totp_secret(username))
            .await?
        {
            store.confirm_totp(user.user_id, 0, &[]).await?;
        }
        users.push(user);
    }
    let by_name = |username: &str| -> anyhow::Result<&User> {
        users
            .iter()
            .find(|user| user.username == username)
            .context("demo account missing")
    };
    let ines = by_name("ines.investigator")?;
    let theo = by_name("theo.investigator")?;
    let sam = by_name("sam.supervisor")?;
    let pat = by_name("pat.supervisor")?;

    let already = store
        .my_cases(ines.user_id, 100)
        .await?
        .into_iter()
        .any(|case| case.title == DEMO_CASE_TITLE);
    if already {
        println!("the demo case is already loaded");
    } else {
        let case_id = load_case(
            &**store,
            ines.user_id,
            theo.user_id,
            sam.user_id,
            pat.user_id,
            prefix,
        )
        .await?;
        let cora = by_name("cora.commissioner")?;
        // The case is highly confidential: its supervisor and commissioner are named to see
        // it, and nobody else outside the team may.
        for overseer in [sam.user_id, cora.user_id] {
            store.name_overseer(case_id, overseer, sam.user_id).await?;
        }
        load_evidence(store, blobs, case_id, ines.user_id).await?;
        load_interviews(store, case_id, ines.user_id, theo.user_id).await?;
        load_timeline(store, case_id, ines.user_id).await?;
        load_plan(store, case_id, ines.user_id, theo.user_id).await?;
        load_outcomes(store, case_id, ines.user_id).await?;
        load_report(
            store,
            blobs.as_ref(),
            office_name,
            case_id,
            ines.user_id,
            cora.user_id,
        )
        .await?;
        load_money(store, case_id, ines.user_id).await?;
        store
            .add_review(
                case_id,
                sam.user_id,
                "Reviewed the evidence list, both interviews and the draft findings. Asked the team to obtain the task-force memorandum of understanding before the report is final, and to confirm the release time from the jail's gate log.",
            )
            .await?;
    }
    // Two smaller cases give the dashboard's work queues something to show: a draft waiting
    // for the commissioner's review, and one returned to the lead investigator's team.
    let cora = by_name("cora.commissioner")?;
    load_queue_cases(store, ines.user_id, theo.user_id, cora.user_id, prefix).await?;
    // Complaints in every state of triage, worked by a supervisor.
    let returned = store
        .my_cases(ines.user_id, 100)
        .await?
        .into_iter()
        .find(|case| case.title == DEMO_RETURNED_TITLE)
        .map(|case| case.case_number);
    // Text extraction is queued as jobs, which the next `probity serve` runs.
    let ocr = crate::evidence::ocr::OcrQueue::new(crate::jobs::JobQueue::new(store.clone())).await;
    let vault = crate::office::evidence::Vault {
        store,
        blobs,
        ocr: &ocr,
    };
    let receipt = complaints::load(store, vault, sam, prefix, returned.as_deref()).await?;
    // A read-only API token for the lead investigator, made once (it cannot be shown again,
    // so a later run says where to make another).
    let ines = store
        .user_by_username("ines.investigator")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo lead is missing"))?;
    let has_token = store
        .tokens_of(ines.user_id)
        .await?
        .iter()
        .any(|token| token.name == DEMO_TOKEN_NAME);
    let token_line = if has_token {
        format!(
            "the demo API token \"{DEMO_TOKEN_NAME}\" of ines.investigator was shown when it was made; make another on her account page or with `probity user token ines.investigator --name NAME`"
        )
    } else {
        let caller = crate::office::Caller {
            user: ines,
            addr: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            via: Some("probity demo".into()),
            confirmed: true,
        };
        let fields = crate::office::tokens::TokenFields {
            name: DEMO_TOKEN_NAME.into(),
            scope: "read".into(),
            days: "90".into(),
        };
        let created = crate::office::tokens::create_token(store, &caller, &fields)
            .await
            .map_err(|error| anyhow::anyhow!("cannot make the demo API token: {error}"))?;
        format!(
            "a read-only API token of ines.investigator (shown this once): {}\n  try: curl -H \"Authorization: Bearer {}\" http://127.0.0.1:3000/api/v1/cases",
            created.secret, created.secret
        )
    };
    println!(
        "demo accounts (password: {password}; after it, the code of an authenticator app holding the account's secret below: time-based, SHA-1, 6 digits, 30 s):"
    );
    for (username, name, role) in DEMO_USERS {
        println!(
            "  {username:<20} {name:<16} {:<14} secret {}",
            role.label(),
            crate::auth::totp::grouped(&demo_totp_secret(username))
        );
    }
    println!(
        "the demo case is highly confidential: sam.supervisor and cora.commissioner are named to see it; nora.investigator is not on its team; pat.supervisor is recused from it."
    );
    println!(
        "try Search (in the navigation) for \"agents\" or \"bus stop\" as ines.investigator: the case, its parties, allegations, note, exhibit text, messages, events and finding are found; as nora.investigator or pat.supervisor, nothing."
    );
    println!("{token_line}");
    match receipt {
        Some(code) => println!(
            "complaints in every state are in the queue (Complaints, as sam.supervisor); the complaint about the permits counter waits on its complainant: follow up at /complain/follow-up with the receipt code {code} (shown this once)"
        ),
        None => println!("the demo complaints are already loaded (Complaints, as sam.supervisor)"),
    }
    Ok(())
}

/// The titles of the demo's smaller cases.
pub const DEMO_REVIEW_TITLE: &str = "Overtime billed for motor-pool trips not taken";
pub const DEMO_RETURNED_TITLE: &str = "Evidence-room inventory gaps at the 4th Precinct";

/// Two smaller cases, once: one whose draft waits for review (led by `theo`, `ines` on the
/// team) and one whose draft came back with comments (led by `ines`).
async fn load_queue_cases(
    store: &crate::storage::DynStore,
    ines: i64,
    theo: i64,
    commissioner: i64,
    prefix: &str,
) -> anyhow::Result<()> {
    use probity_domain::reports::ReportState;
    let existing: Vec<String> = store
        .my_cases(ines, 100)
        .await?
        .into_iter()
        .map(|case| case.title)
        .collect();
    let cases = [
        (
            DEMO_REVIEW_TITLE,
            "A dispatcher reported that two drivers billed overtime for trips the vehicle logs do not show.",
            "Port Halden Department of Transportation",
            theo,
            ines,
            "The office found that two drivers claimed 61 hours of overtime for trips not taken between January and March 2025, and recommends recovery of the payments.",
            false,
        ),
        (
            DEMO_RETURNED_TITLE,
            "An audit of the 4th Precinct evidence room could not find 14 items logged as received in 2024.",
            "Port Halden Police Department",
            ines,
            theo,
            "Items are missing from the evidence room.",
            true,
        ),
    ];
    for (title, summary, agency, lead, member, report, returned) in cases {
        if existing.iter().any(|known| known == title) {
            continue;
        }
        let case = store
            .create_case(NewCase {
                details: CaseDetails {
                    title: title.to_string(),
                    summary: summary.to_string(),
                    subject_agency: agency.to_string(),
                    intake_channel: IntakeChannel::Complaint,
                    received_on: "2025-04-14".to_string(),
                    priority: Priority::Normal,
                    confidentiality: Confidentiality::Confidential,
                    time_zone: "America/New_York".to_string(),
                },
                created_by: lead,
                year: 2025,
                prefix: prefix.to_string(),
                case_type: probity_domain::clocks::GENERAL.to_string(),
                plan: Default::default(),
            })
            .await?;
        let id = case.case_id;
        store.add_member(id, member, lead).await?;
        let sections = vec![("summary".to_string(), report.to_string())];
        let version = store.save_report_version(id, 0, &sections, lead).await?;
        store
            .review_report(
                id,
                version,
                ReportState::Draft,
                ReportState::Submitted,
                lead,
                "",
                &[],
            )
            .await?;
        if returned {
            store
                .review_report(
                    id,
                    version,
                    ReportState::Submitted,
                    ReportState::Returned,
                    commissioner,
                    "Say which items are missing and what the precinct's records show.",
                    &[(
                        "summary".into(),
                        "Give the number of items and the period.".into(),
                    )],
                )
                .await?;
        }
    }
    Ok(())
}

async fn load_case(
    store: &dyn Store,
    lead: i64,
    member: i64,
    supervisor: i64,
    recused: i64,
    prefix: &str,
) -> anyhow::Result<i64> {
    let case = store
        .create_case(NewCase {
            details: CaseDetails {
                title: DEMO_CASE_TITLE.to_string(),
                summary: "The Board of Correction referred reports that an investigator of the \
                    Port Halden Department of Correction, assigned to a joint federal task force, \
                    passed the custody status of two people held in city jails to federal \
                    immigration agents, with real-time updates after one was released and a \
                    screenshot of a detainee detail report. Federal agents later arrested one of \
                    them. Neither had a conviction that would allow cooperation under the city's \
                    limits on immigration enforcement, and no judicial warrant was presented."
                    .to_string(),
                subject_agency: "Port Halden Department of Correction".to_string(),
                intake_channel: IntakeChannel::Referral,
                received_on: "2025-03-04".to_string(),
                priority: Priority::High,
                confidentiality: Confidentiality::HighlyConfidential,
                time_zone: "America/New_York".to_string(),
            },
            created_by: lead,
            year: 2025,
            prefix: prefix.to_string(),
            case_type: probity_domain::clocks::GENERAL.to_string(),
            plan: Default::default(),
        })
        .await?;
    let id = case.case_id;
    // An early recusal, lifted with its reason: the team page keeps both.
    store
        .recuse(
            id,
            member,
            "Named as a witness in the Board's referral",
            supervisor,
        )
        .await?;
    store
        .lift_recusal(
            id,
            member,
            supervisor,
            "The witness named in the referral is another Theo Lindqvist; conflict cleared by counsel",
        )
        .await?;
    store.add_member(id, member, lead).await?;
    store.set_lead(id, lead, supervisor).await?;
    store
        .recuse(
            id,
            recused,
            "Supervised the subject at the Department of Correction until 2024",
            supervisor,
        )
        .await?;

    let parties = [
        (
            PartyKind::Person,
            "Marisol Reyes-Calder",
            PartyRole::Subject,
            "Investigator, Department of Correction Intelligence Unit; member of the joint federal task force since 2023.",
            "the DOC investigator",
        ),
        (
            PartyKind::Person,
            "Jonah Petrakis",
            PartyRole::AffectedPerson,
            "Held at the Harbour Island detention centre; released 2024-11-21.",
            "Detainee A",
        ),
        (
            PartyKind::Person,
            "Luis Okonjo",
            PartyRole::AffectedPerson,
            "Held at the Harbour Island detention centre.",
            "Detainee B",
        ),
        (
            PartyKind::Organisation,
            "Port Halden Department of Correction",
            PartyRole::Agency,
            "The agency employing the subject.",
            "",
        ),
        (
            PartyKind::Organisation,
            "Federal immigration enforcement task force",
            PartyRole::LawEnforcementPartner,
            "Agents who received the information.",
            "federal agents",
        ),
        (
            PartyKind::Organisation,
            "Port Halden Board of Correction",
            PartyRole::Complainant,
            "Oversight board that referred the matter.",
            "",
        ),
        (
            PartyKind::Person,
            "Alma Whitcombe",
            PartyRole::Witness,
            "Captain, Department of Correction Intelligence Unit; the subject's supervisor.",
            "the unit's captain",
        ),
    ];
    let mut party_ids = Vec::new();
    for (kind, name, party_role, details, pseudonym) in parties {
        let party = store
            .create_party(
                id,
                PartyInput {
                    kind,
                    name: name.to_string(),
                    party_role,
                    details: details.to_string(),
                    pseudonym: pseudonym.to_string(),
                    senior_employee: false,
                },
            )
            .await?;
        party_ids.push(party.party_id);
    }
    let allegations = [
        (
            party_ids[0],
            "Disclosed the custody status of Detainee A and Detainee B to federal immigration agents, and sent real-time updates after Detainee A's release.",
            "Port Halden Administrative Code § 9-131 (limits on cooperation with immigration enforcement)",
            AllegationStatus::UnderInvestigation,
        ),
        (
            party_ids[0],
            "Sent federal agents a screenshot of a detainee detail report that included Detainee A's booking photograph.",
            "Department of Correction Directive 4501 (release of inmate information)",
            AllegationStatus::UnderInvestigation,
        ),
        (
            party_ids[3],
            "Did not train staff assigned to federal task forces on the city's limits on cooperation with immigration enforcement.",
            "Port Halden Administrative Code § 9-131; Directive 4501",
            AllegationStatus::Open,
        ),
    ];
    for (subject, summary, rule, status) in allegations {
        store
            .create_allegation(
                id,
                AllegationInput {
                    subject_party_id: Some(subject),
                    summary: summary.to_string(),
                    rule_at_issue: rule.to_string(),
                    status,
                },
            )
            .await?;
    }
    let note = store
        .create_note(
            id,
            lead,
            "Requested the task-force message logs from the Department of Correction.",
        )
        .await?;
    store
        .edit_note(
            id,
            note.note_id,
            note.version,
            "Requested the task-force message logs and the custody records of both detainees from the Department of Correction; due within ten working days.",
            lead,
        )
        .await?;
    store
        .create_note(
            id,
            member,
            "The release record shows Detainee A left custody at 16:40; the first message to the federal agents is timestamped 16:52 the same day.",
        )
        .await?;
    let mut version = store
        .case_by_id(id)
        .await?
        .context("demo case vanished")?
        .version;
    for (from, to, reason) in [
        (
            CaseStatus::Intake,
            CaseStatus::Open,
            "Referral screened: within the office's jurisdiction",
        ),
        (
            CaseStatus::Open,
            CaseStatus::Investigation,
            "Records requested; interviews to be scheduled",
        ),
    ] {
        version = store
            .move_status(id, version, from, to, reason, lead)
            .await?
            .version;
    }
    store
        .append_audit(
            NewAuditEvent::named("cli", "demo.load", Outcome::Success)
                .case(id)
                .detail("demo case loaded"),
        )
        .await?;
    println!("loaded demo case {}", case.case_number);
    Ok(id)
}

/// The demo's chat log: the real-time updates, as a WhatsApp export.
const CHAT_LOG: &str = "\
11/21/24, 4:41 PM - Marisol Reyes-Calder: Petrakis just walked out of Harbour Island
11/21/24, 4:42 PM - Agent D. Sorensen: Which exit?
11/21/24, 4:42 PM - Marisol Reyes-Calder: Main gate, bus stop side. Grey hoodie.
Sending the detail report now
11/21/24, 4:45 PM - Marisol Reyes-Calder: <Media omitted>
11/21/24, 4:52 PM - Agent D. Sorensen: Got it. Team is on the way
12/02/24, 9:03 AM - Marisol Reyes-Calder: Okonjo still in custody, court date moved to the 9th
12/02/24, 9:10 AM - Agent D. Sorensen: Thanks. Let me know if that changes
";

/// The demo's e-mail from the investigator to the task force.
const EMAIL: &str = "\
From: Marisol Reyes-Calder <m.reyes-calder@doc.port-halden.example>
To: Dana Sorensen <d.sorensen@taskforce.example>
Subject: Custody status - two names from Tuesday
Date: Tue, 19 Nov 2024 10:12:00 -0500
Message-ID: <demo-0001@doc.port-halden.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Dana,

Both names you sent are in our custody at Harbour Island.
Petrakis is expected to be released on the 21st; I will let you know the time.
Okonjo has a court date on 12/4.

M.
";

/// Adds the demo's screenshot, message log and e-mail as exhibits.
/// The demo case's investigative plan: done tasks fulfilled by the exhibits that answered
/// them, open ones for both investigators, one of them overdue.
async fn load_plan(
    store: &crate::storage::DynStore,
    case_id: i64,
    lead: i64,
    member: i64,
) -> anyhow::Result<()> {
    use crate::storage::plan::TaskInput;
    use probity_domain::plan::TaskStatus;
    let exhibit = |number: i64| async move {
        store
            .exhibit_id_by_number(case_id, number)
            .await
            .map_err(anyhow::Error::from)
    };
    let tasks = [
        (
            "Request the lookup system's access log for the task-force account",
            "Ask the Department's IT unit for every lookup of the two detainees from 1 to 30 November 2024.",
            Some(lead),
            Some("2025-03-20"),
            TaskStatus::Done,
            exhibit(1).await?,
        ),
        (
            "Interview the task-force supervisor",
            "Who authorised the sharing of custody status, and was a judicial warrant ever presented?",
            Some(member),
            Some("2025-05-02"),
            TaskStatus::Open,
            None,
        ),
        (
            "Obtain the task-force memorandum of understanding",
            "",
            Some(lead),
            None,
            TaskStatus::InProgress,
            None,
        ),
        (
            "Ask the Board of Correction for its referral file",
            "",
            None,
            Some("2030-01-15"),
            TaskStatus::Open,
            None,
        ),
    ];
    for (title, notes, assignee, due, status, fulfilled) in tasks {
        let input = TaskInput {
            title: title.into(),
            notes: notes.into(),
            assignee_id: assignee,
            due_on: due.map(str::to_string),
            status,
            fulfilled_exhibit_id: fulfilled,
            fulfilled_event_id: None,
        };
        store.create_task(case_id, &input, lead).await?;
    }
    Ok(())
}

/// What came of the demo case: the referral to the federal prosecutor, declined, and the
/// investigator's suspension by the Department.
async fn load_outcomes(
    store: &crate::storage::DynStore,
    case_id: i64,
    lead: i64,
) -> anyhow::Result<()> {
    use crate::storage::outcomes::{OutcomeInput, ReferralInput};
    use probity_domain::outcomes::{OutcomeKind, ProsecutorLevel, ReferralDecision};
    let subject = store
        .parties(case_id)
        .await?
        .into_iter()
        .find(|party| party.party_role == probity_domain::cases::PartyRole::Subject)
        .context("the demo case has no subject")?;
    store
        .create_referral(
            case_id,
            &ReferralInput {
                party_id: Some(subject.party_id),
                level: ProsecutorLevel::Federal,
                office: "U.S. Attorney's Office for the District of Port Halden".into(),
                referred_on: "2025-05-12".into(),
                what: "Disclosure of two detainees' custody status from the jail lookup system to federal agents without a judicial warrant (possible 18 U.S.C. 1030 violation).".into(),
                decision: ReferralDecision::Declined,
                decided_on: Some("2025-07-03".into()),
                source_exhibit_id: None,
            },
            lead,
        )
        .await?;
    store
        .create_outcome(
            case_id,
            &OutcomeInput {
                party_id: subject.party_id,
                kind: OutcomeKind::Suspension,
                occurred_on: "2025-09-15".into(),
                detail: "Suspended without pay by the Department of Correction and removed from the joint task force.".into(),
                suspension_days: Some(30),
                source_exhibit_id: None,
            },
            lead,
        )
        .await?;
    Ok(())
}

/// The demo's two interviews: the subject, compelled under an administrative warning with
/// her union representative and counsel present, its memorandum revised once; and her
/// captain, a voluntary witness, by telephone.
async fn load_interviews(
    store: &crate::storage::DynStore,
    case_id: i64,
    lead: i64,
    second: i64,
) -> anyhow::Result<()> {
    use crate::storage::interviews::InterviewInput;
    use probity_domain::interviews::{Attendee, AttendeeRole, InterviewWarning};
    let parties = store.parties(case_id).await?;
    let party = |name: &str| -> anyhow::Result<i64> {
        parties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.party_id)
            .context("demo party missing")
    };
    let team = store.team(case_id).await?;
    let investigator = |user_id: i64| -> anyhow::Result<Attendee> {
        let member = team
            .iter()
            .find(|m| m.user_id == user_id)
            .context("demo team member missing")?;
        Ok(Attendee {
            role: AttendeeRole::Investigator,
            user_id: Some(user_id),
            name: member.display_name.clone(),
        })
    };
    let other = |role: AttendeeRole, name: &str| Attendee {
        role,
        user_id: None,
        name: name.to_string(),
    };
    let email = store
        .exhibits(case_id, lead)
        .await?
        .into_iter()
        .find(|e| e.original_filename == "custody-status.eml")
        .context("demo e-mail missing")?;
    let subject = InterviewInput {
        party_id: party("Marisol Reyes-Calder")?,
        interviewee_role: "Subject, a Department of Correction investigator".into(),
        held_on: "2025-04-08".into(),
        place: "Office of the Inspector General, 14 Harbour Street, interview room 2".into(),
        warning: InterviewWarning::AdministrativeCompelled,
        recording_exhibit_id: None,
        transcript_exhibit_id: None,
        attendees: vec![
            investigator(lead)?,
            investigator(second)?,
            other(
                AttendeeRole::UnionRepresentative,
                "Dana Whitfield, Correction Officers' Benevolent Association",
            ),
            other(AttendeeRole::Counsel, "R. Osei"),
        ],
        memorandum: format!(
            "The interview began at 10:05 and ended at 11:40. The subject was given the administrative warning (Kalkines): she was told her answers were compelled, that refusing to answer could lead to discipline, and that her answers could not be used against her in a criminal case. She signed the warning form.\n\nShe said the task force asked her by telephone on 18 or 19 November 2024 whether two named men were held by the Department. She did not keep a record of the call.\n\nShown the e-mail of 19 November ({email_label}), she confirmed she wrote and sent it from her Department account. She said she believed the task-force agreement allowed it; she did not check with the Intelligence Unit's captain or ask whether a judicial warrant existed.",
            email_label = email.label()
        ),
    };
    let first = store.create_interview(case_id, &subject, lead).await?;
    // Revised after the recording was reviewed: the earlier text stays in the history.
    let revised = InterviewInput {
        memorandum: format!(
            "{}\n\nAsked about 21 November, she said she sent the messages about Detainee A's release \"because the agents were already waiting\" and that the photo of the detail screen was \"to make sure they had the right man\".",
            subject.memorandum
        ),
        ..subject
    };
    store
        .update_interview(case_id, first.interview_id, first.version, &revised, second)
        .await?;
    let witness = InterviewInput {
        party_id: party("Alma Whitcombe")?,
        interviewee_role: "Witness, the subject's supervisor".into(),
        held_on: "2025-04-15".into(),
        place: "By telephone".into(),
        warning: InterviewWarning::Voluntary,
        recording_exhibit_id: None,
        transcript_exhibit_id: None,
        attendees: vec![investigator(lead)?],
        memorandum: "Captain Whitcombe said the Unit's rule is that custody information goes to outside agencies only on a judicial warrant or a written request approved by her, and that she approved no request about Detainee A or Detainee B. She was not told of the task force's calls. She confirmed members of the task force were briefed on § 9-131 when they joined in 2023, but not since.".into(),
    };
    store.create_interview(case_id, &witness, lead).await?;
    Ok(())
}

/// The demo's monetary result: the funds the training recommendation puts to better use (in
/// the default currency; an office with another currency sees them listed, not summed).
async fn load_money(
    store: &crate::storage::DynStore,
    case_id: i64,
    lead: i64,
) -> anyhow::Result<()> {
    let recommendation = store.recommendation_id_by_number(case_id, 2).await?;
    store
        .create_money(
            case_id,
            &crate::storage::outcomes::MoneyInput {
                kind: probity_domain::money::MoneyKind::FundsBetterUse,
                amount_minor: 18_450_000,
                currency: "USD".into(),
                occurred_on: "2025-09-22".into(),
                recommendation_id: recommendation,
                note: "Overtime of task-force detail no longer paid once the Department trains and re-certifies its lookup-system users instead of assigning a second reviewer (the agency's estimate for one year).".into(),
            },
            lead,
        )
        .await?;
    Ok(())
}

async fn load_evidence(
    store: &crate::storage::DynStore,
    blobs: &std::sync::Arc<dyn crate::blobs::BlobStore>,
    case_id: i64,
    uploader: i64,
) -> anyhow::Result<()> {
    use crate::evidence::media;
    use crate::storage::evidence::NewExhibit;
    use probity_domain::evidence::OcrStatus;
    let tesseract = tokio::process::Command::new("tesseract")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .is_ok_and(|status| status.success());
    let screenshot = screenshot::text_png(
        "PHDOC INMATE LOOKUP - DETAINEE DETAIL",
        &[
            "NAME: PETRAKIS, JONAH",
            "BOOKING NO: 2410-88213",
            "FACILITY: HARBOUR ISLAND",
            "STATUS: RELEASED 11/21/2024 16:40",
            "CHARGES PENDING: NONE",
        ],
    );
    // Photographed on a phone, as the screenshot in the real kind of case was sent on.
    let screenshot = screenshot::jpeg_with_exif(
        &screenshot,
        &screenshot::CameraExif {
            make: "Harbour Phones",
            model: "HP-12",
            taken: "2024:11:21 16:45:10",
        },
    )
    .map_err(|error| anyhow::anyhow!(error))?;
    use crate::messages::{Format, ReadOptions};
    let files: [(&str, Vec<u8>, &str, bool); 3] = [
        (
            "IMG_4471.jpg",
            screenshot,
            "Screenshot of the detainee detail report sent to federal agents",
            true,
        ),
        (
            "WhatsApp Chat with Agent D. Sorensen.txt",
            CHAT_LOG.as_bytes().to_vec(),
            "Message log of the real-time updates",
            false,
        ),
        (
            "custody-status.eml",
            EMAIL.as_bytes().to_vec(),
            "E-mail on the custody status of both detainees",
            false,
        ),
    ];
    for (filename, bytes, description, is_screenshot) in files {
        let blob = blobs.put_bytes(&bytes).await?;
        let detected = media::detect(&blob.head, filename);
        let ocr_status = if !is_screenshot {
            OcrStatus::NotApplicable
        } else if tesseract {
            OcrStatus::Pending
        } else {
            OcrStatus::Unavailable
        };
        let exhibit = store
            .create_exhibit(NewExhibit {
                case_id,
                parent_exhibit_id: None,
                description: description.to_string(),
                original_filename: filename.to_string(),
                sha256: blob.sha256.clone(),
                size_bytes: bytes.len() as i64,
                media_type: detected.media_type,
                extension_mismatch: detected.extension_mismatch,
                provided_by: "Port Halden Department of Correction (records request)".to_string(),
                collected_by: "Inès Duarte".to_string(),
                collected_at: "2025-03-18".to_string(),
                personal_data: true,
                criminal_justice: true,
                booking_photo: is_screenshot,
                restricted: false,
                captured_by: if is_screenshot {
                    "the DOC investigator".into()
                } else {
                    String::new()
                },
                captured_at: if is_screenshot {
                    "2024-11-21 16:45".into()
                } else {
                    String::new()
                },
                capture_device: if is_screenshot {
                    "Work phone, messaging application".into()
                } else {
                    String::new()
                },
                capture_shows: if is_screenshot {
                    "Detainee detail screen of the Department of Correction's inmate lookup system"
                        .into()
                } else {
                    String::new()
                },
                ocr_status,
                uploaded_by: uploader,
                access: Vec::new(),
            })
            .await?;
        // The log and the e-mail become messages, as an investigator would import them.
        let format = if filename.ends_with(".eml") {
            Some(Format::Email)
        } else if filename.ends_with(".txt") {
            Some(Format::WhatsApp)
        } else {
            None
        };
        if let Some(format) = format {
            let options = ReadOptions {
                time_zone: jiff::tz::TimeZone::get("America/New_York")?,
                day_first: Some(false),
                owner: String::new(),
                participants: Vec::new(),
            };
            crate::messages::import::run(
                store,
                blobs,
                case_id,
                &exhibit,
                crate::messages::import::Reading {
                    format,
                    options,
                    keep: crate::messages::import::Keep::AllOrNothing,
                },
                Default::default(),
            )
            .await?;
        }
        if is_screenshot {
            let copy = blobs.local_copy(&blob.sha256).await?;
            if let Ok(png) = crate::evidence::previews::thumbnail(copy.path().to_path_buf()).await {
                let thumb = blobs.put_bytes(&png).await?;
                store
                    .set_thumbnail(exhibit.exhibit_id, &thumb.sha256)
                    .await?;
            }
        }
    }
    Ok(())
}

/// The demo's two incidents, rebuilt from its evidence as an investigator would.
async fn load_timeline(
    store: &crate::storage::DynStore,
    case_id: i64,
    lead: i64,
) -> anyhow::Result<()> {
    use crate::storage::timeline::NewEvent;
    use probity_domain::timeline::{Channel, EventKind, Information, PermittedBasis, Precision};
    let parties = store.parties(case_id).await?;
    let party = |name: &str| -> anyhow::Result<i64> {
        parties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.party_id)
            .context("demo party missing")
    };
    let subject = party("Marisol Reyes-Calder")?;
    let detainee_a = party("Jonah Petrakis")?;
    let agency = party("Port Halden Department of Correction")?;
    let agents = party("Federal immigration enforcement task force")?;
    let exhibits = store.exhibits(case_id, lead).await?;
    let exhibit = |file: &str| -> anyhow::Result<i64> {
        exhibits
            .iter()
            .find(|e| e.original_filename == file)
            .map(|e| e.exhibit_id)
            .context("demo exhibit missing")
    };
    let (screenshot, chat, email) = (
        exhibit("IMG_4471.jpg")?,
        exhibit("WhatsApp Chat with Agent D. Sorensen.txt")?,
        exhibit("custody-status.eml")?,
    );
    let (messages, _) = store
        .list_messages(case_id, lead, &Default::default(), None, 100)
        .await?;
    let message = |text: &str| -> anyhow::Result<i64> {
        messages
            .iter()
            .find(|m| m.body.contains(text))
            .map(|m| m.message_id)
            .context("demo message missing")
    };
    let zone = jiff::tz::TimeZone::get("America/New_York")?;
    let first = store
        .create_incident(case_id, "Disclosure 1: custody status of Detainee A and Detainee B", "The investigator told the task force by e-mail that both men were in city custody and when Detainee A would be released.")
        .await?;
    let second = store
        .create_incident(case_id, "Disclosure 2: release of Detainee A, real-time updates and detail report", "On the day of the release the investigator sent the task force real-time updates and a photo of the detainee detail screen; agents arrested Detainee A shortly after.")
        .await?;
    #[allow(clippy::type_complexity)]
    let events: [(
        i64,
        Precision,
        &str,
        &str,
        EventKind,
        Channel,
        Vec<Information>,
        PermittedBasis,
        Vec<i64>,
        Vec<i64>,
        &str,
        Vec<i64>,
        Vec<i64>,
    ); 6] = [
        (
            first.incident_id,
            Precision::Approximate,
            "2024-11-18",
            "2024-11-19 09:00",
            EventKind::Communication,
            Channel::Phone,
            vec![Information::IdentityData],
            PermittedBasis::NotApplicable,
            vec![agents],
            vec![subject],
            "The task force asked, by phone, whether two named men were held by the Department of Correction (date from the investigator's account; not recorded).",
            vec![],
            vec![],
        ),
        (
            first.incident_id,
            Precision::Minute,
            "2024-11-19 10:12",
            "",
            EventKind::Disclosure,
            Channel::Email,
            vec![Information::CustodyStatus, Information::ReleaseTime],
            PermittedBasis::None,
            vec![subject],
            vec![agents],
            "E-mail confirming both men in custody at Harbour Island and the expected release date of Detainee A.",
            vec![email],
            vec![message("Both names you sent")?],
        ),
        (
            second.incident_id,
            Precision::Minute,
            "2024-11-21 16:40",
            "",
            EventKind::Release,
            Channel::NotApplicable,
            vec![],
            PermittedBasis::NotApplicable,
            vec![agency],
            vec![detainee_a],
            "Detainee A released from Harbour Island (release record).",
            vec![screenshot],
            vec![],
        ),
        (
            second.incident_id,
            Precision::Minute,
            "2024-11-21 16:41",
            "",
            EventKind::Disclosure,
            Channel::TextMessage,
            vec![Information::ReleaseTime, Information::Location],
            PermittedBasis::None,
            vec![subject],
            vec![agents],
            "Real-time message that Detainee A had just left, with the exit and his clothing.",
            vec![chat],
            vec![message("just walked out")?, message("Main gate")?],
        ),
        (
            second.incident_id,
            Precision::Minute,
            "2024-11-21 16:45",
            "",
            EventKind::Disclosure,
            Channel::TextMessage,
            vec![Information::BookingPhoto, Information::IdentityData],
            PermittedBasis::None,
            vec![subject],
            vec![agents],
            "Photo of the detainee detail screen, with the booking photograph, sent to the agents.",
            vec![screenshot, chat],
            vec![message("Media omitted")?],
        ),
        (
            second.incident_id,
            Precision::Approximate,
            "2024-11-21 17:00",
            "2024-11-21 19:00",
            EventKind::Arrest,
            Channel::InPerson,
            vec![],
            PermittedBasis::None,
            vec![agents],
            vec![detainee_a],
            "Federal agents arrested Detainee A near the bus stop (time known only from the agents' report: between 5 and 7 p.m.).",
            vec![],
            vec![message("Team is on the way")?],
        ),
    ];
    // The first event is known only from the subject's own account: it cites her interview.
    let subject_interview: Vec<i64> = store
        .interviews(case_id)
        .await?
        .into_iter()
        .filter(|i| i.party_id == subject)
        .map(|i| i.interview_id)
        .collect();
    for (
        index,
        (
            incident_id,
            precision,
            start,
            end,
            kind,
            channel,
            information,
            basis,
            actors,
            recipients,
            narrative,
            cited_exhibits,
            cited_messages,
        ),
    ) in events.into_iter().enumerate()
    {
        let bounds = crate::timeline::bounds(start, end, precision, &zone)
            .map_err(|(_, message)| anyhow::anyhow!(message))?;
        store
            .create_event(NewEvent {
                case_id,
                incident_id,
                bounds,
                precision,
                time_zone: "America/New_York".to_string(),
                discovered_on: "2025-03-18".to_string(),
                kind,
                channel,
                information,
                permitted_basis: basis,
                narrative: narrative.to_string(),
                actors,
                recipients,
                exhibits: cited_exhibits,
                messages: cited_messages,
                interviews: if index == 0 {
                    subject_interview.clone()
                } else {
                    Vec::new()
                },
                summary: format!("{start} {end} {narrative}"),
                by: lead,
            })
            .await?;
    }
    Ok(())
}

/// Findings, recommendations, a redaction, and the report: version 1 returned with comments,
/// version 2 approved and published, version 3 (a correction) approved and waiting.
async fn load_report(
    store: &crate::storage::DynStore,
    blobs: &dyn crate::blobs::BlobStore,
    office_name: &str,
    case_id: i64,
    lead: i64,
    commissioner: i64,
) -> anyhow::Result<()> {
    use crate::storage::reports::{FindingInput, RecommendationInput};
    use probity_domain::reports::{
        RecommendationPriority, RecommendationResolution, RecommendationStatus, RedactionReason,
        ReportState,
    };

    let allegations = store.allegations(case_id).await?;
    let events = store.events(case_id, None, lead).await?;
    let exhibits = store.exhibits(case_id, lead).await?;
    let event_ids: Vec<i64> = events.iter().map(|event| event.event_id).collect();
    let exhibit_ids: Vec<i64> = exhibits.iter().map(|exhibit| exhibit.exhibit_id).collect();
    let findings = [
        (
            "Substantiated",
            "Port Halden Administrative Code § 9-131",
            "The e-mail of 14 November and the chat messages of 21 November show **the DOC investigator** telling the task force where Detainee A and Detainee B were held and when Detainee A would leave custody.\n\nNeither request came with a judicial warrant, and no exception of § 9-131 applies.",
            event_ids.clone(),
            exhibit_ids.iter().take(2).copied().collect::<Vec<_>>(),
        ),
        (
            "Substantiated",
            "Department of Correction Directive 4501, section 3",
            "The photo of the lookup screen (E-1) shows the detainee detail report, booking photograph included, as sent to the agents.",
            event_ids.iter().rev().take(2).copied().collect(),
            exhibit_ids.iter().take(1).copied().collect(),
        ),
        (
            "Unsubstantiated",
            "Port Halden Administrative Code § 9-131; Directive 4501",
            "Training records were incomplete for 2023. The office could not establish whether task-force staff received the annual briefing.",
            Vec::new(),
            Vec::new(),
        ),
    ];
    for (allegation, (disposition, basis, analysis, events, exhibits)) in
        allegations.iter().zip(findings)
    {
        store
            .save_finding(
                case_id,
                allegation.allegation_id,
                0,
                FindingInput {
                    disposition: disposition.into(),
                    basis: basis.into(),
                    analysis: analysis.into(),
                    event_ids: events,
                    exhibit_ids: exhibits,
                },
                lead,
            )
            .await?;
    }
    let agency = "Port Halden Department of Correction";
    let first = store
        .create_recommendation(
            case_id,
            RecommendationInput {
                agency: agency.into(),
                body: "Remove access to the detainee lookup system from staff assigned to federal task forces, and log every lookup they make.".into(),
                response: String::new(),
                status: RecommendationStatus::Open,
                status_on: "2025-02-03".into(),
                note: "Issued with the draft report.".into(),
                significant: true,
                priority: RecommendationPriority::High,
                resolution: RecommendationResolution::OpenUnresolved,
                decision_on: None,
                response_received_on: None,
            },
            lead,
        )
        .await?;
    store
        .update_recommendation(
            case_id,
            first.recommendation_id,
            first.version,
            RecommendationInput {
                agency: agency.into(),
                body: first.body.clone(),
                response: "The Department agrees and will remove the access by the end of March."
                    .into(),
                status: RecommendationStatus::Accepted,
                status_on: "2025-02-20".into(),
                note: "Agency letter of 20 February.".into(),
                significant: true,
                priority: RecommendationPriority::High,
                resolution: RecommendationResolution::OpenResolved,
                decision_on: Some("2025-02-20".into()),
                response_received_on: Some("2025-02-20".into()),
            },
            lead,
        )
        .await?;
    store
        .create_recommendation(
            case_id,
            RecommendationInput {
                agency: agency.into(),
                body: "Brief every member of a federal task force on § 9-131 before assignment and every year after, and keep the records.".into(),
                response: "The Department will consider a briefing.".into(),
                status: RecommendationStatus::Open,
                status_on: "2025-02-20".into(),
                note: String::new(),
                significant: false,
                priority: RecommendationPriority::Medium,
                resolution: RecommendationResolution::OpenUnresolved,
                decision_on: None,
                response_received_on: Some("2025-02-20".into()),
            },
            lead,
        )
        .await?;
    store
        .add_redaction(case_id, "RC-4471", RedactionReason::PersonalData, lead)
        .await?;
    // The e-mail is personal data, but its description names nobody: released, it is listed.
    if let Some(email) = store.exhibits(case_id, lead).await?.iter().find(|exhibit| {
        exhibit
            .description
            .starts_with("E-mail on the custody status")
    }) {
        store
            .set_release(case_id, email.exhibit_id, true, lead)
            .await?;
    }

    let sections = |summary: &str, corrections: &str| -> Vec<(String, String)> {
        vec![
            ("summary".into(), summary.into()),
            ("background".into(), "The Board of Correction referred the matter after a lawyer for Detainee A asked how agents knew the hour of his release. The DOC investigator (user ID RC-4471 in the lookup system) had served on a joint federal task force since 2023.".into()),
            ("scope".into(), "The office examined:\n\n- the lookup system's access log for November 2024\n- the investigator's e-mail and chat messages with the task force\n- a photo of the lookup screen sent to the agents\n\nIt interviewed the investigator and two supervisors.".into()),
            ("agency_response".into(), "The Department accepted the first recommendation and is considering the second.".into()),
            ("conclusion".into(), "The disclosures broke the city's limits on cooperation with immigration enforcement. The Department should act on both recommendations.".into()),
            ("corrections".into(), corrections.into()),
        ]
    };
    let summary = "The office found that a Department of Correction investigator told federal immigration agents where two detainees were held and when one would be released, and sent them a screen with his booking photograph. Both disclosures broke city law. The office makes two recommendations.";
    let v1 = store
        .save_report_version(
            case_id,
            0,
            &sections("Draft summary to be written.", ""),
            lead,
        )
        .await?;
    store
        .review_report(
            case_id,
            v1,
            ReportState::Draft,
            ReportState::Submitted,
            lead,
            "",
            &[],
        )
        .await?;
    store
        .review_report(
            case_id,
            v1,
            ReportState::Submitted,
            ReportState::Returned,
            commissioner,
            "The summary must state the findings.",
            &[(
                "summary".into(),
                "Say what was found and what is recommended.".into(),
            )],
        )
        .await?;
    let v2 = store
        .save_report_version(case_id, v1, &sections(summary, ""), lead)
        .await?;
    approve_demo_version(store, blobs, office_name, case_id, v2, lead, commissioner).await?;
    let version = store
        .report_version(case_id, v2)
        .await?
        .context("approved version")?;
    if version
        .leak_hits
        .as_ref()
        .is_some_and(|hits| !hits.is_empty())
    {
        anyhow::bail!(
            "the demo report leaks a redacted string: {:?}",
            version.leak_hits
        );
    }
    match crate::reports::publish(
        store,
        blobs,
        case_id,
        &version,
        commissioner,
        &crate::reports::personal::Patterns::default(),
    )
    .await?
    {
        crate::reports::PublishOutcome::Published(_) => {}
        _ => anyhow::bail!("the demo report could not be published"),
    }
    let v3 = store
        .save_report_version(
            case_id,
            v2,
            &sections(
                summary,
                "The date of the Department's response to recommendation R-1 was corrected from 2 February to 20 February.",
            ),
            lead,
        )
        .await?;
    approve_demo_version(store, blobs, office_name, case_id, v3, lead, commissioner).await?;
    Ok(())
}

async fn approve_demo_version(
    store: &crate::storage::DynStore,
    blobs: &dyn crate::blobs::BlobStore,
    office_name: &str,
    case_id: i64,
    version: i64,
    lead: i64,
    commissioner: i64,
) -> anyhow::Result<()> {
    use probity_domain::reports::ReportState;
    store
        .review_report(
            case_id,
            version,
            ReportState::Draft,
            ReportState::Submitted,
            lead,
            "",
            &[],
        )
        .await?;
    let case = store.case_by_id(case_id).await?.context("demo case")?;
    let saved = store
        .report_version(case_id, version)
        .await?
        .context("report version")?;
    let approval = crate::reports::approve(
        store,
        blobs,
        office_name,
        &case,
        &saved.sections,
        version,
        commissioner,
        &crate::reports::personal::Patterns::default(),
    )
    .await?;
    store
        .approve_report(case_id, version, commissioner, approval)
        .await?;
    Ok(())
}
