//! A TCP proxy that injects faults between a client and a server: for each request/answer
//! exchange it passes the answer, resets the connection before it, answers 500 instead, or
//! stalls; and it can close its port for a while (connections refused). The upstream can be
//! changed while it runs (a server restarted on another port).

use rand::{rngs::StdRng, Rng};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to one request/answer exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    Pass,
    /// The request reaches the server; the connection is reset before the answer.
    ResetBeforeAnswer,
    /// The request reaches the server; the client gets a 500 instead of the answer.
    Error500,
    /// The request reaches the server; the answer is held for 10 s (the client times out).
    Stall,
}

pub struct Proxy {
    pub upstream: Mutex<String>,
    /// While true the proxy's port is closed: connections are refused.
    pub refusing: AtomicBool,
    pub faults_on: AtomicBool,
    pub rng: Mutex<StdRng>,
    pub seen: Mutex<HashMap<&'static str, u64>>,
    pub refused: AtomicU64,
}

impl Proxy {
    pub fn pick(&self) -> Fault {
        if !self.faults_on.load(Ordering::SeqCst) {
            return Fault::Pass;
        }
        let roll: f64 = self.rng.lock().unwrap().random();
        let fault = match roll {
            r if r < 0.15 => Fault::ResetBeforeAnswer,
            r if r < 0.30 => Fault::Error500,
            r if r < 0.33 => Fault::Stall,
            _ => Fault::Pass,
        };
        let name = match fault {
            Fault::Pass => "pass",
            Fault::ResetBeforeAnswer => "reset",
            Fault::Error500 => "500",
            Fault::Stall => "stall",
        };
        *self.seen.lock().unwrap().entry(name).or_default() += 1;
        fault
    }
}

/// Relays one client connection, choosing a fault for each exchange (a request then its answer).
async fn relay(proxy: Arc<Proxy>, client: TcpStream) {
    let upstream = proxy.upstream.lock().unwrap().clone();
    let Ok(server) = TcpStream::connect(&upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let mut from_client = vec![0u8; 64 * 1024];
    let mut from_server = vec![0u8; 64 * 1024];
    let mut fault: Option<Fault> = None;
    loop {
        tokio::select! {
            read = client_read.read(&mut from_client) => {
                let Ok(n) = read else { return };
                if n == 0 || server_write.write_all(&from_client[..n]).await.is_err() {
                    return;
                }
                fault = None; // a new exchange begins
            }
            read = server_read.read(&mut from_server) => {
                let Ok(n) = read else { return };
                if n == 0 {
                    return;
                }
                let this = *fault.get_or_insert_with(|| proxy.pick());
                match this {
                    Fault::Pass => {
                        if client_write.write_all(&from_server[..n]).await.is_err() {
                            return;
                        }
                    }
                    Fault::ResetBeforeAnswer => {
                        let stream = client_read.reunite(client_write).expect("halves of one stream");
                        // A zero linger resets at once; it never blocks the way a positive one can.
                        #[allow(deprecated)]
                        let _ = stream.set_linger(Some(Duration::ZERO));
                        return; // dropped with linger 0: RST
                    }
                    Fault::Error500 => {
                        let _ = client_write
                            .write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                            .await;
                        return;
                    }
                    Fault::Stall => {
                        tokio::time::sleep(Duration::from_secs(10)).await;
                        return;
                    }
                }
            }
        }
    }
}

/// Accepts on `port`, closing the port while `refusing` is set.
pub async fn run_proxy(proxy: Arc<Proxy>, port: u16, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::SeqCst) {
        if proxy.refusing.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        }
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("proxy port");
        while !proxy.refusing.load(Ordering::SeqCst) && !stop.load(Ordering::SeqCst) {
            if let Ok(Ok((client, _))) =
                tokio::time::timeout(Duration::from_millis(20), listener.accept()).await
            {
                tokio::spawn(relay(Arc::clone(&proxy), client));
            }
        }
        proxy.refused.fetch_add(1, Ordering::SeqCst);
    }
}
