//! Place search over every unit and office, for a place picker. Guarantees: Khmer, Latin
//! and code queries are matched whatever the result language; results are ranked exact,
//! prefix, word prefix, substring, then multi-word, ties broken by level (a unit before
//! its offices), name length and code; no place appears twice; at most `limit` hits. The
//! picker's variant (`choose`) offers offices only (a unit stands for the office that
//! answers for it) and puts the citizen's recent places first.
//!
//! Speed comes from doing the work at load. Every unit name is folded once into one
//! buffer per script, each key with a character filter and a character-pair filter. An
//! office's name is its label ("One Window Service Office") followed by its unit's name,
//! so offices are not scanned at all: their matches are derived from their unit's match
//! and from a handful of labels. Unit codes are kept sorted, so a code query is a range.
//! A query folds once, skips every key whose filter lacks one of its characters or pairs,
//! checks the rest with a prebuilt `memmem` finder, and keeps the best `limit` hits with
//! `select_nth_unstable`.

use memchr::memmem::Finder;
use serde::Serialize;

use crate::directory::Directory;
use crate::fold::{fold, split_words};
use crate::model::{Lang, OfficeType, PlaceRef, UnitLevel};
use crate::names::{office_name, office_type_aliases, unit_name};

/// Above this many distinct words a query gets no multi-word matches (it still gets
/// exact, prefix and substring ones); no place name has that many words.
const MAX_WORDS: usize = 8;

/// A query (or word) this short does not match office type words ("om" is no query for
/// "ombudsman"); shorter type codes ("ch") are matched as codes.
const MIN_ALIAS_QUERY_CHARS: usize = 3;

/// Marks an unused slot in the fixed-size id arrays below.
const NO_PLACE: u32 = u32::MAX;

/// What a hit is: a unit at a level or an office of a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Unit(UnitLevel),
    Office(OfficeType),
}

/// How a hit matched the query, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchRank {
    /// The query is a unit's whole name (with or without its type word), an office's whole
    /// name, or a whole code.
    Exact,
    /// The query starts a name, a unit's name after its type word, the unit part of an
    /// office's name, or a code.
    Prefix,
    /// The query starts a later word of a name: "mon" in "Chamkar Mon", "office" in "One
    /// Window Service Office".
    #[serde(rename = "word_prefix")]
    WordPrefix,
    /// The query is inside a name, or inside the words for an office's type ("ombudsman").
    Substring,
    /// Each word of the query is in the place's name or code, its office type's words, or
    /// the name or code of a unit above it.
    Words,
}

impl MatchRank {
    const ALL: [MatchRank; 5] = [
        MatchRank::Exact,
        MatchRank::Prefix,
        MatchRank::WordPrefix,
        MatchRank::Substring,
        MatchRank::Words,
    ];

    /// How an office matches when the unit part of its name matches with `self`.
    fn for_office_of_unit(self) -> MatchRank {
        match self {
            MatchRank::Exact | MatchRank::Prefix => MatchRank::Prefix,
            other => other,
        }
    }
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    /// The unit or office code.
    pub code: String,
    pub kind: HitKind,
    /// The name in the asked language, with its type word ("Khan Chamkar Mon").
    pub name: String,
    /// The full path in the asked language ("Khan Chamkar Mon, Phnom Penh").
    pub path: String,
    pub rank: MatchRank,
}

/// One unit's folded name in one script: `prefix + bare` ("khan" + "chamkarmon").
#[derive(Clone, Copy, Debug)]
struct UnitKey {
    start: u32,
    len: u32,
    /// Where the bare name starts inside the key.
    bare: u32,
    /// The range of `ScriptIndex::word_starts` holding where the bare name's later words
    /// start inside the key.
    words: (u32, u32),
    unit: u32,
}

/// How a query matched one unit key.
#[derive(Clone, Copy, Debug)]
struct KeyMatch {
    rank: MatchRank,
    /// The key starts with the query.
    starts_key: bool,
    /// The key is the query.
    equals_key: bool,
}

/// Which script's names a query is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Khmer,
}

impl Script {
    const ALL: [Script; 2] = [Script::Latin, Script::Khmer];

    fn index(self) -> usize {
        match self {
            Script::Latin => 0,
            Script::Khmer => 1,
        }
    }

    fn lang(self) -> Lang {
        match self {
            Script::Latin => Lang::En,
            Script::Khmer => Lang::Km,
        }
    }
}

/// The folded unit names and office labels of one script.
#[derive(Default)]
struct ScriptIndex {
    /// Every unit key, back to back.
    text: String,
    keys: Vec<UnitKey>,
    /// Where later words of bare names start inside their keys (see `UnitKey::words`).
    word_starts: Vec<u32>,
    /// Per key, the characters it holds (see `char_bit`); checked for 1-character queries.
    char_filters: Vec<u128>,
    /// Per key, the adjacent character pairs it holds (see `pair_filter`); checked for
    /// longer queries.
    pair_filters: Vec<u128>,
    /// For each filter bit, the one character of this script's text that sets it, if only
    /// one does. A 1-character query whose bit has it as owner needs no further check.
    bit_owners: Vec<Option<char>>,
    /// The distinct folded office labels ("onewindowserviceoffice", "សាលា").
    labels: Vec<String>,
    /// Per label, where its later words start ("window", "service", "office").
    label_word_starts: Vec<Vec<usize>>,
    /// Per label, the offices whose name starts with it.
    label_offices: Vec<Vec<u32>>,
}

impl ScriptIndex {
    fn push_unit(&mut self, unit: usize, prefix: &str, bare: &str) {
        let start = self.text.len();
        self.text.push_str(&fold(prefix));
        let bare_start = self.text.len() - start;
        self.text.push_str(&fold(bare));
        let key_text = &self.text[start..];
        self.char_filters.push(char_filter(key_text));
        self.pair_filters.push(pair_filter(key_text));
        let words_start = self.word_starts.len();
        self.word_starts.extend(
            later_word_starts(bare)
                .into_iter()
                .map(|at| to_u32(bare_start + at)),
        );
        self.keys.push(UnitKey {
            start: to_u32(start),
            len: to_u32(key_text.len()),
            bare: to_u32(bare_start),
            words: (to_u32(words_start), to_u32(self.word_starts.len())),
            unit: to_u32(unit),
        });
    }

    /// Records `office` under its folded label; returns the label's index.
    fn push_office_label(&mut self, office: usize, label: &str) -> u8 {
        let folded = fold(label);
        let index = match self.labels.iter().position(|known| *known == folded) {
            Some(index) => index,
            None => {
                self.labels.push(folded);
                self.label_word_starts.push(later_word_starts(label));
                self.label_offices.push(Vec::new());
                self.labels.len() - 1
            }
        };
        self.label_offices[index].push(to_u32(office));
        u8::try_from(index).unwrap_or(u8::MAX)
    }

    fn finish(&mut self) {
        let mut owners: Vec<Option<char>> = vec![None; 128];
        let mut shared = [false; 128];
        for c in self.text.chars() {
            let bit = char_bit(c) as usize;
            match owners[bit] {
                None if !shared[bit] => owners[bit] = Some(c),
                Some(owner) if owner != c => {
                    owners[bit] = None;
                    shared[bit] = true;
                }
                _ => {}
            }
        }
        self.bit_owners = owners;
    }

    /// Calls `on_match(unit, how)` for every unit key containing the folded `query`.
    fn scan(&self, query: &str, mut on_match: impl FnMut(usize, KeyMatch)) {
        let mut chars = query.chars();
        let Some(first) = chars.next() else {
            return;
        };
        let text = self.text.as_bytes();
        let needle = query.as_bytes();
        if chars.next().is_none() {
            let bit = char_bit(first);
            let filter = 1u128 << bit;
            let filter_is_exact = self.bit_owners.get(bit as usize) == Some(&Some(first));
            let finder = Finder::new(needle);
            for (key, &key_filter) in self.keys.iter().zip(&self.char_filters) {
                if key_filter & filter == 0 {
                    continue;
                }
                let key_text = key.text(text);
                let words = key.word_starts(&self.word_starts);
                if let Some(found) = key.rank(key_text, words, needle, || {
                    filter_is_exact || finder.find(key_text).is_some()
                }) {
                    on_match(key.unit as usize, found);
                }
            }
            return;
        }
        let filter = pair_filter(query);
        let finder = Finder::new(needle);
        for (key, &key_filter) in self.keys.iter().zip(&self.pair_filters) {
            if key_filter & filter != filter || (key.len as usize) < needle.len() {
                continue;
            }
            let key_text = key.text(text);
            let words = key.word_starts(&self.word_starts);
            if let Some(found) =
                key.rank(key_text, words, needle, || finder.find(key_text).is_some())
            {
                on_match(key.unit as usize, found);
            }
        }
    }
}

impl UnitKey {
    fn text<'a>(&self, text: &'a [u8]) -> &'a [u8] {
        let start = self.start as usize;
        &text[start..start + self.len as usize]
    }

    /// Where the later words of this key's bare name start inside the key.
    fn word_starts<'a>(&self, word_starts: &'a [u32]) -> &'a [u32] {
        &word_starts[self.words.0 as usize..self.words.1 as usize]
    }

    /// How `needle` matches this key, whose later words start at `words`; `contains` says
    /// whether it is inside at all.
    fn rank(
        &self,
        key_text: &[u8],
        words: &[u32],
        needle: &[u8],
        contains: impl FnOnce() -> bool,
    ) -> Option<KeyMatch> {
        let starts_key = key_text.starts_with(needle);
        let equals_key = starts_key && key_text.len() == needle.len();
        let bare = &key_text[self.bare as usize..];
        let rank = if equals_key || bare == needle {
            MatchRank::Exact
        } else if starts_key || bare.starts_with(needle) {
            MatchRank::Prefix
        } else if !contains() {
            return None;
        } else if words
            .iter()
            .any(|&at| key_text[at as usize..].starts_with(needle))
        {
            MatchRank::WordPrefix
        } else {
            MatchRank::Substring
        };
        Some(KeyMatch {
            rank,
            starts_key,
            equals_key,
        })
    }
}

/// The filter bit of a character. Injective on each script's own characters: the Khmer
/// block below the Khmer digits (which fold to ASCII), ASCII digits, ASCII letters.
fn char_bit(c: char) -> u32 {
    let code = u32::from(c);
    match c {
        '\u{1780}'..='\u{17DF}' => code - 0x1780,
        '0'..='9' => 96 + (code - u32::from('0')),
        'a'..='z' => code - u32::from('a'),
        _ => 106 + code % 22,
    }
}

fn char_filter(text: &str) -> u128 {
    text.chars()
        .fold(0, |filter, c| filter | 1u128 << char_bit(c))
}

/// A 128-bit set of the adjacent character pairs of `text`, hashed. A key can contain a
/// query only if it holds all of the query's pairs.
fn pair_filter(text: &str) -> u128 {
    let mut filter = 0;
    let mut chars = text.chars();
    let Some(mut previous) = chars.next() else {
        return 0;
    };
    for c in chars {
        let pair = u32::from(previous).wrapping_mul(0x9E37_79B1) ^ u32::from(c);
        filter |= 1u128 << (pair.wrapping_mul(0x85EB_CA6B) >> 25);
        previous = c;
    }
    filter
}

/// Where the words of `name` after its first start in `fold(name)`: "Chamkar Mon" → [7].
/// Words are separated by spaces and dashes.
fn later_word_starts(name: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut after_gap = false;
    for (at, c) in name.char_indices() {
        if c.is_whitespace() || c == '-' {
            after_gap = true;
        } else if after_gap {
            after_gap = false;
            let folded_before = fold(&name[..at]).len();
            if folded_before > 0 && starts.last() != Some(&folded_before) {
                starts.push(folded_before);
            }
        }
    }
    starts
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(NO_PLACE)
}

/// What search knows about one place besides its keys.
struct PlaceInfo {
    code: String,
    kind: HitKind,
    /// Ids of the units above the place, nearest first (for an office: its own unit first).
    above: [u32; 3],
    /// For a unit, the ids of its offices.
    offices: [u32; 2],
    /// For a unit, the id of the office that answers for it (`Directory::route`).
    answering: u32,
    /// The range of `SearchIndex::below_lists` holding the places below this unit.
    below: std::ops::Range<u32>,
    /// For an office, its label's index in each script (by `Script::index`).
    labels: [u8; 2],
    /// Name and path, by `lang_index`.
    names: [String; 2],
    paths: [String; 2],
}

impl PlaceInfo {
    fn above(&self) -> impl Iterator<Item = usize> + '_ {
        self.above
            .iter()
            .take_while(|&&id| id != NO_PLACE)
            .map(|&id| id as usize)
    }

    fn offices(&self) -> impl Iterator<Item = usize> + '_ {
        self.offices
            .iter()
            .take_while(|&&id| id != NO_PLACE)
            .map(|&id| id as usize)
    }
}

/// Everything search needs, built once when a directory loads.
#[derive(Default)]
pub(crate) struct SearchIndex {
    places: Vec<PlaceInfo>,
    /// The units are the places `0..unit_count`.
    unit_count: usize,
    /// Per language, the tie order of search hits: level tier, name length, code.
    tie_order: [TieOrder; 2],
    /// Per language, the tie order of the picker's choices: level tier, then the length and
    /// code of the unit an office serves (a unit's offices together), then office type (the
    /// office that answers for the unit first).
    choice_order: [TieOrder; 2],
    /// The places below each unit, back to back (see `PlaceInfo::below`).
    below_lists: Vec<u32>,
    /// Per script (by `Script::index`).
    scripts: [ScriptIndex; 2],
    /// Every unit code with its place id, sorted by code.
    unit_codes: Vec<(String, u32)>,
    /// Per office type (by `OfficeType::index`), its folded alias words joined by spaces
    /// (folding removes spaces from query words, so a word never spans two aliases).
    office_type_words: [String; 5],
    /// Per office type, its offices' ids.
    office_type_places: [Vec<u32>; 5],
}

/// The distinct folded words of a query, for multi-word matches.
fn query_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = split_words(query)
        .map(fold)
        .filter(|word| !word.is_empty())
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// An order of every place, used to break ties between equal ranks.
#[derive(Default)]
struct TieOrder {
    /// Each place's position.
    position: Vec<u32>,
    /// The place ids by position (the inverse of `position`).
    places: Vec<u32>,
}

impl TieOrder {
    /// The order of the places `0..count` sorted by `key`.
    fn by_key<K: Ord>(count: usize, key: impl FnMut(&usize) -> K) -> TieOrder {
        let mut ids: Vec<usize> = (0..count).collect();
        ids.sort_by_cached_key(key);
        let mut position = vec![0; ids.len()];
        for (at, &id) in ids.iter().enumerate() {
            position[id] = to_u32(at);
        }
        TieOrder {
            position,
            places: ids.into_iter().map(to_u32).collect(),
        }
    }
}

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Km => 0,
        Lang::En => 1,
    }
}

/// Sort tier: the level of the unit a place belongs to, a unit before its offices.
fn tier(place: PlaceRef<'_>) -> u8 {
    let (level, office) = match place {
        PlaceRef::Unit(unit) => (unit.level, 0),
        PlaceRef::Office(office) => (office.office_type.unit_level(), 1),
    };
    let level_rank = match level {
        UnitLevel::Province => 0,
        UnitLevel::District => 1,
        UnitLevel::Commune => 2,
    };
    level_rank * 2 + office
}

impl SearchIndex {
    pub(crate) fn build(directory: &Directory) -> SearchIndex {
        let count = directory.place_count();
        let mut index = SearchIndex {
            places: Vec::with_capacity(count),
            ..SearchIndex::default()
        };
        let mut tiers = Vec::with_capacity(count);
        for (id, place) in directory.places().enumerate() {
            if matches!(place, PlaceRef::Unit(_)) {
                index.unit_count = id + 1;
            }
            tiers.push(tier(place));
            index.add_place(directory, id, place);
        }
        for script in &mut index.scripts {
            script.finish();
        }
        index.link_places_below();
        index.unit_codes.sort_unstable();
        for office_type in OfficeType::ALL {
            let words: Vec<String> = office_type_aliases(office_type)
                .iter()
                .map(|alias| fold(alias))
                .collect();
            index.office_type_words[office_type.index()] = words.join(" ");
        }
        let places = &index.places;
        for lang in Lang::ALL {
            let lang_at = lang_index(lang);
            index.tie_order[lang_at] = TieOrder::by_key(places.len(), |&id| {
                let place = &places[id];
                (
                    tiers[id],
                    place.names[lang_at].chars().count(),
                    place.code.clone(),
                )
            });
            index.choice_order[lang_at] = TieOrder::by_key(places.len(), |&id| {
                let place = &places[id];
                let (unit, office_type) = match place.kind {
                    HitKind::Unit(_) => (place, 0),
                    HitKind::Office(office_type) => {
                        let unit = place.above().next().map_or(place, |unit| &places[unit]);
                        (unit, office_type.index() + 1)
                    }
                };
                (
                    tiers[id],
                    unit.names[lang_at].chars().count(),
                    unit.code.clone(),
                    office_type,
                )
            });
        }
        index
    }

    fn link_places_below(&mut self) {
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); self.places.len()];
        for (place, info) in self.places.iter().enumerate() {
            for unit in info.above() {
                lists[unit].push(to_u32(place));
            }
        }
        for (info, list) in self.places.iter_mut().zip(lists) {
            let start = to_u32(self.below_lists.len());
            self.below_lists.extend(list);
            info.below = start..to_u32(self.below_lists.len());
        }
    }

    fn add_place(&mut self, directory: &Directory, id: usize, place: PlaceRef<'_>) {
        let mut above = [NO_PLACE; 3];
        for (slot, unit) in above.iter_mut().zip(directory.units_above(place)) {
            *slot = directory.place_id(&unit.code).map_or(NO_PLACE, to_u32);
        }
        let mut offices = [NO_PLACE; 2];
        let mut answering = NO_PLACE;
        let mut labels = [u8::MAX; 2];
        let kind = match place {
            PlaceRef::Unit(unit) => {
                for script in Script::ALL {
                    let name = unit_name(unit, script.lang());
                    self.scripts[script.index()].push_unit(id, name.prefix, name.bare);
                }
                for (slot, office) in offices
                    .iter_mut()
                    .zip(directory.offices_of_unit(&unit.code))
                {
                    *slot = directory.place_id(&office.code).map_or(NO_PLACE, to_u32);
                }
                answering = directory
                    .route(&unit.code)
                    .and_then(|office| directory.place_id(&office.code))
                    .map_or(NO_PLACE, to_u32);
                self.unit_codes.push((unit.code.clone(), to_u32(id)));
                HitKind::Unit(unit.level)
            }
            PlaceRef::Office(office) => {
                if let Some(unit) = directory.unit(&office.unit_code) {
                    for script in Script::ALL {
                        let name = office_name(office.office_type, unit, script.lang());
                        labels[script.index()] =
                            self.scripts[script.index()].push_office_label(id, name.label);
                    }
                }
                self.office_type_places[office.office_type.index()].push(to_u32(id));
                HitKind::Office(office.office_type)
            }
        };
        self.places.push(PlaceInfo {
            code: place.code().to_owned(),
            kind,
            above,
            offices,
            answering,
            labels,
            below: 0..0,
            names: Lang::ALL.map(|lang| place.display_name(lang)),
            paths: Lang::ALL.map(|lang| directory.build_path(place, lang)),
        });
    }

    pub(crate) fn search(&self, query: &str, lang: Lang, limit: usize) -> Vec<SearchHit> {
        let whole = fold(query);
        if limit == 0 || whole.is_empty() {
            return Vec::new();
        }
        let mut matches = Matches::new(self.places.len());
        self.match_text(&whole, &mut |place, rank| matches.record(place, rank));
        let words = query_words(query);
        // Words matches rank last: skip them when better matches already fill the limit.
        if (2..=MAX_WORDS).contains(&words.len()) && matches.count_better_than_words() < limit {
            self.match_words(&words, &mut matches);
        }
        self.best_hits(&matches, lang, limit)
    }

    /// The offices a place picker offers for `query`, best first: a matching unit stands
    /// for the office that answers for it (with the better of the two ranks), an office for
    /// itself. The matching offices in `recent` (place ids, newest first) come first, newest
    /// first; then the rest by rank and tie order. At most `limit`, with their ranks.
    pub(crate) fn choose(
        &self,
        query: &str,
        lang: Lang,
        recent: &[usize],
        limit: usize,
    ) -> Vec<(usize, MatchRank)> {
        let whole = fold(query);
        if limit == 0 || whole.is_empty() {
            return Vec::new();
        }
        let mut matches = Matches::new(self.places.len());
        self.match_text(&whole, &mut |place, rank| matches.record(place, rank));
        self.units_to_answering(&mut matches);
        let words = query_words(query);
        // A recent place matched only by its words still goes first.
        let recent_unmatched = recent.iter().any(|&place| matches.rank_of(place).is_none());
        if (2..=MAX_WORDS).contains(&words.len())
            && (matches.count_better_than_words() < limit || recent_unmatched)
        {
            self.match_words(&words, &mut matches);
            self.units_to_answering(&mut matches);
        }
        self.ranked(
            &matches,
            &self.choice_order[lang_index(lang)],
            limit,
            recent,
        )
    }

    /// Moves each matched unit's rank to the office that answers for it.
    fn units_to_answering(&self, matches: &mut Matches) {
        for (place, info) in self.places.iter().enumerate().take(self.unit_count) {
            if let Some(rank) = matches.rank_of(place) {
                matches.forget(place);
                if info.answering != NO_PLACE {
                    matches.record(info.answering as usize, rank);
                }
            }
        }
    }

    /// Reports every place whose name or code holds the folded `query`, with how.
    fn match_text(&self, query: &str, sink: &mut impl FnMut(usize, MatchRank)) {
        let ascii = query.is_ascii();
        let all_digits = query.bytes().all(|byte| byte.is_ascii_digit());
        if ascii {
            self.match_names(Script::Latin, query, sink);
            self.match_codes(query, sink);
        }
        if !ascii || all_digits {
            self.match_names(Script::Khmer, query, sink);
        }
        if query.chars().nth(MIN_ALIAS_QUERY_CHARS - 1).is_some() {
            for office_type in OfficeType::ALL {
                let type_index = office_type.index();
                if self.office_type_words[type_index].contains(query) {
                    for &office in &self.office_type_places[type_index] {
                        sink(office as usize, MatchRank::Substring);
                    }
                }
            }
        }
    }

    /// Unit names of one script, and office names: label + unit name.
    fn match_names(&self, script: Script, query: &str, sink: &mut impl FnMut(usize, MatchRank)) {
        let names = &self.scripts[script.index()];
        names.scan(query, |unit, found| {
            sink(unit, found.rank);
            for office in self.places[unit].offices() {
                sink(office, found.rank.for_office_of_unit());
            }
        });
        for (label_index, label) in names.labels.iter().enumerate() {
            let offices = &names.label_offices[label_index];
            let word_starts = &names.label_word_starts[label_index];
            let starts_word = |at: usize| word_starts.contains(&at);
            if label.contains(query) {
                let rank = if label.starts_with(query) {
                    MatchRank::Prefix
                } else if word_starts.iter().any(|&at| label[at..].starts_with(query)) {
                    MatchRank::WordPrefix
                } else {
                    MatchRank::Substring
                };
                for &office in offices {
                    sink(office as usize, rank);
                }
            }
            // The query runs from the label into the unit's name.
            let label_ends = query
                .char_indices()
                .skip(1)
                .map(|(split, _)| split)
                .chain(std::iter::once(query.len()))
                .filter(|&split| split <= label.len() && label.ends_with(&query[..split]));
            for split in label_ends {
                let rest = &query[split..];
                if rest.is_empty() {
                    continue;
                }
                let whole_label = split == label.len();
                let from_word = starts_word(label.len() - split);
                names.scan(rest, |unit, found| {
                    if !found.starts_key {
                        return;
                    }
                    let rank = match (whole_label, found.equals_key) {
                        (true, true) => MatchRank::Exact,
                        (true, false) => MatchRank::Prefix,
                        (false, _) if from_word => MatchRank::WordPrefix,
                        (false, _) => MatchRank::Substring,
                    };
                    for office in self.places[unit].offices() {
                        if usize::from(self.places[office].labels[script.index()]) == label_index {
                            sink(office, rank);
                        }
                    }
                });
            }
        }
    }

    /// Unit codes ("1201", "120110") and office codes ("owso1201", folded): whole codes
    /// are exact, starts of codes are prefixes; "owso" alone starts every OWSO's code.
    fn match_codes(&self, query: &str, sink: &mut impl FnMut(usize, MatchRank)) {
        let digits_start = query
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(query.len());
        let (letters, digits) = query.split_at(digits_start);
        if !digits.bytes().all(|byte| byte.is_ascii_digit()) {
            return;
        }
        let office_type = if letters.is_empty() {
            None
        } else {
            match OfficeType::from_code_prefix(letters) {
                Some(office_type) => Some(office_type),
                None => return,
            }
        };
        if digits.is_empty() {
            if let Some(office_type) = office_type {
                for &office in &self.office_type_places[office_type.index()] {
                    sink(office as usize, MatchRank::Prefix);
                }
            }
            return;
        }
        let first = self
            .unit_codes
            .partition_point(|(code, _)| code.as_str() < digits);
        let with_prefix = self.unit_codes[first..]
            .iter()
            .take_while(|(code, _)| code.starts_with(digits));
        for (code, unit) in with_prefix {
            let unit = *unit as usize;
            let rank = if code.len() == digits.len() {
                MatchRank::Exact
            } else {
                MatchRank::Prefix
            };
            match office_type {
                None => {
                    sink(unit, rank);
                    for office in self.places[unit].offices() {
                        sink(office, MatchRank::Prefix);
                    }
                }
                Some(office_type) => {
                    for office in self.places[unit].offices() {
                        if self.places[office].kind == HitKind::Office(office_type) {
                            sink(office, rank);
                        }
                    }
                }
            }
        }
    }

    /// Records a `Words` match for every place not matched yet where each word is in the
    /// place's own name or code, its office type's words, or the name or code of a unit
    /// above it, and at least one word is in its own name, code or type words.
    fn match_words(&self, words: &[String], matches: &mut Matches) {
        let blocks = self.places.len().div_ceil(64);
        let own_by_word: Vec<Vec<u64>> = words
            .iter()
            .map(|word| {
                let mut own = vec![0u64; blocks];
                self.match_text(word, &mut |place, _| own[place / 64] |= 1 << (place % 64));
                own
            })
            .collect();
        let has = |bits: &[u64], place: usize| bits[place / 64] & (1 << (place % 64)) != 0;
        let mut check = |place: usize| {
            if matches.rank_of(place).is_some() {
                return;
            }
            let info = &self.places[place];
            let own_word = own_by_word.iter().any(|own| has(own, place));
            let every_word = own_by_word
                .iter()
                .all(|own| has(own, place) || info.above().any(|unit| has(own, unit)));
            if own_word && every_word {
                matches.record(place, MatchRank::Words);
            }
        };
        // Every hit matches the rarest word itself or lies below a unit that does.
        let Some(rarest) = own_by_word
            .iter()
            .min_by_key(|own| own.iter().map(|block| block.count_ones()).sum::<u32>())
        else {
            return;
        };
        for (block_index, &block) in rarest.iter().enumerate() {
            let mut rest = block;
            while rest != 0 {
                let place = block_index * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                check(place);
                for &below in self.below(place) {
                    check(below as usize);
                }
            }
        }
    }

    /// The places below a unit (its lower units and all their offices, and its own
    /// offices); empty for an office.
    fn below(&self, place: usize) -> &[u32] {
        let range = self.places[place].below.clone();
        &self.below_lists[range.start as usize..range.end as usize]
    }

    fn best_hits(&self, matches: &Matches, lang: Lang, limit: usize) -> Vec<SearchHit> {
        let lang_at = lang_index(lang);
        self.ranked(matches, &self.tie_order[lang_at], limit, &[])
            .into_iter()
            .map(|(place, rank)| {
                let info = &self.places[place];
                SearchHit {
                    code: info.code.clone(),
                    kind: info.kind,
                    name: info.names[lang_at].clone(),
                    path: info.paths[lang_at].clone(),
                    rank,
                }
            })
            .collect()
    }

    /// The best `limit` matched places with their ranks: those in `first` (newest first)
    /// before all others, then by rank, then in `order`.
    fn ranked(
        &self,
        matches: &Matches,
        order: &TieOrder,
        limit: usize,
        first: &[usize],
    ) -> Vec<(usize, MatchRank)> {
        let worst_needed = matches.worst_rank_needed(limit);
        // Score: slot in `first` (or NOT_FIRST), rank code, tie position; smaller is better.
        const NOT_FIRST: u64 = 0xFF;
        let slot_of = |place: usize| {
            first
                .iter()
                .position(|&wanted| wanted == place)
                .and_then(|slot| u64::try_from(slot).ok())
                .filter(|&slot| slot < NOT_FIRST)
        };
        let mut scored: Vec<u64> = matches
            .best
            .iter()
            .zip(&order.position)
            .enumerate()
            .filter(|&(_, (&best, _))| best != 0)
            .filter_map(|(place, (&best, &position))| {
                let slot = if first.is_empty() {
                    None
                } else {
                    slot_of(place)
                };
                if slot.is_none() && best > worst_needed {
                    return None;
                }
                Some(slot.unwrap_or(NOT_FIRST) << 40 | u64::from(best) << 32 | u64::from(position))
            })
            .collect();
        if scored.len() > limit {
            scored.select_nth_unstable(limit - 1);
            scored.truncate(limit);
        }
        scored.sort_unstable();
        scored
            .into_iter()
            .filter_map(|score| {
                let code = usize::try_from(score >> 32 & 0xFF).ok()?;
                let rank = MatchRank::ALL.get(code.checked_sub(1)?)?;
                let position = usize::try_from(score & u64::from(u32::MAX)).ok()?;
                Some((*order.places.get(position)? as usize, *rank))
            })
            .collect()
    }
}

/// The best rank found so far for each place, and how many places have each rank.
struct Matches {
    /// By place id: 0 for none, else `MatchRank as u8 + 1`.
    best: Vec<u8>,
    /// By `MatchRank as usize`.
    counts: [usize; 5],
}

impl Matches {
    fn new(place_count: usize) -> Matches {
        Matches {
            best: vec![0; place_count],
            counts: [0; 5],
        }
    }

    fn record(&mut self, place: usize, rank: MatchRank) {
        let code = rank as u8 + 1;
        let current = self.best[place];
        if current == 0 || code < current {
            if current != 0 {
                self.counts[usize::from(current - 1)] -= 1;
            }
            self.counts[rank as usize] += 1;
            self.best[place] = code;
        }
    }

    fn count_better_than_words(&self) -> usize {
        self.counts[..MatchRank::Words as usize].iter().sum()
    }

    /// Drops `place`'s match.
    fn forget(&mut self, place: usize) {
        let current = self.best[place];
        if current != 0 {
            self.counts[usize::from(current - 1)] -= 1;
            self.best[place] = 0;
        }
    }

    fn rank_of(&self, place: usize) -> Option<MatchRank> {
        let code = *self.best.get(place)?;
        MatchRank::ALL
            .get(usize::from(code).checked_sub(1)?)
            .copied()
    }

    /// The worst rank code (`MatchRank as u8 + 1`) that can still be among the best `limit`.
    fn worst_rank_needed(&self, limit: usize) -> u8 {
        let mut total = 0;
        for (rank, count) in self.counts.iter().enumerate() {
            total += count;
            if total >= limit {
                return u8::try_from(rank + 1).unwrap_or(u8::MAX);
            }
        }
        u8::MAX
    }
}
