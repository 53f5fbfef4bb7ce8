//! Translations: Fluent messages from `locales/<lang>/main.ftl`, embedded at build time, with
//! English as the fallback. Khmer shows numbers and dates in Khmer digits with Khmer month
//! names (`ថ្ងៃទី២៨ ខែវិច្ឆិកា ឆ្នាំ២០២៦`); tracking codes stay in Latin characters.
//!
//! Guarantees: a message that cannot be found shows its key, never panics; the `locales` test
//! fails if a key is missing from either language or does not format.

use chrono::{Datelike, NaiveDate};
use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use ourvoice_protocol::{ErrorCode, MAX_DESCRIPTION_CHARS};
use std::rc::Rc;

/// The app's one language type: the directory's, as the protocol re-exports it.
pub use ourvoice_protocol::Lang;

/// The messages that tell the citizen a storage call failed (see [`crate::state::Ui::check`]
/// and [`crate::components::stored_item`]); the `locales` test checks both languages have them.
pub const STORAGE_MESSAGES: [&str; 7] = [
    "error-storage",
    "error-storage-open",
    "error-storage-read",
    "error-storage-setting",
    "error-storage-delete",
    "error-not-found",
    "error-dismiss",
];

pub const KM_FTL: &str = include_str!("../locales/km/main.ftl");
pub const EN_FTL: &str = include_str!("../locales/en/main.ftl");

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> Bundle {
    let (id, source) = match lang {
        Lang::Km => ("km", KM_FTL),
        Lang::En => ("en", EN_FTL),
    };
    let mut bundle = FluentBundle::new(vec![id.parse().expect("a valid language id")]);
    bundle.set_use_isolating(false);
    let resource =
        FluentResource::try_new(source.to_string()).unwrap_or_else(|(resource, _)| resource);
    let _ = bundle.add_resource(resource);
    bundle
}

thread_local! {
    static BUNDLES: (Rc<Bundle>, Rc<Bundle>) = (Rc::new(bundle(Lang::Km)), Rc::new(bundle(Lang::En)));
}

/// An argument of a message: numbers are shown in the language's digits.
pub enum Arg<'a> {
    Num(u64),
    Text(&'a str),
}

pub use ourvoice_protocol::writing::khmer_digits;

/// Formats messages in one language (cheap to make: the bundles are built once per thread).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    pub fn t(&self, key: &str) -> String {
        self.t_args(key, &[])
    }

    pub fn t_args(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Num(n) if self.lang == Lang::Km => {
                    FluentValue::from(khmer_digits(&n.to_string()))
                }
                Arg::Num(n) => FluentValue::from(*n),
                Arg::Text(text) => FluentValue::from(text.to_string()),
            };
            fluent_args.set(name.to_string(), value);
        }
        BUNDLES.with(|(km, en)| {
            let primary = if self.lang == Lang::Km { km } else { en };
            for bundle in [primary, en] {
                if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                    let mut errors = Vec::new();
                    return bundle
                        .format_pattern(pattern, Some(&fluent_args), &mut errors)
                        .into_owned();
                }
            }
            key.to_string()
        })
    }

    /// A number in this language's digits.
    pub fn num(&self, n: u64) -> String {
        ourvoice_protocol::writing::number(self.lang, n)
    }

    /// A date written out: `ថ្ងៃទី២៨ ខែវិច្ឆិកា ឆ្នាំ២០២៦` or `28 November 2026`.
    pub fn date(&self, date: NaiveDate) -> String {
        let month = self.t(&format!("month-{}", date.month()));
        self.t_args(
            "date-long",
            &[
                ("day", Arg::Num(u64::from(date.day()))),
                ("month", Arg::Text(&month)),
                ("year", Arg::Text(&self.num(date.year().max(0) as u64))),
            ],
        )
    }

    /// The message for a protocol error code.
    pub fn error(&self, code: ErrorCode) -> String {
        self.t_args(
            &format!("error-{}", code.as_str()),
            &[("max", Arg::Num(MAX_DESCRIPTION_CHARS as u64))],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn khmer_shows_khmer_digits_and_month_names() {
        let km = Tr::new(Lang::Km);
        let en = Tr::new(Lang::En);
        let date = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(km.date(date), "ថ្ងៃទី២៨ ខែវិច្ឆិកា ឆ្នាំ២០២៦");
        assert_eq!(en.date(date), "28 November 2026");
        assert_eq!(
            km.t_args("sync-waiting", &[("count", Arg::Num(3))]),
            "៣ កំពុងរង់ចាំផ្ញើ"
        );
        assert_eq!(
            en.t_args("sync-waiting", &[("count", Arg::Num(3))]),
            "3 waiting to send"
        );
        assert_eq!(km.num(1907), "១៩០៧");
        assert_eq!(
            khmer_digits("OV-7K3M-Q9TX"),
            "OV-៧K៣M-Q៩TX",
            "only for numbers, never for codes"
        );
    }

    #[test]
    fn every_error_code_has_a_message_in_both_languages() {
        for lang in [Lang::Km, Lang::En] {
            let tr = Tr::new(lang);
            for code in ErrorCode::ALL {
                let text = tr.error(code);
                assert!(!text.starts_with("error-"), "{lang:?} lacks {code}");
            }
        }
        assert!(Tr::new(Lang::Km)
            .error(ErrorCode::DescriptionTooLong)
            .contains("៤០០០"));
    }

    #[test]
    fn a_missing_key_shows_the_key() {
        assert_eq!(Tr::new(Lang::Km).t("no-such-key"), "no-such-key");
    }
}
