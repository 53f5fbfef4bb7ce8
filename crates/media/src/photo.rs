//! Photos: decoded within limits, turned upright, scaled down and re-encoded as a JPEG that
//! carries pixels only.
//!
//! Guarantees: nothing of the input but its pixels reaches the output (the JPEG encoder writes
//! a bare JFIF header and the image; no EXIF, XMP, IPTC, ICC profile, comment or thumbnail);
//! a picture larger than the limit is refused from its header, before its pixels are allocated;
//! a large photo is scaled before it is turned, so at most one full-size copy of its pixels is
//! ever held.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use ourvoice_protocol::{MediaType, MAX_PHOTO_EDGE};
use std::io::Cursor;

use crate::{sniff, MediaError, Prepared};

/// The most pixels a photo taken on the phone may have (a 50-megapixel camera's full size).
pub const MAX_DECODED_PIXELS: u64 = 52_000_000;
/// The long edge of the console's thumbnails.
pub const THUMBNAIL_EDGE: u32 = 320;
/// JPEG quality of what is sent: plenty for a receipt or a road, small on a slow connection.
const PHOTO_QUALITY: u8 = 80;
const THUMBNAIL_QUALITY: u8 = 75;

/// A photo as the phone sends it: decoded (JPEG, PNG or WebP, at most [`MAX_DECODED_PIXELS`]),
/// turned by its orientation tag, at most [`MAX_PHOTO_EDGE`] on the long edge, a JPEG with no
/// metadata.
pub fn prepare_photo(bytes: &[u8]) -> Result<Prepared, MediaError> {
    let (image, orientation) = decode(bytes, MAX_DECODED_PIXELS)?;
    Ok(Prepared::new(
        encode(
            upright(fit(image, MAX_PHOTO_EDGE), orientation),
            PHOTO_QUALITY,
        )?,
        MediaType::Jpeg,
    ))
}

/// What the server keeps of a photo that arrived: the same, but one larger than a phone sends
/// ([`MAX_PHOTO_EDGE`] on either edge) is refused rather than decoded.
pub(crate) fn photo_on_arrival(bytes: &[u8]) -> Result<Prepared, MediaError> {
    let edge = u64::from(MAX_PHOTO_EDGE);
    let (image, orientation) = decode(bytes, edge * edge)?;
    if image.width().max(image.height()) > MAX_PHOTO_EDGE {
        return Err(MediaError::TooLarge);
    }
    Ok(Prepared::new(
        encode(upright(image, orientation), PHOTO_QUALITY)?,
        MediaType::Jpeg,
    ))
}

/// A small JPEG of a photo, at most [`THUMBNAIL_EDGE`] on the long edge.
pub fn thumbnail(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    let edge = u64::from(MAX_PHOTO_EDGE);
    let (image, orientation) = decode(bytes, edge * edge)?;
    encode(
        upright(fit(image, THUMBNAIL_EDGE), orientation),
        THUMBNAIL_QUALITY,
    )
}

/// Decodes a JPEG, PNG or WebP of at most `max_pixels`; answers it as stored and how it is
/// to be turned (turned after scaling, so that a large photo is never copied whole).
fn decode(bytes: &[u8], max_pixels: u64) -> Result<(DynamicImage, Orientation), MediaError> {
    let format = match sniff(bytes) {
        Some(MediaType::Jpeg) => image::ImageFormat::Jpeg,
        Some(MediaType::Png) => image::ImageFormat::Png,
        Some(MediaType::Webp) => image::ImageFormat::WebP,
        _ => return Err(MediaError::NotMedia),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    // Room for the decoded pixels (four bytes each at most) and the decoder's own buffers.
    limits.max_alloc = Some(max_pixels * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(MediaError::Unreadable);
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(MediaError::TooLarge);
    }
    let orientation = decoder.orientation().map_err(unreadable)?;
    let image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    Ok((image, orientation))
}

/// The image turned by its orientation tag.
fn upright(mut image: DynamicImage, orientation: Orientation) -> DynamicImage {
    image.apply_orientation(orientation);
    image
}

fn unreadable(error: image::ImageError) -> MediaError {
    match error {
        image::ImageError::Limits(_) => MediaError::TooLarge,
        image::ImageError::Unsupported(_) => MediaError::NotMedia,
        _ => MediaError::Unreadable,
    }
}

/// The image scaled down so that its long edge is at most `edge` (never scaled up): by
/// averaging the area each new pixel covers when it shrinks to half or less (no buffer but the
/// result's), by a triangle filter otherwise.
fn fit(image: DynamicImage, edge: u32) -> DynamicImage {
    let long = image.width().max(image.height());
    if long <= edge {
        image
    } else if long >= 2 * edge {
        image.thumbnail(edge, edge)
    } else {
        image.resize(edge, edge, FilterType::Triangle)
    }
}

/// A baseline JPEG of the pixels only; transparency is laid on white.
fn encode(image: DynamicImage, quality: u8) -> Result<Vec<u8>, MediaError> {
    let rgb = if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
        for (to, from) in rgb.pixels_mut().zip(rgba.pixels()) {
            let alpha = u32::from(from[3]);
            for channel in 0..3 {
                let on_white = (u32::from(from[channel]) * alpha + 255 * (255 - alpha)) / 255;
                to[channel] = on_white as u8;
            }
        }
        rgb
    } else {
        image.to_rgb8()
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&rgb)
        .map_err(|_| MediaError::Unreadable)?;
    Ok(out)
}
