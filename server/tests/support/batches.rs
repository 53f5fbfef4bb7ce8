//! Batches as phones send them, for the benchmarks: typical Khmer complaints, gzip-compressed,
//! prepared before the clock starts, and one batch sent the way the sync engine sends it.

use flate2::{write::GzEncoder, Compression};
use std::io::Write;

use super::{complaint, khmer_complaint_text};

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// For each of `devices`, `batches` gzip bodies of `items` new complaints each.
pub fn prepared(devices: usize, batches: usize, items: usize) -> Vec<Vec<Vec<u8>>> {
    (0..devices)
        .map(|_| {
            (0..batches)
                .map(|_| {
                    let items: Vec<_> = (0..items)
                        .map(|n| complaint(&khmer_complaint_text(n)))
                        .collect();
                    gzip(&serde_json::to_vec(&serde_json::json!({ "items": items })).unwrap())
                })
                .collect()
        })
        .collect()
}

/// Sends one gzip batch to `url` (`…/api/v1/submissions`); it must be answered 200. How many
/// of its items were accepted.
pub async fn send(http: &reqwest::Client, url: &str, body: Vec<u8>) -> usize {
    let response = http
        .post(url)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "accepted")
        .count()
}
