//! Small pictures for lists: a picture's bytes made into a square JPEG of
//! [`SIZE`] pixels (twice the 56 CSS pixels a list shows, for sharp
//! screens), its middle cropped to fill the square. Pure: bytes in, bytes
//! out; the server and the export read and keep the files.
//!
//! The pictures are the reader's own downloads, but a file can be anything:
//! decoding is bounded (dimensions and memory), and a file that is not a
//! picture, or too large a one, has no thumbnail.

use std::io::Cursor;

use image::{ImageReader, Limits, imageops::FilterType};

/// The side of a thumbnail, in pixels.
pub const SIZE: u32 = 112;
/// The largest picture made into one (a 100-megapixel photo is fine, a
/// decompression bomb is not).
const MAX_SIDE: u32 = 20_000;
const MAX_ALLOC: u64 = 512 << 20;
/// The JPEG quality: small, and good enough at this size.
const QUALITY: u8 = 80;

/// A thumbnail of the picture `bytes` (JPEG, PNG, GIF's first frame or
/// WebP), or `None` when they are not one that can be read within bounds.
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let picture = reader.decode().ok()?;
    let square = picture
        .resize_to_fill(SIZE, SIZE, FilterType::Triangle)
        .to_rgb8();
    let mut out = Vec::with_capacity(8 << 10);
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
    square.write_with_encoder(encoder).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut bytes = Vec::new();
        picture
            .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
            .unwrap();
        bytes
    }

    #[test]
    fn a_picture_becomes_a_small_square_jpeg() {
        let made = thumbnail(&png(300, 120)).expect("a thumbnail");
        assert_eq!(&made[..3], b"\xff\xd8\xff", "a JPEG");
        let back = image::load_from_memory(&made).unwrap();
        assert_eq!((back.width(), back.height()), (SIZE, SIZE));
    }

    #[test]
    fn what_is_not_a_picture_or_is_too_large_has_none() {
        assert!(thumbnail(b"not a picture at all").is_none());
        assert!(thumbnail(&[]).is_none());
        // A PNG header claiming 100,000 x 100,000 pixels.
        let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bomb.extend(100_000u32.to_be_bytes());
        bomb.extend(100_000u32.to_be_bytes());
        bomb.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(thumbnail(&bomb).is_none());
        // The first bytes of a real picture only.
        assert!(thumbnail(&png(64, 64)[..60]).is_none());
    }
}
