//! Photos as cameras make them: a JPEG carrying EXIF (camera, orientation, GPS, an embedded
//! thumbnail), XMP, IPTC, an ICC profile and a comment, built here, comes out as pixels only,
//! turned upright; pictures whose header declares too many pixels are refused from the header.

use image::{ImageEncoder, Rgb, RgbImage};
use ourvoice_media::{check_arrival, prepare_photo, thumbnail, MediaError, THUMBNAIL_EDGE};
use ourvoice_protocol::MediaType;

const MAKE: &str = "Secretcam Industries";
const MODEL: &str = "Model SC-9 Private";
const COMMENT: &str = "Shot by Sok Dara at the commune office";
const XMP_NAMESPACE: &str = "http://ns.adobe.com/xap/1.0/";
const IPTC_SIGNATURE: &str = "Photoshop 3.0";
const ICC_SIGNATURE: &str = "ICC_PROFILE";
/// The GPS IFD's pointer entry in IFD0 (tag 0x8825, LONG, one value), as written big-endian.
const GPS_POINTER_ENTRY: [u8; 8] = [0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01];
/// The latitude's first rational, 11/1 degrees, and its reference entry (tag 1, ASCII, 2).
const GPS_LATITUDE_DEGREES: [u8; 8] = [0, 0, 0, 11, 0, 0, 0, 1];
const GPS_LATITUDE_REF_ENTRY: [u8; 8] = [0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02];

const RED: Rgb<u8> = Rgb([230, 20, 20]);
const BLUE: Rgb<u8> = Rgb([20, 20, 230]);

/// A 40x20 picture, blue with a red 10x10 top-left corner, as a plain JPEG.
fn plain_jpeg(width: u32, height: u32) -> Vec<u8> {
    let picture = RgbImage::from_fn(
        width,
        height,
        |x, y| {
            if x < 10 && y < 10 {
                RED
            } else {
                BLUE
            }
        },
    );
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            picture.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// One JPEG marker segment: marker, length, payload.
fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A big-endian TIFF IFD builder: entries with their values laid out after the IFD.
struct Ifd {
    entries: Vec<(u16, u16, u32, Vec<u8>)>,
}

impl Ifd {
    fn new() -> Ifd {
        Ifd {
            entries: Vec::new(),
        }
    }

    fn ascii(mut self, tag: u16, text: &str) -> Ifd {
        let mut value = text.as_bytes().to_vec();
        value.push(0);
        self.entries.push((tag, 2, value.len() as u32, value));
        self
    }

    fn short(mut self, tag: u16, value: u16) -> Ifd {
        let mut bytes = value.to_be_bytes().to_vec();
        bytes.extend_from_slice(&[0, 0]);
        self.entries.push((tag, 3, 1, bytes));
        self
    }

    fn long(mut self, tag: u16, value: u32) -> Ifd {
        self.entries.push((tag, 4, 1, value.to_be_bytes().to_vec()));
        self
    }

    fn rationals(mut self, tag: u16, values: &[(u32, u32)]) -> Ifd {
        let bytes = values
            .iter()
            .flat_map(|(top, bottom)| [top.to_be_bytes(), bottom.to_be_bytes()].concat())
            .collect();
        self.entries.push((tag, 5, values.len() as u32, bytes));
        self
    }

    fn len(&self) -> usize {
        2 + 12 * self.entries.len() + 4 + self.data_len()
    }

    fn data_len(&self) -> usize {
        self.entries
            .iter()
            .map(|(_, _, _, value)| if value.len() > 4 { value.len() } else { 0 })
            .sum()
    }

    /// The IFD as placed at `offset` of the TIFF, pointing to the next at `next`.
    fn write(&self, offset: usize, next: u32) -> Vec<u8> {
        let mut out = (self.entries.len() as u16).to_be_bytes().to_vec();
        let mut data = Vec::new();
        let data_start = offset + 2 + 12 * self.entries.len() + 4;
        for (tag, kind, count, value) in &self.entries {
            out.extend_from_slice(&tag.to_be_bytes());
            out.extend_from_slice(&kind.to_be_bytes());
            out.extend_from_slice(&count.to_be_bytes());
            if value.len() > 4 {
                out.extend_from_slice(&((data_start + data.len()) as u32).to_be_bytes());
                data.extend_from_slice(value);
            } else {
                let mut inline = value.clone();
                inline.resize(4, 0);
                out.extend_from_slice(&inline);
            }
        }
        out.extend_from_slice(&next.to_be_bytes());
        out.extend_from_slice(&data);
        out
    }
}

/// The APP1 Exif payload: IFD0 (camera, orientation, GPS pointer), the GPS IFD, and IFD1
/// pointing to an embedded JPEG thumbnail.
fn exif(orientation: u16, thumbnail: &[u8]) -> Vec<u8> {
    let gps = Ifd::new()
        .ascii(1, "N")
        .rationals(2, &[(11, 1), (33, 1), (2303, 100)])
        .ascii(3, "E")
        .rationals(4, &[(104, 1), (55, 1), (4152, 100)]);
    // IFD0's size does not depend on the pointers' values, so lay it out with zeros first.
    let ifd0_of = |gps_at: u32| {
        Ifd::new()
            .ascii(0x010F, MAKE)
            .ascii(0x0110, MODEL)
            .short(0x0112, orientation)
            .long(0x8825, gps_at)
    };
    let ifd0_at = 8;
    let gps_at = ifd0_at + ifd0_of(0).len();
    let ifd1_at = gps_at + gps.len();
    let ifd1_of = |thumbnail_at: u32| {
        Ifd::new()
            .short(0x0103, 6)
            .long(0x0201, thumbnail_at)
            .long(0x0202, thumbnail.len() as u32)
    };
    let thumbnail_at = ifd1_at + ifd1_of(0).len();

    let mut tiff = b"MM\x00\x2A".to_vec();
    tiff.extend_from_slice(&(ifd0_at as u32).to_be_bytes());
    tiff.extend(ifd0_of(gps_at as u32).write(ifd0_at, ifd1_at as u32));
    tiff.extend(gps.write(gps_at, 0));
    tiff.extend(ifd1_of(thumbnail_at as u32).write(ifd1_at, 0));
    assert_eq!(tiff.len(), thumbnail_at);
    tiff.extend_from_slice(thumbnail);

    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff);
    payload
}

/// A camera's JPEG: the plain picture with every kind of metadata segment after its SOI.
fn camera_jpeg(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let picture = plain_jpeg(width, height);
    let embedded = plain_jpeg(8, 8);
    let mut xmp = format!("{XMP_NAMESPACE}\0").into_bytes();
    xmp.extend_from_slice(
        br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="11,33.38N" tiff:Model="Model SC-9 Private"/></rdf:RDF></x:xmpmeta>"#,
    );
    let mut iptc = format!("{IPTC_SIGNATURE}\0").into_bytes();
    iptc.extend_from_slice(b"8BIM\x04\x04\0\0\0\0\0\x0E\x1C\x02\x50\0\x08Sok Dara\0");
    let mut icc = format!("{ICC_SIGNATURE}\0").into_bytes();
    icc.extend_from_slice(&[1, 1]);
    icc.extend_from_slice(&[0u8; 128]);

    let mut out = picture[..2].to_vec();
    out.extend(segment(0xE1, &exif(orientation, &embedded)));
    out.extend(segment(0xE1, &xmp));
    out.extend(segment(0xED, &iptc));
    out.extend(segment(0xE2, &icc));
    out.extend(segment(0xFE, COMMENT.as_bytes()));
    out.extend_from_slice(&picture[2..]);
    out
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|window| *window == needle)
        .count()
}

/// What must be true of every photo this crate gives out.
fn assert_pixels_only(what: &str, bytes: &[u8]) {
    assert_eq!(count(bytes, &[0xFF, 0xD8]), 1, "{what}: SOI count");
    assert_eq!(count(bytes, &[0xFF, 0xD9]), 1, "{what}: EOI count");
    for (name, needle) in [
        ("Exif", b"Exif\0\0".as_slice()),
        ("XMP", XMP_NAMESPACE.as_bytes()),
        ("IPTC", IPTC_SIGNATURE.as_bytes()),
        ("8BIM", b"8BIM"),
        ("ICC", ICC_SIGNATURE.as_bytes()),
        ("comment", COMMENT.as_bytes()),
        ("make", MAKE.as_bytes()),
        ("model", MODEL.as_bytes()),
        ("GPS pointer", &GPS_POINTER_ENTRY),
        ("GPS latitude", &GPS_LATITUDE_DEGREES),
        ("GPS latitude reference", &GPS_LATITUDE_REF_ENTRY),
        ("TIFF header", b"MM\x00\x2A"),
    ] {
        assert_eq!(count(bytes, needle), 0, "{what} still holds {name}");
    }
    // Only the JFIF header and the picture's own segments: no APP1..APP15, no comment.
    let mut at = 2;
    while at + 4 <= bytes.len() && bytes[at] == 0xFF && bytes[at + 1] != 0xDA {
        let marker = bytes[at + 1];
        assert!(
            !(0xE1..=0xEF).contains(&marker) && marker != 0xFE,
            "{what}: segment {marker:#x}"
        );
        at += 2 + usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
    }
}

fn is_red(pixel: &Rgb<u8>) -> bool {
    pixel[0] > 150 && pixel[2] < 100
}

#[test]
fn the_builder_makes_what_the_test_claims() {
    // Otherwise the absence checks below would prove nothing.
    let input = camera_jpeg(40, 20, 6);
    assert_eq!(count(&input, &[0xFF, 0xD8]), 2, "picture and thumbnail");
    for needle in [
        b"Exif\0\0".as_slice(),
        XMP_NAMESPACE.as_bytes(),
        IPTC_SIGNATURE.as_bytes(),
        ICC_SIGNATURE.as_bytes(),
        COMMENT.as_bytes(),
        MAKE.as_bytes(),
        MODEL.as_bytes(),
        &GPS_POINTER_ENTRY,
        &GPS_LATITUDE_DEGREES,
        &GPS_LATITUDE_REF_ENTRY,
    ] {
        assert!(
            count(&input, needle) >= 1,
            "{:?}",
            String::from_utf8_lossy(needle)
        );
    }
    let decoded = image::load_from_memory(&input).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (40, 20));
}

#[test]
fn a_camera_jpeg_comes_out_as_upright_pixels_only() {
    let input = camera_jpeg(40, 20, 6);
    let prepared = prepare_photo(&input).unwrap();
    assert_eq!(prepared.media_type, MediaType::Jpeg);
    assert_pixels_only("prepare_photo", &prepared.bytes);

    // Orientation 6: the stored picture is turned a quarter clockwise to be seen upright, so
    // its top-left corner ends at the top right.
    let upright = image::load_from_memory(&prepared.bytes).unwrap().to_rgb8();
    assert_eq!(upright.dimensions(), (20, 40));
    assert!(
        is_red(upright.get_pixel(15, 4)),
        "{:?}",
        upright.get_pixel(15, 4)
    );
    assert!(!is_red(upright.get_pixel(4, 4)));
    assert!(!is_red(upright.get_pixel(4, 35)));
    assert!(!is_red(upright.get_pixel(15, 35)));

    let arrived = check_arrival(MediaType::Jpeg, &input).unwrap();
    assert_pixels_only("check_arrival", &arrived.bytes);
    let upright = image::load_from_memory(&arrived.bytes).unwrap().to_rgb8();
    assert_eq!(upright.dimensions(), (20, 40));
    assert!(is_red(upright.get_pixel(15, 4)));

    let small = thumbnail(&input).unwrap();
    assert_pixels_only("thumbnail", &small);
}

#[test]
fn each_orientation_turns_the_corner_where_it_belongs() {
    // (orientation, size after, where the red corner is: left?, top?)
    for (orientation, size, left, top) in [
        (1, (40, 20), true, true),
        (2, (40, 20), false, true),
        (3, (40, 20), false, false),
        (4, (40, 20), true, false),
        (5, (20, 40), true, true),
        (6, (20, 40), false, true),
        (7, (20, 40), false, false),
        (8, (20, 40), true, false),
    ] {
        let prepared = prepare_photo(&camera_jpeg(40, 20, orientation)).unwrap();
        assert_pixels_only("prepare_photo", &prepared.bytes);
        let upright = image::load_from_memory(&prepared.bytes).unwrap().to_rgb8();
        assert_eq!(upright.dimensions(), size, "orientation {orientation}");
        let (width, height) = size;
        let x = if left { 4 } else { width - 5 };
        let y = if top { 4 } else { height - 5 };
        assert!(
            is_red(upright.get_pixel(x, y)),
            "orientation {orientation}: corner not at ({x}, {y})"
        );
    }
}

#[test]
fn a_large_photo_is_scaled_to_the_long_edge() {
    // Long and thin, so that the test stays quick without optimisations.
    let prepared = prepare_photo(&camera_jpeg(2000, 100, 6)).unwrap();
    let upright = image::load_from_memory(&prepared.bytes).unwrap();
    assert_eq!((upright.width(), upright.height()), (80, 1600));
    assert_pixels_only("prepare_photo", &prepared.bytes);
    // The server does not scale what a phone should have: it refuses it.
    assert_eq!(
        check_arrival(MediaType::Jpeg, &camera_jpeg(2000, 100, 1)),
        Err(MediaError::TooLarge)
    );
    let small = image::load_from_memory(&thumbnail(&prepared.bytes).unwrap()).unwrap();
    assert_eq!(small.height(), THUMBNAIL_EDGE);
}

/// The standard CRC-32 of PNG chunks.
fn png_crc(bytes: &[u8]) -> u32 {
    let mut sum = !0u32;
    for &byte in bytes {
        sum ^= u32::from(byte);
        for _ in 0..8 {
            sum = if sum & 1 != 0 {
                (sum >> 1) ^ 0xEDB8_8320
            } else {
                sum >> 1
            };
        }
    }
    !sum
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&png_crc(&body).to_be_bytes());
    out
}

/// A PNG whose header declares `width` x `height` RGB pixels, with a little compressed data.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &header));
    // A zlib stream of a few kilobytes of zeros: what a bomb's first rows look like.
    let mut idat = vec![0x78, 0x01];
    idat.extend_from_slice(&[0x01, 0x00, 0x10, 0xFF, 0xEF]);
    idat.extend_from_slice(&[0u8; 0x1000]);
    out.extend(png_chunk(b"IDAT", &idat));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A JPEG whose frame header declares `width` x `height`.
fn jpeg_declaring(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = plain_jpeg(16, 16);
    let at = bytes
        .windows(2)
        .position(|window| window == [0xFF, 0xC0])
        .expect("baseline frame header");
    bytes[at + 5..at + 7].copy_from_slice(&height.to_be_bytes());
    bytes[at + 7..at + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

#[test]
fn pictures_declaring_too_many_pixels_are_refused_from_their_header() {
    for (what, bytes) in [
        ("PNG 60000x60000", png_declaring(60_000, 60_000)),
        ("PNG 8000x8000", png_declaring(8_000, 8_000)),
        ("JPEG 60000x60000", jpeg_declaring(60_000, 60_000)),
        ("JPEG 65000x900", jpeg_declaring(65_000, 900)),
    ] {
        assert_eq!(prepare_photo(&bytes), Err(MediaError::TooLarge), "{what}");
        assert_eq!(
            check_arrival(ourvoice_media::sniff(&bytes).unwrap(), &bytes),
            Err(MediaError::TooLarge),
            "{what}"
        );
        assert_eq!(thumbnail(&bytes), Err(MediaError::TooLarge), "{what}");
    }
}

#[test]
fn a_png_with_text_and_exif_chunks_comes_out_as_pixels_only() {
    let picture = RgbImage::from_fn(40, 20, |x, y| if x < 10 && y < 10 { RED } else { BLUE });
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(picture.as_raw(), 40, 20, image::ExtendedColorType::Rgb8)
        .unwrap();
    // After the signature and IHDR: a text chunk, an XMP text chunk and an eXIf chunk.
    let after_header = 8 + 25;
    let mut chunks = png_chunk(b"tEXt", format!("Comment\0{COMMENT}").as_bytes());
    chunks.extend(png_chunk(
        b"iTXt",
        format!("XML:com.adobe.xmp\0\0\0\0\0{XMP_NAMESPACE} {MODEL}").as_bytes(),
    ));
    chunks.extend(png_chunk(b"eXIf", &exif(1, &plain_jpeg(8, 8))[6..]));
    png.splice(after_header..after_header, chunks);
    assert!(count(&png, MAKE.as_bytes()) == 1 && count(&png, COMMENT.as_bytes()) == 1);

    let prepared = prepare_photo(&png).unwrap();
    assert_eq!(prepared.media_type, MediaType::Jpeg);
    assert_pixels_only("prepare_photo of a PNG", &prepared.bytes);
    let arrived = check_arrival(MediaType::Png, &png).unwrap();
    assert_eq!(arrived.media_type, MediaType::Jpeg);
    assert_pixels_only("check_arrival of a PNG", &arrived.bytes);
    let upright = image::load_from_memory(&arrived.bytes).unwrap().to_rgb8();
    assert!(is_red(upright.get_pixel(4, 4)));
}

#[test]
fn what_is_not_a_photo_is_refused() {
    for bytes in [
        b"GIF89a\x01\x00\x01\x00".as_slice(),
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        b"OggS\0\x02",
        b"",
    ] {
        assert_eq!(prepare_photo(bytes), Err(MediaError::NotMedia));
    }
}
