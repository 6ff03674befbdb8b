//! Browser tests in headless Chromium. Each flow is walked twice on a fresh app: with
//! JavaScript off, as the product must work that way, and with JavaScript on, running
//! axe-core on every page visited and failing on any WCAG 2.1 A/AA violation.

use probity_tests::webdriver::{Browser, Driver, axe_source};
use probity_tests::{GOOD_PASSWORD, TestApp};

/// Collects the axe-core findings of every page a walk visits (when JavaScript is on).
struct Audit {
    axe: Option<String>,
    findings: Vec<String>,
    pages: usize,
}

impl Audit {
    fn new(javascript: bool) -> Audit {
        Audit {
            axe: javascript.then(axe_source),
            findings: Vec::new(),
            pages: 0,
        }
    }

    async fn check(&mut self, browser: &Browser, label: &str) {
        self.pages += 1;
        if let Some(axe) = &self.axe {
            for violation in browser.axe_violations(axe).await {
                self.findings.push(format!("{label}: {violation}"));
            }
        }
    }

    /// In the walk with JavaScript on: the page at 1366 px must not scroll sideways, and a
    /// screenshot of it is kept as a test artefact under `target/screenshots/`.
    async fn look(&mut self, browser: &Browser, name: &str) {
        if self.axe.is_none() {
            return;
        }
        browser.set_window(1366, 900).await;
        let overflow = browser.overflow_x().await;
        if overflow > 0 {
            self.findings.push(format!(
                "{name}: scrolls sideways by {overflow} px at 1366 px"
            ));
        }
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/screenshots")
            .join(format!("{name}.png"));
        browser.screenshot(&path).await;
    }

    fn assert_clean(&self) {
        assert!(
            self.findings.is_empty(),
            "accessibility violations:\n{}",
            self.findings.join("\n")
        );
    }
}

/// First-run setup, sign-in (wrong, then right), a password-change error, a missing page,
/// and sign-out.
async fn walk_first_run(browser: &Browser, app: &TestApp, audit: &mut Audit) {
    browser.goto(&app.url("/")).await;
    assert!(
        browser.current_url().await.ends_with("/setup"),
        "a fresh install leads to setup"
    );
    audit.check(browser, "setup").await;

    browser.fill("#setup_token", &app.setup_token).await;
    browser.fill("#username", "Ada").await;
    browser.fill("#display_name", "Ada Admin").await;
    browser.fill("#password", "short").await;
    browser.fill("#password_confirm", "short").await;
    browser.click("main form button[type=submit]").await;
    let page = browser.source().await;
    assert!(
        page.contains("There is a problem"),
        "setup errors are shown"
    );
    assert_eq!(
        browser.value_of("#display_name").await,
        "Ada Admin",
        "typed values are kept"
    );
    audit.check(browser, "setup with errors").await;

    browser.fill("#password", GOOD_PASSWORD).await;
    browser.fill("#password_confirm", GOOD_PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    assert!(
        browser
            .current_url()
            .await
            .contains("/sign-in?reason=setup-done")
    );
    assert!(browser.source().await.contains("System use notice"));
    audit.check(browser, "sign-in after setup").await;

    browser.fill("#username", "ada").await;
    browser.fill("#password", "not the right password").await;
    browser.click("main form button[type=submit]").await;
    assert!(
        browser
            .source()
            .await
            .contains("The username or password is not right.")
    );
    assert_eq!(browser.value_of("#username").await, "ada");
    audit.check(browser, "sign-in with errors").await;

    browser.fill("#password", GOOD_PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    // The office requires a second factor: nothing but enrolment opens until it is set up.
    assert!(
        browser.current_url().await.ends_with("/account/two-factor"),
        "sent to enrolment"
    );
    audit.check(browser, "second factor required").await;
    browser.goto(&app.url("/cases")).await;
    assert!(browser.current_url().await.ends_with("/account/two-factor"));
    enrol(browser, Some(audit)).await;
    browser.click("main a[href='/']").await;
    let home = browser.source().await;
    let url = browser.current_url().await;
    assert!(url.ends_with("/"), "signed in at {url}:\n{home}");
    assert!(home.contains("Welcome, Ada Admin"));
    assert!(home.contains("Signed in as"));
    audit.check(browser, "home").await;

    browser.goto(&app.url("/account")).await;
    audit.check(browser, "account").await;
    browser.fill("#current_password", "not my password").await;
    browser
        .click("form[action='/account/password'] button[type=submit]")
        .await;
    assert!(
        browser
            .source()
            .await
            .contains("current password is not right")
    );
    audit.check(browser, "account with password errors").await;

    // An API token: made on the account page, shown once, then listed; the documentation
    // and the administrators' list are a click away.
    browser.fill("#name", "nightly <b>export</b>").await;
    choose(browser, "#scope", "write").await;
    browser
        .click("form[action='/account/tokens'] button[type=submit]")
        .await;
    let token = browser.value_of("#new-token").await;
    assert!(token.starts_with("prb_"), "the new token is shown: {token}");
    assert!(
        browser
            .source()
            .await
            .contains("nightly &lt;b&gt;export&lt;/b&gt;")
    );
    audit.check(browser, "account with a new token").await;
    browser.click("main a[href='/api']").await;
    assert!(browser.source().await.contains("GET /api/v1/cases"));
    audit.check(browser, "API documentation").await;
    browser.click("footer a[href='/api']").await;
    browser.goto(&app.url("/")).await;
    browser.click("a[href='/people']").await;
    browser.click("a[href='/people/tokens']").await;
    assert!(
        browser
            .source()
            .await
            .contains("nightly &lt;b&gt;export&lt;/b&gt;")
    );
    audit.check(browser, "everyone's API tokens").await;
    browser.click("main form[action$='/revoke'] button").await;
    assert!(browser.source().await.contains("revoked"));
    audit.check(browser, "a token revoked").await;

    browser.goto(&app.url("/no-such-page")).await;
    assert!(browser.source().await.contains("Page not found"));
    audit.check(browser, "not found").await;

    browser.goto(&app.url("/")).await;
    browser.click("form[action='/sign-out'] button").await;
    assert!(
        browser
            .current_url()
            .await
            .contains("/sign-in?reason=signed-out")
    );
    assert!(browser.source().await.contains("You have signed out."));
    audit.check(browser, "signed out").await;

    browser.goto(&app.url("/")).await;
    assert!(
        browser.current_url().await.contains("/sign-in"),
        "signed out for real"
    );
}

/// Selects an option of a drop-down by its value.
async fn choose(browser: &Browser, select: &str, value: &str) {
    browser
        .click_in_place(&format!("{select} option[value='{value}']"))
        .await;
}

/// The administrator adds an investigator; the investigator opens a case, adds a party, an
/// allegation and a note, moves its status, and finds it in the list and by search.
async fn walk_case_work(browser: &Browser, app: &TestApp, audit: &mut Audit) -> String {
    sign_in(browser, app, "ada", GOOD_PASSWORD).await;
    browser.goto(&app.url("/people")).await;
    audit.check(browser, "people").await;
    browser.fill("#username", "ines").await;
    browser.fill("#display_name", "Ines Duarte").await;
    choose(browser, "#role", "investigator").await;
    browser.fill("#password", "a first password for ines").await;
    browser
        .fill("#password_confirm", "a first password for ines")
        .await;
    browser
        .click("form[action='/people'] button[type=submit]")
        .await;
    assert!(browser.source().await.contains("Account ines created."));
    browser.click("form[action='/sign-out'] button").await;

    sign_in(browser, app, "ines", "a first password for ines").await;
    audit.check(browser, "dashboard").await;
    audit.look(browser, "dashboard").await;
    browser.goto(&app.url("/cases/new")).await;
    audit.check(browser, "open a case").await;
    browser
        .fill("#title", "Overtime fraud at the motor pool")
        .await;
    browser
        .fill("#summary", "Drivers billed overtime for trips not taken.")
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.source().await.contains("Enter the subject agency."));
    assert_eq!(
        browser.value_of("#title").await,
        "Overtime fraud at the motor pool"
    );
    audit.check(browser, "open a case with errors").await;
    browser
        .fill("#subject_agency", "Department of Transportation")
        .await;
    choose(browser, "#intake_channel", "complaint").await;
    browser.click("main form button[type=submit]").await;
    let case_url = browser.current_url().await;
    assert!(case_url.contains("/cases/"), "at the new case: {case_url}");
    assert!(
        browser
            .source()
            .await
            .contains("Overtime fraud at the motor pool")
    );
    audit.check(browser, "case page").await;

    browser.goto(&format!("{case_url}/parties/new")).await;
    audit.check(browser, "add a party").await;
    browser.fill("#name", "Rowan Pike").await;
    choose(browser, "#party_role", "subject").await;
    browser.fill("#pseudonym", "Driver A").await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.source().await.contains("Rowan Pike"));

    browser.goto(&format!("{case_url}/allegations/new")).await;
    audit.check(browser, "add an allegation").await;
    browser.click("main form button[type=submit]").await;
    assert!(
        browser
            .source()
            .await
            .contains("Enter what they allegedly did.")
    );
    audit.check(browser, "add an allegation with errors").await;
    browser
        .fill("#summary", "Claimed overtime for trips not taken")
        .await;
    browser
        .fill("#rule_at_issue", "Time and leave regulations")
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(
        browser
            .source()
            .await
            .contains("Claimed overtime for trips not taken")
    );
    assert!(
        browser.current_url().await.ends_with("/parties"),
        "back at the parties and allegations"
    );
    audit.check(browser, "parties and allegations").await;
    audit.look(browser, "case-parties").await;

    browser.goto(&format!("{case_url}/notes/new")).await;
    audit.check(browser, "add a note").await;
    browser
        .fill("#body", "Asked the motor pool for trip logs.")
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(
        browser
            .source()
            .await
            .contains("Asked the motor pool for trip logs.")
    );

    // Evidence: a screenshot and a chat log in one upload, then each exhibit's page.
    let folder =
        std::env::temp_dir().join(format!("probity-upload-{}", probity_tests::random_suffix()));
    std::fs::create_dir_all(&folder).expect("folder");
    let picture = folder.join("lookup screen.png");
    std::fs::write(
        &picture,
        probity_server::demo::screenshot::text_png("LOOKUP", &["STATUS: RELEASED"]),
    )
    .expect("png");
    let chat = folder.join("chat.txt");
    std::fs::write(&chat, "11/21/24, 4:41 PM - Ana: he just walked out\n").expect("txt");
    browser.goto(&format!("{case_url}/exhibits/new")).await;
    audit.check(browser, "add evidence").await;
    browser.fill("#description", "Lookup screen and chat").await;
    browser.click_in_place("label[for=personal_data]").await;
    browser
        .send_keys(
            "#files",
            &format!("{}\n{}", picture.display(), chat.display()),
        )
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.source().await.contains("Evidence added: E-1, E-2."));
    assert!(
        browser.current_url().await.ends_with("/exhibits"),
        "the evidence section after an upload"
    );
    audit.check(browser, "evidence section").await;
    audit.look(browser, "case-evidence").await;
    browser.goto(&format!("{case_url}/exhibits/1")).await;
    let shot = browser.source().await;
    assert!(
        shot.contains("image/png") && shot.contains("/thumbnail"),
        "the screenshot's page with its thumbnail"
    );
    audit.check(browser, "exhibit: screenshot").await;
    let exhibits = browser.current_url().await;
    let second = exhibits.replace("/exhibits/1", "/exhibits/2");
    browser.goto(&second).await;
    assert!(
        browser.source().await.contains("he just walked out"),
        "the chat log's text"
    );
    audit.check(browser, "exhibit: chat log").await;
    let _ = std::fs::remove_dir_all(&folder);

    // The chat log becomes messages, read in the zone chosen at import.
    browser.fill("#time_zone", "America/New_York").await;
    browser
        .click("form[action$='/import'] button[type=submit]")
        .await;
    // The import runs in the background; its progress page loads itself again and then
    // opens the exhibit with the import's report.
    browser.wait_for_text("1 message imported").await;
    audit.check(browser, "import report").await;

    // A job that fails says why on its progress page, which then stops loading itself.
    {
        use probity_domain::jobs::{JobKind, exhibit_subject};
        let store = app.store().await;
        let ines = store
            .user_by_username("ines")
            .await
            .expect("get")
            .expect("ines");
        let case_id: i64 = case_url
            .rsplit('/')
            .next()
            .and_then(|id| id.parse().ok())
            .expect("case id");
        let exhibit_id: i64 = second
            .rsplit('/')
            .next()
            .and_then(|id| id.parse().ok())
            .expect("exhibit id");
        let job = store
            .create_job(probity_server::storage::jobs::NewJob {
                kind: JobKind::MessageImport,
                case_id,
                subject: exhibit_subject(exhibit_id),
                params: "{".into(),
                created_by: Some(ines.user_id),
            })
            .await
            .expect("job");
        browser
            .goto(&format!("{case_url}/jobs/{}", job.job_id))
            .await;
        browser.wait_for_text("A step failed on the server").await;
        audit.check(browser, "failed job").await;
        audit.look(browser, "job-failed").await;
    }
    browser.goto(&format!("{case_url}/messages")).await;
    assert!(
        browser.source().await.contains("2024-11-21 21:41:00 UTC"),
        "shown in UTC"
    );
    audit.check(browser, "message viewer").await;
    browser.click("tbody a.usa-link").await;
    assert!(browser.source().await.contains("message 1 of the log"));
    audit.check(browser, "one message").await;
    let message_url = browser.current_url().await;

    // An incident built from the message: "Add to timeline" prefills the event.
    browser.goto(&format!("{case_url}/incidents/new")).await;
    audit.check(browser, "add an incident").await;
    browser.fill("#title", "Release of the detainee").await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.source().await.contains("No events yet."));
    audit.check(browser, "empty timeline").await;
    browser.goto(&message_url).await;
    browser.click("a[href*='/events/new?message=']").await;
    assert_eq!(
        browser.value_of("#start").await,
        "2024-11-21 21:41",
        "the time comes from the message"
    );
    audit.check(browser, "event form").await;
    browser.click_in_place("label[for^='actors-']").await;
    browser.click("main form button[type=submit]").await;
    let timeline = browser.source().await;
    assert!(
        timeline.contains("<svg") && timeline.contains("he just walked out"),
        "chart and table"
    );
    audit.check(browser, "timeline with chart").await;
    browser.click("tbody a.usa-link").await;
    assert!(browser.source().await.contains("Cited messages"));
    audit.check(browser, "event").await;
    browser.goto(&format!("{case_url}/timeline")).await;
    audit.check(browser, "case timeline").await;
    audit.look(browser, "case-timeline").await;

    browser.goto(&format!("{case_url}/status")).await;
    audit.check(browser, "move status").await;
    choose(browser, "#to", "open").await;
    browser.fill("#reason", "Complaint screened in").await;
    browser.click("main form button[type=submit]").await;
    let page = browser.source().await;
    assert!(
        page.contains("Complaint screened in"),
        "the move shows in the history"
    );
    audit.check(browser, "case overview").await;
    audit.look(browser, "case-overview").await;
    // The section links lead to the whole history.
    browser
        .click("nav[aria-label='Case sections'] a[href$='/history']")
        .await;
    assert!(browser.source().await.contains("Complaint screened in"));
    audit.check(browser, "case history").await;
    browser
        .click("nav[aria-label='Case sections'] a[href$='/findings']")
        .await;
    assert!(browser.current_url().await.ends_with("/findings"));

    browser.goto(&format!("{case_url}/team")).await;
    audit.check(browser, "team").await;

    browser.goto(&app.url("/cases")).await;
    audit.check(browser, "case list").await;
    audit.look(browser, "case-list").await;
    browser.fill("#q", "pike").await;
    browser
        .click("form[action='/cases/search'] button[type=submit]")
        .await;
    assert!(
        browser
            .source()
            .await
            .contains("Overtime fraud at the motor pool"),
        "found by a party's name"
    );
    audit.check(browser, "search results").await;
    // The one search, reached from the navigation: the party's name, marked where found.
    browser.click("a.probity-nav__link[href='/search']").await;
    audit.check(browser, "search").await;
    browser.fill("#q", "pike").await;
    browser
        .click("form[action='/search'][role=search] button[type=submit]")
        .await;
    let found = browser.source().await;
    assert!(found.contains("id=\"found-party\""), "the party is found");
    assert!(found.contains("<mark>Pike</mark>"), "and its name marked");
    audit.check(browser, "search: everything").await;
    audit.look(browser, "search-results").await;
    browser.click("form[action='/sign-out'] button").await;

    sign_in(browser, app, "ada", GOOD_PASSWORD).await;
    browser.goto(&app.url("/audit")).await;
    assert!(browser.source().await.contains("case.view"));
    audit.check(browser, "audit trail").await;
    case_url
}

/// The report: a finding, a recommendation and a redaction; a draft submitted by the lead,
/// approved and published by a commissioner; then the public portal, signed out.
async fn walk_report(browser: &Browser, app: &TestApp, audit: &mut Audit, case_url: &str) {
    // Still signed in as the administrator: add a commissioner.
    browser.goto(&app.url("/people")).await;
    browser.fill("#username", "cora").await;
    browser.fill("#display_name", "Cora Whitfield").await;
    choose(browser, "#role", "commissioner").await;
    browser.fill("#password", "a first password for cora").await;
    browser
        .fill("#password_confirm", "a first password for cora")
        .await;
    // The only administrator confirms a privileged role with their own password.
    browser.fill("#confirm_password", GOOD_PASSWORD).await;
    browser
        .click("form[action='/people'] button[type=submit]")
        .await;
    assert!(
        browser
            .source()
            .await
            .contains("Account cora created as Commissioner.")
    );
    browser.click("form[action='/sign-out'] button").await;

    sign_in(browser, app, "ines", "a first password for ines").await;
    browser.goto(&format!("{case_url}/findings")).await;
    audit.check(browser, "findings").await;
    browser.click("main a[href*='/findings/']").await;
    audit.check(browser, "finding form").await;
    choose(browser, "#disposition", "Substantiated").await;
    browser.fill("#basis", "Time and leave regulations").await;
    browser
        .fill(
            "#analysis",
            "The trip logs show **no trips** on the days billed.",
        )
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.source().await.contains("Substantiated"));

    browser
        .goto(&format!("{case_url}/recommendations/new"))
        .await;
    audit.check(browser, "recommendation form").await;
    browser
        .fill(
            "#body",
            "Reconcile overtime claims with trip logs every month.",
        )
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.source().await.contains("Reconcile overtime claims"));
    audit.check(browser, "recommendations").await;

    browser.goto(&format!("{case_url}/redactions")).await;
    browser.fill("#text", "motor pool ledger 7").await;
    choose(browser, "#reason", "personal_data").await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.source().await.contains("motor pool ledger 7"));
    audit.check(browser, "redactions").await;

    browser.goto(&format!("{case_url}/report")).await;
    audit.check(browser, "report versions").await;
    browser
        .click("main a.usa-button[href$='/report/edit']")
        .await;
    audit.check(browser, "report draft form").await;
    browser
        .fill(
            "#summary",
            "Driver A billed overtime for trips not taken, as motor pool ledger 7 shows.",
        )
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(browser.current_url().await.ends_with("/report/versions/1"));
    audit.check(browser, "report version").await;
    browser.click("form[action$='/submit'] button").await;
    assert!(browser.source().await.contains("Submitted for review"));
    browser
        .goto(&format!("{case_url}/report/versions/1/preview"))
        .await;
    let preview = browser.source().await;
    assert!(preview.contains("Rowan Pike") && preview.contains("Driver A"));
    audit.check(browser, "report preview").await;

    // The lead marks the case highly confidential: the commissioner who reviews it must be
    // named on the team page first, or she could not see it.
    browser.goto(&format!("{case_url}/edit")).await;
    choose(browser, "#confidentiality", "highly_confidential").await;
    browser.click("main form button[type=submit]").await;
    browser.goto(&format!("{case_url}/team")).await;
    let team = browser.source().await;
    assert!(team.contains("No commissioner can see this case"), "{team}");
    audit
        .check(browser, "team of a highly confidential case")
        .await;
    let option = team
        .split("<option ")
        .find(|option| option.contains("(Commissioner)"))
        .and_then(|option| option.split('"').nth(1))
        .expect("cora among those who may be named")
        .to_string();
    choose(browser, "#overseer_user_id", &option).await;
    browser.click("form[action$='/team/name'] button").await;
    let team = browser.source().await;
    assert!(
        team.contains("named to see this highly confidential case")
            && !team.contains("No commissioner can see this case"),
        "{team}"
    );
    audit.check(browser, "team with a named commissioner").await;
    browser.click("form[action='/sign-out'] button").await;

    sign_in(browser, app, "cora", "a first password for cora").await;
    browser.goto(&format!("{case_url}/report/versions/1")).await;
    audit.check(browser, "report to review").await;
    browser.click("form[action$='/approve'] button").await;
    let approved = browser.wait_for_text("Approved files").await;
    assert!(approved.contains("Approved files"), "{approved}");
    assert!(approved.contains("No redacted string and no personal data was found"));
    audit.check(browser, "approved report").await;
    browser.click("form[action$='/publish'] button").await;
    assert!(browser.current_url().await.contains("/reports/"));
    audit.check(browser, "published report").await;
    browser.goto(&app.url("/recommendations")).await;
    assert!(browser.source().await.contains("Reconcile overtime claims"));
    audit.check(browser, "open recommendations").await;
    browser.click("form[action='/sign-out'] button").await;

    browser.goto(&app.url("/reports")).await;
    audit.check(browser, "public portal").await;
    browser.click("main h2 a.usa-link").await;
    let public = browser.source().await;
    assert!(public.contains("Driver A") && public.contains("Substantiated"));
    assert!(!public.contains("Rowan Pike") && !public.contains("Pike"));
    assert!(!public.contains("ledger 7"));
    audit.check(browser, "public report").await;
}

/// Sets up an authenticator app on the enrolment page as a person would: start, read the
/// secret (as typed into an app by hand), a wrong code first, then the right one; answers
/// on the page with the recovery codes.
async fn enrol(browser: &Browser, mut audit: Option<&mut Audit>) {
    browser
        .click("form[action='/account/two-factor/start'] button")
        .await;
    let page = browser.source().await;
    assert!(page.contains("<svg"), "the QR code is drawn");
    let secret = browser.text_of(".probity-secret").await.replace(' ', "");
    if let Some(audit) = audit.as_deref_mut() {
        audit.check(browser, "second factor: scan the code").await;
        audit.look(browser, "second-factor-enrolment").await;
    }
    browser.fill("#code", "000000").await;
    browser
        .click("form[action='/account/two-factor/confirm'] button")
        .await;
    assert!(browser.source().await.contains("That code is not right"));
    if let Some(audit) = audit.as_deref_mut() {
        audit.check(browser, "second factor: a wrong code").await;
    }
    let code = probity_tests::code_after(&secret, 0).await;
    browser.fill("#code", &code).await;
    browser
        .click("form[action='/account/two-factor/confirm'] button")
        .await;
    let page = browser.source().await;
    assert!(page.contains("Your recovery codes"));
    assert_eq!(page.matches("<li><code>").count(), 10);
    if let Some(audit) = audit {
        audit.check(browser, "second factor: recovery codes").await;
    }
}

async fn sign_in(browser: &Browser, app: &TestApp, username: &str, password: &str) {
    browser.goto(&app.url("/sign-in")).await;
    browser.fill("#username", username).await;
    browser.fill("#password", password).await;
    browser.click("main form button[type=submit]").await;
    let url = browser.current_url().await;
    if url.ends_with("/sign-in/second-factor") {
        // The code an authenticator app would show now, from the stored secret.
        let code = app.next_code(username).await;
        browser.fill("#code", &code).await;
        browser.click("main form button[type=submit]").await;
    } else if url.ends_with("/account/two-factor") {
        enrol(browser, None).await;
        browser.click("main a[href='/']").await;
    }
    assert!(
        browser.source().await.contains("Signed in as"),
        "{username} signed in"
    );
}

#[tokio::test]
async fn the_flows_work_without_javascript_and_every_page_passes_axe() {
    let driver = Driver::start().await;

    // The product's default: everyone has a second factor.
    let mfa = ["--require-mfa", "true"];
    let app = TestApp::spawn_with(probity_tests::Backend::under_test(), &mfa).await;
    let browser = driver.session(false).await;
    // Proof that scripts really are off in this session.
    browser
        .goto("data:text/html,<title>off</title><script>document.title='on'</script>")
        .await;
    assert_eq!(browser.title().await, "off", "JavaScript must be disabled");
    let mut no_js = Audit::new(false);
    walk_first_run(&browser, &app, &mut no_js).await;
    let case_url = walk_case_work(&browser, &app, &mut no_js).await;
    walk_report(&browser, &app, &mut no_js, &case_url).await;
    browser.close().await;

    let app = TestApp::spawn_with(probity_tests::Backend::under_test(), &mfa).await;
    let browser = driver.session(true).await;
    let mut with_js = Audit::new(true);
    // Proof that the checker can fail: a page with known violations.
    browser
        .goto("data:text/html,<html><body><img src='x.png'><input type='text'></body></html>")
        .await;
    let mut probe = Audit::new(true);
    probe.check(&browser, "known-bad page").await;
    assert!(
        probe.findings.iter().any(|f| f.contains("image-alt")),
        "axe must report the image without alt text: {:?}",
        probe.findings
    );
    walk_first_run(&browser, &app, &mut with_js).await;
    let case_url = walk_case_work(&browser, &app, &mut with_js).await;
    walk_report(&browser, &app, &mut with_js, &case_url).await;
    browser.close().await;
    assert_eq!(no_js.pages, with_js.pages);
    with_js.assert_clean();
}

/// A sensitive step after the confirmation has gone stale, walked in Chromium with and
/// without JavaScript: the confirmation page carries the form, the code is typed, and the
/// browser sends the form on by itself (a 307) so that the token is made.
#[tokio::test]
async fn a_stale_confirmation_is_asked_for_and_the_step_goes_ahead() {
    let driver = Driver::start().await;
    for javascript in [false, true] {
        let app = TestApp::spawn_with(
            probity_tests::Backend::under_test(),
            &["--require-mfa", "true", "--confirmation-seconds", "2"],
        )
        .await;
        app.set_up_admin("ada", GOOD_PASSWORD).await;
        let browser = driver.session(javascript).await;
        let mut audit = Audit::new(javascript);
        sign_in(&browser, &app, "ada", GOOD_PASSWORD).await;
        browser.click("a[href='/account']").await;
        tokio::time::sleep(std::time::Duration::from_millis(3000)).await;
        browser.fill("#name", "quarterly export").await;
        browser
            .click("form[action='/account/tokens'] button[type=submit]")
            .await;
        assert!(browser.source().await.contains("Confirm it is you"));
        audit.check(&browser, "confirm it is you").await;
        browser.fill("#reauth_code", "123456").await;
        browser.click("main form button[type=submit]").await;
        assert!(browser.source().await.contains("That code is not right"));
        audit
            .check(&browser, "confirm it is you: a wrong code")
            .await;
        let code = app.next_code("ada").await;
        browser.fill("#reauth_code", &code).await;
        browser.click("main form button[type=submit]").await;
        let token = browser.value_of("#new-token").await;
        assert!(token.starts_with("prb_"), "the token was made: {token}");
        assert!(browser.source().await.contains("quarterly export"));
        browser.close().await;
        audit.assert_clean();
        app.stop().await;
    }
}

/// Passkeys through Chromium's virtual authenticator (WebDriver's WebAuthn commands): added
/// on the second-factor page beside the authenticator app, then used after the password in
/// place of the code, and (with `--passkey-sign-in`) in place of the password too. Probity is reached at `localhost`, a domain name, as WebAuthn needs.
#[tokio::test]
async fn a_passkey_is_added_and_then_signs_in_in_place_of_the_code() {
    let driver = Driver::start().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("its address")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let public = format!("http://localhost:{port}");
    let app = TestApp::spawn_with(
        probity_tests::Backend::under_test(),
        &[
            "--listen",
            &listen,
            "--public-url",
            &public,
            "--require-mfa",
            "true",
            "--passkey-sign-in",
            "true",
            "--confirmation-seconds",
            "5",
        ],
    )
    .await;
    app.set_up_admin("ada", GOOD_PASSWORD).await;
    let browser = driver.session(true).await;
    let authenticator = browser.add_virtual_authenticator().await;
    let mut audit = Audit::new(true);
    let at = |path: &str| format!("{public}{path}");

    browser.goto(&at("/sign-in")).await;
    browser.fill("#username", "ada").await;
    browser.fill("#password", GOOD_PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    enrol(&browser, None).await;
    browser.click("main a[href='/']").await;
    browser.goto(&at("/account/two-factor")).await;
    audit.check(&browser, "second factor with passkeys").await;
    browser.fill("#passkey_name", "office <laptop>").await;
    browser
        .click("form[data-passkey-add] button[type=submit]")
        .await;
    let page = browser.source().await;
    assert!(page.contains("The passkey was added"), "{page}");
    assert!(page.contains("office &lt;laptop&gt;"));
    assert_eq!(browser.virtual_credentials(&authenticator).await, 1);
    audit.check(&browser, "a passkey added").await;
    audit.look(&browser, "second-factor-passkeys").await;

    browser.click("form[action='/sign-out'] button").await;
    browser.goto(&at("/sign-in")).await;
    browser.fill("#username", "ada").await;
    browser.fill("#password", GOOD_PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    assert!(
        browser
            .current_url()
            .await
            .ends_with("/sign-in/second-factor")
    );
    audit
        .check(&browser, "second factor with a passkey offered")
        .await;
    browser.click("[data-passkey-sign-in] button").await;
    assert!(
        browser.source().await.contains("Signed in as"),
        "the passkey signed in"
    );

    // Where the office allows it, the passkey alone signs in: no username, no password.
    browser.click("form[action='/sign-out'] button").await;
    browser.goto(&at("/sign-in")).await;
    audit
        .check(&browser, "sign-in with a passkey offered")
        .await;
    browser.click("[data-passkey-first] button").await;
    assert!(
        browser.source().await.contains("Signed in as"),
        "the passkey alone signed in"
    );
    let store = app.store().await;
    let audit_trail = store.recent_audit(20).await.expect("audit");
    let signed_in_with = |detail: &str| {
        audit_trail
            .iter()
            .any(|e| e.action == "auth.sign_in" && e.detail.as_deref() == Some(detail))
    };
    assert!(signed_in_with("with a passkey"));
    assert!(signed_in_with("with a passkey alone, no password"));

    // A stale confirmation is given with the passkey too; the token is then made.
    tokio::time::sleep(std::time::Duration::from_millis(6000)).await;
    browser.goto(&at("/account")).await;
    browser.fill("#name", "passkey-confirmed export").await;
    browser
        .click("form[action='/account/tokens'] button[type=submit]")
        .await;
    assert!(browser.source().await.contains("Confirm it is you"));
    audit
        .check(&browser, "confirm it is you, with a passkey offered")
        .await;
    browser.click("[data-passkey-confirm] button").await;
    let token = browser.value_of("#new-token").await;
    assert!(
        token.starts_with("prb_"),
        "the token was made after the passkey: {token}"
    );
    browser.close().await;
    audit.assert_clean();
    app.stop().await;
}

/// The address of a page as a pattern: each segment that holds a digit (an id, a report
/// number, a version) becomes `{}`, so `/cases/12/exhibits/40` is `/cases/{}/exhibits/{}`.
fn route_of(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.chars().any(|c| c.is_ascii_digit()) {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The site's own links on a page: `href` values that are paths, without their fragment.
fn links_of(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
        .map(|href| href.split('#').next().unwrap_or("").to_string())
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .collect()
}

/// What each role must be able to reach from `/` by clicking alone, as route patterns: what
/// the permission table lets the role do, on the demo (where the administrator and the
/// auditor are on no case team).
fn routes_for(role: probity_domain::roles::Role) -> Vec<&'static str> {
    use probity_domain::permissions::{Action, Grant, grant};
    let mut routes = vec![
        "/",
        "/account",
        "/account/two-factor",
        "/reports",
        "/reports/{}/{}",
        "/api",
    ];
    let on_cases = grant(role, Action::ReadCase) == Grant::OfficeWide
        || role == probity_domain::roles::Role::Investigator;
    if grant(role, Action::ReadCase) != Grant::Never {
        routes.extend(["/cases", "/search", "/recommendations"]);
    }
    if on_cases {
        routes.extend([
            "/cases/{}",
            "/cases/{}/parties",
            "/cases/{}/exhibits/{}",
            "/cases/{}/messages",
            "/cases/{}/messages/{}",
            "/cases/{}/timeline",
            "/cases/{}/incidents/{}",
            "/cases/{}/events/{}",
            "/cases/{}/findings",
            "/cases/{}/recommendations",
            "/cases/{}/report",
            "/cases/{}/report/versions/{}",
            "/cases/{}/team",
            "/cases/{}/history",
            "/cases/{}/plan",
            "/cases/{}/outcomes",
            "/cases/{}/interviews",
            "/cases/{}/interviews/{}",
            "/cases/{}/recommendations/{}",
            "/cases/{}/export",
        ]);
    }
    if grant(role, Action::CreateCase) != Grant::Never {
        routes.push("/cases/new");
    }
    if on_cases && grant(role, Action::EditCase) != Grant::Never {
        routes.extend([
            "/cases/{}/edit",
            "/cases/{}/parties/new",
            "/cases/{}/allegations/new",
            "/cases/{}/notes/new",
            "/cases/{}/exhibits/new",
            "/cases/{}/incidents/new",
            "/cases/{}/plan/new",
            "/cases/{}/outcomes/referrals/new",
            "/cases/{}/outcomes/actions/new",
            "/cases/{}/interviews/new",
            "/cases/{}/interviews/{}/edit",
        ]);
    }
    if on_cases && grant(role, Action::DraftReport) != Grant::Never {
        routes.extend([
            "/cases/{}/findings/{}",
            "/cases/{}/recommendations/new",
            "/cases/{}/redactions",
        ]);
    }
    if grant(role, Action::ManagePeople) != Grant::Never {
        routes.extend(["/people", "/people/{}", "/people/tokens"]);
    }
    if grant(role, Action::ReadAudit) != Grant::Never {
        routes.push("/audit");
    }
    if grant(role, Action::TriageComplaints) != Grant::Never {
        routes.extend(["/complaints", "/complaints/{}", "/complaints/new"]);
    }
    if grant(role, Action::ReadStatistics) != Grant::Never {
        routes.extend(["/statistics", "/statistics/reports-issued"]);
    }
    routes
}

/// Every page a role may use is reached from `/` by following the pages' own links, with
/// JavaScript off, for one demo account of each role: no page is reachable only by typing
/// its address.
#[tokio::test]
async fn every_role_reaches_its_pages_from_home_by_clicking() {
    use probity_domain::roles::Role;
    let driver = Driver::start().await;
    let app = TestApp::spawn_with(
        probity_tests::Backend::under_test(),
        &["--require-mfa", "true"],
    )
    .await;
    probity_tests::fixtures::demo(&app).await;
    let password = probity_server::demo::DEMO_PASSWORD;
    let mut missing = Vec::new();
    for (username, role) in [
        ("alex.admin", Role::Administrator),
        ("sam.supervisor", Role::Supervisor),
        ("ines.investigator", Role::Investigator),
        ("cora.commissioner", Role::Commissioner),
        ("ade.auditor", Role::Auditor),
    ] {
        let browser = driver.session(false).await;
        sign_in(&browser, &app, username, password).await;
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        let mut per_case: std::collections::HashMap<(String, String), usize> = Default::default();
        let mut queue = std::collections::VecDeque::from([String::from("/")]);
        let mut visited = std::collections::HashSet::new();
        while let Some(path) = queue.pop_front() {
            if !visited.insert(path.clone()) || visited.len() > 800 {
                continue;
            }
            browser.goto(&app.url(&path)).await;
            let page = browser.source().await;
            for link in links_of(&page) {
                let clean = link.split('?').next().unwrap_or("").to_string();
                let route = route_of(&clean);
                *seen.entry(route.clone()).or_insert(0) += 1;
                // A few addresses of each kind per case, so that one empty case cannot hide
                // what another holds.
                let case = clean
                    .split('/')
                    .nth(2)
                    .filter(|_| clean.starts_with("/cases/"));
                let count = per_case
                    .entry((route.clone(), case.unwrap_or("").to_string()))
                    .or_insert(0);
                *count += 1;
                // Files (exports, pictures, report files) are reached by their link; the
                // rest is followed, a few addresses of each kind.
                let file = [
                    ".csv",
                    ".json",
                    ".svg",
                    ".pdf",
                    ".txt",
                    ".html",
                    "/thumbnail",
                    "/preview",
                ]
                .iter()
                .any(|end| clean.ends_with(end))
                    || clean.starts_with("/assets/")
                    || route.starts_with("/reports/{}/{}/");
                if !file && *count <= 3 && !visited.contains(&link) {
                    queue.push_back(link);
                }
            }
        }
        for route in routes_for(role) {
            if !seen.contains_key(route) {
                missing.push(format!("{username} ({}): {route}", role.label()));
            }
        }
        browser.close().await;
    }
    assert!(
        missing.is_empty(),
        "pages not reachable by clicking:\n{}",
        missing.join("\n")
    );
    app.stop().await;
}

/// The timelines drawn as people see them: the demo's incidents and the benchmark's
/// 1,000-event case, each kept as a screenshot under `target/screenshots/` for a person
/// to look at, and each checked to fit the window without sideways scrolling.
#[tokio::test]
async fn the_demo_timelines_and_a_thousand_events_are_drawn_to_the_width() {
    let driver = Driver::start().await;
    let app = TestApp::spawn().await;
    let store = app.store().await;
    let blobs: std::sync::Arc<dyn probity_server::blobs::BlobStore> = std::sync::Arc::new(
        probity_server::blobs::fs::FsBlobStore::open(app.db.data_dir.join("blobs")).expect("blobs"),
    );
    let password = probity_server::demo::DEMO_PASSWORD;
    probity_server::demo::load(
        &store,
        &blobs,
        password,
        "",
        "Office of the Inspector General",
    )
    .await
    .expect("demo");
    let ines = store
        .user_by_username("ines.investigator")
        .await
        .expect("get")
        .expect("demo lead");
    let big = probity_tests::fixtures::timeline_case(&store, ines.user_id, 1_000).await;
    let demo = store
        .my_cases(ines.user_id, 10)
        .await
        .expect("cases")
        .into_iter()
        .find(|c| c.title == probity_server::demo::DEMO_CASE_TITLE)
        .expect("demo case");
    let browser = driver.session(true).await;
    let mut audit = Audit::new(true);
    sign_in(&browser, &app, "ines.investigator", password).await;
    let mut pages = vec![
        (
            "timeline-demo-case",
            format!("/cases/{}/timeline", demo.case_id),
        ),
        ("timeline-1000-events", format!("/cases/{big}/timeline")),
    ];
    for incident in store.incidents(demo.case_id).await.expect("incidents") {
        pages.push((
            if pages.len() == 2 {
                "timeline-demo-incident-1"
            } else {
                "timeline-demo-incident-2"
            },
            format!("/cases/{}/incidents/{}", demo.case_id, incident.incident_id),
        ));
    }
    for (name, path) in &pages {
        browser.goto(&app.url(path)).await;
        let page = browser.source().await;
        assert!(page.contains("<svg"), "{name}: a chart");
        assert!(
            page.contains("Ticks on"),
            "{name}: the axis names its calendar unit and zone"
        );
        audit.check(&browser, name).await;
        audit.look(&browser, name).await;
        // The chart itself, scrolled into view for the picture.
        browser
            .execute(
                "const done = arguments[arguments.length - 1]; \
                 document.getElementById('chart-heading').scrollIntoView(); done(true);",
                serde_json::json!([]),
            )
            .await;
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/screenshots")
            .join(format!("{name}-chart.png"));
        browser.screenshot(&path).await;
    }
    // The demo spans days in New York: its ticks are days there, and the chart links each
    // day with events to the same page narrowed to it.
    browser
        .goto(&app.url(&format!("/cases/{}/timeline", demo.case_id)))
        .await;
    let page = browser.source().await;
    assert!(page.contains("America/New_York"), "the zone is named");
    browser.click("nav[aria-label='Zoom the chart'] a").await;
    assert!(
        browser.current_url().await.contains("from="),
        "zoomed by the address"
    );
    assert!(browser.source().await.contains("Show everything"));
    audit.check(&browser, "zoomed timeline").await;
    // The one search over the demo: every kind, grouped and counted, then one kind.
    browser.goto(&app.url("/search")).await;
    browser.fill("#q", "agents").await;
    browser
        .click("form[action='/search'][role=search] button[type=submit]")
        .await;
    let found = browser.source().await;
    assert!(found.contains("id=\"found-event\"") && found.contains("<mark>agents</mark>"));
    audit.check(&browser, "search over the demo").await;
    audit.look(&browser, "search-results-demo").await;
    choose(&browser, "#kind", "event").await;
    browser
        .click("form[action='/search'][role=search] button[type=submit]")
        .await;
    let one_kind = browser.source().await;
    assert!(one_kind.contains("id=\"found-event\"") && !one_kind.contains("id=\"found-case\""));
    audit.check(&browser, "search: one kind").await;
    browser.close().await;
    audit.assert_clean();
}

/// Types an ISO day into a date field: Chromium's field takes the digits in the order of the
/// browser's locale (month, day, year in en-US); the value it then holds is checked.
async fn fill_date(browser: &Browser, css: &str, iso: &str) {
    let (year, rest) = iso.split_at(4);
    let (month, day) = (&rest[1..3], &rest[4..6]);
    browser.send_keys(css, &format!("{month}{day}{year}")).await;
    assert_eq!(
        browser.value_of(css).await,
        iso,
        "the date typed into {css}"
    );
}

/// The front door end to end, by clicking from the home page: an anonymous complaint with a
/// file and its receipt code; intake's question; the complainant's answer with a second file;
/// intake opens a whistleblower-reprisal case whose exhibits carry both files' hashes; the
/// case's 180-day clock is extended with the complainant's consent; a task is added.
async fn walk_front_door(browser: &Browser, app: &TestApp, audit: &mut Audit) {
    let folder = std::env::temp_dir().join(format!(
        "probity-complaint-{}",
        probity_tests::random_suffix()
    ));
    std::fs::create_dir_all(&folder).expect("folder");
    let first_bytes = b"Route sheet 14 May: 212 stops claimed, 96 driven.\n".to_vec();
    let second_bytes = "Shift roster </textarea> \u{200b}=SUM(A1)\n"
        .as_bytes()
        .to_vec();
    let first = folder.join("route sheet.txt");
    let second = folder.join("roster.txt");
    std::fs::write(&first, &first_bytes).expect("file");
    std::fs::write(&second, &second_bytes).expect("file");
    let sha = |bytes: &[u8]| -> String {
        use sha2::Digest as _;
        sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };

    // The complainant, anonymous, from the home page.
    browser.goto(&app.url("/")).await;
    browser.click("a[href='/complain']").await;
    audit.check(browser, "complaint form").await;
    audit.look(browser, "complaint-form").await;
    browser
        .fill(
            "#what_happened",
            "I was moved to night shifts a week after I told the auditor the route sheets were padded.",
        )
        .await;
    browser
        .fill("#agency", "Port Halden Sanitation Department")
        .await;
    browser
        .fill("#people_involved", "The dispatch supervisor")
        .await;
    browser.fill("#when_happened", "May 2026").await;
    browser.fill("#where_happened", "East garage").await;
    browser
        .send_keys("#files", &first.display().to_string())
        .await;
    browser
        .click("main form[action='/complain'] button[type=submit]")
        .await;
    let code = browser.text_of("#receipt-code").await;
    assert_eq!(code.len(), 24, "a receipt code: {code}");
    audit.check(browser, "complaint receipt").await;
    audit.look(browser, "complaint-receipt").await;

    // Intake asks a question.
    sign_in(browser, app, "ivy", GOOD_PASSWORD).await;
    browser.click("a[href='/complaints']").await;
    audit.check(browser, "complaint queue").await;
    browser.click("main table th a[href^='/complaints/']").await;
    audit.check(browser, "complaint record").await;
    audit.look(browser, "complaint-record").await;
    assert!(browser.source().await.contains(&sha(&first_bytes)));
    browser
        .fill(
            "#body",
            "Which shift were you moved to, and from which day?",
        )
        .await;
    browser
        .click("main form[action$='/messages'] button[type=submit]")
        .await;
    assert!(
        browser
            .source()
            .await
            .contains("Which shift were you moved to, and from which day?")
    );
    browser.click("form[action='/sign-out'] button").await;

    // The complainant comes back with the code and answers with a second file.
    browser.goto(&app.url("/")).await;
    browser.click("a[href='/complain']").await;
    browser.click("main a[href='/complain/follow-up']").await;
    audit.check(browser, "follow-up sign-in").await;
    browser.fill("#receipt", &code.to_lowercase()).await;
    browser
        .click("main form[action='/complain/follow-up'] button[type=submit]")
        .await;
    assert!(
        browser
            .source()
            .await
            .contains("Which shift were you moved to, and from which day?")
    );
    audit.check(browser, "follow-up").await;
    audit.look(browser, "complaint-follow-up").await;
    browser
        .fill("#body", "Nights from 2 June; the roster is attached.")
        .await;
    browser
        .send_keys("#files", &second.display().to_string())
        .await;
    browser
        .click("main form[action='/complain/follow-up/reply'] button[type=submit]")
        .await;
    assert!(
        browser
            .source()
            .await
            .contains("Your message and 1 file were sent.")
    );

    // Intake opens a reprisal case from it.
    sign_in(browser, app, "ivy", GOOD_PASSWORD).await;
    browser.click("a[href='/complaints']").await;
    browser.click("main table th a[href^='/complaints/']").await;
    assert!(
        browser
            .source()
            .await
            .contains("Nights from 2 June; the roster is attached.")
    );
    browser
        .fill("#title", "Dispatcher moved to nights after a disclosure")
        .await;
    choose(browser, "#case_type", "whistleblower_reprisal").await;
    browser
        .click("main form[action$='/open-case'] button[type=submit]")
        .await;
    let case_url = browser.current_url().await;
    assert!(case_url.contains("/cases/"), "at the new case: {case_url}");
    let overview = browser.source().await;
    assert!(overview.contains("Determination") && overview.contains("180 days left"));
    audit.check(browser, "case from a complaint").await;
    audit.look(browser, "case-from-complaint").await;
    // Each file is an exhibit of its own, with the hash it had when it was received.
    let mut exhibit_pages = String::new();
    for number in ["2", "3"] {
        browser
            .click("a.probity-case-nav__link[href$='/exhibits']")
            .await;
        browser
            .click(&format!("main table a[href$='/exhibits/{number}']"))
            .await;
        exhibit_pages.push_str(&browser.source().await);
    }
    for bytes in [&first_bytes, &second_bytes] {
        let hash = sha(bytes);
        assert!(exhibit_pages.contains(&hash), "an exhibit carries {hash}");
    }

    // The clock, extended with the complainant's consent.
    browser
        .click("a.probity-case-nav__link[href$='/plan']")
        .await;
    audit.check(browser, "plan and clocks").await;
    audit.look(browser, "case-plan").await;
    browser.click("main a[href$='/clocks/determination']").await;
    audit.check(browser, "clock form").await;
    choose(browser, "#kind", "extend").await;
    browser.fill("#days", "30").await;
    browser
        .fill(
            "#reason",
            "The complainant agreed to 30 more days for the roster.",
        )
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(
        browser
            .source()
            .await
            .contains("the day the complainant consented")
    );
    assert_eq!(
        browser.value_of("#reason").await,
        "The complainant agreed to 30 more days for the roster."
    );
    audit.check(browser, "clock form with errors").await;
    let today = probity_server::office::validate::today();
    fill_date(browser, "#consent_on", &today).await;
    browser.click("main form button[type=submit]").await;
    let plan = browser.source().await;
    assert!(plan.contains("Extended by 30 days") && plan.contains("210 days left"));

    // A task of the plan.
    browser.click("main a[href$='/plan/new']").await;
    audit.check(browser, "add a task").await;
    browser
        .fill("#title", "Obtain the east garage's shift roster")
        .await;
    browser.click("main form button[type=submit]").await;
    assert!(
        browser
            .source()
            .await
            .contains("Obtain the east garage's shift roster")
    );
    browser.click(".probity-case-nav__item:first-child a").await;
    browser.click("main a[href$='/complainants']").await;
    audit.check(browser, "complainants").await;
    browser.click("form[action='/sign-out'] button").await;
    let _ = std::fs::remove_dir_all(&folder);
}

#[tokio::test]
async fn the_front_door_works_without_javascript_and_every_page_passes_axe() {
    let driver = Driver::start().await;
    let settings = ["--complaint-form-seconds", "0"];
    let mut audits = Vec::new();
    for javascript in [false, true] {
        let app = TestApp::spawn_with(probity_tests::Backend::under_test(), &settings).await;
        let store = app.store().await;
        let hash = probity_tests::fixtures::password_hash().await;
        probity_tests::fixtures::user(
            &store,
            &hash,
            "ivy",
            probity_domain::roles::Role::Investigator,
        )
        .await;
        let browser = driver.session(javascript).await;
        let mut audit = Audit::new(javascript);
        walk_front_door(&browser, &app, &mut audit).await;
        browser.close().await;
        audits.push(audit);
    }
    assert_eq!(audits[0].pages, audits[1].pages);
    audits[1].assert_clean();
}

/// The demo's statistics, a case's referrals and outcomes, its plan and their forms, reached
/// by clicking as a supervisor, each checked by axe (with JavaScript on) and looked at.
#[tokio::test]
async fn the_statistics_outcomes_and_plan_pages_pass_axe() {
    let driver = Driver::start().await;
    let app = TestApp::spawn_with(
        probity_tests::Backend::under_test(),
        &["--require-mfa", "true"],
    )
    .await;
    probity_tests::fixtures::demo(&app).await;
    let password = probity_server::demo::DEMO_PASSWORD;
    let store = app.store().await;
    let ines = store
        .user_by_username("ines.investigator")
        .await
        .expect("user")
        .expect("ines");
    let demo_case = store
        .my_cases(ines.user_id, 100)
        .await
        .expect("cases")
        .into_iter()
        .find(|case| case.title == probity_server::demo::DEMO_CASE_TITLE)
        .expect("the demo case")
        .case_id;
    for javascript in [false, true] {
        let browser = driver.session(javascript).await;
        let mut audit = Audit::new(javascript);
        sign_in(&browser, &app, "sam.supervisor", password).await;
        audit.check(&browser, "supervisor's dashboard").await;
        audit.look(&browser, "dashboard-clocks").await;
        browser.click("a[href='/statistics']").await;
        audit.check(&browser, "statistics").await;
        audit.look(&browser, "statistics").await;
        browser
            .click("main a[href^='/statistics/cases-opened']")
            .await;
        assert!(browser.source().await.contains("Cases opened"));
        audit.check(&browser, "statistics drill-down").await;
        browser.click("a[href='/cases']").await;
        browser
            .click("main table a[href^='/cases/']:not([href*='?'])")
            .await;
        browser
            .click("a.probity-case-nav__link[href$='/outcomes']")
            .await;
        audit.check(&browser, "referrals and outcomes").await;
        audit.look(&browser, "case-outcomes").await;
        browser
            .click("main a[href$='/outcomes/referrals/new']")
            .await;
        audit.check(&browser, "referral form").await;
        browser.click("main form button[type=submit]").await;
        assert!(browser.source().await.contains("Enter the prosecutor"));
        audit.check(&browser, "referral form with errors").await;
        browser
            .click("a.probity-case-nav__link[href$='/outcomes']")
            .await;
        browser.click("main a[href$='/outcomes/actions/new']").await;
        audit.check(&browser, "outcome form").await;
        browser
            .click("a.probity-case-nav__link[href$='/outcomes']")
            .await;
        browser.click("main a[href$='/outcomes/money/new']").await;
        browser.fill("#amount", "1.234").await;
        browser.click("main form button[type=submit]").await;
        assert!(browser.source().await.contains("at most two decimals"));
        assert_eq!(browser.value_of("#amount").await, "1.234");
        audit.check(&browser, "amount form with errors").await;
        browser.click(".probity-case-nav__item:first-child a").await;
        browser.click("main a[href$='/status']").await;
        assert!(
            browser
                .source()
                .await
                .contains("Before closing: the quality standards checklist")
        );
        audit
            .check(&browser, "status with the closure checklist")
            .await;
        audit.look(&browser, "closure-checklist").await;
        browser
            .click("a.probity-case-nav__link[href$='/plan']")
            .await;
        audit.check(&browser, "plan").await;
        // The demo case's interviews, one of them, and its form with a mistake.
        browser.click("a[href='/cases']").await;
        browser
            .click(&format!("main table a[href='/cases/{demo_case}']"))
            .await;
        browser
            .click("a.probity-case-nav__link[href$='/interviews']")
            .await;
        audit.check(&browser, "interviews").await;
        audit.look(&browser, "interviews").await;
        browser.click("main table a[href*='/interviews/']").await;
        assert!(browser.source().await.contains("Memorandum of interview"));
        audit.check(&browser, "interview").await;
        audit.look(&browser, "interview").await;
        browser
            .click("main a[href*='/interviews/'][href$='/edit']")
            .await;
        audit.check(&browser, "interview form").await;
        browser.fill("#place", "").await;
        browser.click("main form button[type=submit]").await;
        assert!(
            browser
                .source()
                .await
                .contains("Enter where the interview took place.")
        );
        audit.check(&browser, "interview form with errors").await;
        // A recommendation with its oversight fields.
        browser
            .click("a.probity-case-nav__link[href$='/findings']")
            .await;
        browser.click("main a[href$='/recommendations']").await;
        audit.check(&browser, "recommendations").await;
        browser
            .click("main table a[href*='/recommendations/']")
            .await;
        assert!(browser.source().await.contains("Funds put to better use"));
        audit.check(&browser, "recommendation").await;
        audit.look(&browser, "recommendation").await;
        // The case export page, and its form without a reason.
        browser
            .click("a.probity-case-nav__link[href$='/exhibits']")
            .await;
        browser.click("main a[href$='/export']").await;
        assert!(browser.source().await.contains("BagIt"));
        audit.check(&browser, "case export").await;
        audit.look(&browser, "case-export").await;
        browser.click("main form button[type=submit]").await;
        assert!(browser.source().await.contains("usa-error-message"));
        audit.check(&browser, "case export with errors").await;
        browser.close().await;
        audit.assert_clean();
    }
    app.stop().await;
}
