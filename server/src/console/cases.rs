//! The office's work: the inbox (filters, order, counts per state, overdue flags), one item
//! with its history, the actions on it, and the CSV export of the inbox.
//!
//! Guarantees: every query is limited to the account's [`Scope`]; a number outside it answers
//! 404 like a missing one, for pages, actions and exports alike; the citizen's text is escaped;
//! contact details appear only on request and each showing is written to the audit log.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use chrono::{DateTime, NaiveDate, Utc};
use fluent_bundle::FluentValue;
use ourvoice_protocol::{CaseStatus, Code, Evaluation, Kind, PrivacyMode, MAX_DESCRIPTION_CHARS};
use std::collections::HashMap;
use std::sync::Arc;

use super::html::{csrf_field, csv_line, esc, fact, flag, pager, table_start, Pages, BOM};
use super::i18n::{Lang, Tr};
use super::{ConsoleError, ConsoleResult, Signed};
use crate::store::{
    accounts::Role,
    audit,
    case_actions::{self, Action, Refusal},
    inbox::{self, CaseLine, InboxFilter},
};
use crate::AppState;

pub const STATES: [&str; 6] = [
    "received",
    "in_progress",
    "awaiting_citizen",
    "answered",
    "closed_resolved",
    "closed_unresolved",
];

const HANDLERS: [Role; 3] = [Role::Officer, Role::Head, Role::CitizensOffice];

pub fn dir_lang(tr: &Tr) -> ourvoice_directory::Lang {
    match tr.lang {
        Lang::Km => ourvoice_directory::Lang::Km,
        Lang::En => ourvoice_directory::Lang::En,
    }
}

pub fn office_name(state: &AppState, tr: &Tr, code: &str) -> String {
    state
        .directory
        .office(code)
        .map(|o| o.name(dir_lang(tr)).to_string())
        .unwrap_or_else(|| code.to_string())
}

fn category_name(state: &AppState, tr: &Tr, code: &str) -> String {
    state
        .directory
        .category(code)
        .map(|c| match tr.lang {
            Lang::Km => c.name_km.to_string(),
            Lang::En => c.name_en.to_string(),
        })
        .unwrap_or_else(|| code.to_string())
}

/// A time as officials read it: Cambodia's local time.
pub fn local(time: DateTime<Utc>) -> String {
    (time + chrono::Duration::hours(7))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn parse_filter(tr: &Tr, query: &HashMap<String, String>) -> Result<InboxFilter, ConsoleError> {
    let given = |name: &str| query.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut filter = InboxFilter::default();
    if let Some(kind) = given("kind") {
        Kind::from_code(kind).ok_or_else(|| ConsoleError::Bad(tr.t("error-filter")))?;
        filter.kind = Kind::from_code(kind);
    }
    if let Some(state) = given("state") {
        if !STATES.contains(&state) {
            return Err(ConsoleError::Bad(tr.t("error-filter")));
        }
        filter.state = CaseStatus::parse(state);
    }
    for (name, slot) in [("from", &mut filter.from), ("to", &mut filter.to)] {
        if let Some(date) = given(name) {
            NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| ConsoleError::Bad(tr.t("error-date")))?;
            *slot = Some(date.to_string());
        }
    }
    filter.overdue = given("overdue").is_some();
    filter.oldest_first = given("order") == Some("oldest");
    Ok(filter)
}

fn options(selected: Option<&str>, values: &[(&str, String)]) -> String {
    values
        .iter()
        .map(|(value, label)| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                esc(value),
                if Some(*value) == selected {
                    " selected"
                } else {
                    ""
                },
                esc(label)
            )
        })
        .collect()
}

pub async fn inbox(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&HANDLERS)?;
    let tr = signed.tr;
    let scope = signed.scope()?;
    let filter = parse_filter(&tr, &query)?;
    // Pages are numbered from 1 in the address; a bad number is the first page.
    let page = query
        .get("page")
        .and_then(|p| p.trim().parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
        - 1;
    let now = state.store.clock().now();
    let inbox::Inbox {
        lines,
        matching,
        counts,
    } = {
        let (scope, filter) = (scope.clone(), filter.clone());
        state
            .store
            .read(move |sql| inbox::inbox(sql, &scope, &filter, page, now))
            .await?
    };
    let mut body = String::new();
    body.push_str("<p class=\"counts\">");
    for status in STATES {
        let n = counts.get(status).copied().unwrap_or(0);
        body.push_str(&format!(
            "<span><a href=\"/console/inbox?state={status}\">{}</a>: <strong data-count=\"{status}\">{n}</strong></span>",
            esc(&tr.t(&format!("state-{status}")))
        ));
    }
    body.push_str("</p>");
    let mut kinds = vec![("", tr.t("filter-any"))];
    kinds.extend(
        Kind::ALL
            .iter()
            .map(|k| (k.as_str(), tr.t(&format!("kind-{}", k.as_str())))),
    );
    let mut states = vec![("", tr.t("filter-any"))];
    states.extend(STATES.iter().map(|s| (*s, tr.t(&format!("state-{s}")))));
    let orders = [
        ("newest", tr.t("order-newest")),
        ("oldest", tr.t("order-oldest")),
    ];
    body.push_str(&format!(
        "<form method=\"get\" action=\"/console/inbox\" class=\"card row\">\
<div><label for=\"kind\">{kind_l}</label><select id=\"kind\" name=\"kind\">{kinds}</select></div>\
<div><label for=\"state\">{state_l}</label><select id=\"state\" name=\"state\">{states}</select></div>\
<div><label for=\"from\">{from_l}</label><input type=\"date\" id=\"from\" name=\"from\" value=\"{from}\"></div>\
<div><label for=\"to\">{to_l}</label><input type=\"date\" id=\"to\" name=\"to\" value=\"{to}\"></div>\
<div><label for=\"order\">{order_l}</label><select id=\"order\" name=\"order\">{orders}</select></div>\
<div><label><input type=\"checkbox\" name=\"overdue\" value=\"1\"{overdue}> {overdue_l}</label></div>\
<div><button type=\"submit\">{apply}</button></div></form>",
        kind_l = esc(&tr.t("filter-kind")),
        kinds = options(filter.kind.map(Kind::as_str), &kinds),
        state_l = esc(&tr.t("filter-state")),
        states = options(filter.state.map(CaseStatus::as_str), &states),
        from_l = esc(&tr.t("filter-from")),
        from = esc(filter.from.as_deref().unwrap_or("")),
        to_l = esc(&tr.t("filter-to")),
        to = esc(filter.to.as_deref().unwrap_or("")),
        order_l = esc(&tr.t("filter-order")),
        orders = options(Some(if filter.oldest_first { "oldest" } else { "newest" }), &orders),
        overdue = if filter.overdue { " checked" } else { "" },
        overdue_l = esc(&tr.t("filter-overdue")),
        apply = esc(&tr.t("filter-apply")),
    ));
    // Built from the validated filter (codes and dates only), so nothing needs URL encoding.
    let mut export = Vec::new();
    for (name, value) in [
        ("kind", filter.kind.map(Kind::as_str)),
        ("state", filter.state.map(CaseStatus::as_str)),
        ("from", filter.from.as_deref()),
        ("to", filter.to.as_deref()),
    ] {
        if let Some(value) = value {
            export.push(format!("{name}={}", esc(value)));
        }
    }
    if filter.overdue {
        export.push("overdue=1".into());
    }
    if filter.oldest_first {
        export.push("order=oldest".into());
    }
    let export_query = export.join("&amp;");
    body.push_str(&format!(
        "<p><a href=\"/console/export.csv?{export_query}\">{}</a></p>",
        esc(&tr.t("inbox-export"))
    ));
    if lines.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&tr.t("inbox-empty"))));
    } else {
        body.push_str(&table_start(
            "",
            &[
                tr.t("col-code"),
                tr.t("col-kind"),
                tr.t("col-category"),
                tr.t("col-state"),
                tr.t("col-received"),
                tr.t("col-due"),
            ],
        ));
        for line in &lines {
            body.push_str(&line_row(&state, &tr, line, now));
        }
        body.push_str("</tbody></table>");
    }
    body.push_str(&pager(
        &tr,
        &Pages {
            path: "/console/inbox",
            keep: &export_query,
            range_key: "inbox-range",
            page: page as usize,
            size: inbox::INBOX_PAGE as usize,
            shown: lines.len(),
            total: matching as usize,
        },
    ));
    let title = tr.a(
        "inbox-title",
        &[(
            "office",
            FluentValue::from(office_name(
                &state,
                &tr,
                signed.session.account.office.as_deref().unwrap_or(""),
            )),
        )],
    );
    Ok(signed.page(&title, &body))
}

fn line_row(state: &AppState, tr: &Tr, line: &CaseLine, now: DateTime<Utc>) -> String {
    let flags = [
        flag(line.overdue(now), &tr.t("flag-overdue"), true),
        flag(line.escalated, &tr.t("flag-escalated"), false),
        flag(line.reopened, &tr.t("flag-reopened"), true),
    ]
    .concat();
    format!(
        "<tr><td><a href=\"/console/items/{n}\">{code}</a></td><td>{kind}</td><td>{category}</td><td>{status}{flags}</td><td>{received}</td><td>{due}</td></tr>",
        n = line.number,
        code = esc(&line.tracking_code),
        kind = esc(&tr.t(&line.kind.fluent_key())),
        category = esc(&category_name(state, tr, &line.category)),
        status = esc(&tr.t(&line.status.fluent_key())),
        received = local(line.received_at),
        due = line.due_at.map(local).unwrap_or_default(),
    )
}

pub async fn item(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(number): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&HANDLERS)?;
    let tr = signed.tr;
    let scope = signed.scope()?;
    let number: i64 = number.parse().map_err(|_| ConsoleError::NotFound)?;
    let now = state.store.clock().now();
    let show_contact = query.get("contact").is_some_and(|v| v == "1");
    let account_id = signed.session.account.id;
    let (detail, events) = {
        let scope = scope.clone();
        state
            .store
            .read(move |sql| {
                let detail = inbox::case_detail(sql, &scope, number)?;
                let events = match detail {
                    Some(_) => inbox::events(sql, number)?,
                    None => Vec::new(),
                };
                Ok((detail, events))
            })
            .await?
    };
    let detail = detail.ok_or(ConsoleError::NotFound)?;
    let contact = if show_contact && detail.line.privacy == PrivacyMode::Confidential {
        let scope = scope.clone();
        state
            .store
            .write(move |sql| inbox::contact(sql, &scope, number, account_id, now))
            .await?
    } else {
        None
    };
    let line = &detail.line;
    let yes_no = |b: bool| esc(&tr.t(if b { "yes" } else { "no" }));
    let mut facts = String::new();
    facts.push_str(&fact(
        &tr.t("col-code"),
        &format!("<strong>{}</strong>", esc(&line.tracking_code)),
    ));
    facts.push_str(&fact(
        &tr.t("col-kind"),
        &esc(&tr.t(&line.kind.fluent_key())),
    ));
    facts.push_str(&fact(
        &tr.t("col-category"),
        &esc(&category_name(&state, &tr, &line.category)),
    ));
    facts.push_str(&fact(
        &tr.t("col-office"),
        &esc(&office_name(&state, &tr, &line.office)),
    ));
    let mut status = esc(&tr.t(&line.status.fluent_key()));
    status.push_str(&flag(line.overdue(now), &tr.t("flag-overdue"), true));
    status.push_str(&flag(line.reopened, &tr.t("flag-reopened"), true));
    facts.push_str(&fact(&tr.t("col-state"), &status));
    facts.push_str(&fact(&tr.t("col-received"), &local(line.received_at)));
    facts.push_str(&fact(
        &tr.t("col-due"),
        &line.due_at.map(local).unwrap_or_default(),
    ));
    let place = state
        .directory
        .path(&detail.place, dir_lang(&tr))
        .unwrap_or_else(|| detail.place.clone());
    facts.push_str(&fact(&tr.t("col-place"), &esc(&place)));
    if let Some(date) = &detail.incident_date {
        facts.push_str(&fact(&tr.t("col-incident-date"), &esc(date)));
    }
    facts.push_str(&fact(
        &tr.t("col-about-staff"),
        &yes_no(detail.about_office_staff),
    ));
    facts.push_str(&fact(
        &tr.t("col-public-text"),
        &yes_no(detail.publish_text),
    ));
    if let Some(asked) = detail.asked_extra_payment {
        facts.push_str(&fact(&tr.t("col-extra-payment"), &yes_no(asked)));
    }
    for (label, dimension, value) in [
        ("col-gender", "gender", &detail.gender),
        ("col-age", "age_band", &detail.age_band),
        ("col-disability", "disability", &detail.disability),
    ] {
        if let Some(value) = value {
            let shown = tr.t(&format!("dim-{dimension}-{value}"));
            facts.push_str(&fact(&tr.t(label), &esc(&shown)));
        }
    }
    if let Some(rating) = detail.rating {
        facts.push_str(&fact(&tr.t("col-citizen-rating"), &format!("{rating} / 5")));
    }
    let mut body = format!("<div class=\"card\"><table>{facts}</table></div>");
    body.push_str(&format!(
        "<div class=\"card\"><h2>{}</h2><p class=\"free\" id=\"description\">{}</p></div>",
        esc(&tr.t("item-description")),
        esc(&detail.description)
    ));
    if let Some(evaluation) = detail
        .evaluation
        .as_deref()
        .and_then(|e| serde_json::from_str::<Evaluation>(e).ok())
    {
        let mut rows = fact(
            &tr.t("criterion-overall"),
            &format!("{} / 5", evaluation.overall),
        );
        for (name, value) in evaluation.criteria.named() {
            if let Some(value) = value {
                rows.push_str(&fact(
                    &tr.t(&format!("criterion-{name}")),
                    &format!("{value} / 5"),
                ));
            }
        }
        body.push_str(&format!(
            "<div class=\"card\"><h2>{}</h2><table>{rows}</table></div>",
            esc(&tr.t("item-evaluation"))
        ));
    }
    body.push_str(&format!(
        "<div class=\"card\"><h2>{}</h2>",
        esc(&tr.t("item-contact"))
    ));
    match (line.privacy, contact) {
        (PrivacyMode::Confidential, Some((name, phone))) => body.push_str(&format!(
            "<p id=\"contact\">{} · <a href=\"tel:{}\">{}</a></p><p><small>{}</small></p>",
            esc(&name),
            esc(&phone),
            esc(&phone),
            esc(&tr.t("contact-logged"))
        )),
        (PrivacyMode::Confidential, None) => body.push_str(&format!(
            "<p><a href=\"/console/items/{number}?contact=1\">{}</a></p>",
            esc(&tr.t("contact-show"))
        )),
        _ => body.push_str(&format!("<p>{}</p>", esc(&tr.t("contact-anonymous")))),
    }
    body.push_str("</div>");
    body.push_str(&format!(
        "<div class=\"card\"><h2>{}</h2><ol>",
        esc(&tr.t("item-history"))
    ));
    for event in &events {
        let mut text = format!(
            "{} — {} · {}",
            local(event.at),
            esc(&tr.t(&event.action.fluent_key())),
            esc(&tr.t(&event.status.fluent_key()))
        );
        if event.action.moves_office() {
            text.push_str(&format!(
                " → {}",
                esc(&office_name(&state, &tr, &event.office))
            ));
        }
        if let Some(by) = &event.by {
            text.push_str(&format!(" ({})", esc(by)));
        }
        if let Some(reply) = &event.reply_text {
            text.push_str(&format!("<div class=\"free\">{}</div>", esc(reply)));
        }
        if let Some(note) = &event.note {
            text.push_str(&format!("<div class=\"free\"><em>{}</em></div>", esc(note)));
        }
        body.push_str(&format!("<li>{text}</li>"));
    }
    body.push_str("</ol></div>");
    if !line.status.is_closed() {
        body.push_str(&actions(
            &state,
            &tr,
            &signed,
            number,
            &line.office,
            line.status,
        ));
    }
    let title = tr.a(
        "item-title",
        &[("code", FluentValue::from(line.tracking_code.clone()))],
    );
    Ok(signed.page(&title, &body))
}

/// The citizens' office an item escalates to: the one above its office, or, when that one is
/// switched off, the nearest one above that is on.
fn escalation_target(state: &AppState, office: &str) -> Option<String> {
    let above = state.directory.citizens_office_above(office)?;
    Some(state.offices.answering(state.directory, &above.code))
}

fn actions(
    state: &AppState,
    tr: &Tr,
    signed: &Signed,
    number: i64,
    office: &str,
    status: CaseStatus,
) -> String {
    let csrf = csrf_field(&signed.session.csrf);
    let mut changes = Vec::new();
    for to in CaseStatus::SET_BY_HAND {
        if status.may_change_by_hand_to(*to) {
            changes.push((to.as_str(), tr.t(&to.fluent_key())));
        }
    }
    let escalate = match escalation_target(state, office) {
        Some(above) => format!(
            "<form method=\"post\" action=\"/console/items/{number}/escalate\" class=\"card\">{csrf}<h2>{}</h2><p>{}</p><button type=\"submit\">{}</button></form>",
            esc(&tr.t("action-escalate-title")),
            esc(&office_name(state, tr, &above)),
            esc(&tr.t("action-escalate-submit")),
        ),
        None => String::new(),
    };
    format!(
        "<form method=\"post\" action=\"/console/items/{number}/reply\" class=\"card\">{csrf}\
<h2>{reply_t}</h2><label for=\"text\">{text_l}</label><textarea id=\"text\" name=\"text\" maxlength=\"{MAX_DESCRIPTION_CHARS}\" required></textarea>\
<label for=\"reply-kind\">{kind_l}</label><select id=\"reply-kind\" name=\"kind\"><option value=\"answer\">{answer}</option><option value=\"question\">{question}</option></select>\
<p><button type=\"submit\">{send}</button></p></form>\
<form method=\"post\" action=\"/console/items/{number}/state\" class=\"card\">{csrf}<h2>{state_t}</h2>\
<label for=\"to-state\">{state_l}</label><select id=\"to-state\" name=\"state\">{changes}</select><p><button type=\"submit\">{change}</button></p></form>\
<form method=\"post\" action=\"/console/items/{number}/transfer\" class=\"card\">{csrf}<h2>{transfer_t}</h2>\
<label for=\"office\">{office_l}</label><input type=\"text\" id=\"office\" name=\"office\" placeholder=\"OWSO-1201\" required>\
<label for=\"reason\">{reason_l}</label><textarea id=\"reason\" name=\"reason\" required></textarea><p><button type=\"submit\">{transfer}</button></p></form>{escalate}",
        reply_t = esc(&tr.t("action-reply-title")),
        text_l = esc(&tr.t("action-reply-text")),
        kind_l = esc(&tr.t("action-reply-kind")),
        answer = esc(&tr.t("reply-answer")),
        question = esc(&tr.t("reply-question")),
        send = esc(&tr.t("action-reply-submit")),
        state_t = esc(&tr.t("action-state-title")),
        state_l = esc(&tr.t("filter-state")),
        changes = options(None, &changes),
        change = esc(&tr.t("action-state-submit")),
        transfer_t = esc(&tr.t("action-transfer-title")),
        office_l = esc(&tr.t("action-transfer-office")),
        reason_l = esc(&tr.t("action-transfer-reason")),
        transfer = esc(&tr.t("action-transfer-submit")),
    )
}

async fn apply(state: &AppState, signed: &Signed, number: &str, action: Action) -> ConsoleResult {
    let scope = signed.scope()?;
    let number: i64 = number.parse().map_err(|_| ConsoleError::NotFound)?;
    let account_id = signed.session.account.id;
    let now = state.store.clock().now();
    let outcome = state
        .store
        .write(move |sql| case_actions::act(sql, &scope, number, account_id, &action, now))
        .await?;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/console/items/{number}")).into_response()),
        Err(Refusal::NotFound) => Err(ConsoleError::NotFound),
        Err(Refusal::WrongState) => Err(ConsoleError::Bad(signed.tr.t("error-wrong-state"))),
    }
}

fn text_field(tr: &Tr, form: &HashMap<String, String>, name: &str) -> Result<String, ConsoleError> {
    let text = form
        .get(name)
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    if text.is_empty() || text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ConsoleError::Bad(tr.a(
            "error-text",
            &[("max", FluentValue::from(MAX_DESCRIPTION_CHARS))],
        )));
    }
    Ok(text)
}

pub async fn reply(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(number): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&HANDLERS)?;
    signed.check_csrf(&form)?;
    let text = text_field(&signed.tr, &form, "text")?;
    let action = match form.get("kind").map(String::as_str) {
        Some("question") => Action::Question { text },
        Some("answer") | None => Action::Reply { text },
        Some(_) => return Err(ConsoleError::Bad(signed.tr.t("error-filter"))),
    };
    apply(&state, &signed, &number, action).await
}

pub async fn change_state(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(number): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&HANDLERS)?;
    signed.check_csrf(&form)?;
    let to = form.get("state").cloned().unwrap_or_default();
    if !STATES.contains(&to.as_str()) {
        return Err(ConsoleError::Bad(signed.tr.t("error-filter")));
    }
    let to = CaseStatus::from_code(&to);
    apply(&state, &signed, &number, Action::State { to }).await
}

pub async fn transfer(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(number): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&HANDLERS)?;
    signed.check_csrf(&form)?;
    let office = form
        .get("office")
        .map(|o| o.trim().to_uppercase())
        .unwrap_or_default();
    if state.directory.office(&office).is_none() {
        return Err(ConsoleError::Bad(signed.tr.t("error-office")));
    }
    if !state.offices.receiving(&office) {
        return Err(ConsoleError::Bad(signed.tr.a(
            "error-office-off",
            &[(
                "office",
                FluentValue::from(office_name(&state, &signed.tr, &office)),
            )],
        )));
    }
    let reason = text_field(&signed.tr, &form, "reason")?;
    apply(
        &state,
        &signed,
        &number,
        Action::Transfer { office, reason },
    )
    .await
}

pub async fn escalate(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(number): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&HANDLERS)?;
    signed.check_csrf(&form)?;
    let scope = signed.scope()?;
    let parsed: i64 = number.parse().map_err(|_| ConsoleError::NotFound)?;
    let detail = state
        .store
        .read(move |sql| inbox::case_detail(sql, &scope, parsed))
        .await?
        .ok_or(ConsoleError::NotFound)?;
    let to = escalation_target(&state, &detail.line.office)
        .ok_or_else(|| ConsoleError::Bad(signed.tr.t("error-no-office-above")))?;
    apply(&state, &signed, &number, Action::Escalate { to }).await
}

pub async fn export(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> ConsoleResult {
    signed.require(&HANDLERS)?;
    let tr = signed.tr;
    let scope = signed.scope()?;
    let filter = parse_filter(&tr, &query)?;
    let now = state.store.clock().now();
    let lines = state
        .store
        .read(move |sql| inbox::export(sql, &scope, &filter, now))
        .await?;
    let (by, count) = (signed.session.account.id, lines.len());
    state
        .store
        .write(move |sql| {
            audit::audit(
                sql,
                by,
                "export_csv",
                None,
                Some(&format!("{count} lines")),
                now,
            )
        })
        .await?;
    let mut csv = String::from(BOM);
    csv.push_str(&csv_line(
        &[
            "col-code",
            "col-kind",
            "col-category",
            "col-state",
            "col-office",
            "col-received",
            "col-due",
            "flag-overdue",
            "item-description",
        ]
        .map(|k| tr.t(k)),
    ));
    for (line, description) in lines {
        csv.push_str(&csv_line(&[
            line.tracking_code.clone(),
            tr.t(&line.kind.fluent_key()),
            category_name(&state, &tr, &line.category),
            tr.t(&line.status.fluent_key()),
            line.office.clone(),
            local(line.received_at),
            line.due_at.map(local).unwrap_or_default(),
            tr.t(if line.overdue(now) { "yes" } else { "no" }),
            description,
        ]));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"ourvoice-inbox.csv\"".to_string(),
            ),
        ],
        csv,
    )
        .into_response())
}
