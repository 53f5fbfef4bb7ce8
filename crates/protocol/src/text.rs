//! Characters in citizens' text that can disguise what a reader sees, and the one rule for
//! showing such text to officials and publishing it: bidirectional overrides and isolates
//! (which reorder what follows them: "evil.exe" shown as "exe.live") and control characters
//! are shown as a visible `[U+XXXX]` instead of acting; characters XML cannot carry
//! (non-characters, lone controls) are left out of XML.
//!
//! Guarantees: [`neutralised`] keeps every other character, Khmer's zero-width space and
//! joiners included, so nothing a citizen wrote disappears from an official's screen.

/// A character that changes how the text around it is ordered or shown without being seen
/// itself: the bidirectional embeddings, overrides, isolates and marks, and control characters
/// other than tab and line breaks.
pub fn is_disguising(c: char) -> bool {
    matches!(c,
        '\u{202A}'..='\u{202E}' // embeddings and overrides
        | '\u{2066}'..='\u{2069}' // isolates
        | '\u{200E}' | '\u{200F}' | '\u{061C}' // marks
        | '\u{0000}'..='\u{0008}' | '\u{000B}' | '\u{000C}' | '\u{000E}'..='\u{001F}'
        | '\u{007F}'..='\u{009F}')
}

/// A character that XML 1.0 may carry (its `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
        && !is_noncharacter(c)
}

/// Unicode's non-characters (U+FDD0–U+FDEF and the last two code points of every plane).
fn is_noncharacter(c: char) -> bool {
    let code = c as u32;
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

/// `text` with every disguising character replaced by a visible `[U+XXXX]`.
pub fn neutralised(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_disguising) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_disguising(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disguises_are_shown_and_everything_else_is_kept() {
        for (text, shown) in [
            ("invoice\u{202E}fdp.exe", "invoice[U+202E]fdp.exe"),
            ("a\u{2066}b\u{2069}c", "a[U+2066]b[U+2069]c"),
            ("bell\u{7}", "bell[U+0007]"),
            ("c1\u{85}", "c1[U+0085]"),
            // Khmer with a zero-width space and joiners, tabs and line breaks: unchanged.
            (
                "សួស្តី\u{200B}បង\u{200C}\u{200D}\tok\r\nyes",
                "សួស្តី\u{200B}បង\u{200C}\u{200D}\tok\r\nyes",
            ),
            ("ordinary", "ordinary"),
        ] {
            assert_eq!(neutralised(text), shown, "{text:?}");
        }
    }

    #[test]
    fn xml_takes_its_characters_only() {
        for (c, ok) in [
            ('a', true),
            ('ក', true),
            ('\n', true),
            ('\u{1}', false),
            ('\u{FFFE}', false),
            ('\u{FFFF}', false),
            ('\u{FDD0}', false),
            ('\u{1FFFF}', false),
            ('\u{10FFFD}', true),
            ('\u{1F600}', true),
        ] {
            assert_eq!(is_xml_char(c), ok, "{:04X}", c as u32);
        }
    }
}
