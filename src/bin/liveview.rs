//! `ourvoice-liveview`: the real app (native outbox, sync engine, SQLite) served over a
//! websocket to a browser, for end-to-end tests in Chromium at a phone's size. Prints
//! `listening on ADDRESS` once ready. Settings: `OURVOICE_DATA`, `OURVOICE_SERVER`, and
//! `OURVOICE_LIVEVIEW_LISTEN` (default `127.0.0.1:0`).

use axum::extract::WebSocketUpgrade;
use axum::response::Html;
use axum::routing::get;
use dioxus::prelude::*;
use dioxus_liveview::{axum_socket, interpreter_glue, LiveViewPool};
use ourvoice::state::DeviceContext;
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let device = DeviceContext(
        ourvoice::device::Device::start()
            .map(Arc::new)
            .map_err(Arc::new),
    );
    let listen = std::env::var("OURVOICE_LIVEVIEW_LISTEN").unwrap_or_else(|_| "127.0.0.1:0".into());
    let listener = match tokio::net::TcpListener::bind(&listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("ourvoice-liveview: cannot listen on {listen}: {error}");
            std::process::exit(1);
        }
    };
    // The page a phone's WebView would show: viewport for a phone, then the liveview glue.
    let page = format!(
        r#"<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Our Voice</title></head>
<body><div id="main"></div>{}</body>
</html>"#,
        interpreter_glue("/ws")
    );
    let pool = Arc::new(LiveViewPool::new());
    let router = axum::Router::new()
        .route("/", get(move || async move { Html(page) }))
        .route(
            "/ws",
            get(move |upgrade: WebSocketUpgrade| {
                let (pool, device) = (Arc::clone(&pool), device.clone());
                async move {
                    upgrade.on_upgrade(move |socket| async move {
                        let app = move || VirtualDom::new(ourvoice::App).with_root_context(device);
                        if let Err(error) = pool.launch_virtualdom(axum_socket(socket), app).await {
                            eprintln!("ourvoice-liveview: session ended: {error:?}");
                        }
                    })
                }
            }),
        );
    match listener.local_addr() {
        Ok(address) => println!("listening on {address}"),
        Err(error) => eprintln!("ourvoice-liveview: {error}"),
    }
    if let Err(error) = axum::serve(listener, router).await {
        eprintln!("ourvoice-liveview: {error}");
    }
}
