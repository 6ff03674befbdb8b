//! Previews: thumbnails of images (with decoder limits against pixel floods and
//! decompression bombs), EXIF metadata, and the start of text files.

use image::{ImageFormat, ImageReader, Limits};
use std::io::Cursor;
use std::path::PathBuf;
use tokio::io::AsyncReadExt as _;

/// Largest width or height decoded.
const MAX_DIMENSION: u32 = 16_384;
/// Most memory the decoder may allocate.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// Thumbnail bounding box.
const THUMBNAIL: u32 = 480;
/// How much of a text file is shown.
pub const TEXT_PREVIEW_BYTES: usize = 64 * 1024;

/// True for images Probity draws thumbnails of.
pub fn is_thumbnailable(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// Decodes an image file within the decoder limits (blocking).
pub fn decode_limited(path: &std::path::Path) -> Result<image::DynamicImage, String> {
    let mut reader = ImageReader::open(path)
        .map_err(|error| error.to_string())?
        .with_guessed_format()
        .map_err(|error| error.to_string())?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    reader.decode().map_err(|error| error.to_string())
}

/// A PNG thumbnail of an image file, on the blocking pool.
pub async fn thumbnail(path: PathBuf) -> Result<Vec<u8>, String> {
    tokio::task::spawn_blocking(move || {
        let image = decode_limited(&path)?;
        let small = image.thumbnail(THUMBNAIL, THUMBNAIL);
        let mut out = Cursor::new(Vec::new());
        small
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|error| error.to_string())?;
        Ok(out.into_inner())
    })
    .await
    .map_err(|error| error.to_string())?
}

/// The EXIF fields worth showing, as `(label, value)`; empty when there are none.
pub async fn exif(path: PathBuf) -> Vec<(String, String)> {
    tokio::task::spawn_blocking(move || {
        let Ok(file) = std::fs::File::open(&path) else {
            return Vec::new();
        };
        let mut reader = std::io::BufReader::new(file);
        let Ok(data) = exif::Reader::new().read_from_container(&mut reader) else {
            return Vec::new();
        };
        let wanted = [
            (exif::Tag::Make, "Camera make"),
            (exif::Tag::Model, "Camera model"),
            (exif::Tag::Software, "Software"),
            (exif::Tag::DateTimeOriginal, "Taken"),
            (exif::Tag::DateTime, "Modified"),
            (exif::Tag::OffsetTimeOriginal, "Time zone"),
            (exif::Tag::GPSLatitude, "GPS latitude"),
            (exif::Tag::GPSLatitudeRef, "GPS latitude reference"),
            (exif::Tag::GPSLongitude, "GPS longitude"),
            (exif::Tag::GPSLongitudeRef, "GPS longitude reference"),
            (exif::Tag::GPSAltitude, "GPS altitude"),
            (exif::Tag::PixelXDimension, "Width"),
            (exif::Tag::PixelYDimension, "Height"),
        ];
        wanted
            .iter()
            .filter_map(|(tag, label)| {
                data.get_field(*tag, exif::In::PRIMARY).map(|field| {
                    let value = field.display_value().with_unit(&data).to_string();
                    // Text fields come quoted; the quotes are not part of the value.
                    let value = value.trim_matches('"');
                    (label.to_string(), value.chars().take(200).collect())
                })
            })
            .collect()
    })
    .await
    .unwrap_or_default()
}

/// The start of a text blob, cut at a character boundary; `None` when it cannot be read.
pub async fn text_preview(
    store: &dyn crate::blobs::BlobStore,
    sha256: &str,
) -> Option<(String, bool)> {
    let reader = store.open(sha256).await.ok()?;
    let mut buffer = Vec::with_capacity(TEXT_PREVIEW_BYTES);
    let read = reader
        .take(TEXT_PREVIEW_BYTES as u64 + 1)
        .read_to_end(&mut buffer)
        .await
        .ok()?;
    let truncated = read > TEXT_PREVIEW_BYTES;
    buffer.truncate(TEXT_PREVIEW_BYTES);
    Some((super::media::text_of(&buffer), truncated))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_png(width: u32, height: u32) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("probity-thumb-{}.png", crate::auth::random_token()));
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
        image.save(&path).expect("save");
        path
    }

    #[tokio::test]
    async fn thumbnails_are_small_pngs() {
        let path = write_png(1200, 600);
        let png = thumbnail(path.clone()).await.expect("thumbnail");
        let small = image::load_from_memory(&png).expect("decodes");
        assert_eq!((small.width(), small.height()), (480, 240));
        let _ = std::fs::remove_file(path);
    }

    #[tokio::test]
    async fn a_pixel_flood_is_refused_without_allocating_it() {
        // A valid PNG header claiming 100,000 x 100,000 pixels.
        let mut bytes = vec![
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
        ];
        bytes.extend_from_slice(&100_000u32.to_be_bytes());
        bytes.extend_from_slice(&100_000u32.to_be_bytes());
        bytes.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = crc32(&bytes[12..]);
        bytes.extend_from_slice(&crc.to_be_bytes());
        let path =
            std::env::temp_dir().join(format!("probity-flood-{}.png", crate::auth::random_token()));
        std::fs::write(&path, &bytes).expect("write");
        assert!(thumbnail(path.clone()).await.is_err());
        let _ = std::fs::remove_file(path);
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in data {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[tokio::test]
    async fn exif_of_a_phone_photo_is_shown() {
        let png = crate::demo::screenshot::text_png("EXIF", &["TEST"]);
        let jpeg = crate::demo::screenshot::jpeg_with_exif(
            &png,
            &crate::demo::screenshot::CameraExif {
                make: "Probity Phones",
                model: "Model 7",
                taken: "2024:11:21 16:45:10",
            },
        )
        .expect("jpeg");
        let path =
            std::env::temp_dir().join(format!("probity-exif-{}.jpg", crate::auth::random_token()));
        std::fs::write(&path, jpeg).expect("write");
        let fields = exif(path.clone()).await;
        let get = |label: &str| {
            fields
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("Camera make").as_deref(), Some("Probity Phones"));
        assert_eq!(get("Taken").as_deref(), Some("2024-11-21 16:45:10"));
        assert!(
            thumbnail(path.clone()).await.is_ok(),
            "the JPEG still decodes"
        );
        let _ = std::fs::remove_file(path);
    }

    #[tokio::test]
    async fn no_exif_is_an_empty_list() {
        let path = write_png(10, 10);
        assert!(exif(path.clone()).await.is_empty());
        let _ = std::fs::remove_file(path);
    }
}
