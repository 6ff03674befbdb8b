//! Probity's vocabulary: the things an inspector general's office works with (cases and
//! their parties and allegations, evidence, messages, timelines, findings and reports), who
//! does the work (roles) and what each may do (the permission table), and the validation
//! messages forms give back. Plain data and rules: this crate knows no web framework, no
//! template engine and no database, so pages, the API and storage all speak it alike.

#![forbid(unsafe_code)]

pub mod cases;
pub mod clocks;
pub mod complaints;
pub mod evidence;
pub mod interviews;
pub mod jobs;
pub mod messages;
pub mod money;
pub mod outcomes;
pub mod permissions;
pub mod plan;
pub mod reports;
pub mod roles;
pub mod search;
pub mod statistics;
pub mod timeline;
pub mod validation;

#[cfg(test)]
mod layering {
    /// The vocabulary stays free of the web and database layers: its manifest names none of
    /// them and no source file uses them.
    #[test]
    fn the_domain_depends_on_no_web_framework_template_engine_or_database() {
        const FORBIDDEN: [&str; 6] = [
            "leptos",
            "axum",
            "tower_sessions",
            "tower-sessions",
            "sqlx",
            "tokio",
        ];
        let manifest = include_str!("../Cargo.toml");
        let sources = [
            include_str!("cases.rs"),
            include_str!("clocks.rs"),
            include_str!("complaints.rs"),
            include_str!("evidence.rs"),
            include_str!("jobs.rs"),
            include_str!("messages.rs"),
            include_str!("money.rs"),
            include_str!("outcomes.rs"),
            include_str!("permissions.rs"),
            include_str!("plan.rs"),
            include_str!("reports.rs"),
            include_str!("roles.rs"),
            include_str!("search.rs"),
            include_str!("statistics.rs"),
            include_str!("timeline.rs"),
            include_str!("validation.rs"),
        ];
        for name in FORBIDDEN {
            assert!(!manifest.contains(name), "domain/Cargo.toml names {name}");
            for source in sources {
                assert!(
                    !source.contains(&format!("{name}::")),
                    "a domain module uses {name}"
                );
            }
        }
    }
}
