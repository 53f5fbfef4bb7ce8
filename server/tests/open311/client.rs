//! What the Open311 tests share: API keys made and revoked with the server's own commands, and
//! a GeoReport client for both formats.

pub(crate) use crate::support::{on_each_engine, ServerProcess, TestDb, Val};
pub(crate) use reqwest::StatusCode;
pub(crate) use serde_json::Value;
use std::process::Command;

pub(crate) fn api_key(db: &TestDb, name: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_ourvoice-server"))
        .args(["--database", &db.url, "create-api-key", "--name", name])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

pub(crate) fn revoke(db: &TestDb, name: &str) -> bool {
    Command::new(env!("CARGO_BIN_EXE_ourvoice-server"))
        .args(["--database", &db.url, "revoke-api-key", "--name", name])
        .status()
        .unwrap()
        .success()
}

pub(crate) struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
}

impl Client {
    pub(crate) async fn get(&self, path: &str) -> (StatusCode, String, String) {
        let response = self
            .http
            .get(format!("{}/open311/v2/{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let kind = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, kind, response.text().await.unwrap())
    }

    pub(crate) async fn json(&self, path: &str) -> (StatusCode, Value) {
        let (status, kind, body) = self.get(path).await;
        assert!(kind.starts_with("application/json"), "{path}: {kind}");
        (
            status,
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")),
        )
    }

    pub(crate) async fn post(&self, format: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let response = self
            .http
            .post(format!("{}/open311/v2/requests.{format}", self.base))
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

pub(crate) fn error_code(body: &Value) -> i64 {
    body[0]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not a spec error: {body}"))
}
