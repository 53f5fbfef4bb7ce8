//! Conformance of `/open311/v2/` with the GeoReport v2 text, on both engines: every endpoint in
//! both formats, every filter of `requests`, every error with the spec's status codes and
//! shapes, API keys, and what is published: on every public route, in both formats, coded
//! fields only, and the text, the office's replies and the location only of the items whose
//! citizen chose to publish them (never of complaints about staff, confidential items or
//! evaluations); contact details never.
//!
//! Each test runs on SQLite, then PostgreSQL; a failure names the engine.

#[path = "../support/mod.rs"]
mod support;

mod client;
mod conformance;
mod publication;
