//! The device simulator as a tester uses it: submit (with photos), sync against the real server,
//! list, answer and rate (queued, then sent), search.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

fn cli(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ourvoice-cli"))
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The server binary is built by the workspace next to this one.
fn start_server(folder: &std::path::Path) -> Server {
    // A workspace test run builds the server's binary next to this one (the server package has
    // tests of its own); a run of this package alone builds it here.
    let binary =
        std::path::Path::new(env!("CARGO_BIN_EXE_ourvoice-cli")).with_file_name("ourvoice-server");
    if !binary.exists() {
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "-q",
                "-p",
                "ourvoice-server",
                "--bin",
                "ourvoice-server",
            ])
            .status()
            .unwrap();
        assert!(status.success());
    }
    let mut child = Command::new(binary)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            &format!("sqlite://{}/server.db", folder.display()),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line.trim().trim_start_matches("listening on ").to_string();
    Server(child, format!("http://{address}"))
}

#[test]
fn a_tester_chooses_to_publish_the_text_only_where_it_may_be_public() {
    let folder = tempfile::tempdir().unwrap();
    let device = folder.path().join("phone");
    let base = [
        "submit",
        "--kind",
        "complaint",
        "--place",
        "120101",
        "--text",
        "ផ្លូវខូច",
        "--publish-text",
    ];
    let staff = cli(&device, &[&base[..], &["--about-staff"]].concat());
    assert_eq!(staff.status.code(), Some(2), "{staff:?}");
    let errors = String::from_utf8(staff.stderr).unwrap();
    assert!(
        errors.contains("publish_not_allowed (publish_text)"),
        "{errors}"
    );
    let public = cli(&device, &[&base[..], &["--json"]].concat());
    assert!(public.status.success(), "{public:?}");
    let item: Value = serde_json::from_str(&stdout(&public)).unwrap();
    assert_eq!(item["publish_text"], true);
    let plain = cli(&device, &[&base[..7], &["--json"]].concat());
    let item: Value = serde_json::from_str(&stdout(&plain)).unwrap();
    assert_eq!(item["publish_text"], false, "off unless chosen");
}

#[test]
fn a_tester_submits_syncs_and_lists() {
    let folder = tempfile::tempdir().unwrap();
    let device = folder.path().join("phone");
    let submitted = cli(
        &device,
        &[
            "submit",
            "--kind",
            "complaint",
            "--place",
            "120101",
            "--text",
            "ផ្លូវខូច",
            "--anonymous",
            "--json",
        ],
    );
    assert!(submitted.status.success(), "{submitted:?}");
    let item: Value = serde_json::from_str(&stdout(&submitted)).unwrap();
    assert_eq!(item["state"], "queued");
    let code = item["tracking_code"].as_str().unwrap().to_string();
    assert!(code.starts_with("OV-") && code.len() == 17);

    let invalid = cli(
        &device,
        &[
            "submit",
            "--kind",
            "complaint",
            "--place",
            "999999",
            "--text",
            "",
        ],
    );
    assert_eq!(invalid.status.code(), Some(2));
    let errors = String::from_utf8(invalid.stderr).unwrap();
    assert!(
        errors.contains("place_unknown (place)")
            && errors.contains("description_required (description)"),
        "{errors}"
    );

    // No server yet: the item waits, and sync says so.
    let offline = cli(
        &device,
        &["sync", "--server", "http://127.0.0.1:9", "--json"],
    );
    assert_eq!(offline.status.code(), Some(3));
    let report: Value = serde_json::from_str(&stdout(&offline)).unwrap();
    assert_eq!(report["waiting"], 1);
    let listed: Value = serde_json::from_str(&stdout(&cli(&device, &["list", "--json"]))).unwrap();
    assert_eq!(listed[0]["state"], "retrying");
    assert_eq!(listed[0]["last_error"], "unreachable");

    let server = start_server(folder.path());
    let synced = cli(&device, &["sync", "--server", &server.1, "--json"]);
    assert!(synced.status.success(), "{synced:?}");
    let report: Value = serde_json::from_str(&stdout(&synced)).unwrap();
    assert_eq!(
        (report["accepted"].as_u64(), report["waiting"].as_u64()),
        (Some(1), Some(0))
    );
    let listed: Value = serde_json::from_str(&stdout(&cli(&device, &["list", "--json"]))).unwrap();
    assert_eq!(listed[0]["tracking_code"], code.as_str());
    assert_eq!(listed[0]["state"], "accepted");
    assert_eq!(listed[0]["office"], "CH-120101");
    assert_eq!(listed[0]["status"], "received");
    assert!(listed[0]["server_number"].as_u64().is_some());

    // An answer with no server is queued and waits (exit 3); the next sync sends it, and the
    // server refuses it for good since the office asked nothing (exit 4 for `rate` too).
    let answered = cli(
        &device,
        &[
            "answer",
            "--code",
            &code,
            "--text",
            "ភូមិទី៣",
            "--server",
            "http://127.0.0.1:9",
            "--json",
        ],
    );
    assert_eq!(answered.status.code(), Some(3), "{answered:?}");
    let action: Value = serde_json::from_str(&stdout(&answered)).unwrap();
    assert_eq!(
        (&action["state"], &action["last_error"], &action["text"]),
        (
            &Value::from("retrying"),
            &Value::from("unreachable"),
            &Value::from("ភូមិទី៣")
        )
    );
    let synced = cli(&device, &["sync", "--server", &server.1, "--json"]);
    assert!(synced.status.success(), "{synced:?}");
    let listed: Value = serde_json::from_str(&stdout(&cli(&device, &["list", "--json"]))).unwrap();
    let actions = &listed[0]["actions"];
    assert_eq!(actions[0]["request_id"], action["request_id"]);
    assert_eq!(
        (&actions[0]["state"], &actions[0]["error"]),
        (&Value::from("refused"), &Value::from("wrong_state"))
    );
    let rated = cli(
        &device,
        &[
            "rate", "--code", &code, "--rating", "2", "--server", &server.1,
        ],
    );
    assert_eq!(rated.status.code(), Some(4), "{rated:?}");
    assert!(
        stdout(&rated).contains("refused by the server: wrong_state"),
        "{rated:?}"
    );

    let places: Value = serde_json::from_str(&stdout(&cli(
        &device,
        &[
            "places",
            "search",
            "boeng keng kang",
            "--json",
            "--limit",
            "3",
        ],
    )))
    .unwrap();
    assert!(
        places[0]["path"]
            .as_str()
            .unwrap()
            .contains("Boeng Keng Kang"),
        "{places}"
    );
}

/// A JPEG of `width` × `height` pixels of noise (so it does not compress), as a camera gives.
fn noise_jpeg(width: u32, height: u32, seed: u64) -> Vec<u8> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let pixels = image::RgbImage::from_fn(width, height, |_, _| image::Rgb(rng.random()));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95)
        .encode_image(&pixels)
        .unwrap();
    bytes
}

#[test]
fn photos_are_prepared_and_queued_as_the_app_does_and_bad_files_are_refused() {
    let folder = tempfile::tempdir().unwrap();
    let device = folder.path().join("phone");
    let photo = folder.path().join("road.jpg");
    std::fs::write(&photo, noise_jpeg(2400, 300, 1)).unwrap();
    let notes = folder.path().join("notes.txt");
    std::fs::write(&notes, "not a photo").unwrap();
    let base = [
        "submit",
        "--kind",
        "complaint",
        "--place",
        "120101",
        "--text",
        "ផ្លូវខូច",
    ];
    let photo = photo.to_str().unwrap();
    let notes = notes.to_str().unwrap();
    let refused = |extra: &[&str], message: &str| {
        let output = cli(&device, &[&base[..], extra].concat());
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {output:?}");
        let errors = String::from_utf8(output.stderr).unwrap();
        assert!(errors.contains(message), "{extra:?}: {errors}");
    };
    refused(
        &["--photo", notes],
        &format!("{notes}: not a photo or voice note of a type that can be sent"),
    );
    refused(
        &["--voice", photo],
        &format!("{photo}: not a photo or voice note of a type that can be sent"),
    );
    refused(
        &["--photo", "/nonexistent/x.jpg"],
        "cannot read /nonexistent/x.jpg",
    );
    refused(
        &[
            "--photo", photo, "--photo", photo, "--photo", photo, "--photo", photo,
        ],
        "at most 3 photos",
    );
    // Nothing of the refused ones was stored.
    let listed: Value = serde_json::from_str(&stdout(&cli(&device, &["list", "--json"]))).unwrap();
    assert_eq!(listed, Value::Array(Vec::new()));

    let submitted = cli(
        &device,
        &[&base[..], &["--photo", photo, "--photo", photo, "--json"]].concat(),
    );
    assert!(submitted.status.success(), "{submitted:?}");
    let item: Value = serde_json::from_str(&stdout(&submitted)).unwrap();
    let attachments = item["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 2);
    for attachment in attachments {
        assert_eq!(attachment["kind"], "photo");
        assert_eq!(attachment["media_type"], "image/jpeg");
        assert_eq!(attachment["state"], "waiting");
        assert_eq!(attachment["acknowledged"], 0);
        assert_eq!(attachment["refusal"], Value::Null);
        // Prepared as the app prepares it: scaled to 1600 pixels, re-encoded.
        let id = attachment["id"].as_str().unwrap();
        let stored = std::fs::read(device.join("outbox.db.attachments").join(id)).unwrap();
        assert_eq!(attachment["bytes"].as_u64(), Some(stored.len() as u64));
        let decoded = image::load_from_memory(&stored).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (1600, 200));
    }
    assert_ne!(attachments[0]["id"], attachments[1]["id"]);
    let listed: Value = serde_json::from_str(&stdout(&cli(&device, &["list", "--json"]))).unwrap();
    assert_eq!(&listed[0]["attachments"], &item["attachments"]);
    let text = stdout(&cli(&device, &["list"]));
    assert!(text.contains("attachments 0/2 received"), "{text}");

    // The real server takes the submission, then both photos.
    let server = start_server(folder.path());
    let synced = cli(&device, &["sync", "--server", &server.1, "--json"]);
    assert!(synced.status.success(), "{synced:?}");
    let report: Value = serde_json::from_str(&stdout(&synced)).unwrap();
    assert_eq!(
        (
            report["accepted"].as_u64(),
            report["attachments_received"].as_u64(),
            report["waiting"].as_u64()
        ),
        (Some(1), Some(2), Some(0))
    );
    let sent: u64 = attachments
        .iter()
        .map(|a| a["bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(report["attachment_bytes_sent"].as_u64(), Some(sent));
    let listed: Value = serde_json::from_str(&stdout(&cli(&device, &["list", "--json"]))).unwrap();
    for attachment in listed[0]["attachments"].as_array().unwrap() {
        assert_eq!(attachment["state"], "received");
        assert_eq!(attachment["acknowledged"], attachment["bytes"]);
    }
    let text = stdout(&cli(&device, &["list"]));
    assert!(text.contains("attachments 2/2 received"), "{text}");
}
