//! Translations are complete: every message exists in Khmer and in English, and every message
//! formats without errors with sample arguments.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use fluent_syntax::ast::{Expression, InlineExpression, Pattern, PatternElement};
use std::collections::BTreeSet;

/// Every variable a pattern refers to, including inside selectors and variants.
fn variables(pattern: &Pattern<&str>, found: &mut BTreeSet<String>) {
    fn inline(expression: &InlineExpression<&str>, found: &mut BTreeSet<String>) {
        match expression {
            InlineExpression::VariableReference { id } => {
                found.insert(id.name.to_string());
            }
            InlineExpression::Placeable { expression } => walk(expression, found),
            _ => {}
        }
    }
    fn walk(expression: &Expression<&str>, found: &mut BTreeSet<String>) {
        match expression {
            Expression::Inline(expression) => inline(expression, found),
            Expression::Select { selector, variants } => {
                inline(selector, found);
                for variant in variants {
                    variables(&variant.value, found);
                }
            }
        }
    }
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            walk(expression, found);
        }
    }
}

const KM: &str = include_str!("../locales/km/main.ftl");
const EN: &str = include_str!("../locales/en/main.ftl");

fn bundle(lang: &str, source: &str) -> (FluentBundle<FluentResource>, BTreeSet<String>) {
    let resource = FluentResource::try_new(source.to_string())
        .unwrap_or_else(|(_, errors)| panic!("{lang}: syntax errors {errors:?}"));
    let keys: BTreeSet<String> = resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_string()),
            _ => None,
        })
        .collect();
    let mut bundle = FluentBundle::new(vec![lang.parse().unwrap()]);
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("{lang}: {errors:?}"));
    (bundle, keys)
}

#[test]
fn every_key_exists_in_both_languages() {
    let (_, km) = bundle("km", KM);
    let (_, en) = bundle("en", EN);
    let only_km: Vec<_> = km.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&km).collect();
    assert!(
        only_km.is_empty() && only_en.is_empty(),
        "only in km: {only_km:?}; only in en: {only_en:?}"
    );
    assert!(!en.is_empty());
    for key in ourvoice::i18n::STORAGE_MESSAGES {
        assert!(
            km.contains(key) && en.contains(key),
            "the storage message {key} is missing"
        );
    }
}

#[test]
fn every_message_formats_with_sample_arguments() {
    for (lang, source) in [("km", KM), ("en", EN)] {
        let (bundle, keys) = bundle(lang, source);
        let resource = FluentResource::try_new(source.to_string()).unwrap();
        let mut names = BTreeSet::new();
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(message) = entry {
                if let Some(value) = &message.value {
                    variables(value, &mut names);
                }
            }
        }
        assert!(names.contains("count"), "{names:?}");
        let mut args = FluentArgs::new();
        for name in &names {
            args.set(name.clone(), FluentValue::from(3));
        }
        for key in keys {
            let message = bundle.get_message(&key).unwrap();
            let pattern = message
                .value()
                .unwrap_or_else(|| panic!("{lang}: {key} has no value"));
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
            assert!(errors.is_empty(), "{lang}: {key}: {errors:?}");
            assert!(!text.trim().is_empty(), "{lang}: {key} is empty");
        }
    }
}

/// The names of the coded values the app shows, listed by their types (statuses, kinds,
/// privacy modes, the respondent's gender, age band and disability), exist in both languages.
#[test]
fn every_coded_value_has_a_name_in_both_languages() {
    use ourvoice_protocol::{
        AgeBand, CaseStatus, Code, Disability, Gender, Kind, PrivacyMode, ReplyKind,
    };
    let mut wanted = Vec::new();
    wanted.extend(CaseStatus::fluent_keys());
    wanted.push(CaseStatus::Unknown.fluent_key());
    wanted.extend(Kind::fluent_keys());
    for kind in Kind::ALL {
        wanted.push(kind.hint_key());
        wanted.push(format!("form-title-{}", kind.as_str()));
        wanted.push(format!("form-description-{}", kind.as_str()));
    }
    wanted.extend(PrivacyMode::fluent_keys());
    wanted.extend(Gender::fluent_keys());
    wanted.extend(AgeBand::fluent_keys());
    wanted.extend(Disability::fluent_keys());
    // The groups of who wrote, as an office's scorecard names them.
    for key in Gender::fluent_keys()
        .into_iter()
        .chain(AgeBand::fluent_keys())
        .chain(Disability::fluent_keys())
    {
        wanted.push(format!("scorecard-group-{key}"));
    }
    // The office's messages in a case's conversation, by kind.
    for kind in ReplyKind::ALL {
        wanted.push(format!("message-{}", kind.as_str()));
    }
    for (lang, source) in [("km", KM), ("en", EN)] {
        let (_, keys) = bundle(lang, source);
        let missing: Vec<&String> = wanted.iter().filter(|key| !keys.contains(*key)).collect();
        assert!(missing.is_empty(), "{lang}: missing {missing:?}");
    }
}
