//! What the outermost layer (`observe`: request id, counts, one log line) costs one request,
//! in process: the same router answered through `tower::ServiceExt::oneshot` without the
//! layer, with it and no log subscriber, and with it writing JSON log lines (to a sink).
//! Run: `cargo bench -p ourvoice-server --bench observe`.

use axum::body::Body;
use axum::http::Request;
use axum::routing::post;
use axum::Router;
use std::time::Instant;
use tower::ServiceExt;

const REQUESTS: u32 = 200_000;

fn router() -> Router {
    Router::new().route("/api/v1/items/{id}", post(|| async { "ok" }))
}

async fn per_request(app: &Router) -> f64 {
    let started = Instant::now();
    for n in 0..REQUESTS {
        let request = Request::post(format!("/api/v1/items/{n}"))
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert!(response.status().is_success());
    }
    started.elapsed().as_secs_f64() / f64::from(REQUESTS) * 1e9
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let bare = router();
    let observed = ourvoice_server::observe::apply(router());
    // Warm both (allocations, the metrics' label sets).
    per_request(&bare).await;
    per_request(&observed).await;
    let without = per_request(&bare).await;
    let counted = per_request(&observed).await;
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(std::io::sink)
        .finish();
    let dispatch = tracing::Dispatch::new(subscriber);
    let guard = tracing::dispatcher::set_default(&dispatch);
    let logged = per_request(&observed).await;
    drop(guard);
    println!("observe: {REQUESTS} requests in process, ns per request");
    println!("  router alone:                       {without:>8.0}");
    println!(
        "  with observe (no log subscriber):   {counted:>8.0}  (+{:.0})",
        counted - without
    );
    println!(
        "  with observe and JSON log lines:    {logged:>8.0}  (+{:.0})",
        logged - without
    );
}
