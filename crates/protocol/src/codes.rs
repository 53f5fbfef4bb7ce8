//! Coded values: the closed sets that travel as short strings (kinds, privacy modes, the
//! respondent's gender, age band and disability, case statuses, event actions) and the one trait
//! that names them.
//!
//! Guarantees: each set is defined once, here or in [`crate::lifecycle`]; its wire code, its
//! Fluent key and the SQL list of its codes all come from [`Code::as_str`], so a code is spelled
//! in one place. A test checks that the serde name of every value is its code.

use crate::{AgeBand, Disability, Gender, Kind};

/// A closed set of values with a stable wire code each.
pub trait Code: Copy + Eq + Sized + 'static {
    /// Every value, in the order people are shown them.
    const ALL: &'static [Self];
    /// The first part of each value's Fluent key, e.g. `kind` for `kind-complaint`.
    const FLUENT_PREFIX: &'static str;

    /// The value's code on the wire and in the database.
    fn as_str(self) -> &'static str;

    /// The value with this code, if any.
    fn parse(code: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|value| value.as_str() == code)
    }

    /// The key of the value's name in the app's and the console's Fluent files.
    fn fluent_key(self) -> String {
        format!("{}-{}", Self::FLUENT_PREFIX, self.as_str())
    }

    /// Every Fluent key of the set, for the tests that check the translations.
    fn fluent_keys() -> Vec<String> {
        Self::ALL.iter().map(|value| value.fluent_key()).collect()
    }
}

/// An SQL list of codes for `IN (…)`, e.g. `('received', 'in_progress')`. The codes are this
/// crate's constants, never input, so they can be written into the statement.
pub fn sql_list<T: Code>(values: &[T]) -> String {
    let quoted: Vec<String> = values
        .iter()
        .map(|value| format!("'{}'", value.as_str()))
        .collect();
    format!("({})", quoted.join(", "))
}

impl Kind {
    /// The key of the kind's one-line explanation in the app's Fluent files.
    pub fn hint_key(self) -> String {
        format!("{}-hint", self.fluent_key())
    }
}

impl Code for Kind {
    const ALL: &'static [Kind] = &Kind::ALL;
    const FLUENT_PREFIX: &'static str = "kind";

    fn as_str(self) -> &'static str {
        Kind::as_str(self)
    }
}

/// Who may know who wrote a submission: the mode of its [`crate::Privacy`], without the contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrivacyMode {
    Anonymous,
    Confidential,
}

impl Code for PrivacyMode {
    const ALL: &'static [PrivacyMode] = &[PrivacyMode::Anonymous, PrivacyMode::Confidential];
    const FLUENT_PREFIX: &'static str = "privacy-choice";

    fn as_str(self) -> &'static str {
        match self {
            PrivacyMode::Anonymous => "anonymous",
            PrivacyMode::Confidential => "confidential",
        }
    }
}

impl Code for Gender {
    const ALL: &'static [Gender] = &[
        Gender::Female,
        Gender::Male,
        Gender::Other,
        Gender::PreferNotToSay,
    ];
    const FLUENT_PREFIX: &'static str = "gender";

    fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
            Gender::PreferNotToSay => "prefer_not_to_say",
        }
    }
}

impl Code for AgeBand {
    const ALL: &'static [AgeBand] = &[
        AgeBand::Under18,
        AgeBand::From18To24,
        AgeBand::From25To34,
        AgeBand::From35To44,
        AgeBand::From45To54,
        AgeBand::From55To64,
        AgeBand::From65,
        AgeBand::PreferNotToSay,
    ];
    const FLUENT_PREFIX: &'static str = "age";

    fn as_str(self) -> &'static str {
        match self {
            AgeBand::Under18 => "under_18",
            AgeBand::From18To24 => "18_24",
            AgeBand::From25To34 => "25_34",
            AgeBand::From35To44 => "35_44",
            AgeBand::From45To54 => "45_54",
            AgeBand::From55To64 => "55_64",
            AgeBand::From65 => "65_plus",
            AgeBand::PreferNotToSay => "prefer_not_to_say",
        }
    }
}

impl Code for Disability {
    const ALL: &'static [Disability] =
        &[Disability::Yes, Disability::No, Disability::PreferNotToSay];
    const FLUENT_PREFIX: &'static str = "disability";

    fn as_str(self) -> &'static str {
        match self {
            Disability::Yes => "yes",
            Disability::No => "no",
            Disability::PreferNotToSay => "prefer_not_to_say",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CaseStatus, EventAction};
    use serde::Serialize;

    /// The serde name of every value is its code, and parsing the code gives the value back.
    fn check<T: Code + Serialize + std::fmt::Debug>() {
        for value in T::ALL {
            let json = serde_json::to_value(value).unwrap();
            assert_eq!(json, serde_json::json!(value.as_str()), "{value:?}");
            assert_eq!(T::parse(value.as_str()), Some(*value));
        }
        assert_eq!(T::parse("no such code"), None);
    }

    #[test]
    fn serde_names_are_the_codes() {
        check::<Kind>();
        check::<Gender>();
        check::<AgeBand>();
        check::<Disability>();
        check::<CaseStatus>();
        check::<EventAction>();
        check::<crate::CitizenActionKind>();
        check::<crate::ReplyKind>();
    }

    #[test]
    fn privacy_modes_are_the_tags_of_privacy() {
        for (privacy, mode) in [
            (crate::Privacy::Anonymous, PrivacyMode::Anonymous),
            (
                crate::Privacy::Confidential {
                    name: "n".into(),
                    phone: "p".into(),
                },
                PrivacyMode::Confidential,
            ),
        ] {
            assert_eq!(privacy.mode(), mode);
            let json = serde_json::to_value(&privacy).unwrap();
            assert_eq!(json["mode"], mode.as_str());
        }
    }

    #[test]
    fn sql_lists_quote_each_code() {
        assert_eq!(
            sql_list(CaseStatus::OPEN),
            "('received', 'in_progress', 'awaiting_citizen')"
        );
        assert_eq!(Kind::Complaint.fluent_key(), "kind-complaint");
    }
}
