//! Sessions: stored in the database (see [`crate::storage::sessions`]), with the cookie
//! settings the office's security needs.

pub use crate::storage::sessions::SessionBackend;

use crate::config::Settings;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer};

impl SessionBackend {
    /// The session middleware with the cookie settings the office's security needs.
    pub fn layer(&self, settings: &Settings) -> SessionManagerLayer<SessionBackend> {
        let secure = settings.is_https();
        // The __Host- prefix pins the cookie to this exact host and path, over https only.
        let name = if secure {
            "__Host-probity_session"
        } else {
            "probity_session"
        };
        SessionManagerLayer::new(self.clone())
            .with_name(name)
            .with_http_only(true)
            .with_same_site(SameSite::Strict)
            .with_secure(secure)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(Duration::seconds(
                settings.session_idle_seconds(),
            )))
        // Activity pushes the idle limit back through `Viewer::load`, which saves the
        // session when it was last saved more than a tenth of the limit ago.
    }
}
