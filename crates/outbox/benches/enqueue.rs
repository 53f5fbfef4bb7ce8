//! Enqueue latency of the outbox on this machine's disk: each enqueue is a durable
//! (`synchronous=FULL`) commit. Prints p50 and p99.

use chrono::Utc;
use ourvoice_directory::Directory;
use ourvoice_outbox::{Draft, Outbox};
use ourvoice_protocol::{Kind, Lang, Privacy};
use std::time::Instant;

fn main() {
    let folder = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp folder");
    let outbox = Outbox::open(&folder.path().join("outbox.db")).expect("open outbox");
    let text =
        "ខ្ញុំបានទៅសាលាសង្កាត់ដើម្បីស្នើសុំសំបុត្រកំណើតសម្រាប់កូនរបស់ខ្ញុំ ប៉ុន្តែមន្ត្រីបានសុំប្រាក់បន្ថែមពីតម្លៃដែលបានបិទផ្សាយ។ ".repeat(3);
    let draft = Draft {
        kind: Kind::Complaint,
        place: "120101".into(),
        category: "civil_registration".into(),
        description: text.chars().take(300).collect(),
        evaluation: None,
        asked_extra_payment: Some(true),
        about_office_staff: false,
        publish_text: false,
        incident_date: None,
        privacy: Privacy::Anonymous,
        profile: None,
        locale: Lang::Km,
        hide_text: false,
        attachments: Vec::new(),
    };
    let directory = Directory::embedded();
    let runs = 2_000;
    let mut micros = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        outbox
            .submit(draft.clone(), directory, "bench", Utc::now())
            .expect("submit");
        micros.push(started.elapsed().as_secs_f64() * 1e6);
    }
    micros.sort_by(f64::total_cmp);
    let at = |q: f64| micros[((micros.len() as f64 * q) as usize).min(micros.len() - 1)];
    println!(
        "enqueue (validate + durable commit, 300-char Khmer complaint): {runs} runs, p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        at(0.50),
        at(0.99),
        micros[micros.len() - 1]
    );
}
