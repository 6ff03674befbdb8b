//! Command line and settings: every setting is a flag and a `PROBITY_*` environment variable.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use url::Url;

/// The default system-use notice shown on the sign-in page.
pub const DEFAULT_NOTICE: &str = "You are accessing a system of an inspector-general office that holds \
criminal-justice and personal information. Use is limited to authorised purposes. Activity is \
monitored and recorded; unauthorised use may lead to disciplinary action and criminal prosecution.";

/// Probity: case management for inspector-general offices.
#[derive(Debug, Parser)]
#[command(name = "probity", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; `serve` when none is given.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage user accounts from the shell.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit trail and the chain of custody from their first entry and hash every
    /// stored file again; prints what is broken (entry, expected, found) and exits non-zero
    /// on any break.
    Verify {
        /// When nothing is broken, print a checkpoint of the chain heads signed with the key
        /// at --checkpoint-key (created when missing), to keep somewhere else; the report goes
        /// to standard error.
        #[arg(long)]
        checkpoint: bool,
        /// Also check a checkpoint made earlier: its signature, and that each entry it names
        /// is still there with the same hash.
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
    },
    /// Evidence file store maintenance.
    #[command(subcommand)]
    Blobs(BlobsCommand),
    /// Back up the database and the evidence files into a new folder while the server runs:
    /// one consistent snapshot of the database (SQLite's VACUUM INTO, or pg_dump's custom
    /// format), the files it refers to (copied, or listed when they are in S3) and a
    /// manifest of SHA-256 sums that `sha256sum -c manifest-sha256.txt` checks.
    Backup {
        /// The folder to create (it must be missing or empty).
        dir: PathBuf,
    },
    /// Restore a backup into an empty database and data folder (or bucket): every hash of
    /// its manifest is checked first, then the database and the files are put in place and
    /// the integrity check runs as `probity verify` does.
    Restore {
        /// The backup folder.
        dir: PathBuf,
    },
    /// Load the fictional demo case and one account per role (for trying Probity out; never
    /// on a production database).
    Demo {
        /// The password of every demo account.
        #[arg(long, default_value = crate::demo::DEMO_PASSWORD)]
        password: String,
    },
}

/// Evidence file store maintenance.
#[derive(Debug, Subcommand)]
pub enum BlobsCommand {
    /// Copies every stored file to another store (`s3://bucket/prefix`, or a folder), hashing
    /// each on the way and refusing one whose content does not match its name. Files already
    /// in the target are checked and skipped, so an interrupted run is resumed by running it
    /// again. Then start Probity with `--blob-store` set to the target.
    Migrate {
        /// The store to copy to.
        #[arg(long, value_name = "STORE")]
        to: String,
    },
}

/// Account management from the shell.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from the terminal without echo, or from the
    /// first line of standard input when it is not a terminal.
    Add {
        /// The sign-in name (letters, digits, `.`, `-`, `_`).
        username: String,
        /// The name shown to colleagues; defaults to the username.
        #[arg(long)]
        display_name: Option<String>,
        /// administrator (or admin), supervisor, investigator, commissioner or auditor.
        #[arg(long, value_parser = parse_role)]
        role: probity_domain::roles::Role,
    },
    /// List accounts.
    List,
    /// Disable an account; its sessions end at once.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// Remove an account's second factors (authenticator app and recovery codes), e.g. after
    /// a lost phone; its sessions end, and with --require-mfa it sets one up again at its
    /// next sign-in.
    ResetMfa { username: String },
    /// Set a new password, read like `user add` reads it.
    ResetPassword { username: String },
    /// Create a personal access token for the API in an account's name and print it (the
    /// only time it is shown), e.g. for an integration's service account.
    Token {
        username: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
        /// `read`, or `write` for read and write.
        #[arg(long, default_value = "read")]
        scope: String,
        /// Days until it expires, 1 to 90.
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
}

fn parse_role(value: &str) -> Result<probity_domain::roles::Role, String> {
    probity_domain::roles::Role::parse(value).ok_or_else(|| {
        "expected administrator, supervisor, investigator, commissioner or auditor".to_string()
    })
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Every setting, from flags or the environment.
#[derive(Clone, Args)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "PROBITY_LISTEN",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: SocketAddr,

    /// Folder for the SQLite database and the evidence blob store; created when missing.
    #[arg(long, env = "PROBITY_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Where evidence files are kept: `s3://bucket/prefix` for an S3 bucket (configured by the
    /// `AWS_*` environment variables as the AWS SDKs read them: `AWS_ENDPOINT_URL`,
    /// `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP` ...).
    /// Without it, files under `<data-dir>/blobs`.
    #[arg(long, env = "PROBITY_BLOB_STORE", global = true)]
    pub blob_store: Option<String>,

    /// The S3 endpoint, for a store other than AWS (MinIO, Garage, Ceph RGW), e.g.
    /// `https://s3.example.org`. Other `AWS_*` variables the AWS SDKs read (a session token,
    /// `AWS_DEFAULT_REGION`, a web identity) are read too.
    #[arg(long, env = "AWS_ENDPOINT_URL", global = true)]
    pub s3_endpoint: Option<String>,

    /// The S3 region.
    #[arg(long, env = "AWS_REGION", global = true)]
    pub s3_region: Option<String>,

    /// The S3 access key id.
    #[arg(long, env = "AWS_ACCESS_KEY_ID", global = true)]
    pub s3_access_key_id: Option<String>,

    /// The S3 secret key (give it in the environment, not on the command line, where other
    /// accounts of the machine can read it).
    #[arg(
        long,
        env = "AWS_SECRET_ACCESS_KEY",
        global = true,
        hide_env_values = true
    )]
    pub s3_secret_access_key: Option<String>,

    /// Allow an `http://` S3 endpoint (a store on the same machine or a private network).
    #[arg(long, env = "AWS_ALLOW_HTTP", global = true)]
    pub s3_allow_http: bool,

    /// Database URL: `postgres://...` for PostgreSQL, `sqlite://...` for SQLite. Without it
    /// Probity uses `<data-dir>/probity.db`. DATABASE_URL is read too.
    #[arg(long, env = "PROBITY_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// The address people use to reach Probity, e.g. https://probity.example.org. With https,
    /// cookies are Secure and use the __Host- prefix. Defaults to http://<listen>.
    #[arg(long, env = "PROBITY_PUBLIC_URL", global = true)]
    pub public_url: Option<Url>,

    /// The office's name, shown in the header and page titles.
    #[arg(
        long,
        env = "PROBITY_OFFICE_NAME",
        default_value = "Office of the Inspector General",
        global = true
    )]
    pub office_name: String,

    /// Put before every new case number, e.g. `OIG-` gives `OIG-2025-0142`.
    #[arg(
        long,
        env = "PROBITY_CASE_NUMBER_PREFIX",
        default_value = "",
        global = true
    )]
    pub case_number_prefix: String,

    /// A TOML file of the office's case types, each with its statutory clocks and the tasks
    /// a new case of the type starts with (see the README); built-in types when not given.
    #[arg(long, env = "PROBITY_CASE_TYPES", value_parser = load_case_types, global = true)]
    pub case_types: Option<std::sync::Arc<probity_domain::clocks::CaseTypes>>,

    /// The office's currency (ISO 4217), in which monetary results are recorded and summed.
    #[arg(long, env = "PROBITY_CURRENCY", default_value = "USD", value_parser = parse_currency, global = true)]
    pub currency: String,

    /// The dispositions a finding may have, separated by commas. The first is the one the
    /// statistics count as substantiated.
    #[arg(
        long,
        env = "PROBITY_DISPOSITIONS",
        default_value = "Substantiated,Unsubstantiated,Unfounded,Exonerated",
        global = true
    )]
    pub dispositions: String,

    /// Largest evidence upload accepted, in bytes (suffixes K, M, G, KiB, MiB, GiB allowed).
    #[arg(long, env = "PROBITY_UPLOAD_LIMIT", default_value = "2GiB", value_parser = parse_size, global = true)]
    pub upload_limit: u64,

    /// Largest total of the files sent with one complaint through the public form, its
    /// follow-ups included, in bytes (suffixes allowed).
    #[arg(long, env = "PROBITY_COMPLAINT_UPLOAD_LIMIT", default_value = "100MiB", value_parser = parse_size, global = true)]
    pub complaint_upload_limit: u64,

    /// Complaints one network address may send through the public form in an hour (kept in
    /// memory on each app node, never stored).
    #[arg(
        long,
        env = "PROBITY_COMPLAINTS_PER_HOUR",
        default_value_t = 5,
        global = true
    )]
    pub complaints_per_hour: u32,

    /// Seconds a person must spend on the public complaint form before sending it (a
    /// script posting at once is refused; for tests).
    #[arg(
        long,
        env = "PROBITY_COMPLAINT_FORM_SECONDS",
        default_value_t = 3,
        hide = true,
        global = true
    )]
    pub complaint_form_seconds: u32,

    /// The system-use notice shown on the sign-in page.
    #[arg(long, env = "PROBITY_SYSTEM_NOTICE", default_value = DEFAULT_NOTICE, hide_default_value = true, global = true)]
    pub system_notice: String,

    /// Minutes without activity after which a session ends.
    #[arg(
        long,
        env = "PROBITY_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: u32,

    /// Hours after sign-in after which a session ends, active or not.
    #[arg(
        long,
        env = "PROBITY_SESSION_MAX_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_max_hours: u32,

    /// How long a confirmation before a sensitive step stays fresh, in seconds (for tests;
    /// ten minutes otherwise).
    #[arg(long, env = "PROBITY_CONFIRMATION_SECONDS", hide = true, global = true)]
    pub confirmation_seconds: Option<u32>,

    /// Session idle limit in seconds; overrides the minutes (for tests).
    #[arg(long, env = "PROBITY_SESSION_IDLE_SECONDS", hide = true, global = true)]
    pub session_idle_seconds: Option<u32>,

    /// A regular expression for the office's booking or inmate numbers, which the leak check
    /// then finds in public reports as personal data (repeat the flag for several; in the
    /// environment, separate them with `;`). Numbers written after "booking no.", "inmate #"
    /// and the like are found without it.
    #[arg(
        long = "booking-number-pattern",
        env = "PROBITY_BOOKING_NUMBER_PATTERNS",
        value_delimiter = ';',
        global = true
    )]
    pub booking_number_patterns: Vec<String>,

    /// Requests a minute one API token may make before it is asked to wait (429 with
    /// Retry-After). Counted on each app node separately.
    #[arg(
        long,
        env = "PROBITY_API_RATE_LIMIT",
        default_value_t = 600,
        global = true
    )]
    pub api_rate_limit: u32,

    /// Hours between the server's integrity checks (both chains walked, every stored file
    /// hashed again); the first runs a minute after start. 0 turns them off (`probity verify`
    /// still runs one).
    #[arg(
        long,
        env = "PROBITY_INTEGRITY_CHECK_HOURS",
        default_value_t = 24,
        global = true
    )]
    pub integrity_check_hours: u32,

    /// Days without a sign-in after which an account is disabled (checked at start and
    /// daily; an administrator can enable it again). 0 keeps unused accounts enabled.
    #[arg(
        long,
        env = "PROBITY_DISABLE_UNUSED_DAYS",
        default_value_t = 90,
        global = true
    )]
    pub disable_unused_days: u32,

    /// Ask every person for a second factor (an authenticator app's code) after the password:
    /// someone without one is sent to set one up and can reach nothing else until they have.
    /// `--require-mfa false` lets people without a second factor sign in with the password
    /// alone (those who set one up are still asked for it).
    #[arg(
        long,
        env = "PROBITY_REQUIRE_MFA",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub require_mfa: bool,

    /// Let people sign in with a passkey alone, without their password: the passkey proves
    /// the device and, by its PIN or fingerprint (user verification is required), the person.
    /// Passkeys added while this is on are made discoverable (kept on the key with the
    /// account), which a sign-in without a username needs.
    #[arg(
        long,
        env = "PROBITY_PASSKEY_SIGN_IN",
        default_value_t = false,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub passkey_sign_in: bool,

    /// A copy of every audit entry as it is written, outside the database:
    /// `file:///path/audit.jsonl` (JSON lines) or `syslog+tcp://host:port` (RFC 5424 over TCP,
    /// octet-counted frames).
    #[arg(long, env = "PROBITY_AUDIT_COPY", global = true)]
    pub audit_copy: Option<String>,

    /// The Ed25519 key that signs checkpoints of the hash chains (`probity verify
    /// --checkpoint`): a file holding 64 hexadecimal digits, created when missing. Keep it
    /// outside the database and its backups.
    #[arg(long, env = "PROBITY_CHECKPOINT_KEY", global = true)]
    pub checkpoint_key: Option<PathBuf>,

    /// Log format.
    #[arg(
        long,
        env = "PROBITY_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
}

impl Settings {
    /// The database URL in force: the flag, then DATABASE_URL, then SQLite in the data folder.
    /// The S3 settings, for an `s3://` blob store.
    pub fn s3(&self) -> crate::blobs::s3::S3Settings {
        crate::blobs::s3::S3Settings {
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            access_key_id: self.s3_access_key_id.clone(),
            secret_access_key: self.s3_secret_access_key.clone(),
            allow_http: self.s3_allow_http,
        }
    }

    pub fn effective_database_url(&self) -> String {
        self.database_url
            .clone()
            .or_else(|| {
                std::env::var("DATABASE_URL")
                    .ok()
                    .filter(|url| !url.is_empty())
            })
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("probity.db").display()))
    }

    /// The public URL in force.
    pub fn effective_public_url(&self) -> Url {
        self.public_url.clone().unwrap_or_else(|| {
            // A SocketAddr always makes a valid http URL.
            Url::parse(&format!("http://{}/", self.listen)).unwrap_or_else(|_| {
                Url::parse("http://127.0.0.1:3000/").expect("static URL parses")
            })
        })
    }

    /// True when people reach Probity over https.
    pub fn is_https(&self) -> bool {
        self.effective_public_url().scheme() == "https"
    }

    /// What the statistics count by: the office's currency, its first disposition as the
    /// substantiated one, and its reprisal case types.
    pub fn stat_rules(&self) -> probity_domain::statistics::StatRules {
        probity_domain::statistics::StatRules {
            currency: self.currency.clone(),
            substantiated: self
                .disposition_list()
                .into_iter()
                .next()
                .unwrap_or_else(|| "Substantiated".into()),
            reprisal_types: self.case_types().reprisal_keys(),
        }
    }

    /// The configured dispositions, trimmed, without empty ones.
    pub fn disposition_list(&self) -> Vec<String> {
        self.dispositions
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The personal-data patterns the leak check applies, with the office's booking-number
    /// shapes; an error names a pattern that is not a valid regular expression.
    pub fn personal_patterns(&self) -> Result<crate::reports::personal::Patterns, String> {
        crate::reports::personal::Patterns::new(&self.booking_number_patterns)
    }

    /// The office's case types: the file's, or the built-in ones.
    pub fn case_types(&self) -> std::sync::Arc<probity_domain::clocks::CaseTypes> {
        static BUILT_IN: std::sync::LazyLock<std::sync::Arc<probity_domain::clocks::CaseTypes>> =
            std::sync::LazyLock::new(|| {
                std::sync::Arc::new(probity_domain::clocks::default_case_types())
            });
        self.case_types.clone().unwrap_or_else(|| BUILT_IN.clone())
    }

    /// Idle limit of a session, in seconds.
    pub fn session_idle_seconds(&self) -> i64 {
        self.session_idle_seconds
            .map(i64::from)
            .unwrap_or(i64::from(self.session_idle_minutes) * 60)
    }

    /// How long a confirmation before a sensitive step stays fresh, in seconds.
    pub fn confirmation_seconds(&self) -> i64 {
        self.confirmation_seconds
            .map(i64::from)
            .unwrap_or(crate::office::second_factor::CONFIRMATION_SECONDS)
    }

    /// Absolute limit of a session, in seconds.
    pub fn session_max_seconds(&self) -> i64 {
        i64::from(self.session_max_hours) * 3600
    }
}

/// Hides the password of the database URL.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("blob_store", &self.blob_store)
            .field("s3_endpoint", &self.s3_endpoint)
            .field("s3_region", &self.s3_region)
            .field("s3_access_key_id", &self.s3_access_key_id)
            .field(
                "s3_secret_access_key",
                &self.s3_secret_access_key.as_ref().map(|_| "(set)"),
            )
            .field("s3_allow_http", &self.s3_allow_http)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url_password),
            )
            .field("public_url", &self.public_url.as_ref().map(Url::as_str))
            .field("office_name", &self.office_name)
            .field("upload_limit", &self.upload_limit)
            .field("session_idle_seconds", &self.session_idle_seconds())
            .field("session_max_seconds", &self.session_max_seconds())
            .field("log_format", &self.log_format)
            .finish_non_exhaustive()
    }
}

/// A database URL with its password replaced, for logs.
pub use crate::storage::redact_url_password;

/// A currency code: three capital letters (ISO 4217).
fn parse_currency(value: &str) -> Result<String, String> {
    if value.len() == 3 && value.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(value.to_string())
    } else {
        Err(format!(
            "{value}: a currency is three capital letters, for example USD or EUR"
        ))
    }
}

/// Reads and checks a case-types file; the error names the file and what is wrong.
fn load_case_types(
    path: &str,
) -> Result<std::sync::Arc<probity_domain::clocks::CaseTypes>, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{path}: {error}"))?;
    let types: probity_domain::clocks::CaseTypes =
        toml::from_str(&text).map_err(|error| format!("{path}: {error}"))?;
    types.check().map_err(|error| format!("{path}: {error}"))?;
    Ok(std::sync::Arc::new(types))
}

/// Parses a byte size such as `2GiB`, `500M` or `1048576`.
pub fn parse_size(value: &str) -> Result<u64, String> {
    let value = value.trim();
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{value}` is not a size such as 2GiB or 500MiB"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        other => return Err(format!("unknown size unit `{other}`")),
    };
    number
        .checked_mul(factor)
        .filter(|size| *size > 0)
        .ok_or_else(|| format!("`{value}` is not a usable size"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_types_file_is_read_and_checked() {
        let dir = std::env::temp_dir().join(format!("probity-types-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let good = dir.join("good.toml");
        std::fs::write(
            &good,
            "[[case_type]]\nkey = \"general\"\nlabel = \"General\"\n\n\
             [[case_type]]\nkey = \"recommendation_followup\"\nlabel = \"Recommendation follow-up\"\n\
             [[case_type.clock]]\nkey = \"resolution\"\nlabel = \"Resolution\"\ndays = 182\nstarts = \"opened\"\n\
             [[case_type.task]]\ntitle = \"Ask the agency for its corrective action plan\"\ndue_days = 60\n",
        )
        .expect("write");
        let types = load_case_types(good.to_str().expect("path")).expect("a good file");
        let followup = types.get("recommendation_followup").expect("the type");
        assert_eq!(followup.clocks[0].days, 182);
        assert_eq!(
            followup.clocks[0].starts,
            probity_domain::clocks::ClockStart::Opened
        );
        assert_eq!(followup.tasks[0].due_days, Some(60));
        for (name, text, needle) in [
            (
                "typo.toml",
                "[[case_type]]\nkey = \"general\"\nlabel = \"G\"\ncolour = 1\n",
                "colour",
            ),
            (
                "nogeneral.toml",
                "[[case_type]]\nkey = \"other\"\nlabel = \"O\"\n",
                "general",
            ),
            (
                "days.toml",
                "[[case_type]]\nkey = \"general\"\nlabel = \"G\"\n[[case_type.clock]]\nkey = \"c\"\nlabel = \"C\"\ndays = -3\n",
                "days",
            ),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write");
            let error = load_case_types(path.to_str().expect("path")).expect_err(name);
            assert!(
                error.contains(needle) && error.contains(name),
                "{name}: {error}"
            );
        }
        assert!(load_case_types("/nonexistent/types.toml").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("1024"), Ok(1024));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("3 parsecs").is_err());
    }

    #[test]
    fn database_password_is_hidden() {
        let shown = redact_url_password("postgres://probity:s3cret@db.internal/probity");
        assert!(!shown.contains("s3cret"));
        assert!(shown.contains("REDACTED"));
    }
}
