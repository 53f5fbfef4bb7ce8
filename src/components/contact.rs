//! How to reach an office: its telephone and opening hours, as the server last gave them (kept
//! in the outbox by the sync engine), as terms of the list it is put in; nothing when the
//! office gave none or the phone has not heard yet.

use dioxus::prelude::*;

use super::{use_stored, Icon};
use crate::i18n::Tr;
use crate::state::use_ui;

#[component]
pub fn OfficeContact(office: String) -> Element {
    // Keyed by the office, so that another office (after a transfer) is read afresh.
    rsx! { ContactTerms { key: "{office}", office: office.clone() } }
}

#[component]
fn ContactTerms(office: String) -> Element {
    let ui = use_ui();
    let tr = Tr::new((ui.lang)());
    let wanted = office.clone();
    let contact = use_stored(move |device| match &device.0 {
        Ok(d) => d.outbox.office_contact(&wanted).ok().flatten(),
        Err(_) => None,
    })
    .flatten();
    let Some(contact) = contact else {
        return rsx! {};
    };
    rsx! {
        if let Some(phone) = contact.phone {
            dt { {tr.t("detail-office-phone")} }
            dd { class: "contact", id: "office-phone", Icon { name: "call", size: 20 } span { lang: "en", "{phone}" } }
        }
        if let Some(hours) = contact.hours {
            dt { {tr.t("detail-office-hours")} }
            dd { class: "contact", id: "office-hours", Icon { name: "clock", size: 20 } span { "{hours}" } }
        }
    }
}
