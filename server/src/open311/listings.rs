//! The listings of requests answered in the current second: every reader who asks for the same
//! listing (the same query, in the same format) within one second of the wall clock gets the
//! same answer, made once, so that many strangers asking at once cost one read of the cases per
//! second and listing, not one each.
//!
//! Guarantees: a listing is at most a second old (a new request is listed in the next second
//! at the latest); an answer is kept only when it was made (a failure is not kept, the next
//! reader tries again); at most [`LISTINGS_KEPT`] answers are kept, the least recently used
//! dropped first. Listings by request number are not kept here (they are one cheap lookup,
//! and a client that just created a request must find it at once).

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use super::Format;

/// The most listings kept at once (each up to a thousand requests).
pub const LISTINGS_KEPT: usize = 64;

/// One made listing: its media type and body.
#[derive(Clone, Debug)]
pub struct Made {
    pub content_type: &'static str,
    pub body: Bytes,
}

impl Made {
    pub fn response(&self) -> Response {
        (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            )],
            self.body.clone(),
        )
            .into_response()
    }
}

/// A listing's second, format and query (the pairs in the order given).
type Key = (u64, Format, Vec<(String, String)>);
type Slot = Arc<tokio::sync::OnceCell<Made>>;

pub struct Listings {
    kept: Mutex<lru::LruCache<Key, Slot>>,
}

impl Default for Listings {
    fn default() -> Listings {
        Listings {
            kept: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(LISTINGS_KEPT).expect("not zero"),
            )),
        }
    }
}

impl Listings {
    /// The listing of `query` in `format` made in this second, or made now by `make` (once,
    /// however many ask at the same time).
    pub async fn get_or_make<F, Fut, E>(
        &self,
        format: Format,
        query: &[(String, String)],
        make: F,
    ) -> Result<Made, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Made, E>>,
    {
        let second = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let slot = {
            let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(kept.get_or_insert((second, format, query.to_vec()), Default::default))
        };
        slot.get_or_try_init(make).await.cloned()
    }
}
