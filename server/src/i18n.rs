//! The server's words in Khmer and English, for the front doors that show pages (the officials'
//! console and the public pages): `server/locales/{km,en}/{console,public}.ftl`, embedded at
//! build time, one bundle per language, English as the fallback for a key missing in Khmer.
//!
//! Guarantees: no bidi isolation marks in the output (the text goes into HTML); no key is
//! defined in two files; a missing key shows the key itself rather than failing the page (a
//! test checks that no key is missing in either language and that every key the pages' source
//! asks for exists).

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;

/// The Khmer files: the console's words, then the public pages'.
pub const KM: [&str; 2] = [
    include_str!("../locales/km/console.ftl"),
    include_str!("../locales/km/public.ftl"),
];
/// The English files, in the same order.
pub const EN: [&str; 2] = [
    include_str!("../locales/en/console.ftl"),
    include_str!("../locales/en/public.ftl"),
];

/// The languages of the pages: the directory's, as everywhere else.
pub use ourvoice_protocol::Lang;

fn bundle(lang: &str, sources: &[&str]) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.parse().expect("language id");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    for source in sources {
        let resource = FluentResource::try_new(source.to_string()).expect("the .ftl file parses");
        bundle
            .add_resource(resource)
            .expect("no key is defined twice in the server's .ftl files");
    }
    bundle
}

static KM_BUNDLE: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle("km", &KM));
static EN_BUNDLE: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle("en", &EN));

/// Translations for one request.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    /// A moment as officials read it in a table, on Cambodia's clock, in this language's digits
    /// (the app's rules: `៣០/១១/២០២៦ ០៩:០០`).
    pub fn when(&self, time: chrono::DateTime<chrono::Utc>) -> String {
        ourvoice_protocol::writing::short_date_time(self.lang, time)
    }

    /// A count in this language's digits.
    pub fn num(&self, n: i64) -> String {
        ourvoice_protocol::writing::digits(self.lang, &n.to_string())
    }

    /// A count as a message's argument: in Khmer its Khmer digits (Khmer has one plural form,
    /// so nothing selects on it); in English the number, for `[one]` and `*[other]`.
    pub fn count(&self, n: i64) -> FluentValue<'static> {
        match self.lang {
            Lang::Km => FluentValue::from(self.num(n)),
            Lang::En => FluentValue::from(n),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    pub fn a(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(*name, value.clone());
        }
        self.format(key, Some(&fluent))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let primary: &FluentBundle<FluentResource> = match self.lang {
            Lang::Km => &KM_BUNDLE,
            Lang::En => &EN_BUNDLE,
        };
        for bundle in [primary, &*EN_BUNDLE] {
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned();
            }
        }
        key.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast::{Entry, Expression, InlineExpression, PatternElement};
    use std::collections::BTreeSet;

    /// Every message of `sources` with the variables it uses.
    fn keys_and_variables(sources: &[&str]) -> Vec<(String, BTreeSet<String>)> {
        let mut out = Vec::new();
        for source in sources {
            out.extend(keys_and_variables_of(source));
        }
        out
    }

    fn keys_and_variables_of(source: &str) -> Vec<(String, BTreeSet<String>)> {
        let resource = fluent_syntax::parser::parse(source).expect("parses");
        let mut out = Vec::new();
        for entry in resource.body {
            if let Entry::Message(message) = entry {
                let mut variables = BTreeSet::new();
                if let Some(pattern) = &message.value {
                    for element in &pattern.elements {
                        if let PatternElement::Placeable { expression } = element {
                            collect(expression, &mut variables);
                        }
                    }
                }
                out.push((message.id.name.to_string(), variables));
            }
        }
        out
    }

    fn collect(expression: &Expression<&str>, variables: &mut BTreeSet<String>) {
        let inline = match expression {
            Expression::Inline(inline) => inline,
            Expression::Select { selector, .. } => selector,
        };
        if let InlineExpression::VariableReference { id } = inline {
            variables.insert(id.name.to_string());
        }
    }

    #[test]
    fn every_key_exists_in_both_languages_and_formats() {
        let km = keys_and_variables(&KM);
        let en = keys_and_variables(&EN);
        for (file, (km, en)) in KM.iter().zip(EN).enumerate() {
            let keys = |source: &str| -> BTreeSet<String> {
                keys_and_variables_of(source)
                    .into_iter()
                    .map(|(k, _)| k)
                    .collect()
            };
            assert_eq!(
                keys(km),
                keys(en),
                "file {file}: the same keys in both languages"
            );
        }
        let km_keys: BTreeSet<_> = km.iter().map(|(k, _)| k.clone()).collect();
        let en_keys: BTreeSet<_> = en.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(
            km_keys.symmetric_difference(&en_keys).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys in one language only"
        );
        for (key, variables) in en.iter().chain(km.iter()) {
            for lang in [Lang::Km, Lang::En] {
                let args: Vec<(&str, FluentValue)> = variables
                    .iter()
                    .map(|v| (v.as_str(), FluentValue::from(3)))
                    .collect();
                let text = Tr { lang }.a(key, &args);
                assert!(!text.is_empty() && text != *key, "{key} in {lang:?}");
                assert!(
                    !text.contains("{$"),
                    "{key} in {lang:?} left a variable: {text}"
                );
            }
        }
    }

    /// The names of the coded values the console shows, listed by their types, exist in both
    /// languages (the pages build these keys from the values, so the source search cannot).
    #[test]
    fn every_coded_value_has_a_name_in_both_languages() {
        use ourvoice_protocol::{
            AgeBand, CaseStatus, Code, Disability, EventAction, Gender, Kind, ReplyKind,
        };
        fn dimension<T: Code>(name: &str) -> Vec<String> {
            let mut codes: Vec<&str> = T::ALL.iter().map(|value| value.as_str()).collect();
            codes.push("not_given");
            codes
                .into_iter()
                .map(|code| format!("dim-{name}-{code}"))
                .collect()
        }
        let mut wanted = CaseStatus::fluent_keys();
        wanted.extend(Kind::fluent_keys());
        wanted.extend(EventAction::fluent_keys());
        wanted.extend(ReplyKind::fluent_keys());
        wanted.extend(dimension::<Gender>("gender"));
        wanted.extend(dimension::<AgeBand>("age_band"));
        wanted.extend(dimension::<Disability>("disability"));
        for sources in [KM, EN] {
            let keys: BTreeSet<_> = keys_and_variables(&sources)
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            let missing: Vec<&String> = wanted.iter().filter(|key| !keys.contains(*key)).collect();
            assert!(missing.is_empty(), "missing {missing:?}");
        }
    }

    #[test]
    fn the_source_code_uses_only_existing_keys() {
        let en_keys: BTreeSet<_> = keys_and_variables(&EN)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let root =
            std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"));
        for folder in ["src/console", "src/public"] {
            let mut used = 0;
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                for quote in ["tr.t(\"", "tr.a(\"", "tr.h(\""] {
                    for part in text.split(quote).skip(1) {
                        let key = part.split('"').next().unwrap();
                        assert!(
                            en_keys.contains(key),
                            "{} uses missing key {key}",
                            path.display()
                        );
                        used += 1;
                    }
                }
            }
            assert!(used > 50, "{folder}: only {used} keys found");
        }
    }
}
