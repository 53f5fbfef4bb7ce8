//! The listings of requests answered in the current second: every reader who asks for the same
//! listing (the same query, in the same format) within one second of the wall clock gets the
//! same answer, made once, so that many strangers asking at once cost one read of the cases per
//! second and listing, not one each.
//!
//! Each is kept as made and gzip-compressed (once), so that a reader who accepts gzip gets the
//! compressed copy without the server compressing it again.
//!
//! The first reader of a second makes that second's listing; readers who come while it is
//! being made get the one made in the second before, when there is one, instead of waiting.
//!
//! Guarantees: a listing is at most two seconds old (a new request is listed within two
//! seconds, and within one when nobody is making the listing at that moment); an answer is
//! kept only when it was made (a failure is not kept, the next reader tries again); at most [`LISTINGS_KEPT`] answers are kept, the least recently used
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
    /// however many ask at the same time); while another reader makes it, the one made in
    /// the second before, when there is one.
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
        self.get_or_make_in(second, format, query, make).await
    }

    async fn get_or_make_in<F, Fut, E>(
        &self,
        second: u64,
        format: Format,
        query: &[(String, String)],
        make: F,
    ) -> Result<Made, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Made, E>>,
    {
        // The reader who puts the second's slot there makes the listing.
        let (slot, first) = self.kept.claim((second, format, query.to_vec()));
        if let Some(made) = slot.get() {
            return Ok(made.clone());
        }
        if !first {
            let previous = (second.saturating_sub(1), format, query.to_vec());
            if let Some(made) = self.kept.made(&previous) {
                return Ok(made);
            }
        }
        slot.get_or_try_init(make).await.cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::sync::oneshot;

    fn listing(text: &str) -> Result<Made, ()> {
        Ok(Made::new("application/json", text.to_string()))
    }

    fn text(made: &Made) -> &[u8] {
        &made.body.plain
    }

    /// A reader who makes the JSON listing of `query` in `second`, slowly: it is made as
    /// `text` once the sender is used; returned once the making has started.
    async fn slow_maker(
        listings: &Arc<Listings>,
        second: u64,
        query: &[(String, String)],
        text: &'static str,
    ) -> (
        oneshot::Sender<()>,
        tokio::task::JoinHandle<Result<Made, ()>>,
    ) {
        let (release, released) = oneshot::channel::<()>();
        let (started, making) = oneshot::channel::<()>();
        let maker = {
            let (listings, query) = (Arc::clone(listings), query.to_vec());
            tokio::spawn(async move {
                listings
                    .get_or_make_in(second, Format::Json, &query, || async {
                        started.send(()).unwrap();
                        released.await.unwrap();
                        listing(text)
                    })
                    .await
            })
        };
        making.await.unwrap();
        (release, maker)
    }

    #[tokio::test]
    async fn while_a_second_s_listing_is_made_readers_get_the_one_before() {
        let listings = Arc::new(Listings::default());
        let query = vec![("status".to_string(), "open".to_string())];
        let made = listings
            .get_or_make_in(10, Format::Json, &query, || async { listing("ten") })
            .await
            .unwrap();
        assert_eq!(text(&made), b"ten");
        // In second 11 the first reader makes the listing, slowly.
        let (release, maker) = slow_maker(&listings, 11, &query, "eleven").await;
        // Meanwhile another reader is answered at once, with second 10's.
        let meanwhile = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            listings.get_or_make_in(11, Format::Json, &query, || async { listing("never") }),
        )
        .await
        .expect("answered without waiting for the making")
        .unwrap();
        assert_eq!(text(&meanwhile), b"ten");
        // Another format or query has no listing before: it is made.
        let other = listings
            .get_or_make_in(11, Format::Xml, &query, || async { listing("xml") })
            .await
            .unwrap();
        assert_eq!(text(&other), b"xml");
        release.send(()).unwrap();
        assert_eq!(text(&maker.await.unwrap().unwrap()), b"eleven");
        let after = listings
            .get_or_make_in(11, Format::Json, &query, || async { listing("never") })
            .await
            .unwrap();
        assert_eq!(text(&after), b"eleven");
        // Nothing was made in second 12: in 13 a second reader waits for the making.
        let (release, maker) = slow_maker(&listings, 13, &query, "thirteen").await;
        let waiter = {
            let (listings, query) = (Arc::clone(&listings), query.clone());
            tokio::spawn(async move {
                listings
                    .get_or_make_in(13, Format::Json, &query, || async { listing("never") })
                    .await
            })
        };
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "it waits: second 11's is too old");
        release.send(()).unwrap();
        assert_eq!(text(&maker.await.unwrap().unwrap()), b"thirteen");
        assert_eq!(text(&waiter.await.unwrap().unwrap()), b"thirteen");
    }

    #[tokio::test]
    async fn a_failed_making_is_tried_again() {
        let listings = Listings::default();
        let failed: Result<Made, ()> = listings
            .get_or_make_in(5, Format::Json, &[], || async { Err(()) })
            .await;
        assert!(failed.is_err());
        let made = listings
            .get_or_make_in(5, Format::Json, &[], || async { listing("five") })
            .await
            .unwrap();
        assert_eq!(text(&made), b"five");
    }
}
