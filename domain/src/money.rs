//! Monetary results of a case: questioned costs (and the unsupported part of them), funds
//! put to better use, recoveries, restitution and fines. Amounts are exact: a whole number of
//! cents (minor units), never floating point, parsed from and printed as decimal text.

use crate::cases::text_enum;
use serde::{Deserialize, Serialize};

text_enum!(
    /// What an amount is.
    MoneyKind {
        QuestionedCost = "questioned_cost" / "Questioned cost",
        UnsupportedCost = "unsupported_cost" / "Unsupported cost (part of the questioned costs)",
        FundsBetterUse = "funds_better_use" / "Funds put to better use",
        Recovery = "recovery" / "Recovery",
        Restitution = "restitution" / "Restitution",
        Fine = "fine" / "Fine",
    }
);

/// The most an amount may be: a trillion in the currency, far beyond any case, and far
/// inside `i64` so that sums of many cannot overflow.
pub const MAX_MINOR: i64 = 100_000_000_000_000;

/// Parses a decimal amount with at most two decimals (`1,234.56`, `1234.5`, `12`) into
/// minor units. Thousands separators are commas; a sign, exponent or other character is
/// refused.
pub fn parse_amount(text: &str) -> Result<i64, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter the amount, for example 12,500.00.");
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    if fraction.len() > 2 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err("Use at most two decimals, for example 12,500.25.");
    }
    // Commas only between groups of three digits.
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped_ok = groups.len() == 1
        || (groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3));
    let digits: String = groups.concat();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || !grouped_ok {
        return Err("Enter the amount in digits, for example 12,500.00.");
    }
    let cents = format!("{fraction:0<2}");
    let whole: i64 = digits
        .trim_start_matches('0')
        .parse::<i64>()
        .or_else(|_| {
            if digits.chars().all(|c| c == '0') {
                Ok(0)
            } else {
                Err(())
            }
        })
        .map_err(|()| "The amount is too large.")?;
    let minor = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents.parse::<i64>().unwrap_or(0)))
        .filter(|m| *m <= MAX_MINOR)
        .ok_or("The amount is too large.")?;
    if minor == 0 {
        return Err("Enter an amount above zero.");
    }
    Ok(minor)
}

/// Prints minor units as `12,500.25`.
pub fn format_amount(minor: i64) -> String {
    let negative = minor < 0;
    let minor = minor.unsigned_abs();
    let whole = (minor / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!(
        "{}{grouped}.{:02}",
        if negative { "-" } else { "" },
        minor % 100
    )
}

/// An amount as a plain decimal for data files: no thousands separator, two decimals
/// (`1234.50`), so that a CSV cell needs no quoting and a JSON reader loses no cent.
pub fn plain_amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let minor = minor.unsigned_abs();
    format!("{sign}{}.{:02}", minor / 100, minor % 100)
}

/// An amount recorded on a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyResult {
    pub money_id: i64,
    pub case_id: i64,
    pub kind: MoneyKind,
    /// Minor units (cents).
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. `USD`.
    pub currency: String,
    /// `YYYY-MM-DD`.
    pub occurred_on: String,
    /// The finding it comes from: id and the allegation it answers.
    pub finding_id: Option<i64>,
    /// The recommendation it comes from: id and number (`R-2`).
    pub recommendation: Option<(i64, i64)>,
    pub note: String,
    pub recorded_by_name: String,
    pub version: i64,
}

/// An amount as a form or program sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MoneyFields {
    pub kind: String,
    pub amount: String,
    pub occurred_on: String,
    /// A recommendation's number (`R-2` or `2`), or empty.
    pub recommendation: String,
    pub note: String,
    pub version: String,
}

impl MoneyFields {
    /// The fields filled from a saved amount.
    pub fn from_money(money: &MoneyResult) -> Self {
        MoneyFields {
            kind: money.kind.as_str().into(),
            amount: format_amount(money.amount_minor),
            occurred_on: money.occurred_on.clone(),
            recommendation: money
                .recommendation
                .map(|(_, number)| format!("R-{number}"))
                .unwrap_or_default(),
            note: money.note.clone(),
            version: money.version.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_and_round_trip() {
        assert_eq!(parse_amount("12,500.25"), Ok(1_250_025));
        assert_eq!(parse_amount("0.1"), Ok(10));
        assert_eq!(parse_amount("7"), Ok(700));
        assert_eq!(parse_amount("1234567.89"), Ok(123_456_789));
        // 0.1 + 0.2 is 0.3 here, unlike in floating point.
        assert_eq!(
            parse_amount("0.1").unwrap_or(0) + parse_amount("0.2").unwrap_or(0),
            parse_amount("0.3").unwrap_or(-1)
        );
        for bad in [
            "",
            "-5",
            "1.234",
            "1e6",
            "12,50",
            "1,,000",
            "abc",
            "0",
            "0.00",
            "99999999999999999999",
            "1 000",
            "=1+1",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad:?}");
        }
        for minor in [1, 99, 100, 123_456_789, 100_000_000] {
            assert_eq!(parse_amount(&format_amount(minor)), Ok(minor));
        }
        assert_eq!(format_amount(1_250_025), "12,500.25");
        assert_eq!(format_amount(5), "0.05");
    }
}
