//! Search latency benchmark: loads the embedded directory (timed once), then times every
//! query of a realistic place-picker mix individually and prints p50, p99 and max, for
//! `search` and for the app picker's `choose` (with recent places).
//! Run with `cargo bench -p ourvoice-directory`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ourvoice_directory::{Directory, Lang};

/// How many times the whole query mix is run.
const ROUNDS: usize = 200;
/// Hits asked for, as the app's place picker does.
const LIMIT: usize = 20;

/// Every prefix of `word`, as typed letter by letter.
fn typed(word: &str) -> Vec<String> {
    word.char_indices()
        .map(|(at, c)| word[..at + c.len_utf8()].to_owned())
        .collect()
}

fn query_mix() -> Vec<(String, Lang)> {
    let mut queries: Vec<(String, Lang)> = Vec::new();
    for word in [
        "takeo",
        "chamkar mon",
        "battambang",
        "siem reap",
        "kampong cham",
        "tuol kouk",
        "owso takeo",
    ] {
        queries.extend(typed(word).into_iter().map(|query| (query, Lang::En)));
    }
    for word in ["តាកែវ", "ចំការមន", "ភ្នំពេញ", "កណ្ដាល", "បាត់ដំបង"]
    {
        queries.extend(typed(word).into_iter().map(|query| (query, Lang::Km)));
    }
    for (query, lang) in [
        ("Takéo", Lang::En),
        ("TAKÉO", Lang::Km),
        ("ទួលទំពូងទី ១", Lang::Km),
        ("ទួលទំពូងទី 1", Lang::Km),
        ("តា\u{200B}កែវ", Lang::Km),
        ("សាលាឃុំ", Lang::Km),
        ("ការិយាល័យ ចំការមន", Lang::Km),
        ("1201", Lang::En),
        ("12", Lang::En),
        ("120110", Lang::En),
        ("OWSO-1201", Lang::En),
        ("CH-0102", Lang::En),
        ("owso", Lang::En),
        ("commune hall", Lang::En),
        ("chamkar mon phnom penh", Lang::En),
        ("one window service office chamkar mon", Lang::En),
        ("ombudsman siem reap", Lang::En),
        ("sangkat boeng", Lang::En),
        ("khum ta", Lang::En),
        ("a", Lang::En),
        ("e", Lang::En),
        ("ក", Lang::Km),
        ("xyzzy", Lang::En),
        ("qqq www", Lang::En),
        ("ឈឈឈ", Lang::Km),
        ("   ", Lang::En),
    ] {
        queries.push((query.to_owned(), lang));
    }
    queries
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

fn main() {
    let load_started = Instant::now();
    let directory = Directory::embedded();
    let load_time = load_started.elapsed();
    println!(
        "load+index: {:.1} ms ({} units, {} offices)",
        load_time.as_secs_f64() * 1e3,
        directory.provinces().len() + directory.districts().len() + directory.communes().len(),
        directory.offices().len()
    );

    let queries = query_mix();
    // Warm up caches and the allocator.
    for (query, lang) in &queries {
        black_box(directory.search(query, *lang, LIMIT));
    }
    let mut timings = Vec::with_capacity(queries.len() * ROUNDS);
    let mut slowest = (Duration::ZERO, String::new());
    for _ in 0..ROUNDS {
        for (query, lang) in &queries {
            let started = Instant::now();
            let hits = directory.search(black_box(query), *lang, LIMIT);
            let elapsed = started.elapsed();
            black_box(hits);
            if elapsed > slowest.0 {
                slowest = (elapsed, query.clone());
            }
            timings.push(elapsed);
        }
    }
    timings.sort_unstable();
    let percentile = |fraction: f64| {
        let at = ((timings.len() - 1) as f64 * fraction).round() as usize;
        micros(timings[at])
    };
    println!(
        "search: {} queries, p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        timings.len(),
        percentile(0.50),
        percentile(0.99),
        micros(slowest.0)
    );
    println!("slowest query: {:?}", slowest.1);

    // The app's picker: choices with five recent places, one more than a page (to know
    // whether to offer "Show more").
    let recent: Vec<String> = ["120101", "OWSO-0201", "21", "CH-210101", "0801"]
        .map(str::to_owned)
        .to_vec();
    let mut choosing = Vec::with_capacity(queries.len() * ROUNDS / 4);
    for _ in 0..ROUNDS / 4 {
        for (query, lang) in &queries {
            let started = Instant::now();
            black_box(directory.choose(black_box(query), *lang, &recent, LIMIT + 1));
            choosing.push(started.elapsed());
        }
    }
    choosing.sort_unstable();
    let at =
        |fraction: f64| micros(choosing[((choosing.len() - 1) as f64 * fraction).round() as usize]);
    println!(
        "choose: {} queries, p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        choosing.len(),
        at(0.50),
        at(0.99),
        at(1.0)
    );

    // The slowest query kinds on their own, to see where the time goes.
    let mut per_query: Vec<(f64, &str)> = queries
        .iter()
        .map(|(query, lang)| {
            let mut runs: Vec<Duration> = (0..50)
                .map(|_| {
                    let started = Instant::now();
                    black_box(directory.search(black_box(query), *lang, LIMIT));
                    started.elapsed()
                })
                .collect();
            runs.sort_unstable();
            (micros(runs[runs.len() / 2]), query.as_str())
        })
        .collect();
    per_query.sort_by(|left, right| right.0.total_cmp(&left.0));
    let worst: Vec<String> = per_query
        .iter()
        .take(5)
        .map(|(time, query)| format!("{query:?} {time:.1} µs"))
        .collect();
    println!("slowest medians: {}", worst.join(", "));
}
