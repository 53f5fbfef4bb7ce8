//! The frame of every public page: the head with its one inline style sheet, the header with
//! the link to the other language, where the page is, the figures' date, and the foot (why
//! some figures are hidden, the downloads, the licence); and the addresses the pages link to.
//!
//! Guarantees: the style sheet is the page's only inline content and its SHA-256 is in the
//! content security policy ([`STYLE_SOURCE`]); there is no script and no `style` attribute;
//! every link keeps the page's language (`?lang=en`, Khmer without it); each page prints on
//! one A4 page (`@page`, a compact layout in two columns).

use maud::{html, Markup, PreEscaped};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

use ourvoice_protocol::scorecards::Subject;

use super::pages::Downloads;
use crate::html::Shown;
use crate::i18n::{Lang, Tr};

/// The style sheet of every public page.
pub const STYLE: &str = "
*{box-sizing:border-box}
body{margin:0;font-family:'Noto Sans Khmer','Noto Sans',system-ui,sans-serif;font-size:16px;line-height:1.55;color:#1d2733;background:#f4f6f8}
header{background:#0b3d6b;color:#fff;padding:0 1rem;display:flex;flex-wrap:wrap;gap:0 1rem;align-items:center;justify-content:space-between}
header a{color:#fff;display:inline-flex;align-items:center;min-height:44px;min-width:44px}
header .site{font-weight:700;text-decoration:none}
nav.where{padding:0 1rem;max-width:64rem;margin:auto}
nav.where ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:0 .5rem}
nav.where li+li::before{content:'›';margin-right:.5rem;color:#5b6b7b}
nav.where a{display:inline-flex;align-items:center;min-height:44px}
main{padding:0 1rem 1rem;max-width:64rem;margin:auto}
h1{font-size:1.5rem;line-height:1.35;margin:.5rem 0}
h2{font-size:1.1rem;margin:0 0 .35rem;color:#0b3d6b}
.intro,.period{margin:.15rem 0;color:#39475a}
.sections{columns:2 24rem;column-gap:1.25rem;margin-top:.75rem}
section{break-inside:avoid;background:#fff;border:1px solid #d5dbe1;border-radius:6px;padding:.6rem .8rem;margin:0 0 1rem;display:inline-block;width:100%}
section.wide{column-span:all;display:block;break-inside:auto}
ul.facts{margin:0;padding-left:1.1rem}
ul.facts li{margin:.1rem 0}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e3e8ee;padding:.2rem .35rem;text-align:left;vertical-align:middle}
thead th{font-size:.85em;color:#39475a;vertical-align:bottom}
td.num,th.num{text-align:right;white-space:nowrap}
thead th.num,td.num .fig.hidden,td.num .fig.none{white-space:normal}
td.barcell{width:30%;min-width:2.5rem}
svg.bar{display:block;width:100%;height:.7em}
svg.columns{display:block;width:100%;max-width:28rem;height:auto}
svg.stars{display:inline-block;width:5.5em;height:1.1em;vertical-align:-.15em}
.fig.hidden,.fig.none{font-style:italic;color:#5b6b7b}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
caption{text-align:left;font-weight:600;padding:.3rem 0 0}
.help,.note{font-size:.85em;color:#39475a;margin:.35rem 0 0}
.group{break-inside:avoid;margin:0 0 .5rem}
.group h3{font-size:.95rem;margin:.4rem 0 .1rem}
.offices{columns:2 24rem;column-gap:1.25rem}
footer{max-width:64rem;margin:auto;padding:0 1rem 2rem;font-size:.9em;color:#39475a}
footer h2{font-size:1rem}
footer a{display:inline-flex;align-items:center;min-height:44px}
.downloads{display:flex;flex-wrap:wrap;gap:0 1.5rem}
.print-only{display:none}
@media (max-width:40rem){table{font-size:.85em}th,td{padding:.15rem .2rem}main,nav.where,footer{padding-left:.6rem;padding-right:.6rem}section{padding:.5rem}}
@page{size:A4;margin:7mm 8mm}
@media print{
body{background:#fff;font-size:7.5pt;line-height:1.3}
header{background:none;color:#000;padding:0;border-bottom:1px solid #000}
header a{color:#000;min-height:0}
header .lang,.print-tip,nav.where{display:none}
.print-only{display:block}
main,footer{padding:0;max-width:none}
h1{font-size:11pt;margin:.15rem 0}
h2{font-size:8pt;margin:0 0 .1rem}
.sections{columns:2;column-gap:4mm;margin-top:1.5mm}
section{border:0;border-top:1px solid #8899aa;border-radius:0;padding:.5mm 0 0;margin:0 0 1.5mm;display:block}
th,td{padding:0 .2rem;border-bottom:.5px solid #d5dbe1}
.group h3{font-size:7.5pt;margin:.6mm 0 0}
.offices{columns:3;column-gap:4mm}
.offices table{font-size:5.8pt;line-height:1.15}
body.province .optional{display:none}
.offices .fig{white-space:nowrap}
.provinces{columns:2;column-gap:6mm}
.offices .group+.group thead{display:none}
.offices .group{break-inside:auto}
.group h3{break-after:avoid}
body.list svg.columns{display:none}
svg.columns{max-width:55mm}
footer{font-size:6.5pt}
footer h2{font-size:7pt;display:inline;margin-right:3mm}
footer p{margin:.3mm 0}
footer section{margin:0;padding:0}
footer .downloads{display:inline-flex;margin-right:3mm}
footer a{min-height:0}
a{color:#000;text-decoration:none}
}
";

/// The `style-src` source of the style sheet: its SHA-256, as the content security policy
/// names it.
pub static STYLE_SOURCE: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(STYLE.as_bytes());
    format!("'sha256-{}'", data_encoding::BASE64.encode(&digest))
});

/// Where the public pages start.
pub const HOME: &str = "/open";

/// `path` in the page's language: Khmer without a query, English with `?lang=en`.
pub fn href(tr: &Tr, path: &str) -> String {
    match tr.lang {
        Lang::Km => path.to_string(),
        Lang::En => format!("{path}?lang=en"),
    }
}

/// The national page.
pub fn national_path() -> String {
    HOME.to_string()
}

/// A province's page.
pub fn province_path(code: &str) -> String {
    format!("{HOME}/provinces/{code}")
}

/// An office's page.
pub fn office_path(code: &str) -> String {
    format!("{HOME}/offices/{code}")
}

/// Where the figures of a page's subject can be downloaded (the open data files): the one
/// place that knows their addresses.
pub fn downloads(subject: &Subject) -> Downloads {
    let stem = match subject {
        Subject::Office { code } => format!("{DATA}/offices/{code}"),
        Subject::Province { code } => format!("{DATA}/provinces/{code}"),
        Subject::National => format!("{DATA}/national"),
    };
    Downloads {
        csv: format!("{stem}.csv"),
        json: format!("{stem}.json"),
    }
}

/// Where the open data files are.
const DATA: &str = "/open/data";

/// One step of where a page is: its words and, above the page itself, its address.
pub struct Step {
    pub words: String,
    pub path: Option<String>,
}

/// What a page is: its address (for the other language's link), its title and the steps
/// above it.
pub struct Frame<'a> {
    /// What sort of page this is (the `class` of its body): `list country`, `list province`,
    /// `office`, or `problem`.
    pub class: &'static str,
    pub path: &'a str,
    pub title: &'a str,
    pub steps: Vec<Step>,
}

/// A whole page: `body` inside the frame, `foot` (notes, downloads) below it.
pub fn page(tr: &Tr, frame: &Frame, body: Markup, foot: Markup) -> Markup {
    let (other, other_code) = match tr.lang {
        Lang::Km => (Tr { lang: Lang::En }, "en"),
        Lang::En => (Tr { lang: Lang::Km }, "km"),
    };
    let site = tr.t("open-site");
    html! {
        (PreEscaped("<!doctype html>"))
        html lang=(tr.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // No icon to fetch.
                link rel="icon" href="data:,";
                title { (Shown(frame.title)) " · " (Shown(&site)) }
                style { (PreEscaped(STYLE)) }
            }
            body class=(frame.class) {
                header {
                    a.site href=(href(tr, HOME)) { (Shown(&site)) }
                    a.lang href=(href(&other, frame.path)) hreflang=(other_code) lang=(other_code) {
                        (Shown(&tr.t("open-other-language")))
                    }
                }
                @if !frame.steps.is_empty() {
                    nav.where aria-label=(Shown(&tr.t("open-breadcrumb"))) {
                        ol {
                            @for step in &frame.steps {
                                li {
                                    @match &step.path {
                                        Some(path) => a href=(href(tr, path)) { (Shown(&step.words)) },
                                        None => span aria-current="page" { (Shown(&step.words)) },
                                    }
                                }
                            }
                        }
                    }
                }
                main {
                    h1 { (Shown(frame.title)) }
                    (body)
                }
                footer { (foot) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_language() {
        let km = Tr { lang: Lang::Km };
        let en = Tr { lang: Lang::En };
        assert_eq!(
            href(&km, &office_path("CH-120101")),
            "/open/offices/CH-120101"
        );
        assert_eq!(
            href(&en, &province_path("12")),
            "/open/provinces/12?lang=en"
        );
        assert_eq!(href(&en, &national_path()), "/open?lang=en");
        let office = downloads(&Subject::Office {
            code: "CH-120101".into(),
        });
        assert_eq!(office.csv, "/open/data/offices/CH-120101.csv");
        assert_eq!(office.json, "/open/data/offices/CH-120101.json");
        let province = downloads(&Subject::Province { code: "12".into() });
        assert_eq!(province.csv, "/open/data/provinces/12.csv");
        assert_eq!(
            downloads(&Subject::National).json,
            "/open/data/national.json"
        );
    }

    #[test]
    fn the_policy_names_the_style_sheet() {
        assert!(STYLE_SOURCE.starts_with("'sha256-") && STYLE_SOURCE.ends_with("='"));
        assert!(!STYLE.contains("</"), "the sheet cannot close its element");
        assert!(STYLE.contains("@page{size:A4"));
    }
}
