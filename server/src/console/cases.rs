//! The office's work: the inbox (filters, counts per state, most urgent first, each line with
//! the start of the citizen's text and the working days left or late), one item with its
//! history and one area of actions on it (answer or ask, change the state, transfer through an
//! office picker, escalate), the confirmation after an action, and the CSV export of the inbox.
//!
//! Guarantees: only officers, heads and citizens' offices reach these pages (the [`Handler`]
//! extractor); every query is limited to the account's [`Scope`]; a number outside it answers
//! 404 like a missing one, for pages, actions and exports alike; the citizen's text is shown
//! through [`Shown`] (neutralised, escaped); the inbox never shows the start of a complaint
//! about an office's own staff to that office ([`may_show_start`]); an action answers with a
//! redirect (POST, then GET), and the page it leads to confirms what was done; contact details
//! appear only on request and each showing is written to the audit log.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect};
use chrono::{DateTime, NaiveDate, Utc};
use fluent_bundle::FluentValue;
use maud::{html, Markup};
use ourvoice_directory::OfficeType;
use ourvoice_protocol::{
    writing, AgeBand, CaseStatus, Code, Disability, Evaluation, EventAction, Gender, Kind,
    PrivacyMode, ReplyKind, TrackingCode, MAX_DESCRIPTION_CHARS,
};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::sync::Arc;

use super::auth::NoFields;
use super::html::{
    badge, csrf_field, csv_line, fact, flag, options, pager, snippet, table, Pages, Shown, BOM,
};
use super::i18n::{Lang, Tr};
use super::pickers::{chosen_province, office_select, province_form};
use super::{ConsoleError, ConsoleResult, CsrfForm, Handler, Params, Signed};
use crate::made_once::{DrawnPart, MadeOnce};
use crate::store::calendar::{self, Standing};
use crate::store::{
    audit, case_actions, case_actions::Action, case_actions::Refusal, inbox, inbox::CaseDetail,
    inbox::CaseLine, inbox::EventLine, inbox::InboxFilter, inbox::InboxLine, inbox::Order,
    inbox::Scope,
};
use crate::AppState;

pub fn office_name(state: &AppState, tr: &Tr, code: &str) -> String {
    state
        .directory
        .office(code)
        .map(|o| o.name(tr.lang).to_string())
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

/// The inbox's query: the filter and the page (from 1), and what was just done (after a
/// transfer or escalation out of the account's scope); every field optional.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InboxQuery {
    code: Option<String>,
    kind: Option<String>,
    state: Option<String>,
    from: Option<String>,
    to: Option<String>,
    overdue: Option<String>,
    order: Option<String>,
    page: Option<String>,
    done: Option<String>,
    moved_to: Option<String>,
}

/// A field as given: trimmed, and none when empty.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn parse_filter(tr: &Tr, query: &InboxQuery) -> Result<InboxFilter, ConsoleError> {
    let mut filter = InboxFilter::default();
    if let Some(code) = given(&query.code) {
        let code =
            TrackingCode::parse(code).ok_or_else(|| ConsoleError::Bad(tr.t("error-code")))?;
        filter.code = Some(code);
    }
    if let Some(kind) = given(&query.kind) {
        let kind = Kind::from_code(kind).ok_or_else(|| ConsoleError::Bad(tr.t("error-filter")))?;
        filter.kind = Some(kind);
    }
    if let Some(state) = given(&query.state) {
        let state =
            CaseStatus::parse(state).ok_or_else(|| ConsoleError::Bad(tr.t("error-filter")))?;
        filter.state = Some(state);
    }
    for (value, slot) in [(&query.from, &mut filter.from), (&query.to, &mut filter.to)] {
        if let Some(date) = given(value) {
            NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| ConsoleError::Bad(tr.t("error-date")))?;
            *slot = Some(date.to_string());
        }
    }
    filter.overdue = given(&query.overdue).is_some();
    if let Some(order) = given(&query.order) {
        filter.order =
            Order::parse(order).ok_or_else(|| ConsoleError::Bad(tr.t("error-filter")))?;
    }
    Ok(filter)
}

/// The page asked for, from 0: pages are numbered from 1 in the address; a bad number is the
/// first page.
fn page_index(page: Option<&str>) -> i64 {
    page.and_then(|p| p.trim().parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
        - 1
}

pub async fn inbox(
    State(state): State<Arc<AppState>>,
    signed: Handler,
    headers: HeaderMap,
    Params(query): Params<InboxQuery>,
) -> ConsoleResult {
    let tr = signed.tr;
    let scope = signed.scope()?;
    let filter = parse_filter(&tr, &query)?;
    let page = page_index(query.page.as_deref());
    let now = state.store.clock().now();
    let inbox = {
        let (filter, kept) = (filter.clone(), Arc::clone(&state.inbox_pages));
        state
            .store
            .read(move |sql| inbox::inbox(sql, &kept, &scope, &filter, page, now))
            .await?
    };
    let done = confirmation(&state, &tr, done_from(&query.done, &query.moved_to), None);
    let drawing = state
        .drawn_inboxes
        .drawn(&inbox, tr.lang, || {
            inbox_body(&state, &tr, &filter, page, &inbox, now).into_string()
        })
        .await;
    let office = office_name(
        &state,
        &tr,
        signed.session.account.office.as_deref().unwrap_or(""),
    );
    let title = tr.a("inbox-title", &[("office", FluentValue::from(office))]);
    Ok(signed.page_around(&headers, &title, done, &drawing.part))
}

/// Inbox pages as drawn, per page as read (the same `Arc` from [`inbox::KeptInboxes`], made
/// for one minute) and language: the officials of an office asking for a page that did not
/// change are given the same drawing, drawn and deflated once however many ask at once (each
/// answer deflates only the few lines of the page around it). Each drawing holds its page, so
/// that the page's address is not taken by another while it is kept. At most
/// [`DRAWN_INBOXES_KEPT`], the least recently used dropped first.
pub struct DrawnInboxes(MadeOnce<DrawnKey, Drawing>);

/// The most inbox pages kept drawn (each some tens of kilobytes).
pub const DRAWN_INBOXES_KEPT: usize = 64;

/// The address of a page as read, and the language.
type DrawnKey = (usize, Lang);

/// A page as read and its drawing, plain and deflated.
#[derive(Clone)]
struct Drawing {
    /// Held so that its address names it while kept.
    _page: Arc<inbox::Inbox>,
    part: Arc<DrawnPart>,
}

impl Default for DrawnInboxes {
    fn default() -> DrawnInboxes {
        DrawnInboxes(MadeOnce::new(DRAWN_INBOXES_KEPT))
    }
}

impl DrawnInboxes {
    /// `page` drawn in `lang`, as kept, or as `draw` draws it now.
    async fn drawn(
        &self,
        page: &Arc<inbox::Inbox>,
        lang: Lang,
        draw: impl FnOnce() -> String,
    ) -> Drawing {
        let drawing = self
            .0
            .get_or_make((Arc::as_ptr(page) as usize, lang), || async {
                Ok::<_, std::convert::Infallible>(Drawing {
                    _page: Arc::clone(page),
                    part: Arc::new(DrawnPart::new(draw())),
                })
            })
            .await;
        match drawing {
            Ok(drawing) => drawing,
            Err(never) => match never {},
        }
    }
}

fn inbox_body(
    state: &AppState,
    tr: &Tr,
    filter: &InboxFilter,
    page: i64,
    inbox: &inbox::Inbox,
    now: DateTime<Utc>,
) -> Markup {
    let keep = filter_query(filter);
    html! {
        (state_counts(tr, &inbox.counts))
        (filter_form(tr, filter))
        p { a href={ "/console/export.csv?" (keep) } { (tr.h("inbox-export")) } }
        @if inbox.lines.is_empty() {
            p { (tr.h("inbox-empty")) }
        } @else {
            (table(
                "inbox",
                &[
                    tr.t("col-code"),
                    tr.t("col-kind"),
                    tr.t("item-description"),
                    tr.t("col-state"),
                    tr.t("col-due"),
                    tr.t("col-received"),
                ],
                html! {
                    @let flags = Flags::new(tr);
                    @for line in &inbox.lines {
                        (line_row(state, tr, &flags, line, now, &inbox.holidays))
                    }
                },
            ))
        }
        (pager(
            tr,
            &Pages {
                path: "/console/inbox",
                keep: &keep,
                range_key: "inbox-range",
                page: page as usize,
                size: inbox::INBOX_PAGE as usize,
                shown: inbox.lines.len(),
                total: inbox.matching as usize,
            },
        ))
    }
}

/// How many items of the scope are in each state, each a link to them.
fn state_counts(tr: &Tr, counts: &std::collections::HashMap<CaseStatus, i64>) -> Markup {
    html! {
        p class="counts" {
            @for status in CaseStatus::ALL {
                span {
                    a href={ "/console/inbox?state=" (status.as_str()) } { (tr.h(&status.fluent_key())) }
                    ": "
                    strong data-count=(status.as_str()) { (tr.num(counts.get(status).copied().unwrap_or(0))) }
                }
            }
        }
    }
}

fn filter_form(tr: &Tr, filter: &InboxFilter) -> Markup {
    let mut kinds = vec![("", tr.t("filter-any"))];
    kinds.extend(
        Kind::ALL
            .iter()
            .map(|k| (k.as_str(), tr.t(&k.fluent_key()))),
    );
    let mut states = vec![("", tr.t("filter-any"))];
    states.extend(
        CaseStatus::ALL
            .iter()
            .map(|s| (s.as_str(), tr.t(&s.fluent_key()))),
    );
    let orders: Vec<(&str, String)> = Order::ALL
        .into_iter()
        .map(|o| (o.as_str(), tr.t(&format!("order-{}", o.as_str()))))
        .collect();
    let order = filter.order.as_str();
    html! {
        form method="get" action="/console/inbox" class="card row" {
            div {
                label for="code" { (tr.h("filter-code")) }
                input type="search" id="code" name="code" maxlength="40" autocomplete="off" spellcheck="false"
                    placeholder="OV-7K3M-Q9TX-A4DE" value=(Shown(filter.code.as_ref().map(|c| c.as_str()).unwrap_or("")));
            }
            div {
                label for="kind" { (tr.h("filter-kind")) }
                select id="kind" name="kind" { (options(filter.kind.map(Kind::as_str), &kinds)) }
            }
            div {
                label for="state" { (tr.h("filter-state")) }
                select id="state" name="state" { (options(filter.state.map(CaseStatus::as_str), &states)) }
            }
            div {
                label for="from" { (tr.h("filter-from")) }
                input type="date" id="from" name="from" value=(Shown(filter.from.as_deref().unwrap_or("")));
            }
            div {
                label for="to" { (tr.h("filter-to")) }
                input type="date" id="to" name="to" value=(Shown(filter.to.as_deref().unwrap_or("")));
            }
            div {
                label for="order" { (tr.h("filter-order")) }
                select id="order" name="order" { (options(Some(order), &orders)) }
            }
            div {
                label {
                    input type="checkbox" name="overdue" value="1" checked[filter.overdue];
                    " " (tr.h("filter-overdue"))
                }
            }
            div { button type="submit" { (tr.h("filter-apply")) } }
        }
    }
}

/// The filter as a query string, for the export link and the pager; built from the validated
/// filter (codes and dates only), so nothing needs URL encoding.
fn filter_query(filter: &InboxFilter) -> String {
    let mut export = Vec::new();
    for (name, value) in [
        ("code", filter.code.as_ref().map(|c| c.as_str())),
        ("kind", filter.kind.map(Kind::as_str)),
        ("state", filter.state.map(CaseStatus::as_str)),
        ("from", filter.from.as_deref()),
        ("to", filter.to.as_deref()),
    ] {
        if let Some(value) = value {
            export.push(format!("{name}={value}"));
        }
    }
    if filter.overdue {
        export.push("overdue=1".into());
    }
    if filter.order != Order::default() {
        export.push(format!("order={}", filter.order.as_str()));
    }
    export.join("&")
}

/// The characters of the citizen's text an inbox line shows.
const SNIPPET_SHOWN: usize = 80;

/// Whether an inbox line may show the start of the citizen's text. Never for a complaint about
/// an office's own staff, unless it is with a citizens' office (where routing sends those) that
/// is not the office the place's feedback goes to; a place the directory does not know counts
/// as that office.
fn may_show_start(state: &AppState, line: &InboxLine) -> bool {
    if !line.about_office_staff {
        return true;
    }
    let office = line.line.office.as_str();
    let citizens_office = office
        .split('-')
        .next()
        .and_then(OfficeType::from_code_prefix)
        .is_some_and(|t| {
            matches!(
                t,
                OfficeType::DistrictCitizensOffice | OfficeType::ProvincialCitizensOffice
            )
        });
    let complained_of = state.directory.route(&line.place).map(|o| o.code.as_str());
    citizens_office && complained_of.is_some_and(|code| code != office)
}

/// How an open item's due date stands, as words, and whether it is late.
fn standing_words(tr: &Tr, standing: Standing) -> (String, bool) {
    match standing {
        Standing::Left(n) => (tr.a("due-days-left", &[("n", tr.count(n))]), false),
        Standing::DueToday => (tr.t("due-today"), false),
        Standing::LateToday => (tr.t("due-late-today"), true),
        Standing::Late(n) => (tr.a("due-days-late", &[("n", tr.count(n))]), true),
    }
}

/// The due cell: for an open item, the working days left (or late) above the date.
fn due_cell(
    tr: &Tr,
    line: &CaseLine,
    now: DateTime<Utc>,
    holidays: &BTreeSet<NaiveDate>,
) -> Markup {
    let Some(due) = line.due_at else {
        return html! {};
    };
    html! {
        @if line.status.is_open() {
            @let (words, late) = standing_words(tr, Standing::of(due, now, holidays));
            @if late {
                (badge(&words, true))
            } @else {
                strong { (Shown(&words)) }
            }
            br;
        }
        small { (tr.when(due)) }
    }
}

/// The words of an inbox line's flags, found once for a page's lines.
struct Flags {
    overdue: String,
    escalated: String,
    reopened: String,
}

impl Flags {
    fn new(tr: &Tr) -> Flags {
        Flags {
            overdue: tr.t("flag-overdue"),
            escalated: tr.t("flag-escalated"),
            reopened: tr.t("flag-reopened"),
        }
    }
}

fn line_row(
    state: &AppState,
    tr: &Tr,
    flags: &Flags,
    inbox_line: &InboxLine,
    now: DateTime<Utc>,
    holidays: &BTreeSet<NaiveDate>,
) -> Markup {
    let line = &inbox_line.line;
    html! {
        tr {
            td { a href={ "/console/items/" (line.number) } { (Shown(&line.tracking_code)) } }
            td {
                (tr.h(&line.kind.fluent_key()))
                br;
                small { (Shown(&category_name(state, tr, &line.category))) }
            }
            td class="start" {
                @if may_show_start(state, inbox_line) {
                    (Shown(&snippet(&inbox_line.start, SNIPPET_SHOWN)))
                } @else {
                    em { (tr.h("inbox-start-withheld")) }
                }
            }
            td {
                (tr.h(&line.status.fluent_key()))
                (flag(line.overdue(now), &flags.overdue, true))
                (flag(line.escalated, &flags.escalated, false))
                (flag(line.reopened, &flags.reopened, true))
            }
            td { (due_cell(tr, line, now, holidays)) }
            td { (tr.when(line.received_at)) }
        }
    }
}

/// One item's query: `contact=1` shows a confidential item's contact details (and logs it);
/// `province` the province whose offices the transfer picker lists; and what was just done.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemQuery {
    contact: Option<String>,
    attachments: Option<String>,
    province: Option<String>,
    done: Option<String>,
    moved_to: Option<String>,
}

/// What an action just did, for the confirmation on the page its redirect leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Done {
    Answer,
    Question,
    State,
    Transfer,
    Escalate,
}

impl Done {
    const ALL: [Done; 5] = [
        Done::Answer,
        Done::Question,
        Done::State,
        Done::Transfer,
        Done::Escalate,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Done::Answer => ReplyKind::Answer.as_str(),
            Done::Question => ReplyKind::Question.as_str(),
            Done::State => EventAction::State.as_str(),
            Done::Transfer => EventAction::Transfer.as_str(),
            Done::Escalate => EventAction::Escalate.as_str(),
        }
    }

    fn of(action: &Action) -> Done {
        match action {
            Action::Reply { .. } => Done::Answer,
            Action::Question { .. } => Done::Question,
            Action::State { .. } => Done::State,
            Action::Transfer { .. } => Done::Transfer,
            Action::Escalate { .. } => Done::Escalate,
        }
    }
}

/// What was done (`done=` in the address after an action) and, after a move, where the item
/// went (`moved_to=`, the office's code); nothing for anything else.
fn done_from<'q>(
    done: &Option<String>,
    moved_to: &'q Option<String>,
) -> Option<(Done, Option<&'q str>)> {
    let done = Done::ALL
        .into_iter()
        .find(|d| Some(d.as_str()) == done.as_deref())?;
    Some((done, moved_to.as_deref()))
}

/// The confirmation of what was just done (`role="status"`): the answer or question sent, the
/// new state, the office the item went to (a code the directory knows; otherwise nothing).
fn confirmation(
    state: &AppState,
    tr: &Tr,
    done: Option<(Done, Option<&str>)>,
    status: Option<CaseStatus>,
) -> Markup {
    let words = match done {
        Some((Done::Answer, _)) => Some(tr.t("done-answer")),
        Some((Done::Question, _)) => Some(tr.t("done-question")),
        Some((Done::State, _)) => status.map(|status| {
            tr.a(
                "done-state",
                &[("state", FluentValue::from(tr.t(&status.fluent_key())))],
            )
        }),
        Some((moved @ (Done::Transfer | Done::Escalate), Some(to))) => {
            state.directory.office(to).map(|office| {
                let key = if moved == Done::Transfer {
                    "done-transfer"
                } else {
                    "done-escalate"
                };
                tr.a(
                    key,
                    &[(
                        "office",
                        FluentValue::from(office.name(tr.lang).to_string()),
                    )],
                )
            })
        }
        _ => None,
    };
    html! {
        @if let Some(words) = words {
            p class="done" role="status" id="done" { (Shown(&words)) }
        }
    }
}

/// The number in an item's address; anything else is not found.
fn item_number(number: &str) -> Result<i64, ConsoleError> {
    number.parse().map_err(|_| ConsoleError::NotFound)
}

pub async fn item(
    State(state): State<Arc<AppState>>,
    signed: Handler,
    Path(number): Path<String>,
    Params(query): Params<ItemQuery>,
) -> ConsoleResult {
    let tr = signed.tr;
    let scope = signed.scope()?;
    let number = item_number(&number)?;
    let show_contact = query.contact.as_deref() == Some("1");
    let (detail, events, holidays) = load_item(&state, &scope, number).await?;
    let attachments = state
        .store
        .read(move |sql| crate::store::attachments::of_case(sql, number))
        .await?;
    let show_attachments = query.attachments.as_deref() == Some("1");
    let contact = if show_contact && detail.line.privacy == PrivacyMode::Confidential {
        let (scope, account_id) = (scope.clone(), signed.session.account.id);
        let now = state.store.clock().now();
        state
            .store
            .write(move |sql| inbox::contact(sql, &scope, number, account_id, now))
            .await?
    } else {
        None
    };
    let province = chosen_province(
        state.directory,
        query.province.as_deref(),
        Some(&detail.line.office),
    );
    let body = html! {
        (confirmation(&state, &tr, done_from(&query.done, &query.moved_to), Some(detail.line.status)))
        (item_body(&state, &signed, (&detail, &events, &holidays), contact, &province,
            super::attachments::section(&tr, &detail.line, &attachments, show_attachments)))
    };
    let title = tr.a(
        "item-title",
        &[("code", FluentValue::from(detail.line.tracking_code.clone()))],
    );
    Ok(signed.page(&title, body))
}

/// An item within the scope, its history, and the holidays from its due date on (to count
/// the working days left or late); not found outside it.
async fn load_item(
    state: &AppState,
    scope: &Scope,
    number: i64,
) -> Result<(CaseDetail, Vec<EventLine>, BTreeSet<NaiveDate>), ConsoleError> {
    let scope = scope.clone();
    let (detail, events, holidays) = state
        .store
        .read(move |sql| {
            let detail = inbox::case_detail(sql, &scope, number)?;
            let (events, holidays) = match &detail {
                Some(found) => {
                    let from = found.line.due_at.map(ourvoice_protocol::cambodia_today);
                    let holidays = match from {
                        Some(day) => calendar::holiday_dates(sql, day)?,
                        None => BTreeSet::new(),
                    };
                    (inbox::events(sql, number)?, holidays)
                }
                None => (Vec::new(), BTreeSet::new()),
            };
            Ok((detail, events, holidays))
        })
        .await?;
    Ok((detail.ok_or(ConsoleError::NotFound)?, events, holidays))
}

fn item_body(
    state: &AppState,
    signed: &Signed,
    (detail, events, holidays): (&CaseDetail, &[EventLine], &BTreeSet<NaiveDate>),
    contact: Option<inbox::Contact>,
    province: &str,
    attachments: Markup,
) -> Markup {
    let tr = signed.tr;
    let line = &detail.line;
    let now = state.store.clock().now();
    html! {
        @if line.status.office_may_act() {
            p { a href="#actions" { (tr.h("actions-skip")) } }
        }
        div class="card" { table { (item_facts(state, &tr, detail, now, holidays)) } }
        div class="card" {
            h2 { (tr.h("item-description")) }
            p class="free" id="description" { (Shown(&detail.description)) }
        }
        @if let Some(evaluation) = detail
            .evaluation
            .as_deref()
            .and_then(|e| serde_json::from_str::<Evaluation>(e).ok())
        {
            div class="card" {
                h2 { (tr.h("item-evaluation")) }
                table { (evaluation_rows(&tr, &evaluation)) }
            }
        }
        (attachments)
        div class="card" {
            h2 { (tr.h("item-contact")) }
            (contact_details(&tr, line, contact))
        }
        div class="card" {
            h2 { (tr.h("item-history")) }
            ol { @for event in events { li { (history_entry(state, &tr, event)) } } }
        }
        @if line.status.office_may_act() {
            (actions(state, &tr, signed, line, province))
        }
    }
}

fn item_facts(
    state: &AppState,
    tr: &Tr,
    detail: &CaseDetail,
    now: DateTime<Utc>,
    holidays: &BTreeSet<NaiveDate>,
) -> Markup {
    let line = &detail.line;
    let yes_no = |b: bool| tr.h(if b { "yes" } else { "no" });
    let place = state
        .directory
        .path(&detail.place, tr.lang)
        .unwrap_or_else(|| detail.place.clone());
    let status = html! {
        (tr.h(&line.status.fluent_key()))
        (flag(line.overdue(now), &tr.t("flag-overdue"), true))
        (flag(line.reopened, &tr.t("flag-reopened"), true))
    };
    let dimensions = [
        ("col-gender", "gender", detail.gender.map(Gender::as_str)),
        ("col-age", "age_band", detail.age_band.map(AgeBand::as_str)),
        (
            "col-disability",
            "disability",
            detail.disability.map(Disability::as_str),
        ),
    ];
    html! {
        (fact(&tr.t("col-code"), html! { strong { (Shown(&line.tracking_code)) } }))
        (fact(&tr.t("col-kind"), tr.h(&line.kind.fluent_key())))
        (fact(&tr.t("col-category"), Shown(&category_name(state, tr, &line.category))))
        (fact(&tr.t("col-office"), Shown(&office_name(state, tr, &line.office))))
        (fact(&tr.t("col-state"), status))
        (fact(&tr.t("col-received"), tr.when(line.received_at)))
        (fact(&tr.t("col-due"), due_cell(tr, line, now, holidays)))
        (fact(&tr.t("col-place"), Shown(&place)))
        @if let Some(date) = &detail.incident_date {
            (fact(&tr.t("col-incident-date"), Shown(date)))
        }
        (fact(&tr.t("col-about-staff"), yes_no(detail.about_office_staff)))
        (fact(&tr.t("col-public-text"), yes_no(detail.publish_text)))
        @if let Some(asked) = detail.asked_extra_payment {
            (fact(&tr.t("col-extra-payment"), yes_no(asked)))
        }
        @for (label, dimension, value) in dimensions {
            @if let Some(value) = value {
                (fact(&tr.t(label), tr.h(&format!("dim-{dimension}-{value}"))))
            }
        }
        @if let Some(rating) = detail.rating {
            (fact(&tr.t("col-citizen-rating"), format!("{rating} / 5")))
        }
    }
}

fn evaluation_rows(tr: &Tr, evaluation: &Evaluation) -> Markup {
    html! {
        (fact(&tr.t("criterion-overall"), format!("{} / 5", evaluation.overall)))
        @for (name, value) in evaluation.criteria.named() {
            @if let Some(value) = value {
                (fact(&tr.t(&format!("criterion-{name}")), format!("{value} / 5")))
            }
        }
    }
}

fn contact_details(tr: &Tr, line: &CaseLine, contact: Option<inbox::Contact>) -> Markup {
    html! {
        @match (line.privacy, contact) {
            (PrivacyMode::Confidential, Some(inbox::Contact::Erased)) => {
                p id="contact" { (tr.h("contact-erased")) }
            }
            (PrivacyMode::Confidential, Some(inbox::Contact::Given { name, phone })) => {
                p id="contact" {
                    (Shown(&name)) " · "
                    a href={ "tel:" (Shown(&phone)) } { (Shown(&phone)) }
                }
                p { small { (tr.h("contact-logged")) } }
            }
            (PrivacyMode::Confidential, None) => {
                p { a href={ "/console/items/" (line.number) "?contact=1" } { (tr.h("contact-show")) } }
            }
            _ => { p { (tr.h("contact-anonymous")) } }
        }
    }
}

fn history_entry(state: &AppState, tr: &Tr, event: &EventLine) -> Markup {
    html! {
        (tr.when(event.at)) " — " (tr.h(&event.action.fluent_key())) " · "
        (tr.h(&event.status.fluent_key()))
        @if event.action.moves_office() {
            " → " (Shown(&office_name(state, tr, &event.office)))
        }
        @if let Some(by) = &event.by {
            " (" (Shown(by)) ")"
        }
        @if let Some(reply) = &event.reply_text {
            div class="free" { (Shown(reply)) }
        }
        @if let Some(note) = &event.note {
            div class="free" { em { (Shown(note)) } }
        }
    }
}

/// The citizens' office an item escalates to: the one above its office, or, when that one is
/// switched off, the nearest one above that is on.
fn escalation_target(state: &AppState, office: &str) -> Option<String> {
    let above = state.directory.citizens_office_above(office)?;
    Some(state.offices.answering(state.directory, &above.code))
}

/// The one area of actions on an item: answer or ask the citizen, change the state, transfer
/// to an office chosen by province, escalate; each a form of its own.
fn actions(state: &AppState, tr: &Tr, signed: &Signed, line: &CaseLine, province: &str) -> Markup {
    let number = line.number;
    let csrf = csrf_field(&signed.session.csrf);
    let changes: Vec<(&str, String)> = CaseStatus::SET_BY_HAND
        .iter()
        .filter(|to| line.status.may_change_by_hand_to(**to))
        .map(|to| (to.as_str(), tr.t(&to.fluent_key())))
        .collect();
    let reply_kinds: Vec<(&str, String)> = ReplyKind::ALL
        .iter()
        .map(|kind| (kind.as_str(), tr.t(&kind.fluent_key())))
        .collect();
    let item = format!("/console/items/{number}");
    let offices = office_select(
        state.directory,
        tr,
        ("office", "office"),
        province,
        None,
        "picker-choose",
        &|office| office.code != line.office && state.offices.receiving(&office.code),
    );
    html! {
        section class="card actions" id="actions" aria-labelledby="actions-title" {
            h2 id="actions-title" { (tr.h("actions-title")) }
            p { (tr.h("actions-help")) }
            form method="post" action={ (item) "/reply" } id="reply-form" {
                (csrf)
                h3 { (tr.h("action-reply-title")) }
                label for="text" { (tr.h("action-reply-text")) }
                textarea id="text" name="text" maxlength=(MAX_DESCRIPTION_CHARS) required {}
                label for="reply-kind" { (tr.h("action-reply-kind")) }
                select id="reply-kind" name="kind" { (options(None, &reply_kinds)) }
                p { button type="submit" { (tr.h("action-reply-submit")) } }
            }
            @if !changes.is_empty() {
                form method="post" action={ (item) "/state" } id="state-form" {
                    (csrf)
                    h3 { (tr.h("action-state-title")) }
                    label for="to-state" { (tr.h("filter-state")) }
                    select id="to-state" name="state" { (options(None, &changes)) }
                    p { button type="submit" { (tr.h("action-state-submit")) } }
                }
            }
            div id="transfer-area" {
                h3 { (tr.h("action-transfer-title")) }
                p { (tr.h("action-transfer-help")) }
                (province_form(state.directory, tr, &format!("{item}#transfer-area"), "transfer-province", province))
                form method="post" action={ (item) "/transfer" } {
                    (csrf)
                    label for="office" { (tr.h("action-transfer-office")) }
                    (offices)
                    label for="reason" { (tr.h("action-transfer-reason")) }
                    textarea id="reason" name="reason" required {}
                    p { button type="submit" { (tr.h("action-transfer-submit")) } }
                }
            }
            @if let Some(above) = escalation_target(state, &line.office) {
                form method="post" action={ (item) "/escalate" } id="escalate-form" {
                    (csrf)
                    h3 { (tr.h("action-escalate-title")) }
                    p { (Shown(&office_name(state, tr, &above))) }
                    button type="submit" { (tr.h("action-escalate-submit")) }
                }
            }
        }
    }
}

async fn apply(state: &AppState, signed: &Signed, number: &str, action: Action) -> ConsoleResult {
    let scope = signed.scope()?;
    let number = item_number(number)?;
    let account_id = signed.session.account.id;
    let now = state.store.clock().now();
    let done = Done::of(&action);
    let moved_to = match &action {
        Action::Transfer { office, .. } => Some(office.clone()),
        Action::Escalate { to } => Some(to.clone()),
        _ => None,
    };
    let still_ours = moved_to.as_deref().is_none_or(|to| scope.allows(to));
    let outcome = state
        .store
        .write(move |sql| case_actions::act(sql, &scope, number, account_id, &action, now))
        .await?;
    // The page after the action says what was done: the item, or the inbox when the item
    // went to an office outside the account's scope.
    let mut confirm = format!("done={}", done.as_str());
    if let Some(to) = &moved_to {
        confirm.push_str(&format!("&moved_to={to}"));
    }
    let to = if still_ours {
        format!("/console/items/{number}?{confirm}")
    } else {
        format!("/console/inbox?{confirm}")
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&to).into_response()),
        Err(Refusal::NotFound) => Err(ConsoleError::NotFound),
        Err(Refusal::WrongState) => Err(ConsoleError::Bad(signed.tr.t("error-wrong-state"))),
    }
}

/// A reply, question or reason: trimmed, not empty, not longer than a description.
fn text_field(tr: &Tr, text: &str) -> Result<String, ConsoleError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ConsoleError::Bad(tr.a(
            "error-text",
            &[("max", tr.count(MAX_DESCRIPTION_CHARS as i64))],
        )));
    }
    Ok(text.to_string())
}

/// The reply form: the text, and whether it answers or asks (`answer` when missing).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyFields {
    text: String,
    kind: Option<String>,
}

pub async fn reply(
    State(state): State<Arc<AppState>>,
    signed: Handler,
    Path(number): Path<String>,
    CsrfForm(form): CsrfForm<ReplyFields>,
) -> ConsoleResult {
    let text = text_field(&signed.tr, &form.text)?;
    let kind = match form.kind.as_deref() {
        None => ReplyKind::Answer,
        Some(code) => {
            ReplyKind::parse(code).ok_or_else(|| ConsoleError::Bad(signed.tr.t("error-filter")))?
        }
    };
    let action = match kind {
        ReplyKind::Question => Action::Question { text },
        ReplyKind::Answer => Action::Reply { text },
    };
    apply(&state, &signed, &number, action).await
}

/// The state form: the state to move to.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StateFields {
    state: String,
}

pub async fn change_state(
    State(state): State<Arc<AppState>>,
    signed: Handler,
    Path(number): Path<String>,
    CsrfForm(form): CsrfForm<StateFields>,
) -> ConsoleResult {
    let to = CaseStatus::parse(&form.state)
        .ok_or_else(|| ConsoleError::Bad(signed.tr.t("error-filter")))?;
    apply(&state, &signed, &number, Action::State { to }).await
}

/// The transfer form: the office's code and the reason.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TransferFields {
    office: String,
    reason: String,
}

pub async fn transfer(
    State(state): State<Arc<AppState>>,
    signed: Handler,
    Path(number): Path<String>,
    CsrfForm(form): CsrfForm<TransferFields>,
) -> ConsoleResult {
    let office = form.office.trim().to_uppercase();
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
    let reason = text_field(&signed.tr, &form.reason)?;
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
    signed: Handler,
    Path(number): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> ConsoleResult {
    let scope = signed.scope()?;
    let parsed = item_number(&number)?;
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
    signed: Handler,
    Params(query): Params<InboxQuery>,
) -> ConsoleResult {
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
    let csv = inbox_csv(&state, &tr, lines, now);
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

/// The exported lines as a CSV file (with BOM), headed in the account's language.
fn inbox_csv(
    state: &AppState,
    tr: &Tr,
    lines: Vec<(CaseLine, String)>,
    now: DateTime<Utc>,
) -> String {
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
            category_name(state, tr, &line.category),
            tr.t(&line.status.fluent_key()),
            line.office.clone(),
            writing::iso_date_time(line.received_at),
            line.due_at.map(writing::iso_date_time).unwrap_or_default(),
            tr.t(if line.overdue(now) { "yes" } else { "no" }),
            description,
        ]));
    }
    csv
}
