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

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use super::Format;

/// The most listings kept at once (each up to a thousand requests).
pub const LISTINGS_KEPT: usize = 64;

/// One made listing: its media type, body, and the body gzip-compressed.
#[derive(Clone, Debug)]
pub struct Made {
    pub content_type: &'static str,
    pub body: Bytes,
    pub gzip: Bytes,
}

impl Made {
    /// A listing of `body`, compressed once here.
    pub fn new(content_type: &'static str, body: String) -> Made {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let gzip = encoder
            .write_all(body.as_bytes())
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        Made {
            content_type,
            body: body.into(),
            gzip: gzip.into(),
        }
    }

    /// The answer: the gzip copy when the reader accepts it (`accept_encoding`).
    pub fn response(&self, accept_encoding: Option<&HeaderValue>) -> Response {
        let headers = [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            ),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
        ];
        if accepts_gzip(accept_encoding) && !self.gzip.is_empty() {
            (
                StatusCode::OK,
                headers,
                [(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"))],
                self.gzip.clone(),
            )
                .into_response()
        } else {
            (StatusCode::OK, headers, self.body.clone()).into_response()
        }
    }
}

/// Whether an `Accept-Encoding` header takes gzip (named, or `*`, without `q=0`).
fn accepts_gzip(accept_encoding: Option<&HeaderValue>) -> bool {
    let Some(text) = accept_encoding.and_then(|value| value.to_str().ok()) else {
        return false;
    };
    text.split(',').any(|coding| {
        let mut parts = coding.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_sent_only_to_who_takes_it() {
        for (header, takes) in [
            (None, false),
            (Some("gzip"), true),
            (Some("br, gzip;q=0.5"), true),
            (Some("GZIP"), true),
            (Some("*"), true),
            (Some("gzip;q=0"), false),
            (Some("deflate, br"), false),
            (Some("identity"), false),
        ] {
            let value = header.map(HeaderValue::from_static);
            assert_eq!(accepts_gzip(value.as_ref()), takes, "{header:?}");
        }
    }

    #[test]
    fn the_gzip_copy_holds_the_body() {
        use std::io::Read;
        let made = Made::new("application/json; charset=utf-8", "[1,2,3]".repeat(100));
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&made.gzip[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain.as_bytes(), &made.body[..]);
        assert!(made.gzip.len() < made.body.len());
    }
}
