//! The public pages under `/open`: how offices answer, for everyone, with no sign-in and no
//! scripts, in Khmer (by default) and English (`?lang=en`). The country's page leads to each
//! province's, which leads to each office's; every page is made on the server from the stored
//! scorecards, with SVG charts, and prints on one A4 page.
//!
//! Guarantees: a page shows only published figures (see [`pages`]), a hidden figure only as
//! words (see [`words`]); the pages run no script and load nothing from elsewhere (the content
//! security policy allows only the page's own style sheet, by its hash, and images of the
//! server).

pub mod charts;
pub mod frame;
pub mod pages;
pub mod words;

#[cfg(test)]
mod tests;
