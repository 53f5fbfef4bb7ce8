//! The app's entry point for phones and the testers' desktop build: opens this device's outbox,
//! starts background sync and launches the root component in the native shell, which kicks the
//! sync engine whenever the app comes to the foreground (`platform::native`).

use ourvoice::state::DeviceContext;
use std::sync::Arc;

fn main() {
    let device = DeviceContext(
        ourvoice::device::Device::start()
            .map(Arc::new)
            .map_err(Arc::new),
    );
    let engine = device.0.as_ref().ok().map(|d| Arc::clone(&d.engine));
    let builder = dioxus::LaunchBuilder::new().with_context(device);
    #[cfg(any(feature = "desktop", feature = "mobile"))]
    let builder = builder.with_cfg(ourvoice::platform::native::config(engine));
    #[cfg(not(any(feature = "desktop", feature = "mobile")))]
    drop(engine);
    builder.launch(ourvoice::App);
}
