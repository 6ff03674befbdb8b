//! Draws the demo's fictional screenshot: a screen of an invented jail-management system,
//! with its text in a built-in 5x7 pixel font, so that text extraction has something to read.

use image::{Rgb, RgbImage};

/// Rows of a 5x7 glyph, the top bit of each row's five being the leftmost pixel.
fn glyph(c: char) -> [u8; 7] {
    match c.to_ascii_uppercase() {
        'A' => [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'B' => [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'D' => [0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'M' => [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'P' => [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        'Q' => [0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A],
        'X' => [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04],
        'Z' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F],
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        ':' => [0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00],
        '-' => [0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C],
        ',' => [0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08],
        '/' => [0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00],
        _ => [0; 7],
    }
}

/// Pixels per font pixel.
const SCALE: u32 = 4;
const MARGIN: u32 = 24;
const LINE: u32 = 8 * SCALE + 12;

/// Draws lines of text, black on white, with a title bar, as a PNG.
pub fn text_png(title: &str, lines: &[&str]) -> Vec<u8> {
    let longest = lines
        .iter()
        .chain(std::iter::once(&title))
        .map(|line| line.chars().count() as u32)
        .max()
        .unwrap_or(1);
    let width = MARGIN * 2 + longest * 6 * SCALE;
    let height = MARGIN * 2 + LINE * (lines.len() as u32 + 2);
    let mut image = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
    // The title bar, as a system's window would have.
    for y in 0..LINE + MARGIN / 2 {
        for x in 0..width {
            image.put_pixel(x, y, Rgb([22, 46, 81]));
        }
    }
    draw(&mut image, title, MARGIN, MARGIN / 2, Rgb([255, 255, 255]));
    for (index, line) in lines.iter().enumerate() {
        let y = MARGIN + LINE * (index as u32 + 2);
        draw(&mut image, line, MARGIN, y, Rgb([0, 0, 0]));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    // Encoding an in-memory RGB image as PNG cannot fail.
    let _ = image::DynamicImage::ImageRgb8(image).write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

fn draw(image: &mut RgbImage, text: &str, left: u32, top: u32, color: Rgb<u8>) {
    for (index, c) in text.chars().enumerate() {
        let origin = left + index as u32 * 6 * SCALE;
        for (row, bits) in glyph(c).iter().enumerate() {
            for column in 0..5u32 {
                if bits & (0x10 >> column) != 0 {
                    for dy in 0..SCALE {
                        for dx in 0..SCALE {
                            let (x, y) =
                                (origin + column * SCALE + dx, top + row as u32 * SCALE + dy);
                            if x < image.width() && y < image.height() {
                                image.put_pixel(x, y, color);
                            }
                        }
                    }
                }
            }
        }
    }
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
        let png = super::text_png("TITLE", &["LINE ONE", "2"]);
        let image = image::load_from_memory(&png).expect("a PNG");
        assert_eq!(image.width(), 24 * 2 + 8 * 24);
        assert!(image.height() > 100);
    }
}
