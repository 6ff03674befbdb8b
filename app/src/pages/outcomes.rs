//! A case's referrals to prosecutors and what followed for each subject.

use crate::cases::Case;
use crate::forms::{
    CsrfField, ErrorSummary, SelectField, StaleWarning, TextArea, TextField, options,
};
use crate::pages::case_nav::{CaseSection, CaseShell};
use crate::pages::cases::case_path;
use crate::types::PageContext;
use leptos::prelude::*;
use probity_domain::money::{MoneyFields, MoneyKind, MoneyResult, format_amount};
use probity_domain::outcomes::{
    Outcome, OutcomeFields, OutcomeKind, ProsecutorLevel, Referral, ReferralDecision,
    ReferralFields,
};
use probity_domain::validation::FieldErrors;

fn exhibit_link(base: &str, exhibit: Option<(i64, i64)>) -> Option<AnyView> {
    exhibit.map(|(id, number)| {
        let href = format!("{base}/exhibits/{id}");
        view! { <a class="usa-link" href=href>{format!("E-{number}")}</a> }.into_any()
    })
}

/// The referrals and outcomes of a case.
#[component]
pub fn OutcomesPage(
    ctx: PageContext,
    case: Case,
    referrals: Vec<Referral>,
    outcomes: Vec<Outcome>,
    money: Vec<MoneyResult>,
    can_edit: bool,
    #[prop(optional_no_strip)] notice: Option<String>,
) -> impl IntoView {
    let base = case_path(case.case_id);
    let has_money = !money.is_empty();
    let money_rows = money
        .iter()
        .map(|m| {
            let edit = format!("{base}/outcomes/money/{}/edit", m.money_id);
            let label = format!("Edit: {} of {} {}", m.kind.label(), m.currency, format_amount(m.amount_minor));
            let source = m
                .recommendation
                .map(|(_, number)| format!("R-{number}"))
                .unwrap_or_default();
            view! {
                <tr>
                    <td>{m.occurred_on.clone()}</td>
                    <th scope="row">{m.kind.label()}</th>
                    <td class="probity-number">{format!("{} {}", m.currency, format_amount(m.amount_minor))}</td>
                    <td>{source}</td>
                    <td class="probity-pre">{m.note.clone()}</td>
                    <td>{can_edit.then(|| view! { <a class="usa-link" href=edit>{label}</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    // Totals per kind and currency, in exact minor units.
    let mut totals: Vec<(MoneyKind, String, i64)> = Vec::new();
    for m in &money {
        match totals
            .iter_mut()
            .find(|(kind, currency, _)| *kind == m.kind && *currency == m.currency)
        {
            Some(total) => total.2 += m.amount_minor,
            None => totals.push((m.kind, m.currency.clone(), m.amount_minor)),
        }
    }
    let totals = totals
        .into_iter()
        .map(|(kind, currency, minor)| {
            view! { <li>{format!("{}: {currency} {}", kind.label(), format_amount(minor))}</li> }
        })
        .collect_view();
    let add_money = format!("{base}/outcomes/money/new");
    let has_referrals = !referrals.is_empty();
    let has_outcomes = !outcomes.is_empty();
    let referral_rows = referrals
        .into_iter()
        .map(|r| {
            let edit = format!("{base}/outcomes/referrals/{}/edit", r.referral_id);
            let label = format!("Edit the referral to {}", r.office);
            let answer = match (&r.decision, &r.decided_on) {
                (ReferralDecision::Pending, _) => "Pending".to_string(),
                (decision, Some(day)) => format!("{} on {day}", decision.label()),
                (decision, None) => decision.label().to_string(),
            };
            view! {
                <tr>
                    <td>{r.referred_on.clone()}</td>
                    <th scope="row">{format!("{}: {}", r.level.label(), r.office)}</th>
                    <td>{r.subject_name.clone().unwrap_or_else(|| "The case".into())}</td>
                    <td class="probity-pre">{r.what.clone()}</td>
                    <td>{answer}</td>
                    <td>{exhibit_link(&base, r.source_exhibit)}</td>
                    <td>{can_edit.then(|| view! { <a class="usa-link" href=edit>{label}</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    let outcome_rows = outcomes
        .into_iter()
        .map(|o| {
            let edit = format!("{base}/outcomes/actions/{}/edit", o.outcome_id);
            let label = format!("Edit: {} of {}", o.kind.label(), o.subject_name);
            let what = match o.suspension_days {
                Some(days) => format!("{} ({days} days)", o.kind.label()),
                None => o.kind.label().to_string(),
            };
            view! {
                <tr>
                    <td>{o.occurred_on.clone()}</td>
                    <th scope="row">{o.subject_name.clone()}</th>
                    <td>{what}</td>
                    <td class="probity-pre">{o.detail.clone()}</td>
                    <td>{exhibit_link(&base, o.source_exhibit)}</td>
                    <td>{can_edit.then(|| view! { <a class="usa-link" href=edit>{label}</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    let add_referral = format!("{base}/outcomes/referrals/new");
    let add_outcome = format!("{base}/outcomes/actions/new");
    view! {
        <CaseShell ctx=ctx title=format!("Referrals and outcomes: {}", case.case_number) case=case.clone() section=CaseSection::Outcomes>
            <h1>"Referrals and outcomes"</h1>
            {notice.map(|notice| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{notice}</p></div>
                </div>
            })}
            <section aria-labelledby="referrals-heading">
                <div class="probity-title-row">
                    <h2 id="referrals-heading">"Referrals to prosecutors"</h2>
                    {can_edit.then(|| view! { <a class="usa-button usa-button--outline" href=add_referral>"Record a referral"</a> })}
                </div>
                {if has_referrals {
                    view! {
                        <table class="usa-table usa-table--borderless probity-table">
                            <caption class="usa-sr-only">"Referrals, oldest first"</caption>
                            <thead><tr>
                                <th scope="col">"Referred"</th><th scope="col">"To"</th><th scope="col">"Subject"</th>
                                <th scope="col">"What"</th><th scope="col">"Answer"</th><th scope="col">"Shown by"</th>
                                <th scope="col"><span class="usa-sr-only">"Edit"</span></th>
                            </tr></thead>
                            <tbody>{referral_rows}</tbody>
                        </table>
                    }.into_any()
                } else {
                    view! { <p>"No referral recorded."</p> }.into_any()
                }}
            </section>
            <section aria-labelledby="outcomes-heading">
                <div class="probity-title-row">
                    <h2 id="outcomes-heading">"What followed"</h2>
                    {can_edit.then(|| view! { <a class="usa-button usa-button--outline" href=add_outcome>"Record an outcome"</a> })}
                </div>
                {if has_outcomes {
                    view! {
                        <table class="usa-table usa-table--borderless probity-table">
                            <caption class="usa-sr-only">"Charges, convictions, settlements and administrative actions, by day"</caption>
                            <thead><tr>
                                <th scope="col">"Day"</th><th scope="col">"Subject"</th><th scope="col">"What"</th>
                                <th scope="col">"Details"</th><th scope="col">"Shown by"</th>
                                <th scope="col"><span class="usa-sr-only">"Edit"</span></th>
                            </tr></thead>
                            <tbody>{outcome_rows}</tbody>
                        </table>
                    }.into_any()
                } else {
                    view! { <p>"No outcome recorded."</p> }.into_any()
                }}
            </section>
            <section aria-labelledby="money-heading">
                <div class="probity-title-row">
                    <h2 id="money-heading">"Monetary results"</h2>
                    {can_edit.then(|| view! { <a class="usa-button usa-button--outline" href=add_money>"Record an amount"</a> })}
                </div>
                {if has_money {
                    view! {
                        <table class="usa-table usa-table--borderless probity-table">
                            <caption class="usa-sr-only">"Questioned costs, funds put to better use, recoveries, restitution and fines, by day"</caption>
                            <thead><tr>
                                <th scope="col">"Day"</th><th scope="col">"What"</th><th scope="col">"Amount"</th>
                                <th scope="col">"From"</th><th scope="col">"Note"</th>
                                <th scope="col"><span class="usa-sr-only">"Edit"</span></th>
                            </tr></thead>
                            <tbody>{money_rows}</tbody>
                        </table>
                        <h3>"Totals"</h3>
                        <ul class="usa-list">{totals}</ul>
                    }.into_any()
                } else {
                    view! { <p>"No amount recorded."</p> }.into_any()
                }}
            </section>
        </CaseShell>
    }
}

fn subject_options(subjects: &[(i64, String)]) -> Vec<(String, String)> {
    subjects
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect()
}

/// Recording or editing a referral.
#[component]
pub fn ReferralFormPage(
    ctx: PageContext,
    case: Case,
    /// The referral's id when editing.
    referral_id: Option<i64>,
    values: ReferralFields,
    /// `(party id, name)` of the case's subjects.
    subjects: Vec<(i64, String)>,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let (heading, action) = match referral_id {
        Some(id) => (
            "Edit a referral",
            format!("{base}/outcomes/referrals/{id}/edit"),
        ),
        None => (
            "Record a referral",
            format!("{base}/outcomes/referrals/new"),
        ),
    };
    view! {
        <CaseShell ctx=ctx title=format!("{heading}: {}", case.case_number) case=case.clone() section=CaseSection::Outcomes>
            <h1>{heading}</h1>
            <StaleWarning stale=stale />
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=values.version.clone() />
                <SelectField name="party_id" label="Subject referred" options=subject_options(&subjects) selected=values.party_id.clone() empty="The case as a whole" error=errors.get("party_id") />
                <SelectField name="level" label="Prosecutor" options=options(ProsecutorLevel::ALL, ProsecutorLevel::as_str, ProsecutorLevel::label) selected=values.level.clone() empty="Choose one" error=errors.get("level") />
                <TextField name="office" label="Office" hint="For example the U.S. Attorney's Office for the district." value=values.office.clone() maxlength=300 error=errors.get("office") />
                <TextField name="referred_on" label="Day referred" kind="date" value=values.referred_on.clone() error=errors.get("referred_on") />
                <TextArea name="what" label="What was referred" value=values.what.clone() maxlength=5000 rows=3 error=errors.get("what") />
                <SelectField name="decision" label="Answer" options=options(ReferralDecision::ALL, ReferralDecision::as_str, ReferralDecision::label) selected=values.decision.clone() error=errors.get("decision") />
                <TextField name="decided_on" label="Day of the answer" kind="date" hint="When the prosecutor accepted or declined it." value=values.decided_on.clone() error=errors.get("decided_on") />
                <TextField name="exhibit" label="Shown by exhibit" hint="The referral letter or the answer, for example E-4." value=values.exhibit.clone() maxlength=20 error=errors.get("exhibit") />
                <button type="submit" class="usa-button">"Save the referral"</button>
                <a class="usa-button usa-button--unstyled" href=format!("{base}/outcomes")>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// Recording or editing an outcome.
#[component]
pub fn OutcomeFormPage(
    ctx: PageContext,
    case: Case,
    outcome_id: Option<i64>,
    values: OutcomeFields,
    subjects: Vec<(i64, String)>,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let (heading, action) = match outcome_id {
        Some(id) => (
            "Edit an outcome",
            format!("{base}/outcomes/actions/{id}/edit"),
        ),
        None => ("Record an outcome", format!("{base}/outcomes/actions/new")),
    };
    let no_subjects = subjects.is_empty();
    view! {
        <CaseShell ctx=ctx title=format!("{heading}: {}", case.case_number) case=case.clone() section=CaseSection::Outcomes>
            <h1>{heading}</h1>
            {no_subjects.then(|| view! {
                <p>"The case has no subject yet: add the person or organisation as a party with the role Subject first."</p>
            })}
            <StaleWarning stale=stale />
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=values.version.clone() />
                <SelectField name="party_id" label="Subject" options=subject_options(&subjects) selected=values.party_id.clone() empty="Choose one" error=errors.get("party_id") />
                <SelectField name="kind" label="What followed" options=options(OutcomeKind::ALL, OutcomeKind::as_str, OutcomeKind::label) selected=values.kind.clone() empty="Choose one" error=errors.get("kind") />
                <TextField name="occurred_on" label="Day" kind="date" value=values.occurred_on.clone() error=errors.get("occurred_on") />
                <TextField name="suspension_days" label="Days of suspension (suspensions only)" kind="number" value=values.suspension_days.clone() error=errors.get("suspension_days") />
                <TextArea name="detail" label="Details" hint="For example the sentence, the settlement's terms, or the agency's decision." value=values.detail.clone() maxlength=5000 rows=3 error=errors.get("detail") />
                <TextField name="exhibit" label="Shown by exhibit" hint="The decision or judgment, for example E-4." value=values.exhibit.clone() maxlength=20 error=errors.get("exhibit") />
                <button type="submit" class="usa-button">"Save the outcome"</button>
                <a class="usa-button usa-button--unstyled" href=format!("{base}/outcomes")>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// Recording or editing an amount.
#[component]
pub fn MoneyFormPage(
    ctx: PageContext,
    case: Case,
    money_id: Option<i64>,
    values: MoneyFields,
    /// The office's currency.
    currency: String,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let (heading, action) = match money_id {
        Some(id) => ("Edit an amount", format!("{base}/outcomes/money/{id}/edit")),
        None => ("Record an amount", format!("{base}/outcomes/money/new")),
    };
    let amount_label = format!("Amount in {currency}");
    view! {
        <CaseShell ctx=ctx title=format!("{heading}: {}", case.case_number) case=case.clone() section=CaseSection::Outcomes>
            <h1>{heading}</h1>
            <StaleWarning stale=stale />
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=values.version.clone() />
                <SelectField name="kind" label="What the amount is" options=options(MoneyKind::ALL, MoneyKind::as_str, MoneyKind::label) selected=values.kind.clone() empty="Choose one" error=errors.get("kind") />
                <TextField name="amount" label=amount_label hint="Exact, with at most two decimals, for example 12,500.00." value=values.amount.clone() maxlength=30 error=errors.get("amount") />
                <TextField name="occurred_on" label="Day" kind="date" value=values.occurred_on.clone() error=errors.get("occurred_on") />
                <TextField name="recommendation" label="From recommendation" hint="The recommendation it comes from, for example R-2." value=values.recommendation.clone() maxlength=20 error=errors.get("recommendation") />
                <TextArea name="note" label="Note" value=values.note.clone() maxlength=2000 rows=3 error=errors.get("note") />
                <button type="submit" class="usa-button">"Save the amount"</button>
                <a class="usa-button usa-button--unstyled" href=format!("{base}/outcomes")>"Cancel"</a>
            </form>
        </CaseShell>
    }
}
