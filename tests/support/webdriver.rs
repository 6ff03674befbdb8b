//! A small WebDriver client for the browser tests: starts `chromedriver`, opens headless
//! Chromium sessions with JavaScript off or on, and runs axe-core.

use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver, stopped when dropped.
pub struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it answers.
    pub async fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("free port")
            .port();
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot start {binary} ({error}); install chromium and chromium-driver")
            });
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let status = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await;
            if status.is_ok_and(|response| response.status().is_success()) {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        driver
    }

    /// Opens a headless Chromium session.
    pub async fn session(&self, javascript: bool) -> Browser {
        let profile =
            std::env::temp_dir().join(format!("probity-chrome-{}", crate::random_suffix()));
        let mut options = json!({
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        });
        if let Ok(binary) = std::env::var("CHROMIUM") {
            options["binary"] = json!(binary);
        } else if std::path::Path::new("/usr/bin/chromium").exists() {
            options["binary"] = json!("/usr/bin/chromium");
        }
        if !javascript {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let response: Value = self
            .http
            .post(format!("{}/session", self.base))
            .json(&json!({
                "capabilities": { "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": options,
                }}
            }))
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("session JSON");
        let id = response["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {response}"))
            .to_string();
        Browser {
            http: self.http.clone(),
            base: format!("{}/session/{id}", self.base),
            profile,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    profile: PathBuf,
}

/// A found element.
pub struct Element(String);

impl Browser {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let value: Value = request
            .send()
            .await
            .expect("webdriver call")
            .json()
            .await
            .expect("webdriver JSON");
        if let Some(error) = value["value"]["error"].as_str() {
            panic!("webdriver {path}: {error}: {}", value["value"]["message"]);
        }
        value["value"].clone()
    }

    /// Opens a URL and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    /// Sets the window's size in CSS pixels.
    pub async fn set_window(&self, width: u32, height: u32) {
        self.call(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .await;
    }

    /// Saves a PNG of the viewport at `path` (its folder is made when missing).
    pub async fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine as _;
        let encoded = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .expect("screenshot base64");
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).expect("screenshot folder");
        }
        std::fs::write(path, png).expect("write screenshot");
    }

    /// How far the page is wider than the window, in CSS pixels (0 when it does not
    /// scroll sideways).
    pub async fn overflow_x(&self) -> i64 {
        self.execute(
            "const done = arguments[arguments.length - 1]; \
             done(document.documentElement.scrollWidth - document.documentElement.clientWidth);",
            json!([]),
        )
        .await
        .as_i64()
        .unwrap_or(0)
    }

    /// The current URL.
    pub async fn current_url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The document title.
    pub async fn title(&self) -> String {
        self.call(reqwest::Method::GET, "/title", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The page's HTML as the browser holds it.
    pub async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits (up to two minutes) until the page holds `text`: a progress page loads itself
    /// again until its work is done and then shows the result. Returns the page's HTML.
    pub async fn wait_for_text(&self, text: &str) -> String {
        for _ in 0..600 {
            let source = self.source().await;
            if source.contains(text) {
                return source;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("the page never showed {text:?}: {}", self.source().await);
    }

    /// Finds one element by CSS selector; panics when there is none.
    pub async fn find(&self, css: &str) -> Element {
        let value = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        Element(
            value[ELEMENT_KEY]
                .as_str()
                .unwrap_or_else(|| panic!("no element {css}"))
                .to_string(),
        )
    }

    /// Adds a virtual authenticator (WebDriver's WebAuthn extension): a platform passkey
    /// store that verifies its user and says yes, as a fingerprint reader would.
    pub async fn add_virtual_authenticator(&self) -> String {
        let value = self
            .call(
                reqwest::Method::POST,
                "/webauthn/authenticator",
                Some(json!({
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": true,
                    "hasUserVerification": true,
                    "isUserConsenting": true,
                    "isUserVerified": true,
                })),
            )
            .await;
        value.as_str().expect("an authenticator id").to_string()
    }

    /// How many credentials the virtual authenticator holds.
    pub async fn virtual_credentials(&self, authenticator: &str) -> usize {
        self.call(
            reqwest::Method::GET,
            &format!("/webauthn/authenticator/{authenticator}/credentials"),
            None,
        )
        .await
        .as_array()
        .map(Vec::len)
        .unwrap_or(0)
    }

    /// The visible text of the element matching `css`.
    pub async fn text_of(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::GET,
            &format!("/element/{}/text", element.0),
            None,
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Clears a field and types into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/clear", element.0),
            Some(json!({})),
        )
        .await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/value", element.0),
            Some(json!({ "text": text })),
        )
        .await;
    }

    /// Clicks a button or link that leads to another page, and waits until that page has
    /// replaced the current one (the old document's root goes stale).
    pub async fn click(&self, css: &str) {
        let root = self.find("html").await;
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        )
        .await;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let probe: Value = self
                .http
                .get(format!("{}/element/{}/name", self.base, root.0))
                .send()
                .await
                .expect("webdriver call")
                .json()
                .await
                .expect("webdriver JSON");
            if probe["value"]["error"].as_str() == Some("stale element reference") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "clicking {css} did not lead to a new page"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Types into an element without clearing it first (file inputs take paths this way).
    pub async fn send_keys(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/value", element.0),
            Some(json!({ "text": text })),
        )
        .await;
    }

    /// Clicks an element that does not leave the page (an option, a checkbox).
    pub async fn click_in_place(&self, css: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        )
        .await;
    }

    /// The value attribute of a field as the page holds it.
    pub async fn value_of(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::GET,
            &format!("/element/{}/property/value", element.0),
            None,
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Runs a script in the page and returns its result.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// Runs axe-core on the current page against WCAG 2.1 A and AA; returns the violations
    /// as readable lines (empty when the page passes).
    pub async fn axe_violations(&self, axe_source: &str) -> Vec<String> {
        let script = r#"
            const done = arguments[arguments.length - 1];
            const source = arguments[0];
            if (!window.axe) { (0, eval)(source); }
            window.axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                resultTypes: ['violations'],
            }).then(
                (results) => done(results.violations.map((v) =>
                    v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
                    v.nodes.map((n) => n.target.join(' ')).join(', '))),
                (error) => done(['axe failed: ' + error]));
        "#;
        let value = self.execute(script, json!([axe_source])).await;
        value
            .as_array()
            .unwrap_or_else(|| panic!("axe returned {value}"))
            .iter()
            .map(|line| line.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Ends the session.
    pub async fn close(self) {
        let _ = self.http.delete(self.base.clone()).send().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The axe-core script, from `AXE_CORE_JS` or the npm install under `tests/node_modules`.
pub fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read axe-core at {} ({error}); run `npm ci --prefix tests`",
            path.display()
        )
    })
}
