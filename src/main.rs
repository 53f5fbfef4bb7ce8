//! The app's entry point for phones and the testers' desktop build: opens this device's outbox,
//! starts background sync and launches the root component.

use ourvoice::state::DeviceContext;
use std::sync::Arc;

fn main() {
    let device = DeviceContext(
        ourvoice::device::Device::start()
            .map(Arc::new)
            .map_err(Arc::new),
    );
    let builder = dioxus::LaunchBuilder::new().with_context(device);
    #[cfg(feature = "desktop")]
    let builder = {
        use dioxus::desktop::{Config, LogicalSize, WindowBuilder};
        let window = WindowBuilder::new()
            .with_title("Our Voice — សំឡេងយើង")
            .with_inner_size(LogicalSize::new(400.0, 820.0));
        builder.with_cfg(Config::new().with_window(window).with_menu(None))
    };
    builder.launch(ourvoice::App);
}
