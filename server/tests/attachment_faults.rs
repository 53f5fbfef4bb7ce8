//! Photos and voice notes arrive whole through cuts, kills and restarts: a simulated phone (the
//! device simulator `ourvoice-cli`: the app's own outbox, media processing and sync engine)
//! uploads through a proxy that cuts every connection after about 100 KB from the phone; one
//! run of the uploader is SIGKILLed mid-upload and run again, and the server is killed and
//! restarted mid-upload. At the end every attachment is received with its declared size and
//! SHA-256 (the server's status, its row, and the copy it stored), and the bytes the proxy
//! forwarded from the phone to the server stay within 110 % of what had to travel.
//!
//! `OURVOICE_FAULT_SEED` replays a run (the seed is printed).

mod support;

use ourvoice_outbox::Outbox;
use ourvoice_protocol::attachments::SECRET_AUTH_SCHEME;
use ourvoice_protocol::{attachment_path, AttachmentState, AttachmentStatus, Code};
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{on_each_engine, ServerProcess, TestDb, Val};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// About how many bytes from the phone one connection carries before the proxy cuts it.
const CUT_EVERY: u64 = 100 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_arrive_whole_through_cuts_kills_and_restarts() {
    on_each_engine(through_cuts_kills_and_restarts_on).await;
}

/// A TCP proxy that cuts connections: each carries a budget of bytes from the client (drawn
/// within ±20 % of [`CUT_EVERY`]); at the budget the bytes so far are delivered to the server
/// and its side closed (so it sees a request cut short), and the client's side is reset. It
/// counts every byte it delivered from clients to the server.
struct CuttingProxy {
    upstream: Mutex<String>,
    rng: Mutex<StdRng>,
    forwarded: AtomicU64,
    cuts: AtomicU64,
}

impl CuttingProxy {
    async fn relay(self: Arc<Self>, client: TcpStream) {
        let upstream = self.upstream.lock().unwrap().clone();
        let Ok(server) = TcpStream::connect(&upstream).await else {
            return;
        };
        let budget = self
            .rng
            .lock()
            .unwrap()
            .random_range(CUT_EVERY * 4 / 5..=CUT_EVERY * 6 / 5);
        let (mut client_read, mut client_write) = client.into_split();
        let (mut server_read, mut server_write) = server.into_split();
        let mut from_client = vec![0u8; 16 * 1024];
        let mut from_server = vec![0u8; 16 * 1024];
        let mut sent = 0u64;
        loop {
            tokio::select! {
                read = client_read.read(&mut from_client) => {
                    let Ok(n) = read else { return };
                    if n == 0 {
                        return;
                    }
                    let pass = (n as u64).min(budget - sent) as usize;
                    if server_write.write_all(&from_client[..pass]).await.is_err() {
                        return;
                    }
                    self.forwarded.fetch_add(pass as u64, Ordering::SeqCst);
                    sent += pass as u64;
                    if sent >= budget {
                        self.cuts.fetch_add(1, Ordering::SeqCst);
                        // The server gets what was sent, then the end of the stream.
                        let _ = server_write.shutdown().await;
                        let stream = client_read.reunite(client_write).expect("halves of one stream");
                        // A zero linger resets at once.
                        #[allow(deprecated)]
                        let _ = stream.set_linger(Some(Duration::ZERO));
                        return;
                    }
                }
                read = server_read.read(&mut from_server) => {
                    let Ok(n) = read else { return };
                    if n == 0 || client_write.write_all(&from_server[..n]).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

async fn run_proxy(proxy: Arc<CuttingProxy>, listener: TcpListener, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::SeqCst) {
        if let Ok(Ok((client, _))) =
            tokio::time::timeout(Duration::from_millis(20), listener.accept()).await
        {
            tokio::spawn(Arc::clone(&proxy).relay(client));
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A camera's photo of `width` × `height` pixels of noise (so it does not compress).
fn noise_jpeg(rng: &mut StdRng, width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |_, _| image::Rgb(rng.random()));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95)
        .encode_image(&pixels)
        .unwrap();
    bytes
}

/// The Ogg checksum: CRC-32, polynomial 0x04C11DB7, not reflected, from zero.
fn ogg_crc(page: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &byte in page {
        crc ^= u32::from(byte) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// One Ogg page carrying one whole packet.
fn ogg_page(flags: u8, granule: u64, sequence: u32, packet: &[u8]) -> Vec<u8> {
    assert!(!packet.len().is_multiple_of(255) && packet.len() < 255 * 255);
    let mut lacing = vec![255u8; packet.len() / 255];
    lacing.push((packet.len() % 255) as u8);
    let mut page = b"OggS\0".to_vec();
    page.push(flags);
    page.extend(granule.to_le_bytes());
    page.extend(0x5EED_u32.to_le_bytes());
    page.extend(sequence.to_le_bytes());
    page.extend([0; 4]);
    page.push(lacing.len() as u8);
    page.extend(&lacing);
    page.extend(packet);
    let crc = ogg_crc(&page);
    page[22..26].copy_from_slice(&crc.to_le_bytes());
    page
}

/// A voice note as a recorder makes it: Opus in Ogg (RFC 7845), mono, `seconds` long, in
/// packets of noise of `packet_bytes` each (one page of 200 ms per packet).
fn voice_note(rng: &mut StdRng, seconds: u64, packet_bytes: usize) -> Vec<u8> {
    let pre_skip: u16 = 312;
    let mut head = b"OpusHead".to_vec();
    head.push(1);
    head.push(1);
    head.extend(pre_skip.to_le_bytes());
    head.extend(48_000u32.to_le_bytes());
    head.extend(0i16.to_le_bytes());
    head.push(0);
    let mut tags = b"OpusTags".to_vec();
    tags.extend(0u32.to_le_bytes());
    tags.extend(0u32.to_le_bytes());
    let mut note = ogg_page(0x02, 0, 0, &head);
    note.extend(ogg_page(0, 0, 1, &tags));
    let pages = seconds * 5;
    for n in 0..pages {
        let mut packet = vec![0u8; packet_bytes];
        rng.fill(&mut packet[..]);
        packet[0] = 0x78; // a CELT full-band 20 ms frame's table of contents
        let flags = if n + 1 == pages { 0x04 } else { 0 };
        let granule = u64::from(pre_skip) + (n + 1) * 9_600;
        note.extend(ogg_page(flags, granule, 2 + n as u32, &packet));
    }
    note
}

/// The device simulator, built next to the server's binary (a no-op when it is up to date).
fn cli_binary() -> PathBuf {
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", "ourvoice-cli", "--bin", "ourvoice-cli"])
        .status()
        .unwrap();
    assert!(status.success(), "building ourvoice-cli");
    Path::new(env!("CARGO_BIN_EXE_ourvoice-server")).with_file_name("ourvoice-cli")
}

fn cli(binary: &Path, device: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(binary)
        .arg("--data")
        .arg(device)
        .args(args)
        .output()
        .unwrap()
}

/// Every attachment on the device as `list --json` shows it.
fn attachments_listed(binary: &Path, device: &Path) -> Vec<Value> {
    let output = cli(binary, device, &["list", "--json"]);
    assert!(output.status.success(), "{output:?}");
    let items: Value = serde_json::from_slice(&output.stdout).unwrap();
    items
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|item| item["attachments"].as_array().unwrap().clone())
        .collect()
}

fn start_server(db: &TestDb) -> ServerProcess {
    let objects = db.file("attachments").display().to_string();
    ServerProcess::start(db, &["--attachments-dir", &objects])
}

/// What chaos a run of the uploader gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Chaos {
    KillUploader,
    RestartServer,
}

async fn through_cuts_kills_and_restarts_on(db: TestDb) {
    let seed: u64 = std::env::var("OURVOICE_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("attachment fault seed {seed} (set OURVOICE_FAULT_SEED to replay)");
    let db = Arc::new(db);
    let mut rng = StdRng::seed_from_u64(seed);
    let binary = tokio::task::spawn_blocking(cli_binary).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let device = folder.path().join("phone");

    // What the citizen attaches: three photos of a few hundred KB and, on a second item, a
    // photo and a voice note that stands in for the text.
    let mut files = Vec::new();
    for (n, (width, height)) in [(640, 480), (600, 450), (560, 420), (480, 400)]
        .into_iter()
        .enumerate()
    {
        let path = folder.path().join(format!("photo-{n}.jpg"));
        std::fs::write(&path, noise_jpeg(&mut rng, width, height)).unwrap();
        files.push(path.display().to_string());
    }
    let voice = folder.path().join("note.opus");
    std::fs::write(&voice, voice_note(&mut rng, 8, 4_000)).unwrap();
    let voice = voice.display().to_string();
    let base = ["submit", "--kind", "complaint", "--place", "120101"];
    for extra in [
        vec![
            "--text",
            "ផ្លូវខូច មានរូបថត",
            "--photo",
            &files[0],
            "--photo",
            &files[1],
            "--photo",
            &files[2],
        ],
        vec!["--photo", &files[3], "--voice", &voice],
    ] {
        let output = cli(&binary, &device, &[&base[..], &extra].concat());
        assert!(output.status.success(), "{output:?}");
    }
    let listed = attachments_listed(&binary, &device);
    assert_eq!(listed.len(), 5);
    let attachment_bytes: u64 = listed.iter().map(|a| a["bytes"].as_u64().unwrap()).sum();

    let server = Arc::new(Mutex::new(start_server(&db)));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", listener.local_addr().unwrap());
    let proxy = Arc::new(CuttingProxy {
        upstream: Mutex::new(server.lock().unwrap().address.clone()),
        rng: Mutex::new(StdRng::seed_from_u64(seed ^ 0xC07)),
        forwarded: AtomicU64::new(0),
        cuts: AtomicU64::new(0),
    });
    let stop = Arc::new(AtomicBool::new(false));
    tokio::spawn(run_proxy(Arc::clone(&proxy), listener, Arc::clone(&stop)));

    // Run the uploader until everything is received; the chaos waits for a run that is
    // under way, in the order the seed chose, each striking after 10 to 60 KB of that run.
    let mut chaos = vec![Chaos::KillUploader, Chaos::RestartServer];
    if rng.random() {
        chaos.reverse();
    }
    let mut struck = Vec::new();
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs <= 200, "still not received after 200 runs of sync");
        let start = proxy.forwarded.load(Ordering::SeqCst);
        let mut child = std::process::Command::new(&binary)
            .arg("--data")
            .arg(&device)
            .args(["sync", "--server", &proxy_url, "--timeout", "10", "--json"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // The first run sends the submissions; chaos strikes from the second on.
        if let Some(&next) = chaos.first().filter(|_| runs > 1) {
            let strike_at = start + rng.random_range(10_000..60_000);
            loop {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if proxy.forwarded.load(Ordering::SeqCst) >= strike_at {
                    match next {
                        Chaos::KillUploader => {
                            child.kill().unwrap();
                        }
                        Chaos::RestartServer => {
                            let (server, db) = (Arc::clone(&server), Arc::clone(&db));
                            let address = tokio::task::spawn_blocking(move || {
                                let mut server = server.lock().unwrap();
                                server.kill();
                                *server = start_server(&db);
                                server.address.clone()
                            })
                            .await
                            .unwrap();
                            *proxy.upstream.lock().unwrap() = address;
                        }
                    }
                    struck.push((next, runs));
                    chaos.remove(0);
                    break;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        let (binary_, device_) = (binary.clone(), device.clone());
        let listed = tokio::task::spawn_blocking(move || {
            child.wait().unwrap();
            attachments_listed(&binary_, &device_)
        })
        .await
        .unwrap();
        if listed
            .iter()
            .all(|a| a["state"] == AttachmentState::Received.as_str())
            && chaos.is_empty()
        {
            break;
        }
    }
    stop.store(true, Ordering::SeqCst);
    let cuts = proxy.cuts.load(Ordering::SeqCst);
    let forwarded = proxy.forwarded.load(Ordering::SeqCst);
    println!("{runs} runs of sync, {cuts} cuts, chaos {struck:?}");

    // The phone says every attachment is received, all of it acknowledged.
    let listed = attachments_listed(&binary, &device);
    for attachment in &listed {
        assert_eq!(
            attachment["acknowledged"], attachment["bytes"],
            "{attachment}"
        );
    }
    assert!(cuts >= 5, "the proxy cut only {cuts} connections");
    assert_eq!(struck.len(), 2, "both kills struck mid-upload");

    // The server agrees: its status, its row (the declared SHA-256 it checked), and the copy
    // it kept (a voice note byte for byte; a photo decoded again to the same picture).
    let outbox = Outbox::open(&device.join("outbox.db")).unwrap();
    let items = outbox.list().unwrap();
    let server_url = server.lock().unwrap().url();
    let http = reqwest::Client::new();
    let mut submission_bytes = 0u64;
    for item in &items {
        submission_bytes += serde_json::to_string(&item.submission).unwrap().len() as u64;
        for (declared, stored) in item.submission.attachments.iter().zip(&item.attachments) {
            assert_eq!(declared.id, stored.id);
            let sent = outbox.attachment_content(declared.id).unwrap();
            assert_eq!(sha256_hex(&sent), declared.sha256);
            let status: AttachmentStatus = http
                .get(format!(
                    "{server_url}{}",
                    attachment_path(&item.id, &declared.id)
                ))
                .header(
                    "authorization",
                    format!("{SECRET_AUTH_SCHEME} {}", item.submission.secret.expose()),
                )
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(
                (status.state, status.received, status.bytes),
                (AttachmentState::Received, declared.bytes, declared.bytes),
                "{:?}",
                declared.kind
            );
            let row = &db.query(
                "SELECT sha256, received, state, object_key FROM attachments WHERE id = $1",
                &[Val::from(declared.id.to_string())],
            )[0];
            assert_eq!(row.text(0).unwrap(), declared.sha256);
            assert_eq!(row.int(1).unwrap() as u64, declared.bytes);
            assert_eq!(row.text(2).unwrap(), AttachmentState::Received.as_str());
            let kept = std::fs::read(db.file("attachments").join(row.text(3).unwrap())).unwrap();
            match declared.kind {
                ourvoice_protocol::AttachmentKind::Voice => {
                    assert_eq!(sha256_hex(&kept), declared.sha256, "the voice note kept")
                }
                ourvoice_protocol::AttachmentKind::Photo => {
                    let (a, b) = (
                        image::load_from_memory(&sent).unwrap(),
                        image::load_from_memory(&kept).unwrap(),
                    );
                    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
                }
            }
        }
    }

    // Counted: every byte the proxy delivered from the phone to the server, over every
    // connection of every run (request lines, headers and bodies of the submissions' batch,
    // status questions, pieces, updates and offices' requests). Allowed: 110 % of the
    // attachments' sizes plus the submissions' own JSON bodies (sent gzipped, so smaller).
    let allowed = (attachment_bytes + submission_bytes) * 11 / 10;
    println!(
        "forwarded {forwarded} bytes from the phone for {attachment_bytes} bytes of attachments and {submission_bytes} of submissions (allowed {allowed})"
    );
    assert!(
        forwarded <= allowed,
        "{forwarded} bytes sent for {attachment_bytes} of attachments and {submission_bytes} of submissions: more than 110 %"
    );
    assert!(
        forwarded >= attachment_bytes,
        "the count is of what was sent"
    );
    let status = server.lock().unwrap().terminate();
    assert!(status.success());
}
