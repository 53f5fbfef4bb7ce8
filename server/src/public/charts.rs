//! The public pages' charts, drawn on the server as SVG: a bar inside a table row (the table is
//! the chart's text), columns per quarter, and stars.
//!
//! Guarantees: every chart has a text equivalent a screen reader reads (a table row beside an
//! `aria-hidden` bar, or `role="img"` with an `aria-label` and a `<title>` holding every value
//! in words, made by the page in its language); a hidden figure draws no bar; no chart needs a script, an id or a style
//! attribute (the pages' policy allows neither).

use maud::{html, Markup};

use crate::html::Shown;

/// The colour of a bar, and of a filled star.
const BAR: &str = "#1f6fb2";
const STAR: &str = "#d98e04";
const EMPTY: &str = "#d5dbe1";

/// One value of a chart: what it is, its value if shown, and its words (shown or hidden).
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub words: String,
}

/// The largest shown value, at least 1 (so that all-zero charts draw nothing).
fn largest(bars: &[Bar]) -> f64 {
    bars.iter()
        .filter_map(|bar| bar.value)
        .fold(0.0_f64, f64::max)
        .max(1.0)
}

/// A bar for a table row: `value` of `max`, drawn 100 units wide at most; nothing for a hidden
/// figure. Hidden from screen readers: the row's cells say the same.
pub fn row_bar(value: Option<f64>, max: f64) -> Markup {
    let width = value.map_or(0.0, |v| {
        (v / max.max(f64::MIN_POSITIVE)).clamp(0.0, 1.0) * 100.0
    });
    html! {
        svg.bar viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"
            xmlns="http://www.w3.org/2000/svg" {
            rect x="0" y="0" width="100" height="10" fill="#eef1f4" {}
            @if width > 0.0 {
                rect x="0" y="0" width=(format!("{width:.1}")) height="10" fill=(BAR) {}
            }
        }
    }
}

/// Rows of a bar table: label, bar, words (its `<tbody>`'s rows).
pub fn bar_rows(bars: &[Bar]) -> Markup {
    let max = largest(bars);
    html! {
        @for bar in bars {
            tr {
                th scope="row" { (Shown(&bar.label)) }
                td.barcell { (row_bar(bar.value, max)) }
                td.num {
                    @if bar.value.is_some() {
                        span.fig { (Shown(&bar.words)) }
                    } @else {
                        span.fig.hidden { (Shown(&bar.words)) }
                    }
                }
            }
        }
    }
}

/// Columns side by side (one a quarter), each labelled below and with its words above; `said`
/// is what a screen reader says of the chart (its title and every value in words).
pub fn columns(said: &str, bars: &[Bar]) -> Markup {
    let max = largest(bars);
    let (column, gap, height, top, bottom, line) = (72.0, 8.0, 70.0, 26.0, 28.0, 11.0);
    let width = bars.len().max(1) as f64 * (column + gap);
    html! {
        svg.columns role="img" aria-label=(Shown(said)) viewBox={ "0 0 " (width) " " (top + height + bottom) }
            xmlns="http://www.w3.org/2000/svg" font-size="10" {
            title { (Shown(said)) }
            @for (i, bar) in bars.iter().enumerate() {
                @let x = i as f64 * (column + gap) + gap / 2.0;
                @let h = bar.value.map_or(0.0, |v| v / max * height);
                @let y = top + height - h;
                @let words = two_lines(&bar.words);
                rect x=(x) y=(top + height) width=(column) height="1" fill=(EMPTY) {}
                @if h > 0.0 {
                    rect x=(x) y=(format!("{y:.1}")) width=(column) height=(format!("{h:.1}")) fill=(BAR) {}
                }
                @for (n, text) in words.iter().enumerate() {
                    @let above = (words.len() - n) as f64 * line - 7.0;
                    text x=(x + column / 2.0) y=(format!("{:.1}", y - above)) text-anchor="middle" { (Shown(text)) }
                }
                @for (n, text) in two_lines(&bar.label).iter().enumerate() {
                    text x=(x + column / 2.0) y=(top + height + 12.0 + n as f64 * line) text-anchor="middle" {
                        (Shown(text))
                    }
                }
            }
        }
    }
}

/// Words on at most two lines, cut at the space nearest their middle (when longer than a
/// column holds on one).
fn two_lines(text: &str) -> Vec<String> {
    let length = text.chars().count();
    if length <= 12 {
        return vec![text.to_string()];
    }
    let middle = text.len() / 2;
    match text
        .match_indices(' ')
        .map(|(at, _)| at)
        .min_by_key(|at| at.abs_diff(middle))
    {
        Some(at) => vec![text[..at].to_string(), text[at + 1..].to_string()],
        None => vec![text.to_string()],
    }
}

/// The five points of a star 10 units wide at `x`.
fn star_points(x: f64) -> String {
    let mut points = Vec::new();
    for i in 0..10 {
        let angle = std::f64::consts::PI * (i as f64) / 5.0 - std::f64::consts::FRAC_PI_2;
        let radius = if i % 2 == 0 { 5.0 } else { 2.1 };
        points.push(format!(
            "{:.2},{:.2}",
            x + 5.0 + radius * angle.cos(),
            5.2 + radius * angle.sin()
        ));
    }
    points.join(" ")
}

/// Five stars, filled up to `value` (none filled for a hidden rating); `label` is what a screen
/// reader says (the rating in words).
pub fn stars(value: Option<f64>, label: &str) -> Markup {
    let filled = value.map_or(0.0, |v| v.clamp(0.0, 5.0) * 11.0);
    html! {
        svg.stars role="img" aria-label=(Shown(label)) viewBox="0 0 55 11" xmlns="http://www.w3.org/2000/svg" {
            title { (Shown(label)) }
            @for i in 0..5 {
                polygon points=(star_points(i as f64 * 11.0)) fill=(EMPTY) {}
            }
            @if filled > 0.0 {
                // A viewport as wide as the filled part: the gold stars are cut at its edge.
                svg x="0" y="0" width=(format!("{filled:.1}")) height="11" viewBox={ "0 0 " (format!("{filled:.1}")) " 11" } {
                    @for i in 0..5 {
                        polygon points=(star_points(i as f64 * 11.0)) fill=(STAR) {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: Option<f64>, words: &str) -> Bar {
        Bar {
            label: label.into(),
            value,
            words: words.into(),
        }
    }

    #[test]
    fn a_hidden_figure_draws_no_bar_and_every_value_is_said() {
        let bars = [
            bar("Complaint", Some(20.0), "20"),
            bar("Request for support", None, "fewer than 5 people"),
            bar("Evaluation", Some(10.0), "10"),
        ];
        let said = "Feedback by kind: Complaint 20, Request for support fewer than 5 people";
        let svg = columns(said, &bars).into_string();
        assert_eq!(svg.matches(&format!("fill=\"{BAR}\"")).count(), 2, "{svg}");
        assert!(svg.contains(&format!("aria-label=\"{said}\"")));
        assert!(svg.contains(&format!("<title>{said}</title>")));
        assert!(!svg.contains("style="));
        assert!(
            svg.contains(">fewer than</text>") && svg.contains(">5 people</text>"),
            "{svg}"
        );
        // The largest is full height, half of it half.
        assert!(svg.contains("height=\"70.0\""), "{svg}");
        assert!(svg.contains("height=\"35.0\""), "{svg}");
        let rows = bar_rows(&bars).into_string();
        assert_eq!(rows.matches(&format!("fill=\"{BAR}\"")).count(), 2);
        assert_eq!(rows.matches("aria-hidden=\"true\"").count(), 3);
        assert!(rows.contains("<th scope=\"row\">Request for support</th>"));
        assert!(rows.contains(
            "<td class=\"num\"><span class=\"fig hidden\">fewer than 5 people</span></td>"
        ));
    }

    #[test]
    fn stars_fill_up_to_the_rating() {
        let three_and_a_half = stars(Some(3.5), "3.5 out of 5").into_string();
        assert!(three_and_a_half.contains("width=\"38.5\""));
        assert_eq!(
            three_and_a_half.matches(STAR).count(),
            5,
            "cut at 38.5 of 55"
        );
        let hidden = stars(None, "fewer than 5 people").into_string();
        assert!(!hidden.contains(STAR));
        assert!(hidden.contains("aria-label=\"fewer than 5 people\""));
    }
}
