//! Account rules shared by the setup page, the shell commands and (later) the people pages:
//! what a valid username, display name and password are.

use crate::auth::password::check_policy;
use probity_domain::validation::FieldErrors;

/// Longest username.
pub const USERNAME_MAX: usize = 64;
/// Longest display name.
pub const DISPLAY_NAME_MAX: usize = 120;

/// A new account as typed.
pub struct NewAccountInput<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub password_confirm: &'a str,
}

/// A new account that passed validation (the password itself stays with the caller).
#[derive(Debug)]
pub struct ValidAccount {
    /// Lower-cased and trimmed.
    pub username: String,
    /// Trimmed; the username when left empty.
    pub display_name: String,
}

/// Normalises a username for storage and look-up: trimmed and lower-cased.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

/// Checks a username; the message says what to fix.
pub fn check_username(username: &str) -> Result<(), String> {
    if username.is_empty() {
        return Err("Enter a username.".to_string());
    }
    if username.chars().count() > USERNAME_MAX {
        return Err(format!("Use at most {USERNAME_MAX} characters."));
    }
    let valid = username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
        && username
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if !valid {
        return Err(
            "Use letters, digits, dots, hyphens and underscores, starting with a letter or digit."
                .to_string(),
        );
    }
    Ok(())
}

/// Checks a display name.
pub fn check_display_name(display_name: &str) -> Result<(), String> {
    if display_name.chars().count() > DISPLAY_NAME_MAX {
        return Err(format!("Use at most {DISPLAY_NAME_MAX} characters."));
    }
    if display_name.chars().any(char::is_control) {
        return Err("Remove the line breaks and control characters.".to_string());
    }
    Ok(())
}

/// Checks a new password and its confirmation, adding messages to `errors` under the given
/// field names.
pub fn check_new_password(
    errors: &mut FieldErrors,
    fields: (&'static str, &'static str),
    username: &str,
    new: &str,
    confirm: &str,
) {
    if let Err(problem) = check_policy(new, username) {
        errors.add(fields.0, problem.message());
    } else if new != confirm {
        errors.add(fields.1, "The two passwords are not the same.");
    }
}

/// Validates a new account; returns every message, and the cleaned values when all is well.
pub fn validate_new_account(input: &NewAccountInput<'_>) -> (FieldErrors, Option<ValidAccount>) {
    let mut errors = FieldErrors::default();
    let username = normalize_username(input.username);
    if let Err(message) = check_username(&username) {
        errors.add("username", message);
    }
    let display_name = input.display_name.trim();
    if let Err(message) = check_display_name(display_name) {
        errors.add("display_name", message);
    }
    check_new_password(
        &mut errors,
        ("password", "password_confirm"),
        &username,
        input.password,
        input.password_confirm,
    );
    if !errors.is_empty() {
        return (errors, None);
    }
    let display_name = if display_name.is_empty() {
        username.clone()
    } else {
        display_name.to_string()
    };
    (
        errors,
        Some(ValidAccount {
            username,
            display_name,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(check_username("j.doe-2_x").is_ok());
        assert!(check_username("").is_err());
        assert!(check_username(".hidden").is_err());
        assert!(check_username("../etc").is_err());
        assert!(check_username("name with space").is_err());
        assert!(check_username(&"a".repeat(65)).is_err());
        assert_eq!(normalize_username("  JDoe "), "jdoe");
    }

    #[test]
    fn new_account_collects_every_problem() {
        let input = NewAccountInput {
            username: "bad name",
            display_name: "Line\nbreak",
            password: "short",
            password_confirm: "short",
        };
        let (errors, valid) = validate_new_account(&input);
        assert!(valid.is_none());
        assert!(errors.get("username").is_some());
        assert!(errors.get("display_name").is_some());
        assert!(errors.get("password").is_some());

        let input = NewAccountInput {
            username: "AAdmin",
            display_name: "",
            password: "a sturdy passphrase",
            password_confirm: "a sturdy passphrase!",
        };
        let (errors, _) = validate_new_account(&input);
        assert!(errors.get("password_confirm").is_some());
    }
}
