//! The officials' console on the real server binary, on each engine: the first administrator
//! made by the `create-admin` command, accounts and roles, sessions, CSRF, login throttling,
//! the authorization matrix, replies that reach the app, citizen answers and ratings, the
//! audit log, deadlines with a controlled clock, escaping of untrusted text, small-cell
//! suppression in the statistics, retention of contact details, and the inbox, pickers and
//! confirmations of a busy official.
//!
//! One test binary, a module per area; each test runs on SQLite, then PostgreSQL, and a failure
//! names the engine.

#[path = "../support/mod.rs"]
mod support;

mod setup;

mod accounts;
mod administration;
mod attachments;
mod authorization;
mod busy;
mod cases;
mod deadlines;
mod retention;
mod statistics;
