//! Answers the server makes once and then hands to every reader: [`Compressed`] keeps a body
//! with its gzip copy (compressed once, when made); [`DeflatedPart`] keeps a part of pages
//! deflated once, which [`gzip_around`] joins with the page made around it for one reader into
//! one gzip body (compressing only that page); and [`MadeOnce`] keeps what was made per key,
//! so that readers who ask for the same thing at the same time wait for one making. The
//! Open311 listings, the public pages, the open data files and the console's inbox pages are
//! kept this way.
//!
//! Guarantees: a reader gets the gzip copy only when its `Accept-Encoding` takes gzip, and
//! every answer from a kept body says it varies with that header; what failed to be made is
//! not kept (the next reader tries again); at most the capacity given is kept, the least
//! recently used dropped first.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::hash::Hash;
use std::io::Write;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// A body as made and gzip-compressed.
#[derive(Clone, Debug)]
pub struct Compressed {
    pub plain: Bytes,
    pub gzip: Bytes,
}

impl Compressed {
    /// Keeps `body`, compressing it once here (at the default level: it is compressed once
    /// and sent many times). An empty gzip copy (a failure) means the plain body is sent.
    pub fn new(body: impl Into<Bytes>) -> Compressed {
        let plain = body.into();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let gzip = encoder
            .write_all(&plain)
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        Compressed {
            plain,
            gzip: gzip.into(),
        }
    }

    /// The body as an answer for a reader who sent `headers`: the gzip copy when it takes
    /// gzip. The caller adds the other headers.
    pub fn response(&self, headers: &HeaderMap) -> Response {
        let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
        if accepts_gzip(headers.get(header::ACCEPT_ENCODING)) && !self.gzip.is_empty() {
            let gzip = (header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            ([vary, gzip], self.gzip.clone()).into_response()
        } else {
            ([vary], self.plain.clone()).into_response()
        }
    }
}

/// A part of a page deflated once, to be sent inside pages made per reader ([`gzip_around`]):
/// raw deflate ending on a byte boundary without a last block, with its CRC-32 and length.
#[derive(Debug)]
pub struct DeflatedPart {
    deflated: Bytes,
    crc: flate2::Crc,
}

impl DeflatedPart {
    /// `text` deflated (at the default level: it is deflated once and sent many times);
    /// `None` if deflating failed.
    pub fn new(text: &[u8]) -> Option<DeflatedPart> {
        let mut crc = flate2::Crc::new();
        crc.update(text);
        let mut deflated = Vec::with_capacity(text.len() / 4 + 64);
        let deflate = flate2::Compress::new(flate2::Compression::default(), false);
        deflate_into(deflate, text, flate2::FlushCompress::Sync, &mut deflated)?;
        Some(DeflatedPart {
            deflated: deflated.into(),
            crc,
        })
    }
}

/// A part of pages drawn once: its text, and the text deflated once.
#[derive(Debug)]
pub struct DrawnPart {
    pub text: String,
    /// `None` if deflating failed (pages with it are then sent plain).
    pub deflated: Option<DeflatedPart>,
}

impl DrawnPart {
    pub fn new(text: String) -> DrawnPart {
        DrawnPart {
            deflated: DeflatedPart::new(text.as_bytes()),
            text,
        }
    }
}

/// `before`, the part deflated once, and `after` as one gzip body, deflating only `before` and
/// `after` here (at the fastest level, as made per answer); `None` if deflating failed.
pub fn gzip_around(before: &[u8], middle: &DeflatedPart, after: &[u8]) -> Option<Vec<u8>> {
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let fast = || flate2::Compress::new(flate2::Compression::fast(), false);
    let mut body =
        Vec::with_capacity(HEADER.len() + middle.deflated.len() + before.len() + after.len() + 8);
    body.extend_from_slice(&HEADER);
    deflate_into(fast(), before, flate2::FlushCompress::Sync, &mut body)?;
    body.extend_from_slice(&middle.deflated);
    deflate_into(fast(), after, flate2::FlushCompress::Finish, &mut body)?;
    let mut crc = flate2::Crc::new();
    crc.update(before);
    crc.combine(&middle.crc);
    let mut crc_after = flate2::Crc::new();
    crc_after.update(after);
    crc.combine(&crc_after);
    body.extend_from_slice(&crc.sum().to_le_bytes());
    // The length modulo 2^32, as gzip keeps it.
    body.extend_from_slice(&crc.amount().to_le_bytes());
    Some(body)
}

/// Deflates all of `text` onto `out`, ending with `flush` (`Sync`: on a byte boundary, more
/// blocks may follow; `Finish`: the last block).
fn deflate_into(
    mut deflate: flate2::Compress,
    text: &[u8],
    flush: flate2::FlushCompress,
    out: &mut Vec<u8>,
) -> Option<()> {
    loop {
        if out.capacity() - out.len() < 64 {
            out.reserve(text.len() / 4 + 64);
        }
        let taken = usize::try_from(deflate.total_in()).ok()?;
        let status = deflate.compress_vec(&text[taken..], out, flush).ok()?;
        let all_taken = usize::try_from(deflate.total_in()).ok()? == text.len();
        // Done when the input is taken and the flush did not stop for want of room.
        let done = match flush {
            flate2::FlushCompress::Finish => status == flate2::Status::StreamEnd,
            _ => all_taken && out.len() < out.capacity(),
        };
        if done {
            return Some(());
        }
    }
}

/// Whether an `Accept-Encoding` header takes gzip (named, or `*`, without `q=0`).
pub fn accepts_gzip(accept_encoding: Option<&HeaderValue>) -> bool {
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

/// What is being made or was made under one key: readers of the key wait for one making.
pub type Slot<V> = Arc<tokio::sync::OnceCell<V>>;

/// What was made per key, at most `capacity` keys (the least recently used dropped first).
pub struct MadeOnce<K: Hash + Eq, V> {
    kept: Mutex<lru::LruCache<K, Slot<V>>>,
}

impl<K: Hash + Eq, V: Clone> MadeOnce<K, V> {
    pub fn new(capacity: usize) -> MadeOnce<K, V> {
        MadeOnce {
            kept: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(capacity.max(1)).expect("not zero"),
            )),
        }
    }

    /// The slot of `key`, new if it has none.
    pub fn slot(&self, key: K) -> Slot<V> {
        self.claim(key).0
    }

    /// The slot of `key`, and whether this call put it there (the caller is the first to ask
    /// for it since it was last dropped).
    pub fn claim(&self, key: K) -> (Slot<V>, bool) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = kept.get(&key) {
            return (Arc::clone(slot), false);
        }
        let slot: Slot<V> = Default::default();
        kept.put(key, Arc::clone(&slot));
        (slot, true)
    }

    /// Drops the slot of `key` (a making that failed, to be claimed again by the next).
    pub fn forget(&self, key: &K) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.pop(key);
    }

    /// What was made under `key`, if it was (without waiting for a making, and without
    /// counting as a use).
    pub fn made(&self, key: &K) -> Option<V> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.peek(key).and_then(|slot| slot.get().cloned())
    }

    /// What was made under `key`, or what `make` makes now (once, however many ask at the
    /// same time; a failure is not kept).
    pub async fn get_or_make<F, Fut, E>(&self, key: K, make: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        self.slot(key).get_or_try_init(make).await.cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

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
        let made = Compressed::new("[1,2,3]".repeat(100));
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&made.gzip[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain.as_bytes(), &made.plain[..]);
        assert!(made.gzip.len() < made.plain.len());
        let mut takes = HeaderMap::new();
        takes.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        let answer = made.response(&takes);
        assert_eq!(answer.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(answer.headers()[header::VARY], "accept-encoding");
        let answer = made.response(&HeaderMap::new());
        assert!(answer.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(answer.headers()[header::VARY], "accept-encoding");
    }

    #[test]
    fn a_part_deflated_once_reads_back_inside_any_page_around_it() {
        use std::io::Read;
        // Past the deflate window (32 KiB) and with repeats across the joins.
        let middle: String = (0..3000)
            .map(|n| format!("<tr><td>{n}</td><td>ខ្មែរ {}</td></tr>", n * 7919 % 1000))
            .collect();
        let kept = DeflatedPart::new(middle.as_bytes()).unwrap();
        for (before, after) in [
            ("<!doctype html><main>", "</main></html>"),
            ("", ""),
            ("<td>1</td>", ""),
            ("", &"<p>after</p>".repeat(500)[..]),
        ] {
            let body = gzip_around(before.as_bytes(), &kept, after.as_bytes()).unwrap();
            let mut read = String::new();
            flate2::read::GzDecoder::new(&body[..])
                .read_to_string(&mut read)
                .unwrap();
            assert_eq!(read, format!("{before}{middle}{after}"));
            assert!(
                body.len() < read.len() / 3,
                "{} of {}",
                body.len(),
                read.len()
            );
        }
    }

    #[tokio::test]
    async fn readers_at_once_share_one_making_and_a_failure_is_not_kept() {
        let kept: Arc<MadeOnce<&str, usize>> = Arc::new(MadeOnce::new(2));
        let makings = Arc::new(AtomicUsize::new(0));
        let readers: Vec<_> = (0..16)
            .map(|_| {
                let (kept, makings) = (Arc::clone(&kept), Arc::clone(&makings));
                tokio::spawn(async move {
                    kept.get_or_make("page", || async {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok::<_, ()>(makings.fetch_add(1, Ordering::SeqCst))
                    })
                    .await
                })
            })
            .collect();
        for reader in readers {
            assert_eq!(reader.await.unwrap(), Ok(0));
        }
        assert_eq!(makings.load(Ordering::SeqCst), 1);
        assert_eq!(
            kept.get_or_make("other", || async { Err(()) }).await,
            Err(())
        );
        assert_eq!(
            kept.get_or_make("other", || async { Ok::<_, ()>(7) }).await,
            Ok(7)
        );
        // Past its capacity the least recently used key is made again.
        kept.get_or_make("third", || async { Ok::<_, ()>(3) })
            .await
            .unwrap();
        let again = kept.get_or_make("page", || async { Ok::<_, ()>(99) }).await;
        assert_eq!(again, Ok(99));
    }

    #[test]
    fn a_forgotten_key_is_claimed_again_by_the_next() {
        let kept: MadeOnce<&str, ()> = MadeOnce::new(4);
        assert!(kept.claim("touch").1);
        assert!(!kept.claim("touch").1);
        kept.forget(&"touch");
        assert!(kept.claim("touch").1);
    }
}
