//! Text extraction in the background: from images with the `tesseract` command, and from
//! PDFs with poppler's `pdftotext` (the text layer a PDF carries, exactly as written; a
//! scanned PDF without one gives no text). Each exhibit's extraction is a job in the durable
//! job table ([`crate::jobs`]), so a restart picks it up again. Where a tool is missing, its
//! files are marked `unavailable` and nothing fails.
//!
//! Each image is prepared first ([`prepare`]): made grey, turned light-on-dark when it is a
//! dark screen, and scaled up so its lines of text are about 40 pixels tall (small screenshot
//! text is below what the engine reads well), with a white margin. The engine then reads it
//! with its automatic page segmentation (`--psm 3`): in the benchmark of screenshots it and
//! `--psm 4` (one column) read best, while `--psm 6` (one block) and `--psm 11` (sparse text)
//! made words of a window's title bar. Its confidence per word is kept. There are as many job
//! workers as the machine has cores, one engine thread each, each read under a time limit and
//! an address-space limit.

use crate::blobs::{BlobStore, LocalCopy};
use crate::storage::DynStore;
use image::{GrayImage, Luma};
use probity_domain::evidence::OcrStatus;
use std::io::Read as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Longest time one image may take.
const TIMEOUT: Duration = Duration::from_secs(120);
/// Most address space the engine may use for one image.
const MEMORY_LIMIT: u64 = 1536 * 1024 * 1024;
/// Most text kept per image.
const MAX_TEXT: usize = 1024 * 1024;
/// The line height (ascender to descender, in pixels) images are scaled to.
const TARGET_LINE: f32 = 40.0;
/// Largest scale applied, and most pixels a scaled image may have.
const MAX_SCALE: f32 = 4.0;
const MAX_PIXELS: f32 = 40_000_000.0;

/// Text read from an image and the engine's confidence in it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadText {
    pub text: String,
    /// Mean word confidence, 0 to 100, weighted by word length; `None` when no word was read.
    pub confidence: Option<i64>,
}

/// How to read an image: the engine alone on the file as it is, or prepared first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub prepare: bool,
    /// Tesseract's page segmentation mode.
    pub psm: u8,
}

impl Reading {
    /// What Probity does.
    pub const PROBITY: Reading = Reading {
        prepare: true,
        psm: 3,
    };
    /// The engine with its defaults, for comparison.
    pub const PLAIN: Reading = Reading {
        prepare: false,
        psm: 3,
    };
}

/// Starts text extraction: knows which tools this server has and submits the jobs.
#[derive(Clone)]
pub struct OcrQueue {
    jobs: crate::jobs::JobQueue,
    /// tesseract answers: images are read.
    images: bool,
    /// pdftotext answers: PDFs' text is extracted.
    pdfs: bool,
}

impl OcrQueue {
    /// Looks for the tools; the jobs go to `jobs`.
    pub async fn new(jobs: crate::jobs::JobQueue) -> OcrQueue {
        let (images, pdfs) = (installed().await, pdftotext_installed().await);
        if !images {
            tracing::warn!("tesseract is not installed: images will not have their text extracted");
        }
        if !pdfs {
            tracing::warn!("pdftotext is not installed: PDFs will not have their text extracted");
        }
        OcrQueue { jobs, images, pdfs }
    }

    /// True when tesseract is installed and images are read.
    pub fn available(&self) -> bool {
        self.images
    }

    /// The status a new file starts with: pending for an image or a PDF whose tool is
    /// installed, unavailable when it is not, not applicable for other files.
    pub fn initial_status(&self, media_type: &str) -> OcrStatus {
        let (applies, tool) = if media_type == "application/pdf" {
            (true, self.pdfs)
        } else if super::documents::family(media_type).is_some() {
            // Read in Rust: nothing to install.
            (true, true)
        } else {
            (
                super::previews::is_thumbnailable(media_type) || media_type == "image/tiff",
                self.images,
            )
        };
        match (applies, tool) {
            (false, _) => OcrStatus::NotApplicable,
            (true, true) => OcrStatus::Pending,
            (true, false) => OcrStatus::Unavailable,
        }
    }

    /// Submits an exhibit's text extraction as a job.
    pub async fn enqueue(
        &self,
        case_id: i64,
        exhibit_id: i64,
    ) -> crate::storage::StoreResult<probity_domain::jobs::Job> {
        self.jobs
            .submit(crate::storage::jobs::NewJob {
                kind: probity_domain::jobs::JobKind::TextExtraction,
                case_id,
                subject: probity_domain::jobs::exhibit_subject(exhibit_id),
                params: "{}".to_string(),
                created_by: None,
            })
            .await
    }
}

/// A text-extraction job: reads the exhibit's text (an image with tesseract, a PDF's text
/// layer, an office document's XML) and records it. An exhibit no longer waiting (read by an
/// earlier start of the job) is left as it is.
pub async fn extract(
    store: &DynStore,
    blobs: &Arc<dyn BlobStore>,
    job: &probity_domain::jobs::Job,
) -> Result<Option<String>, String> {
    const GONE: &str = "The exhibit is no longer there.";
    let exhibit_id = job.exhibit_id().ok_or(GONE)?;
    let exhibit = match store.exhibit(job.case_id, exhibit_id).await {
        Ok(Some(exhibit)) => exhibit,
        Ok(None) => return Err(GONE.to_string()),
        Err(error) => {
            tracing::error!(exhibit_id, %error, "cannot read an exhibit for text extraction");
            return Err("The records could not be read; no text was recorded.".into());
        }
    };
    if exhibit.ocr_status != OcrStatus::Pending {
        return Ok(None);
    }
    let read = match blobs.local_copy(&exhibit.sha256).await {
        Ok(copy) if is_pdf(copy.path()) => read_pdf(copy.path()).await,
        Ok(copy) if let Some(family) = document_family(copy.path()) => {
            read_document(copy.path(), family).await
        }
        Ok(copy) => read_image(copy.path(), Reading::PROBITY).await,
        Err(error) => Err(error.to_string()),
    };
    let (status, read) = match read {
        Ok(read) => (OcrStatus::Done, Some(read)),
        Err(error) => {
            tracing::warn!(exhibit_id, %error, "text extraction failed");
            (OcrStatus::Failed, None)
        }
    };
    let (text, confidence) = match &read {
        Some(read) => (Some(read.text.as_str()), read.confidence),
        None => (None, None),
    };
    if let Err(error) = store.set_ocr(exhibit_id, status, text, confidence).await {
        tracing::error!(exhibit_id, %error, "cannot record text extraction");
        return Err("The text was read but could not be recorded.".into());
    }
    match status {
        OcrStatus::Done => Ok(None),
        _ => Err("The file's text could not be read.".to_string()),
    }
}

/// True when the `tesseract` command answers.
pub async fn installed() -> bool {
    tokio::process::Command::new("tesseract")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .is_ok_and(|status| status.success())
}

/// Reads the text of an image file.
pub async fn read_image(path: &Path, reading: Reading) -> Result<ReadText, String> {
    let prepared = if reading.prepare {
        let source = path.to_path_buf();
        let prepared = tokio::task::spawn_blocking(move || prepare_file(&source))
            .await
            .map_err(|error| error.to_string())??;
        Some(prepared)
    } else {
        None
    };
    let input = prepared.as_ref().map_or(path, LocalCopy::path);
    let result = run_engine(input, reading.psm).await;
    drop(prepared);
    result
}

/// A prepared copy of an image in the temporary folder, removed when dropped.
fn prepare_file(path: &Path) -> Result<LocalCopy, String> {
    let image = super::previews::decode_limited(path)?;
    let prepared = prepare(&image.to_luma8());
    let target = LocalCopy::temporary("probity-ocr-", ".png").map_err(|error| error.to_string())?;
    prepared
        .save_with_format(target.path(), image::ImageFormat::Png)
        .map_err(|error| error.to_string())?;
    Ok(target)
}

/// Makes a grey image easy for the engine: dark text on white, lines about
/// [`TARGET_LINE`] pixels tall, a white margin.
pub fn prepare(grey: &GrayImage) -> GrayImage {
    let mut grey = grey.clone();
    let pixels = (grey.width() as u64 * grey.height() as u64).max(1);
    let mean = grey.pixels().map(|pixel| pixel.0[0] as u64).sum::<u64>() / pixels;
    if mean < 128 {
        // A dark screen: light text on a dark background.
        image::imageops::invert(&mut grey);
    }
    let threshold = otsu(&grey);
    let scale = match line_height(&grey, threshold) {
        Some(height) => (TARGET_LINE / height as f32).clamp(1.0, MAX_SCALE),
        None => 1.0,
    };
    let area = grey.width() as f32 * grey.height() as f32;
    let scale = scale.min((MAX_PIXELS / area.max(1.0)).sqrt()).max(1.0);
    let grey = if scale >= 1.2 {
        let width = (grey.width() as f32 * scale).round() as u32;
        let height = (grey.height() as f32 * scale).round() as u32;
        image::imageops::resize(
            &grey,
            width,
            height,
            image::imageops::FilterType::CatmullRom,
        )
    } else {
        grey
    };
    let margin = 16;
    let mut framed = GrayImage::from_pixel(
        grey.width() + 2 * margin,
        grey.height() + 2 * margin,
        Luma([255]),
    );
    image::imageops::overlay(&mut framed, &grey, margin.into(), margin.into());
    framed
}

/// Otsu's threshold between ink and paper.
fn otsu(grey: &GrayImage) -> u8 {
    let mut histogram = [0u64; 256];
    for pixel in grey.pixels() {
        histogram[pixel.0[0] as usize] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let sum: f64 = histogram
        .iter()
        .enumerate()
        .map(|(value, count)| value as f64 * *count as f64)
        .sum();
    let (mut below, mut below_sum, mut best, mut threshold) = (0u64, 0f64, 0f64, 128u8);
    for (value, count) in histogram.iter().enumerate() {
        below += count;
        if below == 0 || below == total {
            continue;
        }
        below_sum += value as f64 * *count as f64;
        let above = total - below;
        let (mean_below, mean_above) = (below_sum / below as f64, (sum - below_sum) / above as f64);
        let between = below as f64 * above as f64 * (mean_below - mean_above).powi(2);
        if between > best {
            best = between;
            threshold = value as u8;
        }
    }
    threshold
}

/// The median height of the bands of rows holding ink: a line of text, ascender to
/// descender. Bands that fill most of the row (bars, boxes) and specks are left out.
fn line_height(grey: &GrayImage, threshold: u8) -> Option<u32> {
    let width = grey.width().max(1);
    let mut heights = Vec::new();
    let mut run = 0u32;
    for y in 0..grey.height() {
        let ink = (0..width)
            .filter(|x| grey.get_pixel(*x, y).0[0] <= threshold)
            .count() as u32;
        let text_row = ink > 0 && ink < width * 7 / 10;
        if text_row {
            run += 1;
        } else {
            if run >= 5 {
                heights.push(run);
            }
            run = 0;
        }
    }
    if run >= 5 {
        heights.push(run);
    }
    heights.sort_unstable();
    heights.get(heights.len() / 2).copied()
}

/// Runs the engine on a file and reads its word table. The engine runs under `prlimit`
/// (util-linux), which caps its address space, so one hostile image cannot take the
/// machine's memory; where `prlimit` is missing it runs without the cap.
/// True when the `pdftotext` command (poppler-utils) answers.
pub async fn pdftotext_installed() -> bool {
    tokio::process::Command::new("pdftotext")
        .arg("-v")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .is_ok()
}

/// True when the file begins as a PDF does (the content decides, never the name).
fn is_pdf(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 5];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut head))
        .is_ok()
        && &head == b"%PDF-"
}

/// The family of an office document whose text is read, judged from its content.
fn document_family(path: &Path) -> Option<super::documents::Family> {
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(path)
        .and_then(|file| file.take(8192).read_to_end(&mut head))
        .ok()?;
    super::documents::family(&super::media::detect(&head, "").media_type)
}

/// The text of an office document, read on a blocking thread. Like a PDF's text layer, it
/// has no confidence.
async fn read_document(path: &Path, family: super::documents::Family) -> Result<ReadText, String> {
    let path = path.to_path_buf();
    let text = tokio::task::spawn_blocking(move || super::documents::read(&path, family, MAX_TEXT))
        .await
        .map_err(|error| error.to_string())??;
    Ok(ReadText {
        text,
        confidence: None,
    })
}

/// The text layer of a PDF, page after page, as `pdftotext` gives it (UTF-8, the reading
/// order it finds), under the same time and memory limits as image reading. There is no
/// confidence: the text is what the file holds, not a machine's reading of pixels.
pub async fn read_pdf(path: &Path) -> Result<ReadText, String> {
    let args = [
        "-enc".into(),
        "UTF-8".into(),
        "-q".into(),
        path.as_os_str().to_owned(),
        "-".into(),
    ];
    let output = run_limited("pdftotext", &args, &[]).await?;
    // Page breaks arrive as form feeds; lines keep their ends.
    let mut text = String::from_utf8_lossy(&output.stdout)
        .replace('\u{c}', "\n")
        .trim_end()
        .to_string();
    if text.len() > MAX_TEXT {
        text = crate::messages::clip(text, MAX_TEXT);
    }
    Ok(ReadText {
        text,
        confidence: None,
    })
}

/// Runs an extraction tool under [`TIMEOUT`] and, where `prlimit` exists, [`MEMORY_LIMIT`]
/// of address space; its standard output when it succeeds.
async fn run_limited(
    program: &str,
    args: &[std::ffi::OsString],
    env: &[(&str, &str)],
) -> Result<std::process::Output, String> {
    let tool = |capped: bool| {
        let mut command = if capped {
            let mut command = tokio::process::Command::new("prlimit");
            command
                .arg(format!("--as={MEMORY_LIMIT}"))
                .arg("--")
                .arg(program);
            command
        } else {
            tokio::process::Command::new(program)
        };
        command
            .args(args)
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        command
    };
    let run = |capped: bool| async move {
        tokio::time::timeout(TIMEOUT, tool(capped).output())
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out"))?
    };
    let output = match run(true).await {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => run(false).await,
        other => other,
    }
    .map_err(|error| error.to_string())?;
    if !output.status.success() {
        return Err(format!("{program} exited with {}", output.status));
    }
    Ok(output)
}

async fn run_engine(path: &Path, psm: u8) -> Result<ReadText, String> {
    let args = [
        path.as_os_str().to_owned(),
        "stdout".into(),
        "--psm".into(),
        psm.to_string().into(),
        "tsv".into(),
    ];
    // One engine thread per job: the pool is what uses the cores.
    let output = run_limited("tesseract", &args, &[("OMP_THREAD_LIMIT", "1")]).await?;
    let mut read = words_to_text(&String::from_utf8_lossy(&output.stdout));
    if read.text.len() > MAX_TEXT {
        read.text = crate::messages::clip(read.text, MAX_TEXT);
    }
    Ok(read)
}

/// Text and confidence from tesseract's TSV output (level, page, block, paragraph, line,
/// word, left, top, width, height, confidence, text): words joined by spaces, a line break
/// between lines, a blank line between blocks.
pub fn words_to_text(tsv: &str) -> ReadText {
    let mut text = String::new();
    let mut last: Option<(&str, &str, &str)> = None;
    let (mut weighted, mut letters) = (0f64, 0f64);
    for row in tsv.lines().skip(1) {
        let fields: Vec<&str> = row.splitn(12, '\t').collect();
        let [
            level,
            _,
            block,
            paragraph,
            line,
            _,
            _,
            _,
            _,
            _,
            confidence,
            word,
        ] = fields[..]
        else {
            continue;
        };
        let word = word.trim();
        if level != "5" || word.is_empty() {
            continue;
        }
        let place = (block, paragraph, line);
        match last {
            Some(previous) if previous == place => text.push(' '),
            Some((previous_block, _, _)) if previous_block != block => text.push_str("\n\n"),
            Some(_) => text.push('\n'),
            None => {}
        }
        last = Some(place);
        text.push_str(word);
        if let Ok(confidence) = confidence.trim().parse::<f64>()
            && confidence >= 0.0
        {
            let length = word.chars().count() as f64;
            weighted += confidence * length;
            letters += length;
        }
    }
    ReadText {
        text,
        confidence: (letters > 0.0).then(|| (weighted / letters).round() as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_table_becomes_lines_and_a_confidence() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n\
            5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t90\tNAME:\n\
            5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t80\tPETRAKIS,\n\
            5\t1\t1\t1\t2\t1\t0\t0\t10\t10\t70\tJONAH\n\
            5\t1\t2\t1\t1\t1\t0\t0\t10\t10\t100\tOK\n";
        let read = words_to_text(tsv);
        assert_eq!(read.text, "NAME: PETRAKIS,\nJONAH\n\nOK");
        // (90*5 + 80*9 + 70*5 + 100*2) / 21
        assert_eq!(read.confidence, Some(82));
        assert_eq!(words_to_text("header only\n").confidence, None);
    }

    #[test]
    fn small_dark_text_is_inverted_and_scaled_up() {
        // A dark screen with two 10-pixel lines of light "text".
        let mut grey = GrayImage::from_pixel(200, 60, Luma([20]));
        for y in (10..20).chain(35..45) {
            for x in (10..150).step_by(3) {
                grey.put_pixel(x, y, Luma([230]));
            }
        }
        let prepared = prepare(&grey);
        assert!(prepared.width() >= 200 * 3, "{}", prepared.width());
        assert_eq!(prepared.get_pixel(0, 0).0[0], 255, "white margin");
        // The background is light now.
        let centre = prepared.get_pixel(prepared.width() - 20, prepared.height() / 2);
        assert!(centre.0[0] > 200);
    }
}
