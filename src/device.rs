//! This device's data and background sync: opens the outbox in the app's data folder and runs
//! the sync engine on its own thread (a tokio runtime), so the UI stays responsive and only
//! ever talks to the outbox and the engine. What the UI asks of the server itself (an office's
//! scorecard) runs on that same thread, and the UI awaits its outcome.

use ourvoice_outbox::Outbox;
use ourvoice_sync::{ScorecardAnswer, SyncConfig, SyncEngine, SyncError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::watch;

/// The server used when no tester set one: `OURVOICE_DEFAULT_SERVER` at build time (release
/// builds for phones must set an `https://` address), else a testers' local server.
pub const DEFAULT_SERVER: &str = match option_env!("OURVOICE_DEFAULT_SERVER") {
    Some(server) if !server.is_empty() => server,
    _ => "http://127.0.0.1:8080",
};

/// Where this device keeps its outbox: `OURVOICE_DATA`, else the platform's app-private data
/// folder (see [`crate::platform::data_dir`]).
pub fn data_dir() -> PathBuf {
    crate::platform::data_dir()
}

/// The outbox and the sync engine of this device.
pub struct Device {
    pub outbox: Arc<Outbox>,
    pub engine: Arc<SyncEngine>,
    /// The sync thread's runtime, where requests the UI asks for run.
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

    /// Opens the outbox in `data` and starts syncing with `server` in the background. A server
    /// this build may not use (see [`crate::platform::server_allowed`]) is refused, and a saved
    /// one is then ignored.
    pub fn open(data: &Path, server: &str) -> Result<Device, String> {
        let outbox = Arc::new(Outbox::open(&data.join("outbox.db")).map_err(|e| e.to_string())?);
        let server = outbox
            .setting("server_url")
            .map_err(|e| e.to_string())?
            .filter(|saved| crate::platform::server_allowed(saved))
            .unwrap_or_else(|| server.to_string());
        if !crate::platform::server_allowed(&server) {
            return Err(format!(
                "{server:?} is not a server this build may use (release builds for phones need https://)"
            ));
        }
        let engine = SyncEngine::new(Arc::clone(&outbox), SyncConfig::new(&server))
            .map_err(|e| e.to_string())?;
        let engine = Arc::new(engine);
        let (stop, stopped) = watch::channel(false);
        let background = Arc::clone(&engine);
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => {
                        let _ = started_tx.send(Ok(runtime.handle().clone()));
                        runtime.block_on(background.run(stopped));
                    }
                    Err(error) => {
                        let _ = started_tx.send(Err(format!("sync cannot start: {error}")));
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        let runtime = started_rx.recv().map_err(|e| e.to_string())??;
        Ok(Device {
            outbox,
            engine,
            runtime,
            stop,
        })
    }

    /// Asks the server for the scorecard of `office` on the sync thread
    /// ([`SyncEngine::refresh_scorecard`]: what it answers is kept in the outbox); the future
    /// the UI awaits for the outcome.
    pub fn refresh_scorecard(
        &self,
        office: &str,
    ) -> impl std::future::Future<Output = Result<ScorecardAnswer, SyncError>> + 'static {
        let engine = Arc::clone(&self.engine);
        let office = office.to_string();
        let running = self
            .runtime
            .spawn(async move { engine.refresh_scorecard(&office).await });
        async move {
            running
                .await
                .unwrap_or_else(|error| Err(SyncError::Unreachable(error.to_string())))
        }
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.engine.kick();
    }
}
