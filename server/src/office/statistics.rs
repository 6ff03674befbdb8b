//! The office's semiannual statistics: office-wide totals for supervisors and commissioners,
//! and behind each count the cases the reader may see (a case walled off from them is counted
//! in the total but not listed).

use super::{Caller, OfficeError};
use crate::storage::DynStore;
use probity_domain::permissions::{Action, Grant, grant};
use probity_domain::statistics::{
    Period, StatCase, StatCount, StatItem, StatRules, Statistics, median,
};
use probity_domain::validation::FieldErrors;

/// Refuses (and audits) a reader whose role may not see the statistics.
pub async fn require(
    store: &DynStore,
    caller: &Caller,
    audit: &'static str,
) -> Result<(), OfficeError> {
    super::cases::require(store, caller, Action::ReadStatistics, audit).await
}

/// The period a form asked for: both days, or the current semiannual period when empty.
pub fn period(from: &str, to: &str) -> Result<Period, FieldErrors> {
    let (from, to) = (from.trim(), to.trim());
    if from.is_empty() && to.is_empty() {
        return Ok(Period::semiannual(super::plan::today()));
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let mut errors = FieldErrors::default();
    let parse = |value: &str, field: &'static str, errors: &mut FieldErrors| {
        let parsed = time::Date::parse(value, &format).ok();
        if parsed.is_none() {
            errors.add(field, "Enter the day as a date, for example 2026-04-01.");
        }
        parsed
    };
    let start = parse(from, "from", &mut errors);
    let end = parse(to, "to", &mut errors);
    match (start, end) {
        (Some(from), Some(to)) if from <= to => Ok(Period { from, to }),
        (Some(_), Some(_)) => {
            errors.add("to", "The period must end on or after its first day.");
            Err(errors)
        }
        _ => Err(errors),
    }
}

/// The statistics of a period, audited.
#[tracing::instrument(skip_all)]
pub async fn statistics(
    store: &DynStore,
    caller: &Caller,
    period: Period,
    rules: &StatRules,
) -> Result<Statistics, OfficeError> {
    require(store, caller, "statistics.view").await?;
    let mut counts = Vec::with_capacity(StatItem::ALL.len());
    for item in StatItem::ALL {
        let cases = store.stat_cases(item, period, None, rules).await?;
        counts.push(StatCount {
            item,
            total: cases.iter().map(|c| c.count).sum(),
        });
    }
    let complaints_received = store.complaints_received(period).await?;
    let complaint_outcomes = store.complaint_outcomes(period).await?;
    let mut days: Vec<i64> = store
        .closings(period)
        .await?
        .into_iter()
        .filter_map(|(received, closed)| {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            let received = time::Date::parse(&received, &format).ok()?;
            Some((closed.date() - received).whole_days().max(0))
        })
        .collect();
    let median_days_to_close = median(&mut days);
    audit(store, caller, "statistics.view", period, None).await?;
    Ok(Statistics {
        period,
        currency: rules.currency.clone(),
        counts,
        complaints_received,
        complaint_outcomes,
        median_days_to_close,
    })
}

/// The cases behind one count that the caller may see, and how many the total holds.
#[tracing::instrument(skip_all, fields(item = item.key()))]
pub async fn drill_down(
    store: &DynStore,
    caller: &Caller,
    item: StatItem,
    period: Period,
    rules: &StatRules,
) -> Result<(Vec<StatCase>, i64), OfficeError> {
    require(store, caller, "statistics.cases").await?;
    let viewer = super::cases::case_viewer(&caller.user).ok_or(OfficeError::Forbidden(
        "Your role sees no cases, so it cannot list the cases behind a count.",
    ))?;
    let total: i64 = store
        .stat_cases(item, period, None, rules)
        .await?
        .iter()
        .map(|c| c.count)
        .sum();
    let mut visible = store.stat_cases(item, period, Some(viewer), rules).await?;
    add_details(store, item, &mut visible).await?;
    audit(store, caller, "statistics.cases", period, Some(item)).await?;
    Ok((visible, total))
}

/// The lines the IG Act asks for beside some counts: for a senior employee, each referral
/// with its dates; for retaliation, the consequences imposed. Read for all listed cases at
/// once, a few hundred at a time.
async fn add_details(
    store: &DynStore,
    item: StatItem,
    cases: &mut [StatCase],
) -> Result<(), OfficeError> {
    let ids: Vec<i64> = cases.iter().map(|c| c.case_id).collect();
    let mut lines: std::collections::HashMap<i64, Vec<String>> = Default::default();
    match item {
        StatItem::SeniorSubstantiated => {
            for chunk in ids.chunks(500) {
                for r in store.referrals_of_cases(chunk).await? {
                    let answer = match (&r.decided_on, r.decision) {
                        (Some(day), decision) => format!("{} {day}", decision.label()),
                        (None, decision) => decision.label().to_string(),
                    };
                    let whom = r
                        .subject_name
                        .as_deref()
                        .map_or("the case".to_string(), str::to_string);
                    lines.entry(r.case_id).or_default().push(format!(
                        "{whom}: referred {} to {} ({}): {answer}",
                        r.referred_on,
                        r.office,
                        r.level.label()
                    ));
                }
            }
            for line in lines.values_mut() {
                line.dedup();
            }
        }
        StatItem::RetaliationSubstantiated => {
            for chunk in ids.chunks(500) {
                for o in store.outcomes_of_cases(chunk).await? {
                    let days = o
                        .suspension_days
                        .map(|d| format!(", {d} days"))
                        .unwrap_or_default();
                    lines.entry(o.case_id).or_default().push(format!(
                        "{}{days} for {} on {}",
                        o.kind.label(),
                        o.subject_name,
                        o.occurred_on
                    ));
                }
            }
        }
        _ => return Ok(()),
    }
    for case in cases {
        case.details = lines.remove(&case.case_id).unwrap_or_else(|| {
            vec![match item {
                StatItem::SeniorSubstantiated => "No referral recorded".to_string(),
                _ => "No consequence recorded yet".to_string(),
            }]
        });
    }
    Ok(())
}

async fn audit(
    store: &DynStore,
    caller: &Caller,
    action: &'static str,
    period: Period,
    item: Option<StatItem>,
) -> Result<(), OfficeError> {
    let mut event = caller.audit(action, crate::storage::Outcome::Success);
    event.target = item.map(|item| item.key().to_string());
    event.detail = Some(format!("{} to {}", period.from, period.to));
    store.append_audit(event).await?;
    Ok(())
}

/// Whether the caller's role may see the statistics (for the navigation).
pub fn may_read(caller_role: probity_domain::roles::Role) -> bool {
    grant(caller_role, Action::ReadStatistics) != Grant::Never
}

/// The statistics as CSV: one line per count, with its rule; formula-looking cells cannot
/// occur (every cell is a fixed word or a number).
pub fn csv(statistics: &Statistics) -> String {
    let mut out = String::from("item,label,count,rule,from,to\r\n");
    let period = statistics.period;
    for count in &statistics.counts {
        // Amounts as plain decimals (no thousands separator, so no quoting).
        let value = if count.item.is_money() {
            probity_domain::money::plain_amount(count.total)
        } else {
            count.total.to_string()
        };
        out.push_str(&format!(
            "{},\"{}\",{},\"{}\",{},{}\r\n",
            count.item.key(),
            count.item.label(),
            value,
            count.item.rule(),
            period.from,
            period.to
        ));
    }
    out.push_str(&format!(
        "complaints-received,\"Complaints received\",{},\"complaints received in the period, every channel\",{},{}\r\n",
        statistics.complaints_received, period.from, period.to
    ));
    for (status, n) in &statistics.complaint_outcomes {
        out.push_str(&format!(
            "complaints-{status},\"Complaints decided: {status}\",{n},\"complaints given this outcome in the period\",{},{}\r\n",
            period.from, period.to
        ));
    }
    if let Some(median) = statistics.median_days_to_close {
        out.push_str(&format!(
            "median-days-to-close,\"Median days to close\",{median},\"from receipt to closing, cases closed in the period\",{},{}\r\n",
            period.from, period.to
        ));
    }
    out
}

/// What the statistics PDF's template reads: the office, the period, each count as shown
/// with its rule, and the complaint totals.
pub fn pdf_data(statistics: &Statistics, office_name: &str) -> serde_json::Value {
    let row = |count: &StatCount| {
        serde_json::json!({
            "label": count.item.label(),
            "value": count.item.display(count.total, &statistics.currency),
            "rule": count.item.rule(),
        })
    };
    let semiannual: Vec<_> = statistics
        .counts
        .iter()
        .filter(|c| !c.item.is_office_total())
        .map(row)
        .collect();
    let office: Vec<_> = statistics
        .counts
        .iter()
        .filter(|c| c.item.is_office_total())
        .map(row)
        .collect();
    let outcomes: Vec<_> = statistics
        .complaint_outcomes
        .iter()
        .map(|(status, n)| {
            let label = probity_domain::complaints::ComplaintStatus::parse(status)
                .map_or(status.clone(), |s| s.label().to_string());
            serde_json::json!({ "label": label, "count": n.to_string() })
        })
        .collect();
    serde_json::json!({
        "office_name": office_name,
        "title": format!(
            "Statistics for {} to {}",
            statistics.period.from, statistics.period.to
        ),
        "period_from": statistics.period.from.to_string(),
        "period_to": statistics.period.to.to_string(),
        "currency": statistics.currency,
        "generated_on": super::plan::today().to_string(),
        "semiannual": semiannual,
        "office": office,
        "complaints_received": statistics.complaints_received.to_string(),
        "complaint_outcomes": outcomes,
        "median": statistics
            .median_days_to_close
            .map_or("none closed".to_string(), |m| format!("{m} days")),
    })
}
