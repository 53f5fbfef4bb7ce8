//! This device's data and background sync: opens the outbox in the app's data folder and runs
//! the sync engine on its own thread (a tokio runtime), so the UI stays responsive and only
//! ever talks to the outbox and the engine.

use ourvoice_outbox::Outbox;
use ourvoice_sync::{SyncConfig, SyncEngine};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::watch;

/// The server used when neither the build nor a tester set one.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

/// Where this device keeps its outbox: `OURVOICE_DATA`, else the platform's data folder.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("OURVOICE_DATA") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("ourvoice")
}

/// The outbox and the sync engine of this device.
pub struct Device {
    pub outbox: Arc<Outbox>,
    pub engine: Arc<SyncEngine>,
    /// The sync thread's runtime, for the few calls the UI makes online (answers, ratings).
    runtime: tokio::runtime::Handle,
    stop: watch::Sender<bool>,
}

impl Device {
    /// Opens the device from the environment (`OURVOICE_DATA`, `OURVOICE_SERVER`); a server
    /// address saved by a tester wins over the environment.
    pub fn start() -> Result<Device, String> {
        let server =
            std::env::var("OURVOICE_SERVER").unwrap_or_else(|_| DEFAULT_SERVER.to_string());
        Device::open(&data_dir(), &server)
    }

    /// Opens the outbox in `data` and starts syncing with `server` in the background.
    pub fn open(data: &Path, server: &str) -> Result<Device, String> {
        let outbox = Arc::new(Outbox::open(&data.join("outbox.db")).map_err(|e| e.to_string())?);
        let server = outbox
            .setting("server_url")
            .ok()
            .flatten()
            .unwrap_or_else(|| server.to_string());
        let engine = SyncEngine::new(Arc::clone(&outbox), SyncConfig::new(&server))
            .map_err(|e| e.to_string())?;
        let engine = Arc::new(engine);
        let (stop, stopped) = watch::channel(false);
        let background = Arc::clone(&engine);
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => {
                        let _ = handle_tx.send(Ok(runtime.handle().clone()));
                        runtime.block_on(background.run(stopped));
                    }
                    Err(error) => {
                        let _ = handle_tx.send(Err(format!("sync cannot start: {error}")));
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        let runtime = handle_rx.recv().map_err(|e| e.to_string())??;
        Ok(Device {
            outbox,
            engine,
            runtime,
            stop,
        })
    }
}

impl Device {
    /// Runs `work` on the sync thread's runtime (where the HTTP client lives) and waits for it;
    /// `None` if the runtime has stopped.
    pub async fn call<T: Send + 'static>(
        &self,
        work: impl std::future::Future<Output = T> + Send + 'static,
    ) -> Option<T> {
        self.runtime.spawn(work).await.ok()
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.engine.kick();
    }
}
