//! Time-based one-time passwords (RFC 6238) as authenticator apps expect them: SHA-1, six
//! digits, 30-second steps, one step of clock drift either way. The arithmetic is the
//! `totp-rs` crate's; what is Probity's is refusing a code whose step was already used (the
//! store keeps the last accepted step) and drawing the enrolment QR code as SVG on the
//! server, so enrolment needs no script.

use totp_rs::{Builder, Secret, Totp};

/// Bytes of a new secret: 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;

/// Why a stored or typed secret could not be used.
#[derive(Debug, thiserror::Error)]
#[error("unusable TOTP secret")]
pub struct SecretError;

/// A new random secret, base32 as apps read it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    // The OS random source failing is unrecoverable for a security product.
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    Secret::from(bytes.to_vec()).to_base32()
}

/// The generator for a base32 secret, labelled for the person's app.
pub fn totp(secret_base32: &str, issuer: &str, account: &str) -> Result<Totp, SecretError> {
    let secret = Secret::try_from_base32(secret_base32).map_err(|_| SecretError)?;
    // A colon separates issuer and account in the app's label: neither may hold one.
    let issuer = issuer.replace(':', " ");
    let account = account.replace(':', " ");
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(issuer))
        .with_account_name(account)
        .build()
        .map_err(|_| SecretError)
}

/// The time step a code typed at `now` (Unix seconds) belongs to, when it is right for the
/// step before, the current one or the one after. The caller refuses a step already used.
pub fn matching_step(totp: &Totp, typed: &str, now: u64) -> Option<u64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp.check(&digits, now)
}

/// The code for `now`, for the demo's printout and the tests.
pub fn code_at(totp: &Totp, now: u64) -> String {
    totp.generate(now).to_string()
}

/// The otpauth:// address an app reads from the QR code.
pub fn provisioning_url(totp: &Totp) -> Result<String, SecretError> {
    totp.to_url().map_err(|_| SecretError)
}

/// The QR code of `url` as an SVG document: black modules on white with a quiet zone,
/// scaled by the page.
pub fn qr_svg(url: &str) -> Result<String, SecretError> {
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M)
        .map_err(|_| SecretError)?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// The secret in groups of four, as people copy it into an app by hand.
pub fn grouped(secret_base32: &str) -> String {
    secret_base32
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 rows, last six digits of the eight-digit values.
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let totp = totp(&secret, "Probity", "ada").expect("secret");
        for (time, code) in [
            (59u64, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(code_at(&totp, time), code, "at {time}");
        }
    }

    #[test]
    fn a_code_is_right_within_one_step_and_not_beyond() {
        let secret = new_secret();
        let totp = totp(&secret, "Probity: OIG", "ada:x").expect("secret");
        let now = 1_800_000_000u64;
        let step = now / 30;
        let code = code_at(&totp, now);
        assert_eq!(matching_step(&totp, &code, now), Some(step));
        assert_eq!(matching_step(&totp, &code, now + 30), Some(step));
        assert_eq!(matching_step(&totp, &code, now - 30), Some(step));
        assert_eq!(matching_step(&totp, &code, now + 61), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(matching_step(&totp, &spaced, now), Some(step));
        assert_eq!(matching_step(&totp, "12345", now), None);
        assert_eq!(matching_step(&totp, "１２３４５６", now), None);
        assert!(
            provisioning_url(&totp)
                .expect("url")
                .starts_with("otpauth://totp/")
        );
        let svg = qr_svg(&provisioning_url(&totp).expect("url")).expect("svg");
        assert!(svg.contains("<svg") && !svg.contains("<script"));
    }
}
