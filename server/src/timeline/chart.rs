//! The timeline chart, drawn on the server as SVG: one lane per actor, its height fitted to
//! the events it holds (events that would overprint stack in rows), ticks on calendar
//! boundaries of the case's time zone chosen for the span shown, moments as dots and
//! uncertain times as bars with their ends marked. The same drawing goes into the page, the
//! downloadable file and the report PDF.

use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, Zoned};
use probity_domain::timeline::Event;

/// The drawing's width in SVG units; on the page it scales to the width available.
const WIDTH: i64 = 1200;
/// The column of lane names.
const LEFT: i64 = 230;
const RIGHT: i64 = 28;
/// One row of marks within a lane.
const ROW: i64 = 26;
/// Space above the first and below the last row of a lane.
const LANE_PAD: i64 = 8;
const TOP: i64 = 8;
/// Characters of a lane name per line (two lines at most).
const NAME_LINE: usize = 28;
/// Above this many events the marks carry no numbers.
const DENSE: usize = 150;
/// Roughly how many ticks fit the plot without their labels touching.
const MAX_TICKS: i64 = 9;

/// A calendar step between ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Minutes(i64),
    Hours(i64),
    Days(i64),
    Months(i64),
    Years(i64),
}

impl Step {
    /// From the finest to the coarsest.
    const ALL: [Step; 17] = [
        Step::Minutes(1),
        Step::Minutes(5),
        Step::Minutes(15),
        Step::Minutes(30),
        Step::Hours(1),
        Step::Hours(3),
        Step::Hours(6),
        Step::Hours(12),
        Step::Days(1),
        Step::Days(2),
        Step::Days(7),
        Step::Months(1),
        Step::Months(3),
        Step::Months(6),
        Step::Years(1),
        Step::Years(5),
        Step::Years(10),
    ];

    /// About how long the step is, to choose one for a span.
    fn seconds(self) -> i64 {
        match self {
            Step::Minutes(n) => 60 * n,
            Step::Hours(n) => 3_600 * n,
            Step::Days(n) => 86_400 * n,
            Step::Months(n) => 2_629_746 * n,
            Step::Years(n) => 31_556_952 * n,
        }
    }

    fn span(self) -> Span {
        match self {
            Step::Minutes(n) => Span::new().minutes(n),
            Step::Hours(n) => Span::new().hours(n),
            Step::Days(n) => Span::new().days(n),
            Step::Months(n) => Span::new().months(n),
            Step::Years(n) => Span::new().years(n),
        }
    }

    /// The coarsest step that still gives at most [`MAX_TICKS`] ticks over `seconds`.
    fn for_span(seconds: i64) -> Step {
        Step::ALL
            .into_iter()
            .find(|step| seconds / step.seconds() <= MAX_TICKS)
            .unwrap_or(Step::Years(10))
    }

    /// The boundary of this step at or before `at`.
    fn floor(self, at: &Zoned) -> Option<Zoned> {
        let day = at.start_of_day().ok()?;
        let floored = match self {
            Step::Minutes(n) => {
                let minute = i64::from(at.minute()) / n * n;
                at.with()
                    .minute(i8::try_from(minute).ok()?)
                    .second(0)
                    .subsec_nanosecond(0)
                    .build()
                    .ok()?
            }
            Step::Hours(n) => {
                let hour = i64::from(at.hour()) / n * n;
                at.with()
                    .hour(i8::try_from(hour).ok()?)
                    .minute(0)
                    .second(0)
                    .subsec_nanosecond(0)
                    .build()
                    .ok()?
            }
            Step::Days(_) => day,
            Step::Months(n) => {
                let month = (i64::from(at.month()) - 1) / n * n + 1;
                day.with()
                    .month(i8::try_from(month).ok()?)
                    .day(1)
                    .build()
                    .ok()?
            }
            Step::Years(n) => {
                let year = i64::from(at.year()) / n * n;
                day.with()
                    .year(i16::try_from(year).ok()?)
                    .month(1)
                    .day(1)
                    .build()
                    .ok()?
            }
        };
        Some(floored)
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_name(at: &Zoned) -> &'static str {
    MONTHS[usize::try_from(at.month() - 1).unwrap_or(0).min(11)]
}

/// A tick's label: as much of the date as the step needs, the day again where it changes.
fn tick_label(step: Step, at: &Zoned, previous: Option<&Zoned>) -> String {
    let new_day = previous.is_none_or(|p| p.date() != at.date());
    let new_year = previous.is_none_or(|p| p.year() != at.year());
    match step {
        Step::Years(_) => at.year().to_string(),
        Step::Months(_) => format!("{} {}", month_name(at), at.year()),
        Step::Days(_) if new_year => format!("{} {} {}", at.day(), month_name(at), at.year()),
        Step::Days(_) => format!("{} {}", at.day(), month_name(at)),
        Step::Hours(_) | Step::Minutes(_) if new_day => format!(
            "{} {} {:02}:{:02}",
            at.day(),
            month_name(at),
            at.hour(),
            at.minute()
        ),
        Step::Hours(_) | Step::Minutes(_) => format!("{:02}:{:02}", at.hour(), at.minute()),
    }
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn seconds(utc: &str) -> Option<i64> {
    utc.parse::<Timestamp>().ok().map(|t| t.as_second())
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

/// The time window drawn: the events' span, at least an hour, with a margin each side so
/// that marks at the ends are not cut.
fn window(events: &[Event]) -> (i64, i64) {
    let starts = events.iter().filter_map(|e| seconds(&e.earliest));
    let ends = events.iter().filter_map(|e| seconds(&e.latest));
    let min = starts.min().unwrap_or(0);
    let max = ends.max().unwrap_or(min);
    let (min, max) = if max - min < 3_600 {
        let middle = min + (max - min) / 2;
        (middle - 1_800, middle + 1_800)
    } else {
        (min, max)
    };
    let margin = (max - min) / 40;
    (min - margin, max + margin)
}

/// The ticks of a window in a zone: `(instant, label)`, on the step's boundaries.
fn ticks(min: i64, max: i64, tz: &TimeZone) -> (Step, Vec<(i64, String)>) {
    let step = Step::for_span(max - min);
    let mut ticks = Vec::new();
    let Ok(start) = Timestamp::from_second(min) else {
        return (step, ticks);
    };
    let Some(mut at) = step.floor(&start.to_zoned(tz.clone())) else {
        return (step, ticks);
    };
    let mut previous: Option<Zoned> = None;
    // Bounded: a window never holds more than a few dozen boundaries of its step.
    for _ in 0..200 {
        let instant = at.timestamp().as_second();
        if instant > max {
            break;
        }
        if instant >= min {
            ticks.push((instant, tick_label(step, &at, previous.as_ref())));
            previous = Some(at.clone());
        }
        match at.checked_add(step.span()) {
            Ok(next) => at = next,
            Err(_) => break,
        }
    }
    (step, ticks)
}

/// The lanes: one per actor in order of first appearance, "No actor recorded" for events
/// without one.
fn lanes_of(events: &[Event]) -> Vec<String> {
    let mut lanes: Vec<String> = Vec::new();
    for event in events {
        for name in actor_names(event) {
            if !lanes.contains(&name) {
                lanes.push(name);
            }
        }
    }
    lanes
}

fn actor_names(event: &Event) -> Vec<String> {
    if event.actors.is_empty() {
        vec!["No actor recorded".to_string()]
    } else {
        event
            .actors
            .iter()
            .map(|actor| actor.name.clone())
            .collect()
    }
}

/// A lane name in at most two lines of about [`NAME_LINE`] characters; `true` when it had
/// to be shortened.
fn name_lines(name: &str) -> (Vec<String>, bool) {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in name.split_whitespace() {
        let word: String = word.chars().take(NAME_LINE).collect();
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > NAME_LINE {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let shortened = lines.len() > 2
        || name
            .split_whitespace()
            .any(|w| w.chars().count() > NAME_LINE);
    lines.truncate(2);
    if shortened && let Some(last) = lines.last_mut() {
        let kept: String = last.chars().take(NAME_LINE - 1).collect();
        *last = format!("{kept}…");
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    (lines, shortened)
}

/// One mark to draw: which event (its number in the table), where, in which row of its lane.
struct Mark {
    number: usize,
    x1: i64,
    x2: i64,
    range: bool,
    row: i64,
    label: String,
}

/// Draws a timeline as SVG. `time_zone` is the case's: ticks fall on its calendar and the
/// axis names it. `standalone` gives the file its namespace and a fixed size (for the
/// download and the PDF); on the page the drawing takes the width available.
pub fn chart_svg(events: &[Event], title: &str, time_zone: &str, standalone: bool) -> String {
    let tz = zone(time_zone);
    // The file and the PDF are drawn narrower, so that their text stays readable when a
    // page of print holds the whole width.
    let (width, left, name_font) = if standalone {
        (900, 200, 14)
    } else {
        (WIDTH, LEFT, 15)
    };
    let lanes = lanes_of(events);
    let (min, max) = window(events);
    let plot = width - left - RIGHT;
    let span = (max - min).max(1);
    let x = |t: i64| left + ((t - min) as f64 / span as f64 * plot as f64).round() as i64;
    let dense = events.len() > DENSE;
    // A dense chart packs its rows tighter, with smaller marks.
    let row_height = if dense { ROW / 2 } else { ROW };
    let (dot, bar, cap) = if dense { (4, 6, 5) } else { (6, 10, 8) };
    // Each lane's marks, packed into rows first-fit so that none overprints another.
    let mut lane_marks: Vec<Vec<Mark>> = lanes.iter().map(|_| Vec::new()).collect();
    let mut row_ends: Vec<Vec<i64>> = lanes.iter().map(|_| Vec::new()).collect();
    for (index, event) in events.iter().enumerate() {
        let start = seconds(&event.earliest).unwrap_or(min);
        let end = seconds(&event.latest).unwrap_or(start);
        let (x1, x2) = (x(start), x(end).max(x(start)));
        let number = index + 1;
        // The mark, then its number to the right of it (on a dense chart the numbers are
        // left to the tooltips and the table, so that the marks stay few rows deep).
        let occupied = if dense {
            (x1 - 7, x2 + 7)
        } else {
            (x1 - 8, x2 + 12 + 7 * number.to_string().len() as i64)
        };
        let label = format!("{number}. {} {}", event.kind.label(), event.shown_time());
        for name in actor_names(event) {
            let Some(lane) = lanes.iter().position(|l| *l == name) else {
                continue;
            };
            let ends = &mut row_ends[lane];
            let row = match ends.iter().position(|end| *end < occupied.0) {
                Some(row) => {
                    ends[row] = occupied.1;
                    row
                }
                None => {
                    ends.push(occupied.1);
                    ends.len() - 1
                }
            };
            lane_marks[lane].push(Mark {
                number,
                x1,
                x2,
                range: event.is_range(),
                row: row as i64,
                label: label.clone(),
            });
        }
    }
    // Each lane is as tall as its rows, and at least as tall as its name's lines.
    let heights: Vec<i64> = lanes
        .iter()
        .zip(&row_ends)
        .map(|(name, rows)| {
            let lines = name_lines(name).0.len() as i64;
            (rows.len().max(1) as i64 * row_height).max(lines * 18 + 4) + 2 * LANE_PAD
        })
        .collect();
    let plot_bottom = TOP + heights.iter().sum::<i64>().max(row_height + 2 * LANE_PAD);
    let axis_y = plot_bottom + 6;
    let height = axis_y + 52;
    let (step, tick_marks) = ticks(min, max, &tz);

    let mut svg = String::with_capacity(4_096 + events.len() * 400);
    let (namespace, size) = if standalone {
        (
            " xmlns=\"http://www.w3.org/2000/svg\"",
            format!(" width=\"{width}\" height=\"{height}\""),
        )
    } else {
        ("", " width=\"100%\"".to_string())
    };
    svg.push_str(&format!(
        "<svg{namespace} class=\"probity-chart\" viewBox=\"0 0 {width} {height}\"{size} preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" font-family=\"Source Sans Pro, Helvetica, Arial, sans-serif\">"
    ));
    svg.push_str(&format!(
        "<title id=\"chart-title\">{}</title><desc id=\"chart-desc\">{} events in {} lanes, one per actor, in time order; the axis shows {}. Dots are moments; bars are times known only as a range, with their ends marked. The table below gives the same events with the same numbers.</desc>",
        xml(title),
        events.len(),
        lanes.len(),
        xml(&format!("times in {time_zone}"))
    ));
    svg.push_str(&format!(
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    ));
    // Lanes: shading and names.
    let mut top = TOP;
    let mut lane_tops = Vec::with_capacity(lanes.len());
    for (index, (lane, lane_height)) in lanes.iter().zip(&heights).enumerate() {
        lane_tops.push(top);
        let shade = if index % 2 == 0 { "#f0f0f0" } else { "#ffffff" };
        svg.push_str(&format!(
            "<rect x=\"0\" y=\"{top}\" width=\"{width}\" height=\"{lane_height}\" fill=\"{shade}\"/>"
        ));
        let (lines, shortened) = name_lines(lane);
        let first_y = top + lane_height / 2 - (lines.len() as i64 - 1) * 9 + 5;
        svg.push_str(&format!(
            "<text x=\"10\" y=\"{first_y}\" font-size=\"{name_font}\" fill=\"#1b1b1b\">"
        ));
        if shortened {
            svg.push_str(&format!("<title>{}</title>", xml(lane)));
        }
        for (line_index, line) in lines.iter().enumerate() {
            svg.push_str(&format!(
                "<tspan x=\"10\" dy=\"{}\">{}</tspan>",
                if line_index == 0 { 0 } else { 18 },
                xml(line)
            ));
        }
        svg.push_str("</text>");
        top += lane_height;
    }
    // Grid lines and the axis with its ticks.
    for (instant, _) in &tick_marks {
        let tx = x(*instant);
        svg.push_str(&format!(
            "<line x1=\"{tx}\" y1=\"{TOP}\" x2=\"{tx}\" y2=\"{plot_bottom}\" stroke=\"#a9aeb1\" stroke-width=\"1\" stroke-dasharray=\"2 4\"/>"
        ));
    }
    svg.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\" stroke=\"#565c65\"/>",
        width - RIGHT
    ));
    for (instant, label) in &tick_marks {
        let tx = x(*instant);
        svg.push_str(&format!(
            "<line x1=\"{tx}\" y1=\"{axis_y}\" x2=\"{tx}\" y2=\"{}\" stroke=\"#565c65\"/><text x=\"{tx}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#1b1b1b\">{}</text>",
            axis_y + 6,
            axis_y + 22,
            xml(label)
        ));
    }
    let unit = match step {
        Step::Minutes(_) | Step::Hours(_) => "hours and minutes",
        Step::Days(_) => "days",
        Step::Months(_) => "months",
        Step::Years(_) => "years",
    };
    svg.push_str(&format!(
        "<text x=\"{left}\" y=\"{}\" font-size=\"13\" fill=\"#565c65\">{}</text>",
        axis_y + 44,
        xml(&format!("Ticks on {unit}, times in {time_zone}"))
    ));
    // The marks, each with its number beside it.
    for (lane, marks) in lane_marks.iter().enumerate() {
        for mark in marks {
            let y = lane_tops[lane] + LANE_PAD + mark.row * row_height + row_height / 2;
            if mark.range {
                let width = (mark.x2 - mark.x1).max(6);
                svg.push_str(&format!(
                    "<g class=\"chart-range\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{width}\" height=\"{bar}\" fill=\"#005ea2\" fill-opacity=\"0.35\" stroke=\"#005ea2\"/><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#162e51\" stroke-width=\"2\"/><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#162e51\" stroke-width=\"2\"/></g>",
                    xml(&mark.label),
                    mark.x1,
                    y - bar / 2,
                    mark.x1,
                    y - cap,
                    mark.x1,
                    y + cap,
                    mark.x1 + width,
                    y - cap,
                    mark.x1 + width,
                    y + cap,
                ));
            } else {
                svg.push_str(&format!(
                    "<circle class=\"chart-moment\" cx=\"{}\" cy=\"{y}\" r=\"{dot}\" fill=\"#005ea2\"><title>{}</title></circle>",
                    mark.x1,
                    xml(&mark.label)
                ));
            }
            if dense {
                continue;
            }
            let end = if mark.range {
                mark.x1 + (mark.x2 - mark.x1).max(6)
            } else {
                mark.x1
            };
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#1b1b1b\">{}</text>",
                end + 9,
                y + 5,
                mark.number
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A part of the timeline one can zoom into: its label and its first and last days as
/// the page's UTC date filters take them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoomSpan {
    pub label: String,
    pub from: String,
    pub to: String,
}

/// The spans of the chart's ticks that hold events (days, when the ticks are hours over
/// more than two days); none when the chart covers two days or less, as the date filters
/// cannot zoom below a day. A span's days are the UTC dates its local days touch.
pub fn zoom_spans(events: &[Event], time_zone: &str) -> Vec<ZoomSpan> {
    let tz = zone(time_zone);
    let (min, max) = window(events);
    let step = match Step::for_span(max - min) {
        _ if events.is_empty() => return Vec::new(),
        // Ticks of hours over more than two days: zoom a day at a time.
        Step::Minutes(_) | Step::Hours(_) if max - min > 2 * 86_400 => Step::Days(1),
        Step::Minutes(_) | Step::Hours(_) => return Vec::new(),
        step => step,
    };
    let Ok(first) = Timestamp::from_second(min) else {
        return Vec::new();
    };
    let Some(start) = step.floor(&first.to_zoned(tz.clone())) else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    let mut at = start;
    for _ in 0..200 {
        let begin = at.timestamp().as_second();
        if begin > max {
            break;
        }
        let Ok(next) = at.checked_add(step.span()) else {
            break;
        };
        let end = next.timestamp().as_second() - 1;
        let holds = events.iter().any(|e| {
            let s = seconds(&e.earliest).unwrap_or(0);
            let l = seconds(&e.latest).unwrap_or(s);
            s <= end && l >= begin
        });
        if holds {
            let utc_date = |second: i64| {
                Timestamp::from_second(second)
                    .map(|t| t.strftime("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            };
            let label = tick_label(step, &at, None);
            spans.push(ZoomSpan {
                label,
                from: utc_date(begin),
                to: utc_date(end),
            });
        }
        at = next;
    }
    if spans.len() > 24 { Vec::new() } else { spans }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, tz: &str) -> Zoned {
        text.parse::<Timestamp>()
            .expect("instant")
            .to_zoned(zone(tz))
    }

    #[test]
    fn the_step_fits_the_span() {
        assert_eq!(Step::for_span(3_600), Step::Minutes(15));
        assert_eq!(Step::for_span(86_400), Step::Hours(3));
        assert_eq!(Step::for_span(5 * 86_400), Step::Days(1));
        assert_eq!(Step::for_span(200 * 86_400), Step::Months(1));
        assert_eq!(Step::for_span(30 * 31_556_952), Step::Years(5));
    }

    #[test]
    fn ticks_fall_on_calendar_boundaries_of_the_zone() {
        // 21 Nov 2024, 16:41 to 23:10 in New York: ticks on whole hours there.
        let tz = zone("America/New_York");
        let min = at("2024-11-21T21:41:00Z", "UTC").timestamp().as_second();
        let max = at("2024-11-22T04:10:00Z", "UTC").timestamp().as_second();
        let (step, marks) = ticks(min, max, &tz);
        assert_eq!(step, Step::Hours(1));
        let first = Timestamp::from_second(marks[0].0)
            .expect("t")
            .to_zoned(tz.clone());
        assert_eq!((first.hour(), first.minute()), (17, 0));
        assert_eq!(marks[0].1, "21 Nov 17:00", "the first tick names its day");
        assert_eq!(marks[1].1, "18:00");
        // Across a month: ticks at local midnights, which are 05:00 UTC in November.
        let max = at("2024-11-27T00:00:00Z", "UTC").timestamp().as_second();
        let (step, marks) = ticks(min, max, &tz);
        assert_eq!(step, Step::Days(1));
        assert!(marks.iter().all(|(instant, _)| {
            let local = Timestamp::from_second(*instant)
                .expect("t")
                .to_zoned(tz.clone());
            (local.hour(), local.minute()) == (0, 0)
        }));
        assert_eq!(marks[0].1, "22 Nov 2024");
        assert_eq!(marks[1].1, "23 Nov");
    }

    #[test]
    fn zooming_offers_the_days_and_months_that_hold_events() {
        fn event(earliest: &str, latest: &str) -> Event {
            use probity_domain::timeline::*;
            Event {
                event_id: 1,
                case_id: 1,
                incident_id: 1,
                incident_title: String::new(),
                earliest: earliest.into(),
                latest: latest.into(),
                precision: Precision::Minute,
                local_start: String::new(),
                local_end: String::new(),
                time_zone: "UTC".into(),
                discovered_on: String::new(),
                kind: EventKind::Other,
                channel: Channel::NotApplicable,
                information: Vec::new(),
                permitted_basis: PermittedBasis::Unknown,
                narrative: String::new(),
                actors: Vec::new(),
                recipients: Vec::new(),
                exhibits: Vec::new(),
                messages: Vec::new(),
                interviews: Vec::new(),
                updated_at: time::OffsetDateTime::UNIX_EPOCH,
                version: 1,
                case_time: String::new(),
            }
        }
        let days = [
            event("2024-11-18T05:00:00Z", "2024-11-19T14:00:00Z"),
            event("2024-11-21T21:40:00Z", "2024-11-21T21:40:00Z"),
        ];
        let spans = zoom_spans(&days, "America/New_York");
        let labels: Vec<&str> = spans.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["18 Nov 2024", "19 Nov 2024", "21 Nov 2024"]);
        assert_eq!(
            (spans[2].from.as_str(), spans[2].to.as_str()),
            ("2024-11-21", "2024-11-22")
        );
        let one_day = [event("2024-11-21T21:40:00Z", "2024-11-21T22:40:00Z")];
        assert!(
            zoom_spans(&one_day, "UTC").is_empty(),
            "nothing to zoom below a day"
        );
        let months = [
            event("2024-01-10T00:00:00Z", "2024-01-10T00:00:00Z"),
            event("2024-06-10T00:00:00Z", "2024-06-10T00:00:00Z"),
        ];
        let labels: Vec<String> = zoom_spans(&months, "UTC")
            .into_iter()
            .map(|s| s.label)
            .collect();
        assert_eq!(labels, ["Jan 2024", "Jun 2024"]);
    }

    #[test]
    fn hostile_names_and_titles_stay_text_in_well_formed_svg() {
        use probity_domain::timeline::*;
        let hostile = [
            "</svg><script>alert(1)</script>",
            "Ana\u{200b}\u{202e}Reyes & \"Co\" <b>",
            "=HYPERLINK(\"http://x\")",
            &"x".repeat(5_000),
        ];
        let events: Vec<Event> = hostile
            .iter()
            .enumerate()
            .map(|(index, name)| Event {
                event_id: index as i64,
                case_id: 1,
                incident_id: 1,
                incident_title: String::new(),
                earliest: format!("2024-11-2{index}T10:00:00Z"),
                latest: format!("2024-11-2{index}T12:00:00Z"),
                precision: Precision::Approximate,
                local_start: "<i>".into(),
                local_end: String::new(),
                time_zone: "UTC".into(),
                discovered_on: String::new(),
                kind: EventKind::Other,
                channel: Channel::NotApplicable,
                information: Vec::new(),
                permitted_basis: PermittedBasis::Unknown,
                narrative: String::new(),
                actors: vec![EventParty {
                    party_id: index as i64,
                    name: name.to_string(),
                }],
                recipients: Vec::new(),
                exhibits: Vec::new(),
                messages: Vec::new(),
                interviews: Vec::new(),
                updated_at: time::OffsetDateTime::UNIX_EPOCH,
                version: 1,
                case_time: String::new(),
            })
            .collect();
        for standalone in [true, false] {
            let svg = chart_svg(&events, "<script>x</script>", "Not/AZone", standalone);
            assert!(!svg.contains("<script"), "markup stays text");
            assert_eq!(svg.matches("</svg>").count(), 1);
            // Every element opened is closed: the drawing parses as XML.
            let mut reader = quick_xml::Reader::from_str(&svg);
            let mut depth = 0i64;
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                    Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(error) => panic!("not well-formed: {error}"),
                }
            }
            assert_eq!(depth, 0);
            // An unknown zone falls back to UTC rather than failing.
            assert!(svg.contains("times in Not/AZone"));
        }
    }

    #[test]
    fn long_names_wrap_and_very_long_ones_are_shortened() {
        let (lines, shortened) = name_lines("Federal immigration enforcement agents");
        assert_eq!(lines, ["Federal immigration", "enforcement agents"]);
        assert!(!shortened);
        let (lines, shortened) = name_lines(&"word ".repeat(40));
        assert_eq!(lines.len(), 2);
        assert!(shortened && lines[1].ends_with('…'));
        let (lines, shortened) = name_lines(&"x".repeat(500));
        assert!(shortened && lines[0].chars().count() <= NAME_LINE);
    }
}
