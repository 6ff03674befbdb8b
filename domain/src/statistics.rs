//! The office's semiannual statistics (5 U.S.C. 405(b)) and its own totals: what each count
//! is, the reporting periods, and the median.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// A count the statistics page shows; each, but the complaint counts, has a drill-down list
/// of the cases behind it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatItem {
    ReportsIssued,
    ReferredFederal,
    ReferredStateLocal,
    Declinations,
    Charges,
    Convictions,
    AdministrativeActions,
    SeniorSubstantiated,
    RetaliationSubstantiated,
    QuestionedCosts,
    UnsupportedCosts,
    FundsBetterUse,
    Recoveries,
    OpenRecommendations,
    OpenRecommendationSavings,
    CasesOpened,
    CasesClosed,
}

impl StatItem {
    /// Every item, in the order of the page.
    pub const ALL: [StatItem; 17] = [
        StatItem::ReportsIssued,
        StatItem::ReferredFederal,
        StatItem::ReferredStateLocal,
        StatItem::Declinations,
        StatItem::Charges,
        StatItem::Convictions,
        StatItem::AdministrativeActions,
        StatItem::SeniorSubstantiated,
        StatItem::RetaliationSubstantiated,
        StatItem::QuestionedCosts,
        StatItem::UnsupportedCosts,
        StatItem::FundsBetterUse,
        StatItem::Recoveries,
        StatItem::OpenRecommendations,
        StatItem::OpenRecommendationSavings,
        StatItem::CasesOpened,
        StatItem::CasesClosed,
    ];

    /// The name in addresses and the CSV.
    pub fn key(self) -> &'static str {
        match self {
            StatItem::ReportsIssued => "reports-issued",
            StatItem::ReferredFederal => "referred-federal",
            StatItem::ReferredStateLocal => "referred-state-local",
            StatItem::Declinations => "declinations",
            StatItem::Charges => "indictments-and-informations",
            StatItem::Convictions => "convictions-and-pleas",
            StatItem::AdministrativeActions => "administrative-actions",
            StatItem::SeniorSubstantiated => "senior-employees-substantiated",
            StatItem::RetaliationSubstantiated => "whistleblower-retaliation-substantiated",
            StatItem::OpenRecommendations => "open-recommendations",
            StatItem::OpenRecommendationSavings => "open-recommendations-potential-savings",
            StatItem::QuestionedCosts => "questioned-costs",
            StatItem::UnsupportedCosts => "unsupported-costs",
            StatItem::FundsBetterUse => "funds-put-to-better-use",
            StatItem::Recoveries => "recoveries-restitution-fines",
            StatItem::CasesOpened => "cases-opened",
            StatItem::CasesClosed => "cases-closed",
        }
    }

    /// The item with this key.
    pub fn parse(key: &str) -> Option<StatItem> {
        StatItem::ALL.into_iter().find(|item| item.key() == key)
    }

    /// What it counts, in words.
    pub fn label(self) -> &'static str {
        match self {
            StatItem::ReportsIssued => "Investigative reports issued",
            StatItem::ReferredFederal => "Persons referred to federal prosecutors",
            StatItem::ReferredStateLocal => "Persons referred to state and local prosecutors",
            StatItem::Declinations => "Referrals declined by prosecutors",
            StatItem::Charges => "Indictments and criminal informations",
            StatItem::Convictions => "Convictions and guilty pleas",
            StatItem::AdministrativeActions => "Administrative actions",
            StatItem::SeniorSubstantiated => {
                "Senior employees against whom misconduct was substantiated"
            }
            StatItem::RetaliationSubstantiated => "Whistleblower retaliation substantiated",
            StatItem::OpenRecommendations => "Recommendations still open",
            StatItem::OpenRecommendationSavings => {
                "Potential savings of the recommendations still open"
            }
            StatItem::QuestionedCosts => "Questioned costs",
            StatItem::UnsupportedCosts => "Unsupported costs (of the questioned costs)",
            StatItem::FundsBetterUse => "Funds put to better use",
            StatItem::Recoveries => "Recoveries, restitution and fines",
            StatItem::CasesOpened => "Cases opened",
            StatItem::CasesClosed => "Cases closed",
        }
    }

    /// How it is counted, for the page and the CSV.
    pub fn rule(self) -> &'static str {
        match self {
            StatItem::ReportsIssued => "first editions of reports published in the period",
            StatItem::ReferredFederal => {
                "subjects (or cases, for a referral naming none) referred to a federal prosecutor in the period, each once"
            }
            StatItem::ReferredStateLocal => {
                "subjects (or cases) referred to a state or local prosecutor in the period, each once"
            }
            StatItem::Declinations => "referrals whose declination is dated in the period",
            StatItem::Charges => "indictments and informations dated in the period",
            StatItem::Convictions => "convictions and guilty pleas dated in the period",
            StatItem::AdministrativeActions => {
                "removals, suspensions, reprimands, resignations, training and decisions to take no action dated in the period"
            }
            StatItem::SeniorSubstantiated => {
                "subjects marked senior employees with a finding of the first disposition (substantiated) in a case closed in the period, each once; the list gives each case's referral and declination dates"
            }
            StatItem::RetaliationSubstantiated => {
                "findings of the first disposition (substantiated) in whistleblower reprisal cases closed in the period; the list gives the consequences imposed"
            }
            StatItem::OpenRecommendations => {
                "recommendations not closed now, of reports published by the period's last day"
            }
            StatItem::OpenRecommendationSavings => {
                "questioned costs and funds put to better use recorded against those recommendations, in the office's currency"
            }
            StatItem::QuestionedCosts => {
                "questioned costs dated in the period, in the office's currency"
            }
            StatItem::UnsupportedCosts => {
                "unsupported costs dated in the period, in the office's currency"
            }
            StatItem::FundsBetterUse => {
                "funds put to better use dated in the period, in the office's currency"
            }
            StatItem::Recoveries => {
                "recoveries, restitution and fines dated in the period, in the office's currency"
            }
            StatItem::CasesOpened => "cases opened in Probity in the period",
            StatItem::CasesClosed => {
                "cases moved to closed in the period (a case closed twice counts once)"
            }
        }
    }

    /// An amount in minor units (cents) rather than a number of things.
    pub fn is_money(self) -> bool {
        matches!(
            self,
            StatItem::QuestionedCosts
                | StatItem::UnsupportedCosts
                | StatItem::FundsBetterUse
                | StatItem::Recoveries
                | StatItem::OpenRecommendationSavings
        )
    }

    /// A count as shown to people: a number, or an amount with its currency.
    pub fn display(self, value: i64, currency: &str) -> String {
        if self.is_money() {
            format!("{currency} {}", crate::money::format_amount(value))
        } else {
            value.to_string()
        }
    }

    /// The section of the page it belongs to.
    pub fn is_office_total(self) -> bool {
        matches!(self, StatItem::CasesOpened | StatItem::CasesClosed)
    }
}

/// What the counts depend on beyond the records: the office's currency, and the disposition
/// that means substantiated (the first of the office's dispositions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatRules {
    pub currency: String,
    pub substantiated: String,
    /// The keys of the case types that are whistleblower reprisal cases.
    pub reprisal_types: Vec<String>,
}

/// A reporting period, both days included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// The semiannual period of the IG Act that holds `day`: 1 October to 31 March, or
    /// 1 April to 30 September.
    pub fn semiannual(day: Date) -> Period {
        let year = day.year();
        let date = |y: i32, m: Month, d: u8| Date::from_calendar_date(y, m, d).unwrap_or(day);
        match day.month() {
            Month::April
            | Month::May
            | Month::June
            | Month::July
            | Month::August
            | Month::September => Period {
                from: date(year, Month::April, 1),
                to: date(year, Month::September, 30),
            },
            Month::October | Month::November | Month::December => Period {
                from: date(year, Month::October, 1),
                to: date(year + 1, Month::March, 31),
            },
            _ => Period {
                from: date(year - 1, Month::October, 1),
                to: date(year, Month::March, 31),
            },
        }
    }

    /// The period before this semiannual one.
    pub fn previous(self) -> Period {
        Period::semiannual(self.from.previous_day().unwrap_or(self.from))
    }
}

/// One count with the cases behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatCount {
    pub item: StatItem,
    /// The office-wide number.
    pub total: i64,
}

/// A case behind a count, with how much it contributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatCase {
    pub case_id: i64,
    pub case_number: String,
    pub title: String,
    pub count: i64,
    /// What the item asks to be told of each case (a senior employee's referral and
    /// declination dates, the consequences of retaliation), one line each.
    pub details: Vec<String>,
}

/// The office's statistics for a period.
#[derive(Clone, Debug, PartialEq)]
pub struct Statistics {
    pub period: Period,
    /// The office's currency, in which the amounts are summed.
    pub currency: String,
    pub counts: Vec<StatCount>,
    pub complaints_received: i64,
    /// Complaints decided in the period, by outcome status (stored name, count).
    pub complaint_outcomes: Vec<(String, i64)>,
    /// Median days from receipt to closing of the cases closed in the period.
    pub median_days_to_close: Option<f64>,
}

/// The median of some numbers (the mean of the middle two for an even count).
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) as f64 / 2.0
    } else {
        values[middle] as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn semiannual_periods_follow_the_ig_act() {
        assert_eq!(
            Period::semiannual(date!(2026 - 12 - 03)),
            Period {
                from: date!(2026 - 10 - 01),
                to: date!(2027 - 03 - 31)
            }
        );
        assert_eq!(
            Period::semiannual(date!(2026 - 02 - 10)).from,
            date!(2025 - 10 - 01)
        );
        assert_eq!(
            Period::semiannual(date!(2026 - 04 - 01)).to,
            date!(2026 - 09 - 30)
        );
        assert_eq!(
            Period::semiannual(date!(2026 - 12 - 03)).previous().from,
            date!(2026 - 04 - 01)
        );
    }

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [9, 1, 5]), Some(5.0));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2.5));
        for item in StatItem::ALL {
            assert_eq!(StatItem::parse(item.key()), Some(item));
        }
    }
}
