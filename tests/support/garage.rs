//! A real S3 server for the tests: Garage, one node on loopback, one per test binary.
//!
//! The binary is `garage` on the PATH, in `~/.cargo/bin`, or at `PROBITY_GARAGE` (`.ci/run`
//! installs it). It runs under a small shell that stops it when the test binary's end of a
//! pipe closes, so no server outlives the tests however they end.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// A running Garage with one bucket and one key allowed on it.
pub struct Garage {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Kept open: the server stops when it closes.
    _guard: std::sync::Mutex<std::process::ChildStdin>,
    /// The shell around the server (ends with it).
    _child: std::sync::Mutex<std::process::Child>,
}

fn garage_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PROBITY_GARAGE") {
        return PathBuf::from(path);
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join("garage");
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let candidate = home.join(".cargo/bin/garage");
    assert!(
        candidate.is_file(),
        "the S3 tests need Garage 2.5: `cargo install garage --locked --version 2.5.0` (.ci/run does), or PROBITY_GARAGE=/path/to/garage"
    );
    candidate
}

fn run(config: &Path, args: &[&str]) -> String {
    let output = Command::new(garage_binary())
        .arg("-c")
        .arg(config)
        .args(args)
        .output()
        .expect("garage runs");
    assert!(
        output.status.success(),
        "garage {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The value after `label` on the line that has it (`Key ID: GK...`).
fn field(text: &str, label: &str) -> String {
    text.lines()
        .find_map(|line| line.trim().strip_prefix(label))
        .map(|rest| rest.trim_start_matches(':').trim().to_string())
        .unwrap_or_else(|| panic!("no {label:?} in garage's answer: {text}"))
}

impl Garage {
    /// The test binary's Garage, started on first use.
    pub fn shared() -> &'static Garage {
        static GARAGE: OnceLock<Garage> = OnceLock::new();
        GARAGE.get_or_init(Garage::start)
    }

    fn start() -> Garage {
        let dir = std::env::temp_dir().join(format!("probity-garage-{}", crate::random_suffix()));
        std::fs::create_dir_all(&dir).expect("garage folder");
        let (rpc, s3, admin) = (crate::free_port(), crate::free_port(), crate::free_port());
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("random");
        let secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        let config = dir.join("garage.toml");
        std::fs::write(
            &config,
            format!(
                r#"metadata_dir = "{meta}"
data_dir = "{data}"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:{s3}"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:{admin}"
"#,
                meta = dir.join("meta").display(),
                data = dir.join("data").display(),
            ),
        )
        .expect("garage config");
        let log = std::fs::File::create(dir.join("garage.log")).expect("garage log");
        // The shell stops Garage when its standard input closes: when this process ends.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#""$0" -c "$1" server & pid=$!; cat > /dev/null; kill $pid; wait $pid; rm -rf "$2""#)
            .arg(garage_binary())
            .arg(&config)
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("garage starts");
        let stdin = child.stdin.take().expect("garage's input");
        let mut up = false;
        for _ in 0..200 {
            let status = Command::new(garage_binary())
                .arg("-c")
                .arg(&config)
                .args(["node", "id", "-q"])
                .output();
            if status
                .map(|output| output.status.success())
                .unwrap_or(false)
            {
                up = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert!(
            up,
            "garage did not start: {}",
            std::fs::read_to_string(dir.join("garage.log")).unwrap_or_default()
        );
        let id = run(&config, &["node", "id", "-q"]);
        let id = id.trim().split('@').next().unwrap_or_default().to_string();
        run(&config, &["layout", "assign", "-z", "dc1", "-c", "1G", &id]);
        run(&config, &["layout", "apply", "--version", "1"]);
        let bucket = "probity-test".to_string();
        run(&config, &["bucket", "create", &bucket]);
        let key = run(&config, &["key", "create", "probity-test-key"]);
        let access_key_id = field(&key, "Key ID");
        let secret_access_key = field(&key, "Secret key");
        run(
            &config,
            &[
                "bucket",
                "allow",
                "--read",
                "--write",
                "--owner",
                &bucket,
                "--key",
                "probity-test-key",
            ],
        );
        Garage {
            endpoint: format!("http://127.0.0.1:{s3}"),
            region: "garage".to_string(),
            bucket,
            access_key_id,
            secret_access_key,
            _guard: std::sync::Mutex::new(stdin),
            _child: std::sync::Mutex::new(child),
        }
    }

    /// A fresh `s3://` address in the bucket (a prefix of its own per call).
    pub fn fresh_store(&self) -> String {
        format!("s3://{}/t-{}", self.bucket, crate::random_suffix())
    }

    /// The app's settings for this server.
    pub fn args(&self) -> Vec<String> {
        vec![
            "--s3-endpoint".to_string(),
            self.endpoint.clone(),
            "--s3-region".to_string(),
            self.region.clone(),
            "--s3-access-key-id".to_string(),
            self.access_key_id.clone(),
            "--s3-secret-access-key".to_string(),
            self.secret_access_key.clone(),
            "--s3-allow-http".to_string(),
        ]
    }

    /// A plain S3 client of the test bucket, to reach behind Probity's back.
    pub fn raw_client(&self) -> object_store::aws::AmazonS3 {
        object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&self.bucket)
            .with_endpoint(&self.endpoint)
            .with_region(&self.region)
            .with_access_key_id(&self.access_key_id)
            .with_secret_access_key(&self.secret_access_key)
            .with_allow_http(true)
            .build()
            .expect("raw S3 client")
    }

    /// The same as [`probity_server::blobs::s3::S3Settings`].
    pub fn settings(&self) -> probity_server::blobs::s3::S3Settings {
        probity_server::blobs::s3::S3Settings {
            endpoint: Some(self.endpoint.clone()),
            region: Some(self.region.clone()),
            access_key_id: Some(self.access_key_id.clone()),
            secret_access_key: Some(self.secret_access_key.clone()),
            allow_http: true,
        }
    }

    /// The same settings as environment variables, for a `probity` child process.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_REGION", self.region.clone()),
            ("AWS_ACCESS_KEY_ID", self.access_key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_access_key.clone()),
            ("AWS_ALLOW_HTTP", "true".to_string()),
        ]
    }
}
