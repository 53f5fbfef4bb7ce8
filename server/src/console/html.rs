//! HTML and CSV building blocks for the console: escaping, the page frame, and CSV cells.
//!
//! Guarantees: every value from a citizen or an account goes through [`esc`] before it reaches
//! a page; CSV cells are quoted, and a cell a spreadsheet would run as a formula is prefixed
//! with `'`; CSV files start with a UTF-8 BOM so spreadsheet programs show Khmer.

use super::i18n::{Lang, Tr};
use crate::store::console::{Role, Session};

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(text: &str) -> String {
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
            let guarded = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{cell}")
            } else {
                cell.clone()
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
        ] {
            assert_eq!(esc(input), expect);
        }
        assert_eq!(
            csv_line(&["a\"b".into(), "=1+1".into(), "ខ្មែរ".into()]),
            "\"a\"\"b\",\"'=1+1\",\"ខ្មែរ\"\r\n"
        );
    }
}
