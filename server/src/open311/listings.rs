//! The listings of requests answered in the current second: every reader who asks for the same
//! listing (the same query, in the same format) within one second of the wall clock gets the
//! same answer, made once, so that many strangers asking at once cost one read of the cases per
//! second and listing, not one each.
//!
//! Each is kept as made and gzip-compressed (once), so that a reader who accepts gzip gets the
//! compressed copy without the server compressing it again.
//!
//! Guarantees: a listing is at most a second old (a new request is listed in the next second
//! at the latest); an answer is kept only when it was made (a failure is not kept, the next
//! reader tries again); at most [`LISTINGS_KEPT`] answers are kept, the least recently used
//! dropped first. Listings by request number are not kept here (they are one cheap lookup,
//! and a client that just created a request must find it at once).

use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use std::time::{SystemTime, UNIX_EPOCH};

use super::Format;
use crate::made_once::{Compressed, MadeOnce};

/// The most listings kept at once (each up to a thousand requests).
pub const LISTINGS_KEPT: usize = 64;

/// One made listing: its media type, and its body with the gzip copy.
#[derive(Clone, Debug)]
pub struct Made {
    pub content_type: &'static str,
    pub body: Compressed,
}

impl Made {
    /// A listing of `body`, compressed once here.
    pub fn new(content_type: &'static str, body: String) -> Made {
        Made {
            content_type,
            body: Compressed::new(body),
        }
    }

    /// The answer to a reader who sent `headers`: the gzip copy when it takes it.
    pub fn response(&self, headers: &HeaderMap) -> Response {
        let content_type = [(header::CONTENT_TYPE, self.content_type)];
        (content_type, self.body.response(headers)).into_response()
    }
}

/// A listing's second, format and query (the pairs in the order given).
type Key = (u64, Format, Vec<(String, String)>);

pub struct Listings {
    kept: MadeOnce<Key, Made>,
}

impl Default for Listings {
    fn default() -> Listings {
        Listings {
            kept: MadeOnce::new(LISTINGS_KEPT),
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
        self.kept
            .get_or_make((second, format, query.to_vec()), make)
            .await
    }
}
