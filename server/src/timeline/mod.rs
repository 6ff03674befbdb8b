//! Event times: what an investigator types (a moment, a day, a month or a range, in the zone
//! the event was observed in) becomes the earliest and latest UTC instants it may have
//! happened at. Timelines sort by those bounds, so mixed precisions and zones order correctly.

pub mod chart;

use crate::messages::{civil, to_utc};
use probity_domain::timeline::Precision;

/// The bounds of an event's time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub earliest: String,
    pub latest: String,
    /// Normalised as typed, for showing and editing.
    pub local_start: String,
    pub local_end: String,
}

/// A parsed local time: date, and time of day if given.
struct Local {
    year: i32,
    month: u32,
    day: Option<u32>,
    time: Option<(u32, u32)>,
}

fn parse_local(text: &str) -> Option<Local> {
    let text = text.trim().replacen('T', " ", 1);
    let (date, time) = match text.split_once(' ') {
        Some((date, time)) => (date.to_string(), Some(time.trim().to_string())),
        None => (text.clone(), None),
    };
    let mut parts = date.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: Option<u32> = match parts.next() {
        Some(day) => Some(day.parse().ok()?),
        None => None,
    };
    if parts.next().is_some() || !(1000..=9999).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let time = match time {
        Some(time) => {
            let mut pieces = time.split(':');
            let hour: u32 = pieces.next()?.parse().ok()?;
            let minute: u32 = pieces.next()?.parse().ok()?;
            // Seconds, if typed, are accepted and dropped: events are kept to the minute.
            if let Some(seconds) = pieces.next() {
                seconds.parse::<u32>().ok()?;
            }
            if hour > 23 || minute > 59 || day.is_none() {
                return None;
            }
            Some((hour, minute))
        }
        None => None,
    };
    // The date must exist.
    civil(year, month, day.unwrap_or(1), 0, 0, 0)?;
    Some(Local {
        year,
        month,
        day,
        time,
    })
}

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|day| civil(year, month, *day, 0, 0, 0).is_some())
        .unwrap_or(28)
}

/// The first and last instants of a local time, in UTC.
fn span(local: &Local, zone: &jiff::tz::TimeZone) -> Option<(String, String)> {
    let day_first = local.day.unwrap_or(1);
    let day_last = local
        .day
        .unwrap_or_else(|| days_in_month(local.year, local.month));
    let (start, end) = match local.time {
        Some((hour, minute)) => (
            civil(local.year, local.month, day_first, hour, minute, 0)?,
            civil(local.year, local.month, day_first, hour, minute, 0)?,
        ),
        None => (
            civil(local.year, local.month, day_first, 0, 0, 0)?,
            civil(local.year, local.month, day_last, 23, 59, 59)?,
        ),
    };
    Some((to_utc(zone, start)?, to_utc(zone, end)?))
}

fn normalised(local: &Local) -> String {
    match (local.day, local.time) {
        (Some(day), Some((hour, minute))) => format!(
            "{:04}-{:02}-{day:02} {hour:02}:{minute:02}",
            local.year, local.month
        ),
        (Some(day), None) => format!("{:04}-{:02}-{day:02}", local.year, local.month),
        (None, _) => format!("{:04}-{:02}", local.year, local.month),
    }
}

/// Works out an event's bounds; the error names the field and what to fix.
pub fn bounds(
    start: &str,
    end: &str,
    precision: Precision,
    zone: &jiff::tz::TimeZone,
) -> Result<Bounds, (&'static str, String)> {
    let bad_start = |what: &str| ("start", format!("Enter {what}."));
    let Some(first) = parse_local(start) else {
        return Err(bad_start(match precision {
            Precision::Minute => "the date and time as YYYY-MM-DD HH:MM",
            Precision::Day => "the date as YYYY-MM-DD",
            Precision::Month => "the month as YYYY-MM",
            Precision::Approximate => {
                "the earliest date (and time) as YYYY-MM-DD or YYYY-MM-DD HH:MM"
            }
        }));
    };
    let shape_ok = match precision {
        Precision::Minute => first.time.is_some(),
        Precision::Day => first.day.is_some() && first.time.is_none(),
        Precision::Month => first.day.is_none(),
        Precision::Approximate => true,
    };
    if !shape_ok {
        return Err(bad_start(match precision {
            Precision::Minute => "the date and time as YYYY-MM-DD HH:MM",
            Precision::Day => "only the date, as YYYY-MM-DD",
            _ => "only the month, as YYYY-MM",
        }));
    }
    let unreal = || {
        (
            "start",
            "That time does not exist in the chosen time zone.".to_string(),
        )
    };
    let (earliest, mut latest) = span(&first, zone).ok_or_else(unreal)?;
    let mut local_end = String::new();
    if precision == Precision::Approximate {
        let Some(last) = parse_local(end) else {
            return Err((
                "end",
                "Enter the latest date (and time) of the range.".to_string(),
            ));
        };
        let (_, last_latest) = span(&last, zone).ok_or((
            "end",
            "That time does not exist in the chosen time zone.".to_string(),
        ))?;
        if last_latest < earliest {
            return Err((
                "end",
                "The end of the range is before its start.".to_string(),
            ));
        }
        latest = last_latest;
        local_end = normalised(&last);
    } else if !end.trim().is_empty() {
        return Err((
            "end",
            "Only a range has an end; choose \"Somewhere in a range\" or leave it empty."
                .to_string(),
        ));
    }
    Ok(Bounds {
        earliest,
        latest,
        local_start: normalised(&first),
        local_end,
    })
}

/// A UTC instant in a zone: `2024-11-21 16:41`.
fn in_zone(utc: &str, zone: &jiff::tz::TimeZone) -> Option<String> {
    let timestamp: jiff::Timestamp = utc.parse().ok()?;
    Some(
        timestamp
            .to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
    )
}

/// Fills in each event's time in the case's zone, where it was observed in another.
pub fn show_in_zone(events: &mut [probity_domain::timeline::Event], zone_name: &str) {
    let Ok(zone) = jiff::tz::TimeZone::get(zone_name) else {
        return;
    };
    for event in events
        .iter_mut()
        .filter(|event| event.time_zone != zone_name)
    {
        let (Some(start), Some(end)) = (
            in_zone(&event.earliest, &zone),
            in_zone(&event.latest, &zone),
        ) else {
            continue;
        };
        event.case_time = if start == end {
            format!("{start} ({zone_name})")
        } else {
            format!("between {start} and {end} ({zone_name})")
        };
    }
}

/// Escapes text for XML content and attributes.
pub use chart::{ZoomSpan, chart_svg, zoom_spans};

/// The events as JSON: one object each, with their citations and both time forms.
pub fn events_json(
    events: &[probity_domain::timeline::Event],
) -> Result<String, serde_json::Error> {
    let items: Vec<serde_json::Value> = events
        .iter()
        .map(|e| {
            serde_json::json!({
                "event_id": e.event_id,
                "incident_id": e.incident_id,
                "incident": e.incident_title,
                "earliest_utc": e.earliest,
                "latest_utc": e.latest,
                "precision": e.precision.as_str(),
                "local_start": e.local_start,
                "local_end": e.local_end,
                "time_zone": e.time_zone,
                "discovered_on": e.discovered_on,
                "kind": e.kind.as_str(),
                "channel": e.channel.as_str(),
                "information": e.information.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
                "permitted_basis": e.permitted_basis.as_str(),
                "actors": e.actors.iter().map(|p| serde_json::json!({"party_id": p.party_id, "name": p.name})).collect::<Vec<_>>(),
                "recipients": e.recipients.iter().map(|p| serde_json::json!({"party_id": p.party_id, "name": p.name})).collect::<Vec<_>>(),
                "narrative": e.narrative,
                "exhibits": e.exhibits.iter().map(|(id, label)| serde_json::json!({"exhibit_id": id, "label": label})).collect::<Vec<_>>(),
                "messages": e.messages.iter().map(|(id, label)| serde_json::json!({"message_id": id, "label": label})).collect::<Vec<_>>(),
                "version": e.version,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "events": items }))
}

/// A cell a spreadsheet will not run as a formula: one beginning with `=`, `+`, `-`, `@`, a
/// tab or a carriage return (or their full-width forms) gets a leading `'`, as OWASP advises
/// against CSV injection. The text is otherwise unchanged.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            std::borrow::Cow::Owned(format!("'{cell}"))
        }
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

/// The events as CSV, one row each; lists are separated by semicolons. Every cell is made
/// [`spreadsheet_safe`].
pub fn events_csv(events: &[probity_domain::timeline::Event]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "number",
        "event_id",
        "incident",
        "earliest_utc",
        "latest_utc",
        "precision",
        "local_start",
        "local_end",
        "time_zone",
        "discovered_on",
        "kind",
        "channel",
        "information",
        "permitted_basis",
        "actors",
        "recipients",
        "narrative",
        "exhibits",
        "messages",
    ])?;
    for (index, e) in events.iter().enumerate() {
        let join = |items: Vec<String>| items.join("; ");
        let record = [
            (index + 1).to_string(),
            e.event_id.to_string(),
            e.incident_title.clone(),
            e.earliest.clone(),
            e.latest.clone(),
            e.precision.as_str().to_string(),
            e.local_start.clone(),
            e.local_end.clone(),
            e.time_zone.clone(),
            e.discovered_on.clone(),
            e.kind.as_str().to_string(),
            e.channel.as_str().to_string(),
            join(
                e.information
                    .iter()
                    .map(|i| i.as_str().to_string())
                    .collect(),
            ),
            e.permitted_basis.as_str().to_string(),
            join(e.actors.iter().map(|p| p.name.clone()).collect()),
            join(e.recipients.iter().map(|p| p.name.clone()).collect()),
            e.narrative.clone(),
            join(e.exhibits.iter().map(|(_, label)| label.clone()).collect()),
            join(e.messages.iter().map(|(id, _)| id.to_string()).collect()),
        ];
        writer.write_record(
            record
                .iter()
                .map(|cell| spreadsheet_safe(cell).into_owned()),
        )?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod csv_tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_are_defused_and_other_cells_kept() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "'=HYPERLINK(\"http://evil.example\",\"x\")",
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("＝1+1", "'＝1+1"),
            ("plain text", "plain text"),
            ("2024-11-21", "2024-11-21"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell), written, "{cell:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).expect("zone")
    }

    #[test]
    fn each_precision_gives_its_bounds() {
        let ny = zone("America/New_York");
        let minute = bounds("2024-11-21 16:41", "", Precision::Minute, &ny).expect("minute");
        assert_eq!(
            (minute.earliest.as_str(), minute.latest.as_str()),
            ("2024-11-21T21:41:00Z", "2024-11-21T21:41:00Z")
        );
        let day = bounds("2024-11-21", "", Precision::Day, &ny).expect("day");
        assert_eq!(
            (day.earliest.as_str(), day.latest.as_str()),
            ("2024-11-21T05:00:00Z", "2024-11-22T04:59:59Z")
        );
        let month = bounds("2024-02", "", Precision::Month, &zone("UTC")).expect("month");
        assert_eq!(
            (month.earliest.as_str(), month.latest.as_str()),
            ("2024-02-01T00:00:00Z", "2024-02-29T23:59:59Z")
        );
        let range = bounds(
            "2024-11-20",
            "2024-11-22 09:00",
            Precision::Approximate,
            &ny,
        )
        .expect("range");
        assert_eq!(
            (range.earliest.as_str(), range.latest.as_str()),
            ("2024-11-20T05:00:00Z", "2024-11-22T14:00:00Z")
        );
        assert_eq!(range.local_end, "2024-11-22 09:00");
    }

    #[test]
    fn daylight_saving_and_zones_order_correctly() {
        // 01:30 on the night clocks go back in New York happens twice; the earlier is taken.
        let ny = zone("America/New_York");
        let fall = bounds("2024-11-03 01:30", "", Precision::Minute, &ny).expect("fold");
        assert_eq!(fall.earliest, "2024-11-03T05:30:00Z");
        // 16:41 in Paris comes before 16:41 in New York.
        let paris = bounds(
            "2024-11-21 16:41",
            "",
            Precision::Minute,
            &zone("Europe/Paris"),
        )
        .expect("paris");
        let new_york = bounds("2024-11-21 16:41", "", Precision::Minute, &ny).expect("ny");
        assert!(paris.earliest < new_york.earliest);
    }

    #[test]
    fn wrong_shapes_are_explained() {
        let utc = zone("UTC");
        assert_eq!(
            bounds("2024-11-21", "", Precision::Minute, &utc)
                .expect_err("no time")
                .0,
            "start"
        );
        assert_eq!(
            bounds("2024-11-21 10:00", "", Precision::Day, &utc)
                .expect_err("time")
                .0,
            "start"
        );
        assert_eq!(
            bounds("2024-13", "", Precision::Month, &utc)
                .expect_err("month")
                .0,
            "start"
        );
        assert_eq!(
            bounds("2024-02-30", "", Precision::Day, &utc)
                .expect_err("date")
                .0,
            "start"
        );
        assert_eq!(
            bounds("2024-11-21", "2024-11-20", Precision::Approximate, &utc)
                .expect_err("order")
                .0,
            "end"
        );
        assert_eq!(
            bounds("2024-11-21", "2024-11-22", Precision::Day, &utc)
                .expect_err("end")
                .0,
            "end"
        );
        assert_eq!(
            bounds("2024-11-21", "", Precision::Approximate, &utc)
                .expect_err("missing")
                .0,
            "end"
        );
    }
}
