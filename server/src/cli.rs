//! The `probity user ...` shell commands. They apply the same rules as the web pages and
//! write the same audit entries, with `cli` as the address.

use crate::accounts::{NewAccountInput, normalize_username, validate_new_account};
use crate::auth::password;
use crate::config::UserCommand;
use crate::storage::{NewAuditEvent, NewUser, Outcome, Store, StoreError};
use anyhow::{Context as _, bail};
use std::io::{BufRead as _, IsTerminal as _};

/// Runs one `user` command.
pub async fn user(shared: &crate::storage::DynStore, command: UserCommand) -> anyhow::Result<()> {
    let store: &dyn Store = &**shared;
    match command {
        UserCommand::Add {
            username,
            display_name,
            role,
        } => {
            let password = read_new_password()?;
            let input = NewAccountInput {
                username: &username,
                display_name: display_name.as_deref().unwrap_or(""),
                password: &password,
                password_confirm: &password,
            };
            let (errors, valid) = validate_new_account(&input);
            let Some(valid) = valid else {
                let problems: Vec<String> = errors
                    .0
                    .iter()
                    .map(|error| format!("{}: {}", error.field, error.message))
                    .collect();
                bail!("the account was not created:\n  {}", problems.join("\n  "));
            };
            let hash = password::hash(password).await?;
            let user = match store
                .create_user(NewUser {
                    username: valid.username.clone(),
                    display_name: valid.display_name,
                    role,
                    password_hash: hash,
                })
                .await
            {
                Ok(user) => user,
                Err(StoreError::Conflict) => {
                    bail!("the username {} is already taken", valid.username)
                }
                Err(error) => return Err(error.into()),
            };
            audit(store, "user.create", &user.username, Outcome::Success).await?;
            println!("created {} ({})", user.username, user.role);
        }
        UserCommand::List => {
            let users = store.list_users().await?;
            println!("{:<24} {:<14} {:<9} name", "username", "role", "status");
            for user in users {
                let status = if user.disabled { "disabled" } else { "active" };
                println!(
                    "{:<24} {:<14} {:<9} {}",
                    user.username, user.role, status, user.display_name
                );
            }
        }
        UserCommand::Disable { username } => set_disabled(store, &username, true).await?,
        UserCommand::Enable { username } => set_disabled(store, &username, false).await?,
        UserCommand::ResetMfa { username } => {
            let username = normalize_username(&username);
            let user = store
                .user_by_username(&username)
                .await?
                .with_context(|| format!("no account named {username}"))?;
            let removed = crate::office::second_factor::reset(
                shared,
                crate::storage::NewAuditEvent::named("cli", "user.reset_mfa", Outcome::Success),
                &user,
            )
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))?;
            if removed {
                println!(
                    "second factors of {} removed; its sessions ended",
                    user.username
                );
            } else {
                println!("{} had no second factor; its sessions ended", user.username);
            }
        }
        UserCommand::ResetPassword { username } => {
            let username = normalize_username(&username);
            let user = store
                .user_by_username(&username)
                .await?
                .with_context(|| format!("no account named {username}"))?;
            let new = read_new_password()?;
            if let Err(problem) = password::check_policy(&new, &user.username) {
                bail!("the password was not changed: {}", problem.message());
            }
            let hash = password::hash(new).await?;
            store.set_password_hash(user.user_id, &hash).await?;
            audit(
                store,
                "user.reset_password",
                &user.username,
                Outcome::Success,
            )
            .await?;
            println!("password of {} changed", user.username);
        }
        UserCommand::Token {
            username,
            name,
            scope,
            days,
        } => {
            let username = normalize_username(&username);
            let user = store
                .user_by_username(&username)
                .await?
                .with_context(|| format!("no account named {username}"))?;
            if user.disabled {
                bail!("{username} is disabled; a token of theirs would not open the API");
            }
            let caller = crate::office::Caller {
                user,
                addr: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
                via: Some("command line".into()),
                // Shell access to the server is more than any second factor proves.
                confirmed: true,
            };
            let fields = crate::office::tokens::TokenFields {
                name,
                scope,
                days: days.to_string(),
            };
            match crate::office::tokens::create_token(shared, &caller, &fields).await {
                Ok(created) => println!("{}", created.secret),
                Err(crate::office::OfficeError::Invalid(errors)) => bail!(
                    "no token was created: {}",
                    errors
                        .0
                        .iter()
                        .map(|error| format!("{}: {}", error.field, error.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                Err(error) => return Err(error.into()),
            }
        }
    }
    Ok(())
}

async fn set_disabled(store: &dyn Store, username: &str, disabled: bool) -> anyhow::Result<()> {
    let username = normalize_username(username);
    match store.set_user_disabled(&username, disabled).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => bail!("no account named {username}"),
        Err(error) => return Err(error.into()),
    }
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    audit(store, action, &username, Outcome::Success).await?;
    println!(
        "{username} {}",
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}

async fn audit(
    store: &dyn Store,
    action: &'static str,
    username: &str,
    outcome: Outcome,
) -> anyhow::Result<()> {
    store
        .append_audit(
            NewAuditEvent::named("cli", action, outcome).target(format!("user:{username}")),
        )
        .await?;
    Ok(())
}

/// Reads a new password: twice without echo from a terminal, or the first line of standard
/// input from a pipe (for scripts).
fn read_new_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ")?;
        let second = rpassword::prompt_password("Same password again: ")?;
        if first != second {
            bail!("the two passwords are not the same");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}
