//! The public complaint form's time token: the moment the form was drawn, signed with a key
//! the process draws at start. A submission must come back with a token this process
//! signed, at least a few seconds after it was drawn (a person reads and types; a script
//! posting at once is refused) and within a day. It tracks nobody: no cookie, no address,
//! nothing stored.

use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use time::OffsetDateTime;

/// Why a form's token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Sent back sooner than a person could have filled the form in.
    TooSoon,
    /// Older than a day, or signed by an earlier run of the server.
    Expired,
    /// Not a token this server signed.
    Forged,
}

/// Signs and checks form times.
pub struct FormClock {
    key: [u8; 32],
    min_seconds: i64,
}

/// The longest a form may stay open.
const MAX_SECONDS: i64 = 24 * 60 * 60;

impl FormClock {
    /// A clock with a fresh random key, refusing forms sent back within `min_seconds`.
    pub fn new(min_seconds: u32) -> FormClock {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the operating system's random source failed");
        FormClock {
            key,
            min_seconds: i64::from(min_seconds),
        }
    }

    fn mac(&self, what: &str, seconds: i64) -> String {
        // A key of any length is accepted by HMAC.
        let mut mac = <Hmac<Sha256>>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(what.as_bytes());
        mac.update(b"\0");
        mac.update(seconds.to_string().as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// The token of form `what` drawn now.
    pub fn issue(&self, what: &str) -> String {
        let seconds = OffsetDateTime::now_utc().unix_timestamp();
        format!("{seconds}.{}", self.mac(what, seconds))
    }

    /// A pass for `subject` (a complaint whose code was just typed), good for `minutes`: what
    /// the follow-up page's forms carry in place of the code itself.
    pub fn pass(&self, what: &str, subject: i64, minutes: i64) -> String {
        let expires = OffsetDateTime::now_utc().unix_timestamp() + minutes * 60;
        let signed = format!("{what}:{subject}");
        format!("{subject}.{expires}.{}", self.mac(&signed, expires))
    }

    /// The subject of a pass still good, signed by this process.
    pub fn check_pass(&self, what: &str, token: &str) -> Option<i64> {
        use subtle::ConstantTimeEq as _;
        let mut parts = token.trim().splitn(3, '.');
        let subject: i64 = parts.next()?.parse().ok()?;
        let expires: i64 = parts.next()?.parse().ok()?;
        let mac = parts.next()?;
        let expected = self.mac(&format!("{what}:{subject}"), expires);
        let genuine = bool::from(expected.as_bytes().ct_eq(mac.as_bytes()));
        (genuine && OffsetDateTime::now_utc().unix_timestamp() <= expires).then_some(subject)
    }

    /// Checks a token of form `what` sent back now.
    pub fn check(&self, what: &str, token: &str) -> Result<(), Refused> {
        use subtle::ConstantTimeEq as _;
        let (seconds, mac) = token.trim().split_once('.').ok_or(Refused::Forged)?;
        let seconds: i64 = seconds.parse().map_err(|_| Refused::Forged)?;
        let expected = self.mac(what, seconds);
        if !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
            // A token from before a restart looks forged; the person is told the form
            // expired, which is true for them either way.
            return Err(Refused::Expired);
        }
        let age = OffsetDateTime::now_utc().unix_timestamp() - seconds;
        if age < self.min_seconds {
            Err(Refused::TooSoon)
        } else if age > MAX_SECONDS {
            Err(Refused::Expired)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_comes_back_signed_and_in_time() {
        let clock = FormClock::new(0);
        let token = clock.issue("complaint");
        assert_eq!(clock.check("complaint", &token), Ok(()));
        assert_eq!(clock.check("follow-up", &token), Err(Refused::Expired));
        assert_eq!(clock.check("complaint", "123.abc"), Err(Refused::Expired));
        assert_eq!(clock.check("complaint", "nonsense"), Err(Refused::Forged));
        let other = FormClock::new(0);
        assert_eq!(other.check("complaint", &token), Err(Refused::Expired));
        let slow = FormClock::new(60);
        let token = slow.issue("complaint");
        assert_eq!(slow.check("complaint", &token), Err(Refused::TooSoon));
        let old = format!("1.{}", slow.mac("complaint", 1));
        assert_eq!(slow.check("complaint", &old), Err(Refused::Expired));
        let pass = clock.pass("pass", 42, 30);
        assert_eq!(clock.check_pass("pass", &pass), Some(42));
        assert_eq!(clock.check_pass("other", &pass), None);
        assert_eq!(other.check_pass("pass", &pass), None);
        let forged = pass.replacen("42.", "43.", 1);
        assert_eq!(clock.check_pass("pass", &forged), None);
        let lapsed = clock.pass("pass", 42, -1);
        assert_eq!(clock.check_pass("pass", &lapsed), None);
    }
}
