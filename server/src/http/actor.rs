//! The person behind a request that needs sign-in, with their address, and the checks of
//! the permission table that do not concern one case.

use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::viewer::SignedIn;
use crate::storage::{NewAuditEvent, Outcome, User};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use probity_domain::permissions::Action;
use std::net::{IpAddr, SocketAddr};
use tower_sessions::Session;

/// A signed-in person and where the request came from.
pub struct Actor {
    pub user: User,
    pub session: Session,
    pub addr: IpAddr,
    /// True when the person proved it is them within the last ten minutes.
    pub confirmed: bool,
}

impl Actor {
    /// The person as the office layer knows them.
    pub fn caller(&self) -> crate::office::Caller {
        crate::office::Caller {
            user: self.user.clone(),
            addr: self.addr,
            via: None,
            confirmed: self.confirmed,
        }
    }

    /// An audit entry about this person's request.
    pub fn audit(&self, action: &'static str, outcome: Outcome) -> NewAuditEvent {
        NewAuditEvent::by(&self.user, action, outcome).from_addr(self.addr)
    }

    /// Refuses (and audits) an office-level action the role does not allow.
    pub async fn require(
        &self,
        state: &AppState,
        action: Action,
        audit_action: &'static str,
    ) -> Result<(), AppError> {
        Ok(
            crate::office::cases::require(&state.store, &self.caller(), action, audit_action)
                .await?,
        )
    }
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let SignedIn { session, user } = SignedIn::from_request_parts(parts, state).await?;
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .ok_or_else(|| AppError::Internal("no peer address".into()))?;
        let confirmed =
            crate::auth::recently_confirmed(&session, state.settings.confirmation_seconds())
                .await?;
        Ok(Actor {
            user,
            session,
            addr,
            confirmed,
        })
    }
}
