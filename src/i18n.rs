//! Translations: Fluent messages from `locales/<lang>/main.ftl`, embedded at build time, with
//! English as the fallback when a Khmer message is missing.
//!
//! Guarantees: a message that cannot be found or formatted shows its key, never panics; the
//! `locales` test fails if a key is missing from either language.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

pub use ourvoice_directory::Lang;

pub const KM_FTL: &str = include_str!("../locales/km/main.ftl");
pub const EN_FTL: &str = include_str!("../locales/en/main.ftl");

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let (id, source): (LanguageIdentifier, &str) = match lang {
        Lang::Km => ("km".parse().expect("valid language id"), KM_FTL),
        Lang::En => ("en".parse().expect("valid language id"), EN_FTL),
    };
    let mut bundle = FluentBundle::new(vec![id]);
    bundle.set_use_isolating(false);
    let resource =
        FluentResource::try_new(source.to_string()).unwrap_or_else(|(resource, _)| resource);
    let _ = bundle.add_resource(resource);
    bundle
}

/// Formats messages in one language, falling back to English.
pub struct Translator {
    primary: FluentBundle<FluentResource>,
    fallback: FluentBundle<FluentResource>,
}

impl Translator {
    pub fn new(lang: Lang) -> Translator {
        Translator {
            primary: bundle(lang),
            fallback: bundle(Lang::En),
        }
    }

    pub fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        for bundle in [&self.primary, &self.fallback] {
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned();
            }
        }
        key.to_string()
    }

    pub fn text(&self, key: &str) -> String {
        self.format(key, None)
    }

    pub fn count(&self, key: &str, count: u64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        self.format(key, Some(&args))
    }
}
