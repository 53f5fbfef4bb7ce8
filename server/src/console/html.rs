//! HTML and CSV building blocks for the console: the page frame, text from storage shown
//! safely (whole, or its start as a snippet), the pager of long lists, and CSV cells.
//!
//! Guarantees: pages are built with `maud::html!`, which escapes every spliced value; text from
//! a citizen or an account is spliced as [`Shown`], and the console's own words as [`Words`]
//! (`tr.h(key)`), both of which first show the characters that would disguise text
//! (bidirectional overrides, controls) as `[U+XXXX]` and escape `'` too; only fixed markup of
//! this crate is spliced unescaped (`PreEscaped`: the style sheet and the doctype; the SVG
//! charts and QR code are templates too). CSV cells are quoted, and a cell a
//! spreadsheet would run as a formula is prefixed with `'`; CSV files start with a UTF-8 BOM so
//! spreadsheet programs show Khmer.

use maud::{html, Markup, PreEscaped, Render};

use super::i18n::{Lang, Tr};
pub use crate::html::{Shown, Words};
use crate::store::{accounts::Role, sessions::Session};

/// The start of `text` in at most `max` characters, for a list: whole when it fits; otherwise
/// cut between grapheme clusters (never inside a Khmer cluster: a coeng (U+17D2) keeps the
/// consonant after it), at the last space when one falls in the final third (Khmer writes
/// none, so it is cut on clusters), with "…" after. Line breaks become spaces.
pub fn snippet(text: &str, max: usize) -> String {
    let text = text.trim();
    // In one walk over the first characters: the byte where `max - 1` characters end (room
    // for them and the "…"), and where the first `max` end, if the text is longer.
    let mut starts = text.char_indices().map(|(at, _)| at);
    let room = starts.nth(max.saturating_sub(1));
    let longer = if max == 0 { room } else { starts.next() };
    let Some(longer_at) = longer else {
        return one_line(text, text.len());
    };
    // The last cluster boundary in that room, found backwards from its end (only the
    // clusters around the cut are looked at).
    let room = room.unwrap_or(longer_at);
    let kept = &text[..cut_between_clusters(text, room)];
    let kept = match kept
        .char_indices()
        .rfind(|(_, c)| c.is_whitespace())
        .filter(|(at, _)| kept[..*at].chars().count() * 3 >= max * 2)
    {
        Some((at, _)) => &kept[..at],
        None => kept,
    };
    let mut shown = one_line(kept, kept.len() + '…'.len_utf8());
    shown.push('…');
    shown
}

/// `text` on one line: its words with one space between them.
fn one_line(text: &str, capacity: usize) -> String {
    let mut line = String::with_capacity(capacity);
    for word in text.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    line
}

/// The last boundary at or before byte `at` of `text` between grapheme clusters that is not
/// just after a coeng (U+17D2) or a joiner (a cluster ending in one goes on into the next).
fn cut_between_clusters(text: &str, at: usize) -> usize {
    use unicode_segmentation::GraphemeCursor;
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    let mut boundary = match cursor.is_boundary(text, 0) {
        Ok(true) => Some(at),
        _ => cursor.prev_boundary(text, 0).ok().flatten(),
    };
    while let Some(at) = boundary.filter(|at| *at > 0) {
        if !text[..at].ends_with(['\u{17D2}', '\u{200D}']) {
            return at;
        }
        boundary = cursor.prev_boundary(text, 0).ok().flatten();
    }
    0
}

const STYLE: &str = "
*{box-sizing:border-box}
body{margin:0;font-family:'Noto Sans Khmer','Noto Sans',system-ui,sans-serif;font-size:17px;line-height:1.6;color:#1d2733;background:#f4f6f8}
header{background:#0b3d6b;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a,header button{color:#fff}
input[type=checkbox]{width:24px;height:24px;min-height:0;vertical-align:middle}
label:has(>input[type=checkbox]){display:inline-flex;align-items:center;gap:.5rem;min-height:44px}
header .who{margin-left:auto}
nav a{margin-right:1rem}
main{padding:1rem;max-width:70rem;margin:auto}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #d5dbe1;padding:.5rem;text-align:left;vertical-align:top}
.card{background:#fff;border:1px solid #d5dbe1;border-radius:6px;padding:1rem;margin:0 0 1rem}
.free{white-space:pre-wrap;overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 .5rem;border-radius:1rem;background:#e3e8ee;font-size:.9em}
.overdue{background:#fde2e1;color:#8a1c14}
.alert{background:#fff4ce;border:1px solid #e0c35b;padding:.5rem 1rem;border-radius:6px}
label{display:block;margin:.5rem 0 .25rem}
input,select,textarea,button{font:inherit;padding:.5rem;min-height:44px}
input[type=text],input[type=password],select,textarea{width:100%;max-width:32rem}
textarea{min-height:7rem}
button{background:#0b3d6b;color:#fff;border:0;border-radius:6px;padding:.5rem 1rem;cursor:pointer}
button.link{background:none;color:inherit;text-decoration:underline;padding:0 .25rem}
header a,button.link,.pager a{display:inline-flex;align-items:center;justify-content:center;min-height:44px;min-width:44px}
.row{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end}
.row>*{flex:1 1 10rem}
.counts span{margin-right:1rem}
.pager{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:1rem 0}
svg{max-width:100%;height:auto;background:#fff}
.done{background:#e6f4ea;border:2px solid #2e7d46;color:#14532d;padding:.75rem 1rem;border-radius:6px;font-weight:600}
.actions>form,.actions>div{border-top:1px solid #d5dbe1;margin-top:1rem;padding-top:.5rem}
.actions h3{margin:.25rem 0}
button.secondary{background:#fff;color:#0b3d6b;border:2px solid #0b3d6b}
td.start{min-width:12rem;overflow-wrap:anywhere}
#inbox td:first-child{white-space:nowrap}
.group{margin:2rem 0}
.group>h2{border-bottom:3px solid #0b3d6b;padding-bottom:.25rem}
.split a,.split strong{display:inline-flex;align-items:center;min-height:44px;min-width:44px;margin-right:1rem}
abbr{text-decoration:none;cursor:help}
@media (max-width:40rem){th,td{padding:.35rem;font-size:.95em}}
";

/// The links of the header's navigation for a role.
fn links(tr: &Tr, role: Role) -> Vec<(&'static str, String)> {
    let mut links = Vec::new();
    if matches!(role, Role::Officer | Role::Head | Role::CitizensOffice) {
        links.push(("/console/inbox", tr.t("nav-inbox")));
    }
    if matches!(role, Role::Head | Role::Admin) {
        links.push(("/console/accounts", tr.t("nav-accounts")));
    }
    if matches!(role, Role::Analyst | Role::Admin) {
        links.push(("/console/dashboard", tr.t("nav-dashboard")));
    }
    if role == Role::Admin {
        links.push(("/console/offices", tr.t("nav-offices")));
        links.push(("/console/deadlines", tr.t("nav-deadlines")));
        links.push(("/console/audit", tr.t("nav-audit")));
        links.push(("/console/api-keys", tr.t("nav-api-keys")));
    }
    links.push(("/console/password", tr.t("nav-password")));
    links.push(("/console/2fa", tr.t("nav-2fa")));
    links
}

/// A whole page: head, header with navigation for the signed-in role, and `body`.
pub fn page(tr: &Tr, title: &str, session: Option<&Session>, body: Markup) -> Markup {
    let (other_code, other_name) = match tr.lang {
        Lang::Km => ("en", "English"),
        Lang::En => ("km", "ខ្មែរ"),
    };
    let app = tr.t("app-name");
    html! {
        (PreEscaped("<!doctype html>"))
        html lang=(tr.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (Shown(title)) " · " (Shown(&app)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    strong { (Shown(&app)) }
                    nav {
                        @if let Some(session) = session {
                            @for (href, label) in links(tr, session.account.role) {
                                a href=(href) { (Shown(&label)) }
                            }
                        }
                    }
                    @if let Some(session) = session {
                        span class="who" {
                            (Shown(&session.account.display_name)) " · "
                            form method="post" action="/console/logout" style="display:inline" {
                                (csrf_field(&session.csrf))
                                button class="link" type="submit" { (Shown(&tr.t("logout"))) }
                            }
                        }
                    }
                    a href={ "/console/lang/" (other_code) } { (other_name) }
                }
                main {
                    h1 { (Shown(title)) }
                    (body)
                }
            }
        }
    }
}

/// The hidden field that carries a form's CSRF token.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(Shown(token)); }
}

/// One CSV line, each cell quoted.
pub fn csv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|cell| {
            let cell = ourvoice_protocol::text::neutralised(cell);
            let guarded = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{cell}")
            } else {
                cell.into_owned()
            };
            format!("\"{}\"", guarded.replace('"', "\"\""))
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// The byte-order mark that starts every CSV file.
pub const BOM: &str = "\u{feff}";

/// A small label (a state, a warning); `alert` draws it in the warning colour.
pub fn badge(text: &str, alert: bool) -> Markup {
    html! { span.badge.overdue[alert] { (Shown(text)) } }
}

/// A [`badge`] after a value, when `shown`; nothing otherwise.
pub fn flag(shown: bool, text: &str, alert: bool) -> Markup {
    html! {
        @if shown {
            " " (badge(text, alert))
        }
    }
}

/// One row of a two-column table of facts: the label, and the value.
pub fn fact(label: &str, value: impl Render) -> Markup {
    html! { tr { th scope="row" { (Shown(label)) } td { (value) } } }
}

/// A table: `id` (none when empty), the column headings (an empty one for a column of
/// buttons), and the rows of its body.
pub fn table(id: &str, headings: &[String], rows: Markup) -> Markup {
    let id = (!id.is_empty()).then_some(id);
    html! {
        table id=[id.map(Shown)] {
            thead { tr { @for heading in headings { th { (Shown(heading)) } } } }
            tbody { (rows) }
        }
    }
}

/// `<option>`s for a `<select>`: value and label, the one equal to `selected` marked.
pub fn options<V: AsRef<str>, L: AsRef<str>>(selected: Option<&str>, values: &[(V, L)]) -> Markup {
    html! {
        @for (value, label) in values {
            option value=(Shown(value.as_ref())) selected[Some(value.as_ref()) == selected] {
                (Shown(label.as_ref()))
            }
        }
    }
}

/// Where a list in pages stands: which page (from 0) of how many lines.
pub struct Pages<'a> {
    /// The list's address, e.g. `/console/inbox`.
    pub path: &'a str,
    /// The filter to keep in the links, as a query string (`kind=complaint&order=oldest`);
    /// escaped where it is spliced.
    pub keep: &'a str,
    /// The key of the "Items 1–100 of 255" line (variables `first`, `last`, `total`).
    pub range_key: &'a str,
    pub page: usize,
    pub size: usize,
    pub shown: usize,
    pub total: usize,
}

/// The line saying which lines a page shows, with links to the pages before and after
/// (keeping the filter); nothing when everything fits on one page.
pub fn pager(tr: &Tr, pages: &Pages) -> Markup {
    let Pages {
        path,
        keep,
        range_key,
        page,
        size,
        shown,
        total,
    } = *pages;
    if total <= size && page == 0 {
        return html! {};
    }
    let first = page * size + 1;
    let range = if shown == 0 {
        tr.a("pager-none", &[("total", tr.count(total as i64))])
    } else {
        tr.a(
            range_key,
            &[
                ("first", tr.count(first as i64)),
                ("last", tr.count((first + shown - 1) as i64)),
                ("total", tr.count(total as i64)),
            ],
        )
    };
    let separator = if keep.is_empty() { "" } else { "&" };
    let link = |to: usize, key: &str, rel: &str| {
        let href = format!("{path}?{keep}{separator}page={}", to + 1);
        html! { a rel=(rel) href=(Shown(&href)) { (Shown(&tr.t(key))) } }
    };
    // From past the end, back to the last page.
    let last_page = total.saturating_sub(1) / size;
    html! {
        nav class="pager" {
            span { (Shown(&range)) }
            @if page > 0 {
                (link((page - 1).min(last_page), "pager-previous", "prev"))
            }
            @if first - 1 + shown < total {
                (link(page + 1, "pager-next", "next"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_cut_between_clusters_and_words() {
        // Short text is whole, its lines joined.
        assert_eq!(snippet("  ផ្លូវខូច\nនៅភូមិ  ", 80), "ផ្លូវខូច នៅភូមិ");
        // English is cut at a space in the last third.
        let english = "The road to the village school is broken and floods whenever it rains";
        assert_eq!(snippet(english, 40), "The road to the village school is…");
        // Khmer has no spaces: cut between clusters, never after a coeng or before a sign.
        let khmer = "ផ្លូវចូលភូមិខូចខាតខ្លាំងហើយពេលភ្លៀងធ្លាក់ទឹកលិចអស់";
        for max in 2..khmer.chars().count() {
            let cut = snippet(khmer, max);
            assert!(cut.chars().count() <= max, "{max}: {cut}");
            let kept = cut.trim_end_matches('…');
            assert!(khmer.starts_with(kept), "{max}: {cut}");
            assert!(!kept.ends_with('\u{17D2}'), "{max}: ends on a coeng: {cut}");
            let next = khmer[kept.len()..].chars().next().unwrap();
            assert!(
                !('\u{17B6}'..='\u{17D3}').contains(&next),
                "{max}: a sign was cut from its consonant: {cut}"
            );
        }
        assert_eq!(snippet(khmer, 6), "ផ្លូវ…");
        // Emoji joined with ZWJ stay whole.
        assert_eq!(snippet("ab 👩\u{200D}👩\u{200D}👧 cd efgh", 8), "ab…");
    }

    /// The cut as first written: clusters taken one by one from the start while they fit.
    fn snippet_from_the_start(text: &str, max: usize) -> String {
        use unicode_segmentation::UnicodeSegmentation;
        let text = text.trim();
        if text.chars().count() <= max {
            return text.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        let mut kept = String::new();
        let mut count = 0;
        let mut clusters = text.graphemes(true);
        while let Some(cluster) = clusters.next() {
            let mut whole = cluster.to_string();
            while whole.ends_with(['\u{17D2}', '\u{200D}']) {
                match clusters.next() {
                    Some(next) => whole.push_str(next),
                    None => break,
                }
            }
            let n = whole.chars().count();
            if count + n > max.saturating_sub(1) {
                break;
            }
            count += n;
            kept.push_str(&whole);
        }
        if let Some((at, _)) = kept
            .char_indices()
            .rfind(|(_, c)| c.is_whitespace())
            .filter(|(at, _)| kept[..*at].chars().count() * 3 >= max * 2)
        {
            kept.truncate(at);
        }
        let mut shown = kept.split_whitespace().collect::<Vec<_>>().join(" ");
        shown.push('…');
        shown
    }

    #[test]
    fn snippets_cut_where_taking_clusters_from_the_start_would() {
        for text in [
            "ផ្លូវចូលភូមិខូចខាតខ្លាំងហើយពេលភ្លៀងធ្លាក់ទឹកលិចអស់",
            "សូមជួយ\u{200B}ជួសជុល ផ្លូវ\u{200B}ក្នុង\u{200B}ភូមិ\u{200B}យើង\nព្រោះ\u{200B}ខូច\u{200B}ខ្លាំង ណាស់ ស្ត្រី្",
            "The road to the village school is broken and floods whenever it rains",
            "ab 👩\u{200D}👩\u{200D}👧 cd efgh 🇰🇭🇰🇭 e\u{301}e\u{301} ក\u{17D2}",
            "\u{17D2}\u{17D2}ក្ក\u{200D}\u{200D}x",
            "",
        ] {
            for max in 0..=text.chars().count() + 2 {
                assert_eq!(
                    snippet(text, max),
                    snippet_from_the_start(text, max),
                    "{max}: {text:?}"
                );
            }
        }
    }

    #[test]
    fn csv_cells() {
        assert_eq!(
            csv_line(&["\u{202E}x".into()]),
            "\"[U+202E]x\"\r\n",
            "CSV cells too"
        );
        assert_eq!(
            csv_line(&["a\"b".into(), "=1+1".into(), "ខ្មែរ".into()]),
            "\"a\"\"b\",\"'=1+1\",\"ខ្មែរ\"\r\n"
        );
    }

    #[test]
    fn tables_and_badges_escape_their_text() {
        assert_eq!(
            table("t", &["<b>".into(), String::new()], html! {}).into_string(),
            "<table id=\"t\"><thead><tr><th>&lt;b&gt;</th><th></th></tr></thead><tbody></tbody></table>"
        );
        assert_eq!(
            table("", &[], html! {}).into_string(),
            "<table><thead><tr></tr></thead><tbody></tbody></table>"
        );
        assert_eq!(
            badge("a&b", true).into_string(),
            "<span class=\"badge overdue\">a&amp;b</span>"
        );
        assert_eq!(
            flag(true, "x", false).into_string(),
            " <span class=\"badge\">x</span>"
        );
        assert_eq!(flag(false, "x", true).into_string(), "");
        assert_eq!(
            options(Some("b"), &[("a", "<A>"), ("b", "B")]).into_string(),
            "<option value=\"a\">&lt;A&gt;</option><option value=\"b\" selected>B</option>"
        );
    }
}
