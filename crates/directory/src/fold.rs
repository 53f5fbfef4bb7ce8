//! Search folding: maps a name or a query to the form search compares. The same function
//! folds both sides, so two strings a user would call "the same" fold to equal strings:
//! canonically equivalent text (NFC/NFD) folds alike, Latin case and accents are dropped,
//! spaces, punctuation and zero-width characters are dropped, Khmer digits become ASCII
//! digits, subscript DA (្ដ) becomes subscript TA (្ត), and the two-part spellings of the
//! Khmer vowels ើ and ោ become the single code points.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

const COENG: char = '\u{17D2}';
const KHMER_DA: char = '\u{178A}';
const KHMER_TA: char = '\u{178F}';
const VOWEL_E: char = '\u{17C1}';
const VOWEL_AA: char = '\u{17B6}';
const VOWEL_II: char = '\u{17B8}';
const VOWEL_OE: char = '\u{17BE}';
const VOWEL_OO: char = '\u{17C4}';

/// Folds `text` for comparison. The result holds only lowercase ASCII letters and digits,
/// letters of other scripts and Khmer signs.
pub(crate) fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    if text.is_ascii() {
        folded.extend(
            text.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|byte| char::from(byte.to_ascii_lowercase())),
        );
        return folded;
    }
    for c in text.nfd() {
        push_folded(&mut folded, c);
    }
    folded
}

fn push_folded(folded: &mut String, c: char) {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            folded.push(c.to_ascii_lowercase());
        }
        return;
    }
    if let Some(digit) = khmer_digit(c) {
        folded.push(digit);
        return;
    }
    if is_ignored(c) {
        return;
    }
    if is_khmer(c) {
        push_khmer(folded, c);
        return;
    }
    if is_combining_mark(c) {
        return;
    }
    folded.extend(c.to_lowercase());
}

fn push_khmer(folded: &mut String, c: char) {
    let previous = folded.chars().next_back();
    match (previous, c) {
        (Some(COENG), KHMER_DA) => folded.push(KHMER_TA),
        (Some(VOWEL_E), VOWEL_II) => replace_last(folded, VOWEL_OE),
        (Some(VOWEL_E), VOWEL_AA) => replace_last(folded, VOWEL_OO),
        _ => folded.push(c),
    }
}

fn replace_last(folded: &mut String, c: char) {
    folded.pop();
    folded.push(c);
}

fn khmer_digit(c: char) -> Option<char> {
    let offset = u32::from(c).checked_sub(0x17E0)?;
    if offset < 10 {
        char::from_digit(offset, 10)
    } else {
        None
    }
}

fn is_khmer(c: char) -> bool {
    matches!(c, '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}')
}

/// Spaces, zero-width characters, punctuation and symbols that carry no letters.
fn is_ignored(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00A0}'..='\u{00BF}'
                | '\u{2000}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{3000}'..='\u{303F}'
                | '\u{FF01}'..='\u{FF0F}'
                | '\u{17D4}'..='\u{17D6}'
                | '\u{17D8}'..='\u{17DA}'
        )
}

/// Splits a query into the words a multi-word match checks one by one: at spaces,
/// zero-width spaces and commas. Empty pieces are dropped.
pub(crate) fn split_words(query: &str) -> impl Iterator<Item = &str> {
    query
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | '\u{200B}' | '\u{3001}' | '\u{17D4}')
        })
        .filter(|word| !word.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_case_accents_spaces_and_punctuation_fold_away() {
        assert_eq!(fold("Takéo"), "takeo");
        assert_eq!(fold("TAKÉO"), "takeo");
        assert_eq!(fold("Take\u{301}o"), "takeo");
        assert_eq!(fold("S'ang"), "sang");
        assert_eq!(fold("Chamkar-Mon, Phnom Penh"), "chamkarmonphnompenh");
        assert_eq!(fold("OWSO-1201"), "owso1201");
    }

    #[test]
    fn khmer_folds_zero_width_subscripts_digits_and_spaces() {
        assert_eq!(fold("តា\u{200B}កែវ"), "តាកែវ");
        assert_eq!(fold("\u{FEFF}តា\u{200C}កែ\u{200D}វ"), "តាកែវ");
        assert_eq!(fold("កណ្ដាល"), fold("កណ្តាល"));
        assert_eq!(fold("កណ្\u{200B}ដាល"), fold("កណ្តាល"));
        assert_eq!(fold("ទួលទំពូងទី ១"), "ទួលទំពូងទី1");
        assert_eq!(fold("ទួលទំពូងទី 1"), "ទួលទំពូងទី1");
        assert_eq!(fold("កោះធំ ‹ក›"), "កោះធំក");
        assert_eq!(fold("\u{17C1}\u{17B8}"), "\u{17BE}");
        assert_eq!(fold("\u{17C1}\u{17B6}"), "\u{17C4}");
    }

    #[test]
    fn khmer_signs_are_kept() {
        // Vowel signs are combining marks; they must survive accent stripping.
        assert_eq!(fold("ភ្នំពេញ"), "ភ្នំពេញ");
    }

    #[test]
    fn words_split_at_spaces_zero_width_spaces_and_commas() {
        let words: Vec<&str> = split_words(" chamkar  mon,phnom\u{200B}penh ").collect();
        assert_eq!(words, ["chamkar", "mon", "phnom", "penh"]);
    }
}
