//! Whether a reader already has an answer: its `If-None-Match` against the answer's ETag, for
//! every front door that tags what it serves (the app's directory and scorecards, the public
//! pages and open data).
//!
//! Guarantees: the comparison is the weak one HTTP asks for `If-None-Match` (`W/"x"` matches
//! `"x"`: a front that compresses answers, such as nginx, makes the ETag it passes on weak),
//! over every tag of the header, and `*` matches any answer; a header that is not
//! text matches nothing.

use axum::http::{header, HeaderMap};

/// Whether `headers` say the reader has the answer tagged `etag` (written with its quotes).
pub fn reader_has(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_reader_who_has_the_answer_is_told_so() {
        let etag = "\"0123abcd\"";
        // (If-None-Match, whether the reader has the answer)
        for (sent, has) in [
            (Some("\"0123abcd\""), true),
            (Some("W/\"0123abcd\""), true),
            (Some("\"ffff\", W/\"0123abcd\""), true),
            (Some(" \"ffff\" ,\"0123abcd\" "), true),
            (Some("*"), true),
            (Some("\"0123abcd-gzip\""), false),
            (Some("0123abcd"), false),
            (Some(""), false),
            (None, false),
        ] {
            let mut headers = HeaderMap::new();
            if let Some(sent) = sent {
                headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(sent).unwrap());
            }
            assert_eq!(reader_has(&headers, etag), has, "{sent:?}");
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_bytes(b"\"0123abcd\"\xff").unwrap(),
        );
        assert!(!reader_has(&headers, etag), "not text");
    }
}
