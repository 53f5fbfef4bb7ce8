//! What every server page is made of, whichever front door shows it (the officials' console,
//! the public pages): text spliced into a `maud` template safely, and the pages' own words.
//!
//! Guarantees: text from storage or a translation is spliced as [`Shown`] or [`Words`], which
//! first show the characters that would disguise text (bidirectional overrides, controls) as
//! `[U+XXXX]`, then escape it for element content and quoted attribute values (`'` too).

use maud::Render;

use crate::i18n::Tr;

/// Text from a citizen, an account or storage, as a page shows it: characters that would
/// disguise it (bidirectional overrides, controls) are shown as `[U+XXXX]`, then it is escaped
/// for element content and quoted attribute values.
#[derive(Clone, Copy, Debug)]
pub struct Shown<'a>(pub &'a str);

impl Render for Shown<'_> {
    fn render_to(&self, out: &mut String) {
        let text = ourvoice_protocol::text::neutralised(self.0);
        out.reserve(text.len());
        // The runs between the characters to escape are copied whole.
        let mut rest: &str = &text;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            out.push_str(&rest[..at]);
            out.push_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            });
            rest = &rest[at + 1..];
        }
        out.push_str(rest);
    }
}

/// A page's own words (a translation), shown like [`Shown`] text: neutralised and escaped,
/// so a translation is held to the same rules as stored text.
#[derive(Clone, Debug)]
pub struct Words(String);

impl Render for Words {
    fn render_to(&self, out: &mut String) {
        Shown(&self.0).render_to(out);
    }
}

impl Tr {
    /// The translation of `key`, for a page.
    pub fn h(&self, key: &str) -> Words {
        Words(self.t(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use maud::html;

    #[test]
    fn escaping() {
        for (input, expect) in [
            (
                "<script>alert('x')</script>",
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
            ),
            ("a & \"b\"", "a &amp; &quot;b&quot;"),
            ("សួស្តី", "សួស្តី"),
            ("&សួស្តី<>'\"", "&amp;សួស្តី&lt;&gt;&#39;&quot;"),
            ("", ""),
            (
                "paid \u{202E}0005\u{202C} riel",
                "paid [U+202E]0005[U+202C] riel",
            ),
        ] {
            assert_eq!(Shown(input).render().into_string(), expect);
            assert_eq!(
                html! { p title=(Shown(input)) {} }.into_string(),
                format!("<p title=\"{expect}\"></p>"),
                "attributes too"
            );
        }
    }
}
