//! The photos and voice note of an item in the console: the item page's section (each one's
//! state in words, thumbnails linking to the full photo, a player for the voice note) and the
//! routes that serve the kept copies to the handling office.
//!
//! Guarantees: served only to an account whose scope holds the item (outside it, the same 404
//! as a missing item), only the checked copy, with the type it was checked to have,
//! `Content-Disposition: inline` with a name the server made, `nosniff`, the console's CSP and
//! `Cache-Control: private, no-store`; for a confidential item each viewing is written to the
//! audit log in the same transaction that finds it, as its contact details are.

use axum::extract::{Path, State};
use fluent_bundle::FluentValue;
use maud::{html, Markup};
use ourvoice_protocol::{AttachmentKind, AttachmentState, Code, MediaType, PrivacyMode};
use std::sync::Arc;
use uuid::Uuid;

use super::i18n::Tr;
use super::{ConsoleError, ConsoleResult, Handler};
use crate::store::attachments::{self as stored, Kept};
use crate::store::inbox::CaseLine;
use crate::{served, AppState};

/// Which copy a route serves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    Whole,
    Thumbnail,
}

/// The address of an attachment's copy in the console.
fn address(number: i64, id: &Uuid, copy: Version) -> String {
    match copy {
        Version::Whole => format!("/console/items/{number}/attachments/{id}"),
        Version::Thumbnail => format!("/console/items/{number}/attachments/{id}/thumbnail"),
    }
}

/// The item page's section. A confidential item's photos and voice note are shown only when
/// asked for (`show`), as its contact details are, since each viewing is logged.
pub fn section(tr: &Tr, line: &CaseLine, attachments: &[Kept], show: bool) -> Markup {
    let confidential = line.privacy == PrivacyMode::Confidential;
    let shown = show || !confidential;
    let any_received = attachments
        .iter()
        .any(|a| a.state == AttachmentState::Received);
    html! {
        div class="card" id="attachments" {
            h2 { (tr.h("item-attachments")) }
            @if attachments.is_empty() {
                p { (tr.h("attachments-none")) }
            } @else {
                @if any_received && !shown {
                    p { a href={ "/console/items/" (line.number) "?attachments=1#attachments" } { (tr.h("attachments-show")) } }
                }
                @if any_received && shown && confidential {
                    p { small { (tr.h("attachments-logged")) } }
                }
                ul class="attachments" {
                    @for attachment in attachments {
                        li { (entry(tr, line.number, attachment, shown)) }
                    }
                }
            }
        }
    }
}

fn entry(tr: &Tr, number: i64, attachment: &Kept, shown: bool) -> Markup {
    let state = match (attachment.state, attachment.refusal) {
        (AttachmentState::Refused, Some(refusal)) => tr.a(
            "attachment-refused-because",
            &[("reason", FluentValue::from(tr.t(&refusal.fluent_key())))],
        ),
        (state, _) => tr.t(&state.fluent_key()),
    };
    let whole = address(number, &attachment.id, Version::Whole);
    html! {
        (tr.h(&attachment.kind.fluent_key())) " · " (state)
        @if shown && attachment.state == AttachmentState::Received {
            br;
            @match attachment.kind {
                AttachmentKind::Photo => {
                    a href=(whole) {
                        img src=(address(number, &attachment.id, Version::Thumbnail))
                            alt=(tr.t("attachment-open")) loading="lazy";
                    }
                }
                AttachmentKind::Voice => {
                    audio controls preload="none" src=(whole) { (tr.h("attachment-no-player")) }
                }
            }
        }
    }
}

pub async fn whole(
    state: State<Arc<AppState>>,
    signed: Handler,
    path: Path<(String, String)>,
) -> ConsoleResult {
    serve(state, signed, path, Version::Whole).await
}

pub async fn thumbnail(
    state: State<Arc<AppState>>,
    signed: Handler,
    path: Path<(String, String)>,
) -> ConsoleResult {
    serve(state, signed, path, Version::Thumbnail).await
}

async fn serve(
    State(state): State<Arc<AppState>>,
    signed: Handler,
    Path((number, id)): Path<(String, String)>,
    copy: Version,
) -> ConsoleResult {
    let scope = signed.scope()?;
    let (Ok(number), Ok(id)) = (number.parse::<i64>(), Uuid::parse_str(&id)) else {
        return Err(ConsoleError::NotFound);
    };
    let (account_id, now) = (signed.session.account.id, state.store.clock().now());
    let kept = state
        .store
        .write(move |sql| stored::viewed_by_office(sql, &scope, number, &id, account_id, now))
        .await?
        .ok_or(ConsoleError::NotFound)?;
    let (key, media_type) = match copy {
        Version::Whole => (kept.object_key.clone(), kept.stored_type),
        Version::Thumbnail => (kept.thumbnail_key.clone(), Some(MediaType::Jpeg)),
    };
    let (Some(key), Some(media_type), Some(objects)) = (key, media_type, state.objects.clone())
    else {
        return Err(ConsoleError::NotFound);
    };
    let bytes = match objects.get(&key).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "a kept attachment could not be read");
            return Err(ConsoleError::NotFound);
        }
    };
    let name = served::file_name(number, &kept, media_type, copy == Version::Thumbnail);
    Ok(served::kept_copy(
        bytes,
        media_type,
        &name,
        "private, no-store",
    ))
}
