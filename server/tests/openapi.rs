//! The published contract and the server agree: the served document is the one kept in the
//! repository (`server/openapi.json`), its operations are exactly `API_ROUTES`, and the real
//! server answers each of them (a route the server lacks answers with axum's empty 404/405).
//!
//! After changing the API, rewrite the copy with
//! `OURVOICE_UPDATE_OPENAPI=1 cargo test -p ourvoice-server --test openapi`.

mod support;

use ourvoice_server::openapi::{document, API_ROUTES, DOCUMENT};
use std::collections::BTreeSet;
use support::{ServerProcess, TestDb};

#[test]
fn the_repository_copy_is_the_served_document() {
    let path =
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
            .join("openapi.json");
    if std::env::var_os("OURVOICE_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, DOCUMENT.as_str()).unwrap();
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == *DOCUMENT,
        "server/openapi.json is out of date: run OURVOICE_UPDATE_OPENAPI=1 cargo test -p ourvoice-server --test openapi"
    );
}

#[test]
fn the_document_lists_exactly_the_routes() {
    let document = document();
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let listed: BTreeSet<(String, String)> = API_ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, listed);
    assert_eq!(document["openapi"], "3.1.0");
}

#[tokio::test]
async fn the_server_answers_every_documented_operation() {
    let db = TestDb::new(support::Engine::Sqlite);
    let server = ServerProcess::start(&db, &[]);
    let http = reqwest::Client::new();
    let served: serde_json::Value = http
        .get(format!("{}/api/openapi.json", server.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(served, document());
    for (method, path) in API_ROUTES {
        let concrete = path
            .replace("{service_code}", "land")
            .replace("{service_request_id}", "1")
            .replace("{token}", "00000000-0000-4000-8000-000000000000")
            .replace("{case}", "00000000-0000-4000-8000-000000000001")
            .replace("{attachment}", "00000000-0000-4000-8000-000000000002")
            .replace("{photo}", "00000000-0000-4000-8000-000000000003")
            .replace("{office}", "CH-120101")
            .replace("{province}", "12")
            .replace("{period}", "12-months");
        let url = format!("{}{concrete}", server.url());
        let request = match *method {
            "get" => http.get(&url),
            "put" => http
                .put(&url)
                .header("content-type", "application/octet-stream")
                .body("piece"),
            _ => http
                .post(&url)
                .header("content-type", "application/json")
                .body("{}"),
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        assert_ne!(status, 405, "{method} {path} is not routed for that method");
        assert!(
            status != 404 || !body.is_empty(),
            "{method} {path} is not routed"
        );
        assert!(status < 500, "{method} {path} answered {status}: {body}");
    }
}
