//! Open311 create throughput on loopback against the real release binary: 64 concurrent
//! clients POST `/open311/v2/requests.json` (form-encoded, with an API key); every request is
//! durably stored before its answer. On each engine of `OURVOICE_TEST_ENGINES` (default both).

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::Instant;
use support::{khmer_complaint_text, ServerProcess, TestDb};

const CLIENTS: usize = 64;
const PER_CLIENT: usize = 50;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    for db in TestDb::all() {
        let output = Command::new(env!("CARGO_BIN_EXE_ourvoice-server"))
            .args(["--database", &db.url, "create-api-key", "--name", "bench"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let key = String::from_utf8(output.stdout).unwrap().trim().to_string();
        let server = ServerProcess::start(&db, &[]);
        let url = format!("{}/open311/v2/requests.json", server.url());
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(CLIENTS)
            .build()
            .unwrap();
        let started = Instant::now();
        let mut clients = Vec::new();
        for client in 0..CLIENTS {
            let (http, url, key) = (http.clone(), url.clone(), key.clone());
            clients.push(tokio::spawn(async move {
                for n in 0..PER_CLIENT {
                    let text = khmer_complaint_text(client * PER_CLIENT + n);
                    let body = form_urlencoded::Serializer::new(String::new())
                        .extend_pairs([
                            ("api_key", key.as_str()),
                            ("service_code", "civil_registration"),
                            ("address_id", "120101"),
                            ("description", text.as_str()),
                            ("lat", "11.5449"),
                            ("long", "104.9282"),
                        ])
                        .finish();
                    let response = http
                        .post(&url)
                        .header(
                            "content-type",
                            "application/x-www-form-urlencoded; charset=utf-8",
                        )
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
                }
            }));
        }
        for client in clients {
            client.await.unwrap();
        }
        let took = started.elapsed().as_secs_f64();
        let total = CLIENTS * PER_CLIENT;
        println!(
            "open311 ({:?}): {total} POST requests.json from {CLIENTS} concurrent clients in {took:.2} s: {:.0} requests/s, durable",
            db.engine,
            total as f64 / took
        );
        assert_eq!(db.count("SELECT count(*) FROM cases", &[]), total as i64);
    }
}
