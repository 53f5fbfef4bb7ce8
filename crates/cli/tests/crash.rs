//! Killing the app mid-write loses nothing it confirmed: a child process enqueues in a loop and
//! is killed with SIGKILL at random moments; after each kill the outbox opens, passes
//! `PRAGMA integrity_check`, and holds every submission whose enqueue had returned.

use ourvoice_outbox::Outbox;
use rand::Rng;
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const KILLS: usize = 60;

#[test]
fn sigkill_during_enqueue_loses_nothing_that_was_confirmed() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("device");
    let mut confirmed: HashSet<String> = HashSet::new();
    let mut rng = rand::rng();
    for round in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ourvoice-cli"))
            .arg("--data")
            .arg(&data)
            .args(["generate", "--count", "1000000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Read confirmations on another thread so the kill lands at a random moment.
        let stdout = child.stdout.take().unwrap();
        let (lines_tx, lines_rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Wait for the first confirmation so every round writes, then kill a little later.
        let first = lines_rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the child confirms a first enqueue");
        confirmed.insert(first);
        std::thread::sleep(Duration::from_micros(rng.random_range(0..40_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        confirmed.extend(lines_rx.try_iter());

        let outbox = Outbox::open(&data.join("outbox.db"))
            .unwrap_or_else(|e| panic!("round {round}: cannot open: {e}"));
        assert_eq!(outbox.integrity_check().unwrap(), "ok", "round {round}");
        let stored: HashSet<String> = outbox
            .list()
            .unwrap()
            .into_iter()
            .map(|item| item.id.to_string())
            .collect();
        let missing: Vec<_> = confirmed.difference(&stored).collect();
        assert!(
            missing.is_empty(),
            "round {round}: {} confirmed submissions missing",
            missing.len()
        );
    }
    assert!(
        confirmed.len() >= KILLS,
        "every round confirmed at least one enqueue"
    );
}
