//! HTML and CSV building blocks for the console: escaping, the page frame, the pager of long
//! lists, and CSV cells.
//!
//! Guarantees: every value from a citizen or an account goes through [`esc`] before it reaches
//! a page; CSV cells are quoted, and a cell a spreadsheet would run as a formula is prefixed
//! with `'`; CSV files start with a UTF-8 BOM so spreadsheet programs show Khmer.

use fluent_bundle::FluentValue;

use super::i18n::{Lang, Tr};
use crate::store::{accounts::Role, sessions::Session};

/// Escapes text for HTML element content and quoted attribute values; characters that would
/// disguise the text (bidirectional overrides, controls) are shown as `[U+XXXX]` instead.
pub fn esc(text: &str) -> String {
    let text = ourvoice_protocol::text::neutralised(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
*{box-sizing:border-box}
body{margin:0;font-family:'Noto Sans Khmer','Noto Sans',system-ui,sans-serif;font-size:17px;line-height:1.6;color:#1d2733;background:#f4f6f8}
header{background:#0b3d6b;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a,header button{color:#fff}
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
button.link{background:none;color:inherit;text-decoration:underline;padding:0;min-height:0}
.row{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end}
.row>*{flex:1 1 10rem}
.counts span{margin-right:1rem}
.pager{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:1rem 0}
svg{max-width:100%;height:auto;background:#fff}
@media (max-width:40rem){th,td{padding:.35rem;font-size:.95em}}
";

/// A whole page: head, header with navigation for the signed-in role, and `body`.
pub fn page(tr: &Tr, title: &str, session: Option<&Session>, body: &str) -> String {
    let mut nav = String::new();
    let mut who = String::new();
    if let Some(session) = session {
        let role = session.account.role;
        let mut links: Vec<(&str, String)> = Vec::new();
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
        for (href, label) in links {
            nav.push_str(&format!("<a href=\"{href}\">{}</a>", esc(&label)));
        }
        who = format!(
            "<span class=\"who\">{} · <form method=\"post\" action=\"/console/logout\" style=\"display:inline\">{}<button class=\"link\" type=\"submit\">{}</button></form></span>",
            esc(&session.account.display_name),
            csrf_field(&session.csrf),
            esc(&tr.t("logout"))
        );
    }
    let other = match tr.lang {
        Lang::Km => ("en", "English"),
        Lang::En => ("km", "ខ្មែរ"),
    };
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · {app}</title><style>{STYLE}</style></head><body>\
<header><strong>{app}</strong><nav>{nav}</nav>{who}<a href=\"/console/lang/{other_code}\">{other_name}</a></header>\
<main><h1>{title}</h1>{body}</main></body></html>",
        lang = tr.lang.code(),
        title = esc(title),
        app = esc(&tr.t("app-name")),
        other_code = other.0,
        other_name = other.1,
    )
}

pub fn csrf_field(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(token)
    )
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

/// A small label (a state, a warning), escaped; `alert` draws it in the warning colour.
pub fn badge(text: &str, alert: bool) -> String {
    format!(
        "<span class=\"badge{}\">{}</span>",
        if alert { " overdue" } else { "" },
        esc(text)
    )
}

/// A [`badge`] after a value, when `shown`; nothing otherwise.
pub fn flag(shown: bool, text: &str, alert: bool) -> String {
    if shown {
        format!(" {}", badge(text, alert))
    } else {
        String::new()
    }
}

/// One row of a two-column table of facts: the label, and the value (already HTML).
pub fn fact(label: &str, value: &str) -> String {
    format!(
        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
        esc(label),
        value
    )
}

/// The start of a table up to its body: `id` (none when empty) and the column headings,
/// escaped here (an empty one for a column of buttons).
pub fn table_start(id: &str, headings: &[String]) -> String {
    let id = if id.is_empty() {
        String::new()
    } else {
        format!(" id=\"{}\"", esc(id))
    };
    let headings: String = headings
        .iter()
        .map(|heading| format!("<th>{}</th>", esc(heading)))
        .collect();
    format!("<table{id}><thead><tr>{headings}</tr></thead><tbody>")
}

/// Where a list in pages stands: which page (from 0) of how many lines.
pub struct Pages<'a> {
    /// The list's address, e.g. `/console/inbox`.
    pub path: &'a str,
    /// The filter to keep in the links, already escaped for HTML (`kind=complaint&amp;…`).
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
pub fn pager(tr: &Tr, pages: &Pages) -> String {
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
        return String::new();
    }
    let first = page * size + 1;
    let range = if shown == 0 {
        tr.a("pager-none", &[("total", FluentValue::from(total))])
    } else {
        tr.a(
            range_key,
            &[
                ("first", FluentValue::from(first)),
                ("last", FluentValue::from(first + shown - 1)),
                ("total", FluentValue::from(total)),
            ],
        )
    };
    let link = |to: usize, key: &str, rel: &str| {
        let separator = if keep.is_empty() { "" } else { "&amp;" };
        format!(
            "<a rel=\"{rel}\" href=\"{path}?{keep}{separator}page={}\">{}</a>",
            to + 1,
            esc(&tr.t(key))
        )
    };
    let mut out = format!("<nav class=\"pager\"><span>{}</span>", esc(&range));
    if page > 0 {
        // From past the end, back to the last page.
        let last_page = total.saturating_sub(1) / size;
        out.push_str(&link((page - 1).min(last_page), "pager-previous", "prev"));
    }
    if first - 1 + shown < total {
        out.push_str(&link(page + 1, "pager-next", "next"));
    }
    out.push_str("</nav>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_csv_cells() {
        for (input, expect) in [
            (
                "<script>alert('x')</script>",
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
            ),
            ("a & \"b\"", "a &amp; &quot;b&quot;"),
            ("សួស្តី", "សួស្តី"),
            (
                "paid \u{202E}0005\u{202C} riel",
                "paid [U+202E]0005[U+202C] riel",
            ),
        ] {
            assert_eq!(esc(input), expect);
        }
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
            table_start("t", &["<b>".into(), String::new()]),
            "<table id=\"t\"><thead><tr><th>&lt;b&gt;</th><th></th></tr></thead><tbody>"
        );
        assert_eq!(
            table_start("", &[]),
            "<table><thead><tr></tr></thead><tbody>"
        );
        assert_eq!(
            badge("a&b", true),
            "<span class=\"badge overdue\">a&amp;b</span>"
        );
        assert_eq!(flag(true, "x", false), " <span class=\"badge\">x</span>");
        assert_eq!(flag(false, "x", true), "");
    }
}
