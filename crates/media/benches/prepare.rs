//! What preparing an attachment costs on this machine: `prepare_photo` of a 12- and a
//! 48-megapixel camera JPEG (made here), time per photo and how much the process's peak
//! resident memory grows while it runs; `prepare_voice` of each voice note fixture.

use image::{ImageEncoder, RgbImage};
use ourvoice_media::{prepare_photo, prepare_voice};
use std::time::Instant;

/// A camera-like JPEG: smooth gradients with fine noise, so the encoder has work to do.
fn camera_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let picture = RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 24) as u32;
        image::Rgb([
            ((x * 255 / width + noise) % 256) as u8,
            ((y * 255 / height + noise) % 256) as u8,
            (((x + y) / 16 + noise) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            picture.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode");
    out
}

/// A `/proc/self/status` figure in kibibytes.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Makes the peak resident size start again from the current one (Linux `clear_refs` 5).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn photo(label: &str, width: u32, height: u32, runs: u32) {
    let input = camera_jpeg(width, height);
    let mut best = f64::MAX;
    let mut total = 0.0;
    let mut growth = 0;
    let mut output = 0;
    for _ in 0..runs {
        let reset = reset_peak();
        let before = if reset {
            status_kib("VmRSS")
        } else {
            status_kib("VmHWM")
        };
        let started = Instant::now();
        let prepared = prepare_photo(&input).expect("prepare");
        let seconds = started.elapsed().as_secs_f64();
        growth = growth.max(status_kib("VmHWM").saturating_sub(before));
        output = prepared.bytes.len();
        best = best.min(seconds);
        total += seconds;
    }
    println!(
        "prepare_photo {label} ({width}x{height}, {} KiB in, {} KiB out): {runs} runs, mean {:.0} ms, best {:.0} ms, peak RSS growth {} MiB",
        input.len() / 1024,
        output / 1024,
        total / f64::from(runs) * 1e3,
        best * 1e3,
        growth / 1024
    );
}

fn main() {
    photo("12 MP", 4000, 3000, 3);
    photo("48 MP", 8000, 6000, 2);
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    for name in [
        "speech.opus",
        "speech.webm",
        "speech-stream.webm",
        "speech.m4a",
        "speech-frag.m4a",
    ] {
        let bytes = std::fs::read(format!("{folder}/{name}")).expect("fixture");
        let runs = 2_000;
        let started = Instant::now();
        for _ in 0..runs {
            prepare_voice(&bytes).expect("prepare");
        }
        println!(
            "prepare_voice {name} ({} KiB): {runs} runs, {:.1} µs each",
            bytes.len() / 1024,
            started.elapsed().as_secs_f64() * 1e6 / f64::from(runs)
        );
    }
}
