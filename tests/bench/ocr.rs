//! Text in images: known text is drawn into screenshot-like images (a title bar, light and
//! dark screens) in several fonts and sizes, read by the engine alone and by Probity's
//! preparation, and compared character by character with what was drawn.

use ab_glyph::FontVec;
use probity_server::demo::screenshot::screen;
use probity_server::evidence::ocr::{Reading, read_image};
use std::path::Path;

/// The title bar of every screen.
const TITLE: &str = "PHDOC Inmate Lookup - Detainee Detail";

/// What the screens say: the kinds of lines a jail-management or case screen shows.
const LINES: [&str; 6] = [
    "NAME: PETRAKIS, JONAH",
    "Booking No. 2024-118842",
    "Status: RELEASED 11/21/24 4:41 PM",
    "Housing: Unit 4B, Bed 12",
    "Charges: none pending; detainer requested",
    "Officer: M. Reyes-Calder (ID 7731)",
];

/// Fonts screens are drawn in, where the machine has them (Debian's DejaVu and Liberation
/// packages; the browser tests install them).
const FONTS: [(&str, &str); 5] = [
    (
        "DejaVu Sans",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    (
        "Liberation Sans",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ),
    (
        "DejaVu Sans Mono",
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    ),
    (
        "Liberation Serif",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    ),
    (
        "DejaVu Serif",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    ),
];

/// Text sizes (the font's pixel height, as a screen sets it).
const SIZES: [f32; 6] = [10.0, 12.0, 14.0, 16.0, 20.0, 28.0];

/// Lines trimmed and with single spaces, empty lines dropped.
fn normalise(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect()
}

/// Edit distance between two character sequences.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// Errors and characters of what was read against the title and the lines, in order.
fn errors(read: &str) -> (usize, usize) {
    let expected: Vec<char> = std::iter::once(TITLE)
        .chain(LINES)
        .collect::<Vec<_>>()
        .join("\n")
        .chars()
        .collect();
    let got: Vec<char> = normalise(read).join("\n").chars().collect();
    (distance(&expected, &got), expected.len())
}

/// The character error rate of each size, before and after, over every font and both
/// screens; and, for the prepared images, of each page segmentation mode.
pub async fn run(scratch: &Path, quick: bool) -> Vec<(String, String, String, String, String)> {
    let fonts: Vec<(&str, FontVec)> = FONTS
        .iter()
        .filter_map(|(name, path)| {
            let bytes = std::fs::read(path).ok()?;
            Some((*name, FontVec::try_from_vec(bytes).ok()?))
        })
        .take(if quick { 1 } else { FONTS.len() })
        .collect();
    if fonts.is_empty() || !probity_server::evidence::ocr::installed().await {
        eprintln!("  OCR: no fonts or no tesseract on this machine; skipped");
        return Vec::new();
    }
    let sizes: &[f32] = if quick { &[12.0] } else { &SIZES };
    let modes: &[u8] = if quick {
        &[Reading::PROBITY.psm]
    } else {
        &[3, 4, 6, 11]
    };
    let mut rows = Vec::new();
    let mut worst_after_12 = 0f64;
    for size in sizes {
        let (mut before, mut total) = (0usize, 0usize);
        let mut after = vec![0usize; modes.len()];
        for (font_name, font) in &fonts {
            for dark in [false, true] {
                let path = scratch.join(format!(
                    "ocr-{}-{size}-{dark}.png",
                    font_name.replace(' ', "_")
                ));
                screen(font, *size, TITLE, &LINES, dark)
                    .save(&path)
                    .expect("save the screen");
                let plain = read_image(&path, Reading::PLAIN).await.expect("read");
                let (wrong, count) = errors(&plain.text);
                before += wrong;
                total += count;
                for (index, psm) in modes.iter().enumerate() {
                    let read = read_image(
                        &path,
                        Reading {
                            prepare: true,
                            psm: *psm,
                        },
                    )
                    .await
                    .expect("read");
                    let (wrong, _) = errors(&read.text);
                    after[index] += wrong;
                    if *psm == Reading::PROBITY.psm && wrong > 0 {
                        eprintln!(
                            "    {font_name} {size} px {}: {:?}",
                            if dark { "dark" } else { "light" },
                            normalise(&read.text)
                        );
                    }
                }
                let _ = std::fs::remove_file(&path);
            }
        }
        let rate = |wrong: usize| 100.0 * wrong as f64 / total.max(1) as f64;
        let chosen = modes
            .iter()
            .position(|psm| *psm == Reading::PROBITY.psm)
            .unwrap_or(0);
        if *size >= 12.0 {
            worst_after_12 = worst_after_12.max(rate(after[chosen]));
        }
        let by_mode = modes
            .iter()
            .zip(&after)
            .map(|(psm, wrong)| format!("psm {psm} {:.1} %", rate(*wrong)))
            .collect::<Vec<_>>()
            .join(", ");
        rows.push((
            format!(
                "OCR character error rate, text {size} px ({} fonts, light and dark screens; {by_mode})",
                fonts.len()
            ),
            format!("{:.2} %", rate(after[chosen])),
            format!("engine alone {:.2} %", rate(before)),
            format!(
                "{:.2}",
                rate(after[chosen]) / rate(before).max(0.0001)
            ),
            "< 2 % from 12 px".to_string(),
        ));
    }
    eprintln!("  OCR: worst error rate from 12 px up: {worst_after_12:.2} %");
    rows
}
