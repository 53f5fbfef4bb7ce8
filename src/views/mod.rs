//! One file per screen. Each reads the UI state from context and the device's data through
//! the outbox and sync crates only.

mod confirmation;
mod detail;
mod feedback;
mod form;
mod home;
mod lock;
mod place;
mod privacy;
mod review;
mod scorecard;
mod settings;
mod welcome;

pub use confirmation::ConfirmationView;
pub use detail::DetailView;
pub use feedback::FeedbackView;
pub use form::FormView;
pub use home::HomeView;
pub use lock::{LockSettings, LockView};
pub use place::{ChosenPlace, PlaceView};
pub use privacy::PrivacyView;
pub use review::ReviewView;
pub use scorecard::{age_words, ScorecardView};
pub use settings::SettingsView;
pub use welcome::WelcomeView;
