//! Draws screens with known text: the demo's fictional screenshot of an invented
//! jail-management system, and the benchmark's screens in several fonts and sizes. Text is
//! drawn antialiased from a real font, as a screen shows it, so that text extraction is
//! measured on what screenshots look like.

use ab_glyph::{Font, FontVec, PxScale, ScaleFont as _};
use image::{Rgb, RgbImage};

/// The font the demo draws in: DejaVu Sans Mono, which the report engine's fonts include.
pub fn demo_font() -> Option<FontVec> {
    let contains = |data: &[u8], needle: &[u8]| data.windows(needle.len()).any(|w| w == needle);
    typst_assets::fonts()
        .filter(|data| contains(data, b"DejaVu Sans Mono"))
        .filter(|data| !contains(data, b"Bold") && !contains(data, b"Oblique"))
        .find_map(|data| FontVec::try_from_vec(data.to_vec()).ok())
}

/// Draws a screen: a title bar with `title` in white, then `lines`, dark on white, or light on
/// a dark screen, in `font` at `size` pixels.
pub fn screen(font: &FontVec, size: f32, title: &str, lines: &[&str], dark: bool) -> RgbImage {
    let scale = PxScale::from(size);
    let scaled = font.as_scaled(scale);
    let line_height = (scaled.height() + scaled.line_gap()).ceil().max(size) * 1.4;
    let width_of = |text: &str| -> f32 {
        text.chars()
            .map(|c| scaled.h_advance(font.glyph_id(c)))
            .sum()
    };
    let widest = lines
        .iter()
        .chain(std::iter::once(&title))
        .map(|line| width_of(line))
        .fold(0.0, f32::max);
    let margin = (size * 1.5).ceil();
    let width = (widest + 2.0 * margin).ceil() as u32;
    let bar = (line_height + size).ceil() as u32;
    let height = bar + (margin * 2.0 + line_height * lines.len() as f32).ceil() as u32;
    let (paper, ink) = if dark {
        ([28u8, 28, 30], [225u8, 225, 225])
    } else {
        ([255u8, 255, 255], [33u8, 33, 33])
    };
    let bar_colour = [22u8, 46, 81];
    let mut image = RgbImage::from_pixel(width, height, Rgb(paper));
    for y in 0..bar {
        for x in 0..width {
            image.put_pixel(x, y, Rgb(bar_colour));
        }
    }
    let title_baseline = (bar as f32 - scaled.height()) / 2.0 + scaled.ascent();
    draw(
        &mut image,
        font,
        scale,
        title,
        margin,
        title_baseline,
        bar_colour,
        [255, 255, 255],
    );
    for (index, line) in lines.iter().enumerate() {
        let baseline = bar as f32 + margin + line_height * index as f32 + scaled.ascent();
        draw(&mut image, font, scale, line, margin, baseline, paper, ink);
    }
    image
}

/// Draws one line of text from `left` on `baseline`, blending `ink` over `paper`.
#[allow(clippy::too_many_arguments)]
fn draw(
    image: &mut RgbImage,
    font: &FontVec,
    scale: PxScale,
    text: &str,
    left: f32,
    baseline: f32,
    paper: [u8; 3],
    ink: [u8; 3],
) {
    let scaled = font.as_scaled(scale);
    let (width, height) = image.dimensions();
    let mut x = left;
    let mut previous = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(before) = previous {
            x += scaled.kern(before, id);
        }
        let glyph = id.with_scale_and_position(scale, ab_glyph::point(x, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                if px >= 0 && py >= 0 && (px as u32) < width && (py as u32) < height {
                    let pixel = image.get_pixel_mut(px as u32, py as u32);
                    for channel in 0..3 {
                        let (p, i) = (f32::from(paper[channel]), f32::from(ink[channel]));
                        pixel.0[channel] = (p + (i - p) * coverage.min(1.0)).round() as u8;
                    }
                }
            });
        }
        x += scaled.h_advance(id);
        previous = Some(id);
    }
}

/// Draws lines of text, dark on white, under a title bar, as a PNG: the demo's screen, in
/// DejaVu Sans Mono at 22 pixels (a blank white image of the same layout if that font were
/// missing, which it cannot be: it is compiled in).
pub fn text_png(title: &str, lines: &[&str]) -> Vec<u8> {
    let image = match demo_font() {
        Some(font) => screen(&font, 22.0, title, lines, false),
        None => RgbImage::from_pixel(64, 64, Rgb([255, 255, 255])),
    };
    let mut out = std::io::Cursor::new(Vec::new());
    // Encoding an in-memory RGB image as PNG cannot fail.
    let _ = image::DynamicImage::ImageRgb8(image).write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

/// The EXIF fields a phone camera writes, for [`jpeg_with_exif`].
pub struct CameraExif<'a> {
    pub make: &'a str,
    pub model: &'a str,
    /// `YYYY:MM:DD HH:MM:SS`, as EXIF writes it.
    pub taken: &'a str,
}

/// Re-encodes a PNG as a JPEG carrying EXIF metadata, as a phone photo of a screen would.
pub fn jpeg_with_exif(png: &[u8], camera: &CameraExif<'_>) -> Result<Vec<u8>, String> {
    use exif::{Field, In, Tag, Value};
    let image = image::load_from_memory(png).map_err(|e| e.to_string())?;
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image
        .to_rgb8()
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .map_err(|e| e.to_string())?;
    let jpeg = jpeg.into_inner();
    let ascii = |text: &str| Value::Ascii(vec![text.as_bytes().to_vec()]);
    let fields = [
        Field {
            tag: Tag::Make,
            ifd_num: In::PRIMARY,
            value: ascii(camera.make),
        },
        Field {
            tag: Tag::Model,
            ifd_num: In::PRIMARY,
            value: ascii(camera.model),
        },
        Field {
            tag: Tag::DateTimeOriginal,
            ifd_num: In::PRIMARY,
            value: ascii(camera.taken),
        },
    ];
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    writer.write(&mut tiff, false).map_err(|e| e.to_string())?;
    let tiff = tiff.into_inner();
    // APP1 segment right after the start-of-image marker: "Exif\0\0" then the TIFF block.
    let length = u16::try_from(2 + 6 + tiff.len()).map_err(|_| "EXIF too large".to_string())?;
    let mut out = Vec::with_capacity(jpeg.len() + tiff.len() + 10);
    out.extend_from_slice(jpeg.get(..2).ok_or("not a JPEG")?);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(jpeg.get(2..).ok_or("not a JPEG")?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_a_png_sized_to_its_text() {
        assert!(
            super::demo_font().is_some(),
            "the compiled-in font is found"
        );
        let short =
            image::load_from_memory(&super::text_png("TITLE", &["LINE ONE", "2"])).expect("a PNG");
        let long = image::load_from_memory(&super::text_png("TITLE", &["LINE ONE IS LONGER", "2"]))
            .expect("a PNG");
        assert!(long.width() > short.width());
        assert!(short.height() > 100);
        // Some pixels are ink.
        assert!(short.to_luma8().pixels().any(|pixel| pixel.0[0] < 100));
    }
}
