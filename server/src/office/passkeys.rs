//! Passkeys and security keys (WebAuthn) as a second factor beside the authenticator app,
//! through the `webauthn-rs` crate: registering one, and checking one at sign-in. A passkey
//! is added only once the authenticator app is set up, so that every enrolled person keeps
//! the way that works without JavaScript (and the recovery codes that come with it).

use super::second_factor::{REFUSED_ACTION, has_second_factor};
use super::sign_in::{SignInError, check_pause};
use super::{Caller, OfficeError, validate};
use crate::storage::{DynStore, NewAuditEvent, Outcome, User};
use probity_domain::validation::FieldErrors;
use std::net::IpAddr;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse, Uuid, Webauthn,
};

/// The WebAuthn relying party for Probity reached at `public_url`, or `None` when that
/// address has no domain name (WebAuthn does not work on a bare IP address).
pub fn relying_party(public_url: &url::Url, office_name: &str) -> Option<Webauthn> {
    let domain = public_url.domain()?;
    let mut origin = public_url.clone();
    origin.set_path("");
    origin.set_query(None);
    webauthn_rs::WebauthnBuilder::new(domain, &origin)
        .ok()?
        .rp_name(office_name)
        .build()
        .ok()
}

/// The handle a person's keys know them by: stable, and not their username.
fn user_handle(user: &User) -> Uuid {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(format!("probity user {}", user.user_id).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

fn credential_id_text(passkey: &Passkey) -> String {
    serde_json::to_value(passkey.cred_id())
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

async fn stored(store: &DynStore, user_id: i64) -> Result<Vec<(i64, Passkey)>, OfficeError> {
    Ok(store
        .passkeys_of(user_id)
        .await?
        .into_iter()
        .filter_map(|row| {
            serde_json::from_str::<Passkey>(&row.credential)
                .ok()
                .map(|key| (row.passkey_id, key))
        })
        .collect())
}

fn failed(error: impl std::fmt::Display) -> OfficeError {
    OfficeError::Failed(format!("webauthn: {error}"))
}

/// Starts registering a passkey: the options for the browser, and the state to keep on the
/// server until the answer comes.
#[tracing::instrument(skip_all)]
pub async fn begin_registration(
    webauthn: &Webauthn,
    store: &DynStore,
    caller: &Caller,
    discoverable: bool,
) -> Result<(serde_json::Value, PasskeyRegistration), OfficeError> {
    if !has_second_factor(store, caller.user.user_id).await? {
        return Err(OfficeError::Conflict(
            "Set up an authenticator app first; a passkey is added beside it.",
        ));
    }
    let existing = stored(store, caller.user.user_id)
        .await?
        .into_iter()
        .map(|(_, key)| key.cred_id().clone())
        .collect::<Vec<_>>();
    let (options, state) = webauthn
        .start_passkey_registration(
            user_handle(&caller.user),
            &caller.user.username,
            &caller.user.display_name,
            Some(existing),
        )
        .map_err(failed)?;
    let mut options = serde_json::to_value(&options).map_err(failed)?;
    if discoverable {
        // Signing in without a username needs the key to keep the account with it.
        let selection = &mut options["publicKey"]["authenticatorSelection"];
        selection["residentKey"] = serde_json::json!("required");
        selection["requireResidentKey"] = serde_json::json!(true);
    }
    Ok((options, state))
}

/// Checks the browser's answer and stores the new passkey under `name`.
#[tracing::instrument(skip_all)]
pub async fn finish_registration(
    webauthn: &Webauthn,
    store: &DynStore,
    caller: &Caller,
    name: &str,
    answer: &RegisterPublicKeyCredential,
    state: &PasskeyRegistration,
) -> Result<(), OfficeError> {
    let mut errors = FieldErrors::default();
    let name = validate::line(&mut errors, "passkey_name", name, true, 80, "a name for it");
    if !errors.is_empty() {
        return Err(OfficeError::Invalid(errors));
    }
    let passkey = match webauthn.finish_passkey_registration(answer, state) {
        Ok(passkey) => passkey,
        Err(error) => {
            tracing::info!(%error, "a passkey registration was refused");
            store
                .append_audit(
                    caller
                        .audit("auth.passkey_add", Outcome::Refused)
                        .detail("the key's answer did not check out"),
                )
                .await?;
            return Err(OfficeError::Invalid(one(
                "passkey_name",
                "The passkey could not be added: its answer did not check out. Try again.",
            )));
        }
    };
    let json = serde_json::to_string(&passkey).map_err(failed)?;
    match store
        .add_passkey(
            caller.user.user_id,
            &name,
            &credential_id_text(&passkey),
            &json,
            &user_handle(&caller.user).to_string(),
        )
        .await
    {
        Ok(_) => {}
        Err(crate::storage::StoreError::Conflict) => {
            return Err(OfficeError::Invalid(one(
                "passkey_name",
                "This passkey is registered already.",
            )));
        }
        Err(error) => return Err(error.into()),
    }
    store
        .append_audit(
            caller
                .audit("auth.passkey_add", Outcome::Success)
                .detail(format!("passkey \"{name}\"")),
        )
        .await?;
    Ok(())
}

fn one(field: &'static str, message: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    errors
}

/// Removes one of the caller's passkeys.
#[tracing::instrument(skip_all, fields(passkey_id))]
pub async fn remove(store: &DynStore, caller: &Caller, passkey_id: i64) -> Result<(), OfficeError> {
    if !store
        .remove_passkey(caller.user.user_id, passkey_id)
        .await?
    {
        return Err(OfficeError::NotFound);
    }
    store
        .append_audit(
            caller
                .audit("auth.passkey_remove", Outcome::Success)
                .target(format!("passkey:{passkey_id}")),
        )
        .await?;
    Ok(())
}

/// Starts checking a passkey of `user`: the options for the browser and the state to keep;
/// `None` when they have none.
#[tracing::instrument(skip_all)]
pub async fn begin_authentication(
    webauthn: &Webauthn,
    store: &DynStore,
    user: &User,
) -> Result<Option<(RequestChallengeResponse, PasskeyAuthentication)>, OfficeError> {
    let keys: Vec<Passkey> = stored(store, user.user_id)
        .await?
        .into_iter()
        .map(|(_, key)| key)
        .collect();
    if keys.is_empty() {
        return Ok(None);
    }
    webauthn
        .start_passkey_authentication(&keys)
        .map(Some)
        .map_err(failed)
}

/// Checks the browser's answer for a passkey of `user` (at sign-in, or a confirmation:
/// `purpose`), under the sign-in pause; a refusal is audited and counted.
#[tracing::instrument(skip_all)]
pub async fn finish_authentication(
    webauthn: &Webauthn,
    store: &DynStore,
    user: &User,
    answer: &PublicKeyCredential,
    state: &PasskeyAuthentication,
    addr: IpAddr,
    purpose: &'static str,
) -> Result<(), SignInError> {
    check_pause(store, &user.username, addr).await?;
    let result = match webauthn.finish_passkey_authentication(answer, state) {
        Ok(result) => result,
        Err(error) => {
            tracing::info!(%error, "a passkey was refused");
            store
                .append_audit(
                    NewAuditEvent::by(user, REFUSED_ACTION, Outcome::Refused)
                        .from_addr(addr)
                        .detail(format!("{purpose}: passkey refused")),
                )
                .await?;
            return Err(SignInError::Refused(one(
                "code",
                "The passkey was not accepted. Try again, or type the code from your app.",
            )));
        }
    };
    // Keep its counter: a counter that goes back marks a cloned key.
    for (passkey_id, mut key) in stored(store, user.user_id).await? {
        if key.update_credential(&result).is_some() {
            let json = serde_json::to_string(&key).map_err(|e| SignInError::Office(failed(e)))?;
            store.passkey_used(passkey_id, &json).await?;
        }
    }
    Ok(())
}

/// Starts a sign-in with a passkey alone (`--passkey-sign-in`): the options for the browser,
/// which asks the person to pick one of the keys it holds for this office, and the state to
/// keep until the answer comes.
pub fn begin_passwordless(
    webauthn: &Webauthn,
) -> Result<(RequestChallengeResponse, DiscoverableAuthentication), OfficeError> {
    webauthn.start_discoverable_authentication().map_err(failed)
}

/// Checks a passkey used without a password, under the sign-in pause of the account it
/// names; answers the account. A refusal is audited and counted, naming the account when the
/// key names one.
#[tracing::instrument(skip_all)]
pub async fn finish_passwordless(
    webauthn: &Webauthn,
    store: &DynStore,
    answer: &PublicKeyCredential,
    state: DiscoverableAuthentication,
    addr: IpAddr,
) -> Result<User, SignInError> {
    let refused = || {
        SignInError::Refused(one(
            "passkey",
            "That passkey did not sign you in. Sign in with your password instead.",
        ))
    };
    let user = match webauthn.identify_discoverable_authentication(answer) {
        Ok((handle, _)) => match store.user_by_passkey_handle(&handle.to_string()).await? {
            Some(user_id) => store.user_by_id(user_id).await?,
            None => None,
        },
        Err(_) => None,
    };
    let Some(user) = user.filter(|user| !user.disabled) else {
        store
            .append_audit(
                NewAuditEvent::named("unknown passkey", "auth.sign_in", Outcome::Refused)
                    .from_addr(addr)
                    .detail("a passkey of no enabled account"),
            )
            .await?;
        return Err(refused());
    };
    check_pause(store, &user.username, addr).await?;
    let keys = stored(store, user.user_id).await?;
    let used: &[u8] = answer.get_credential_id();
    let Some((_, key)) = keys
        .iter()
        .find(|(_, key)| AsRef::<[u8]>::as_ref(key.cred_id()) == used)
    else {
        store
            .append_audit(
                NewAuditEvent::by(&user, "auth.sign_in", Outcome::Refused)
                    .from_addr(addr)
                    .detail("a passkey the account does not have"),
            )
            .await?;
        return Err(refused());
    };
    let result = match webauthn.finish_discoverable_authentication_v2(answer, state, key) {
        Ok(result) => result,
        Err(error) => {
            tracing::info!(%error, "a passkey sign-in was refused");
            store
                .append_audit(
                    NewAuditEvent::by(&user, "auth.sign_in", Outcome::Refused)
                        .from_addr(addr)
                        .detail("passkey refused"),
                )
                .await?;
            return Err(refused());
        }
    };
    for (passkey_id, mut key) in keys {
        if key.update_credential(&result).is_some() {
            let json = serde_json::to_string(&key).map_err(|e| SignInError::Office(failed(e)))?;
            store.passkey_used(passkey_id, &json).await?;
        }
    }
    Ok(user)
}
