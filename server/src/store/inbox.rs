//! Reading cases in the console: the office inbox with its filters, counts and order of urgency
//! (overdue, reopened, due soon, the rest), the CSV export, one case with its history, and its
//! contact details.
//!
//! Guarantees: every case query here is limited by a [`Scope`], so no caller can read a case
//! outside the account's offices by forgetting a filter; an inbox line carries only the start
//! of the citizen's text ([`SNIPPET_CHARS`]), and whether the complaint is about an office's
//! staff, so that the page can withhold it; contact details are read only by [`contact`],
//! which writes the audit entry in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use ourvoice_protocol::{
    cambodia_today, sql_list, AgeBand, CaseStatus, Disability, EventAction, Gender, Kind,
    PrivacyMode, ReplyKind, TrackingCode,
};
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use super::audit::audit;
use super::calendar::{add_working_days, holiday_dates};
use super::sql::{placeholders, select, select_opt, FromRow, Named, Sql, Val};
use super::StoreError;
use crate::clock::stamp;

/// Which cases an account may see.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The cases of one office.
    Office(String),
    /// A provincial citizens' office: its own cases and those of the district citizens'
    /// offices of the province (`DCO-<province><district>`, as the directory lists them, so
    /// that the condition is an index lookup per office, not a scan of every case).
    Province {
        office: String,
        district_offices: Vec<String>,
    },
}

impl Scope {
    /// The scope of the provincial citizens' office `office` of `province`.
    pub fn province(
        directory: &ourvoice_directory::Directory,
        office: String,
        province: &str,
    ) -> Scope {
        let prefix = format!("DCO-{province}");
        let district_offices = directory
            .offices()
            .iter()
            .filter(|o| o.code.starts_with(&prefix))
            .map(|o| o.code.clone())
            .collect();
        Scope::Province {
            office,
            district_offices,
        }
    }

    /// Every office of the scope.
    fn offices(&self) -> Vec<&String> {
        match self {
            Scope::Office(office) => vec![office],
            Scope::Province {
                office,
                district_offices,
            } => std::iter::once(office).chain(district_offices).collect(),
        }
    }

    /// `WHERE` condition with its parameters starting at `$first`.
    fn condition(&self, first: usize) -> (String, Vec<Val>) {
        let offices = self.offices();
        (
            format!("office IN ({})", placeholders(first, offices.len())),
            offices.into_iter().map(Val::from).collect(),
        )
    }

    pub fn allows(&self, office: &str) -> bool {
        self.offices().iter().any(|own| *own == office)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct InboxFilter {
    /// The tracking code a citizen quoted: the case with that code, or with a code that starts
    /// with it (the eight symbols an older app showed).
    pub code: Option<TrackingCode>,
    pub kind: Option<Kind>,
    pub state: Option<CaseStatus>,
    /// `YYYY-MM-DD`, inclusive, on the received date (UTC).
    pub from: Option<String>,
    pub to: Option<String>,
    pub overdue: bool,
    pub order: Order,
}

/// The order of the inbox's lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Order {
    /// What needs the office first: overdue, then reopened by the citizen's low rating, then
    /// due within [`DUE_SOON_DAYS`] working days (each by due date), then the other open
    /// items, then the closed ones (each newest first).
    #[default]
    Urgent,
    Newest,
    Oldest,
}

impl Order {
    pub const ALL: [Order; 3] = [Order::Urgent, Order::Newest, Order::Oldest];

    /// Its name in the inbox's address (`order=`), also the end of its Fluent key.
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Urgent => "urgent",
            Order::Newest => "newest",
            Order::Oldest => "oldest",
        }
    }

    pub fn parse(text: &str) -> Option<Order> {
        Order::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// How far back the holidays an inbox page reads at first go (its lines' days late need the
/// holidays since their due dates).
const HOLIDAYS_BACK_DAYS: i64 = 366;

/// An open item due within this many working days is "due soon".
pub const DUE_SOON_DAYS: i64 = 3;

#[derive(Clone, Debug)]
pub struct CaseLine {
    pub number: i64,
    pub tracking_code: String,
    pub kind: Kind,
    pub category: String,
    pub status: CaseStatus,
    pub office: String,
    pub received_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub escalated: bool,
    pub reopened: bool,
    pub privacy: PrivacyMode,
}

impl CaseLine {
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.status.is_open() && self.due_at.is_some_and(|due| due < now)
    }
}

/// The columns of a [`CaseLine`] in the `cases` table.
macro_rules! line_columns {
    () => {
        "number, tracking_code, kind, category, status, office, received_at, due_at, escalated,
         reopened, privacy"
    };
}

impl FromRow for CaseLine {
    const COLUMNS: &'static str = line_columns!();

    fn from_row(row: &Named) -> Result<CaseLine, StoreError> {
        Ok(CaseLine {
            number: row.int("number")?,
            tracking_code: row.text("tracking_code")?,
            kind: row.code("kind")?,
            category: row.text("category")?,
            status: row.code("status")?,
            office: row.text("office")?,
            received_at: row.time("received_at")?,
            due_at: row.opt_time("due_at")?,
            escalated: row.bool("escalated")?,
            reopened: row.bool("reopened")?,
            privacy: row.code("privacy")?,
        })
    }
}

/// How many characters of the citizen's text an inbox line reads (the page shows fewer).
pub const SNIPPET_CHARS: usize = 120;

/// A line of the inbox: the case's line, the start of the citizen's text, and what the page
/// needs to decide whether it may show that text.
#[derive(Clone, Debug)]
pub struct InboxLine {
    pub line: CaseLine,
    /// The first [`SNIPPET_CHARS`] characters of the citizen's text.
    pub start: String,
    pub about_office_staff: bool,
    pub place: String,
}

impl FromRow for InboxLine {
    // Both engines count `substr` in characters.
    const COLUMNS: &'static str = concat!(
        line_columns!(),
        ", substr(description, 1, 120) AS start, about_office_staff, place"
    );

    fn from_row(row: &Named) -> Result<InboxLine, StoreError> {
        Ok(InboxLine {
            line: CaseLine::from_row(row)?,
            start: row.text("start")?,
            about_office_staff: row.bool("about_office_staff")?,
            place: row.text("place")?,
        })
    }
}

/// A line of the CSV export: the case's line and its free text.
struct Exported(CaseLine, String);

impl FromRow for Exported {
    const COLUMNS: &'static str = concat!(line_columns!(), ", description");

    fn from_row(row: &Named) -> Result<Exported, StoreError> {
        Ok(Exported(CaseLine::from_row(row)?, row.text("description")?))
    }
}

/// The cases of a scope in one status: how many, the last change to any of them (`last_seq`,
/// moved by every event of a case), and how many are marked escalated. A scope's states, read
/// in one look at the `cases_inbox_state` index, change whenever a line of its inbox would:
/// a case arrives or leaves (the count), changes status (two counts, and its `last_seq`), is
/// answered, reopened, moved or escalated to another office (`last_seq`), or is marked
/// escalated with no office above (the escalated count; the sweep writes no event then).
#[derive(Clone, Debug, PartialEq, Eq)]
struct StatusCount {
    status: CaseStatus,
    cases: i64,
    last_change: i64,
    escalated: i64,
}

impl FromRow for StatusCount {
    const COLUMNS: &'static str = "status, count(*) AS cases, max(last_seq) AS last_change,
        CAST(sum(escalated) AS BIGINT) AS escalated";

    fn from_row(row: &Named) -> Result<StatusCount, StoreError> {
        Ok(StatusCount {
            status: row.code("status")?,
            cases: row.int("cases")?,
            last_change: row.int("last_change")?,
            escalated: row.int("escalated")?,
        })
    }
}

/// The lines one inbox page shows.
pub const INBOX_PAGE: i64 = 100;
/// The most lines one CSV export holds.
pub const EXPORT_LIMIT: i64 = 50_000;

/// One page of an inbox: its lines, how many lines match the filter in all, the count per
/// state of the whole scope, and the holidays from the earliest due date shown on (to count
/// the working days left or late).
#[derive(Clone, Debug)]
pub struct Inbox {
    pub lines: Vec<InboxLine>,
    pub matching: i64,
    pub counts: HashMap<CaseStatus, i64>,
    pub holidays: BTreeSet<NaiveDate>,
}

/// The inbox's condition for an open case (a deadline still runs).
static OPEN_CONDITION: LazyLock<String> =
    LazyLock::new(|| format!(" AND status IN {}", sql_list(CaseStatus::OPEN)));

/// `WHERE …` for `filter` within `scope`, and its parameters.
fn inbox_condition(scope: &Scope, filter: &InboxFilter, now: DateTime<Utc>) -> (String, Vec<Val>) {
    let (condition, mut params) = scope.condition(1);
    let mut text = format!(" WHERE {condition}");
    let mut add = |clause: &str, value: Val, params: &mut Vec<Val>| {
        params.push(value);
        text.push_str(&clause.replace("$?", &format!("${}", params.len())));
    };
    if let Some(code) = &filter.code {
        add(
            " AND (tracking_code = $?",
            Val::from(code.as_str()),
            &mut params,
        );
        add(
            " OR tracking_code LIKE $?)",
            Val::from(format!("{}-%", code.as_str())),
            &mut params,
        );
    }
    if let Some(kind) = &filter.kind {
        add(" AND kind = $?", Val::from(kind.as_str()), &mut params);
    }
    if let Some(state) = &filter.state {
        add(" AND status = $?", Val::from(state.as_str()), &mut params);
    }
    if let Some(from) = &filter.from {
        add(
            " AND received_at >= $?",
            Val::from(from.clone()),
            &mut params,
        );
    }
    if let Some(to) = &filter.to {
        // Inclusive: everything before the next day starts ("~" sorts after the time part).
        add(
            " AND received_at <= $?",
            Val::from(format!("{to}~")),
            &mut params,
        );
    }
    if filter.overdue {
        add(" AND due_at < $?", Val::from(stamp(now)), &mut params);
        text.push_str(&OPEN_CONDITION);
    }
    (text, params)
}

/// The inbox's `ORDER BY` for `filter`, whose parameters come after the `params` of the
/// condition: for the order of urgency, now and the end of "due soon".
fn inbox_order(
    filter: &InboxFilter,
    params: &mut Vec<Val>,
    now: DateTime<Utc>,
    soon: DateTime<Utc>,
) -> String {
    match filter.order {
        Order::Oldest => " ORDER BY received_at ASC, number ASC".into(),
        Order::Newest => " ORDER BY received_at DESC, number DESC".into(),
        Order::Urgent => {
            params.push(Val::from(stamp(now)));
            params.push(Val::from(stamp(soon)));
            let (now, soon) = (params.len() - 1, params.len());
            let open = sql_list(CaseStatus::OPEN);
            // Ranks 0 to 2 by due date (an unknown one last), the rest newest first.
            format!(
                " ORDER BY CASE WHEN status NOT IN {open} THEN 4
                     WHEN due_at < ${now} THEN 0 WHEN reopened = 1 THEN 1
                     WHEN due_at < ${soon} THEN 2 ELSE 3 END,
                   CASE WHEN status IN {open} AND (due_at < ${soon} OR reopened = 1)
                     THEN COALESCE(due_at, '~') ELSE '' END,
                   received_at DESC, number DESC"
            )
        }
    }
}

/// The end of "due soon": [`DUE_SOON_DAYS`] working days from `now`.
fn due_soon_until(holidays: &BTreeSet<NaiveDate>, now: DateTime<Utc>) -> DateTime<Utc> {
    add_working_days(now, DUE_SOON_DAYS, holidays)
}

/// Inbox pages as last read, with the states of their scope and the holidays they were read
/// with: an official (or many, of one office) asking for a page again gets it without its
/// lines being read again, as long as nothing of the scope changed (see [`StatusCount`]), no
/// holiday since the earliest of a year ago and the page's due dates changed, and it is the
/// same minute (the order of urgency moves with the clock: an item falls due at its due time;
/// the page then shows it at most a minute late). Readers who find the same page out of date
/// at the same time (its scope changed, or the minute turned) wait for one reading of it
/// rather than each reading it. At most [`INBOX_PAGES_KEPT`] pages, the least recently used
/// dropped first.
pub struct KeptInboxes {
    kept: std::sync::Mutex<lru::LruCache<PageKey, std::sync::Arc<KeptPage>>>,
}

/// The most inbox pages kept (each at most [`INBOX_PAGE`] lines of a few hundred bytes).
pub const INBOX_PAGES_KEPT: usize = 128;

type PageKey = (Scope, InboxFilter, i64, i64);

/// A page as read, or being read, for the states of its scope and the holidays of the last
/// year as they were when its reading began.
struct KeptPage {
    states: Vec<StatusCount>,
    year_holidays: BTreeSet<NaiveDate>,
    /// Set once, by the reader who reads the page; the others wait for it. `None` when that
    /// reading failed (each waiting reader then reads the page itself).
    made: std::sync::OnceLock<Option<MadePage>>,
}

#[derive(Clone)]
struct MadePage {
    /// The day from which the page's holidays were read (a year ago, or the earliest due
    /// date shown when that is earlier).
    holidays_from: NaiveDate,
    inbox: std::sync::Arc<Inbox>,
}

impl Default for KeptInboxes {
    fn default() -> KeptInboxes {
        KeptInboxes {
            kept: std::sync::Mutex::new(lru::LruCache::new(
                std::num::NonZeroUsize::new(INBOX_PAGES_KEPT).expect("not zero"),
            )),
        }
    }
}

impl KeptInboxes {
    fn lock(&self) -> std::sync::MutexGuard<'_, lru::LruCache<PageKey, std::sync::Arc<KeptPage>>> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The page kept under `key` for these states and holidays, or a new one (not yet read)
    /// in its place.
    fn page(
        &self,
        key: PageKey,
        states: &[StatusCount],
        year_holidays: &BTreeSet<NaiveDate>,
    ) -> std::sync::Arc<KeptPage> {
        let mut kept = self.lock();
        if let Some(page) = kept.get(&key) {
            if page.states == states && page.year_holidays == *year_holidays {
                return std::sync::Arc::clone(page);
            }
        }
        let page = KeptPage::new(states, year_holidays, std::sync::OnceLock::new());
        kept.put(key, std::sync::Arc::clone(&page));
        page
    }

    /// Keeps `made` under `key` for these states and holidays, in place of what was kept.
    fn put(
        &self,
        key: PageKey,
        states: &[StatusCount],
        year_holidays: &BTreeSet<NaiveDate>,
        made: MadePage,
    ) {
        let page = KeptPage::new(states, year_holidays, Some(made).into());
        self.lock().put(key, page);
    }
}

impl KeptPage {
    fn new(
        states: &[StatusCount],
        year_holidays: &BTreeSet<NaiveDate>,
        made: std::sync::OnceLock<Option<MadePage>>,
    ) -> std::sync::Arc<KeptPage> {
        std::sync::Arc::new(KeptPage {
            states: states.to_vec(),
            year_holidays: year_holidays.clone(),
            made,
        })
    }
}

/// Page `page` (from 0, [`INBOX_PAGE`] lines each) of the lines matching `filter` within
/// `scope`: as kept in `kept` when nothing of it changed, else read (and kept). Blocks while
/// another reader reads the same page for the same states.
pub fn inbox(
    sql: &mut dyn Sql,
    kept: &KeptInboxes,
    scope: &Scope,
    filter: &InboxFilter,
    page: i64,
    now: DateTime<Utc>,
) -> Result<std::sync::Arc<Inbox>, StoreError> {
    let today = cambodia_today(now);
    // The holidays of the last year and after, read once: the order needs the coming ones,
    // the days late of the lines shown the past ones (read again only for a line due
    // earlier than that).
    let year_ago = today - chrono::Duration::days(HOLIDAYS_BACK_DAYS);
    let holidays = holiday_dates(sql, year_ago)?;
    let (scope_condition, scope_params) = scope.condition(1);
    let states: Vec<StatusCount> = select(
        sql,
        &format!("FROM cases WHERE {scope_condition} GROUP BY status ORDER BY status"),
        &scope_params,
    )?;
    let key = (
        scope.clone(),
        filter.clone(),
        page,
        now.timestamp().div_euclid(60),
    );
    let kept_page = kept.page(key.clone(), &states, &holidays);
    let read = |sql: &mut dyn Sql| {
        read_inbox(
            sql,
            scope,
            filter,
            page,
            now,
            &states,
            (year_ago, &holidays),
        )
        .map(|(inbox, holidays_from)| MadePage {
            holidays_from,
            inbox: std::sync::Arc::new(inbox),
        })
    };
    let mut failure = None;
    let made = kept_page.made.get_or_init(|| match read(sql) {
        Ok(made) => Some(made),
        Err(error) => {
            failure = Some(error);
            None
        }
    });
    if let Some(error) = failure {
        return Err(error);
    }
    let Some(made) = made.clone() else {
        // The reader this one waited for failed: read it here, without keeping it.
        return read(sql).map(|made| made.inbox);
    };
    // Holidays earlier than a year ago (for a line long overdue) are read again to check.
    if made.holidays_from < year_ago
        && holiday_dates(sql, made.holidays_from)? != made.inbox.holidays
    {
        let made = read(sql)?;
        kept.put(key, &states, &holidays, made.clone());
        return Ok(made.inbox);
    }
    Ok(made.inbox)
}

/// Page `page` of the inbox, read from the cases, and the day from which its holidays were
/// read; `states` as just read, and the holidays as just read from the day given (a year ago).
fn read_inbox(
    sql: &mut dyn Sql,
    scope: &Scope,
    filter: &InboxFilter,
    page: i64,
    now: DateTime<Utc>,
    states: &[StatusCount],
    (year_ago, holidays): (NaiveDate, &BTreeSet<NaiveDate>),
) -> Result<(Inbox, NaiveDate), StoreError> {
    let (condition, params) = inbox_condition(scope, filter, now);
    let offset = page.max(0).saturating_mul(INBOX_PAGE);
    let mut ordered = params.clone();
    let order = inbox_order(filter, &mut ordered, now, due_soon_until(holidays, now));
    // The page's numbers from the index alone, then only those lines from the cases (the
    // order over every item of the scope never reads a case's row).
    let numbers: Vec<i64> = sql
        .query(&page_numbers(&condition, &order, offset), &ordered)?
        .iter()
        .map(|row| row.int(0))
        .collect::<Result<_, _>>()?;
    let lines = lines_in_order(sql, &numbers)?;
    // Days late are counted over the holidays since the earliest due date shown.
    let earliest = lines
        .iter()
        .filter_map(|l| l.line.due_at)
        .min()
        .map(cambodia_today);
    let (holidays, holidays_from) = match earliest {
        Some(day) if day < year_ago => (holiday_dates(sql, day)?, day),
        _ => (holidays.clone(), year_ago),
    };
    let (scope_condition, _) = scope.condition(1);
    let counts: HashMap<CaseStatus, i64> = states.iter().map(|s| (s.status, s.cases)).collect();
    // Without a filter every item of the scope matches: the counts per state add up to them.
    let matching = if condition == format!(" WHERE {scope_condition}") {
        counts.values().sum()
    } else {
        sql.query_one(&format!("SELECT count(*) FROM cases{condition}"), &params)?
            .int(0)?
    };
    Ok((
        Inbox {
            lines,
            matching,
            counts,
            holidays,
        },
        holidays_from,
    ))
}

/// The statement of a page's case numbers.
fn page_numbers(condition: &str, order: &str, offset: i64) -> String {
    format!("SELECT number FROM cases{condition}{order} LIMIT {INBOX_PAGE} OFFSET {offset}")
}

/// The inbox lines of the cases `numbers`, in that order.
fn lines_in_order(sql: &mut dyn Sql, numbers: &[i64]) -> Result<Vec<InboxLine>, StoreError> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let params: Vec<Val> = numbers.iter().map(|n| Val::Int(*n)).collect();
    let mut lines: Vec<InboxLine> = select(
        sql,
        &format!(
            "FROM cases WHERE number IN ({})",
            placeholders(1, numbers.len())
        ),
        &params,
    )?;
    let place: HashMap<i64, usize> = numbers.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    lines.sort_by_key(|line| place.get(&line.line.number).copied());
    Ok(lines)
}

/// The first [`EXPORT_LIMIT`] lines matching `filter` within `scope`, each with its free text,
/// in the inbox's order.
pub fn export(
    sql: &mut dyn Sql,
    scope: &Scope,
    filter: &InboxFilter,
    now: DateTime<Utc>,
) -> Result<Vec<(CaseLine, String)>, StoreError> {
    let (condition, mut params) = inbox_condition(scope, filter, now);
    let soon = due_soon_until(&holiday_dates(sql, cambodia_today(now))?, now);
    let order = inbox_order(filter, &mut params, now, soon);
    Ok(select::<Exported>(
        sql,
        &format!("FROM cases{condition}{order} LIMIT {EXPORT_LIMIT}"),
        &params,
    )?
    .into_iter()
    .map(|Exported(line, description)| (line, description))
    .collect())
}

/// Everything about one case except the contact details.
#[derive(Clone, Debug)]
pub struct CaseDetail {
    pub line: CaseLine,
    pub place: String,
    pub description: String,
    pub evaluation: Option<String>,
    pub asked_extra_payment: Option<bool>,
    pub about_office_staff: bool,
    /// The citizen chose to make the text public (Open311 shows it with the public replies).
    pub publish_text: bool,
    pub incident_date: Option<String>,
    pub gender: Option<Gender>,
    pub age_band: Option<AgeBand>,
    pub disability: Option<Disability>,
    pub locale: String,
    pub rating: Option<i64>,
}

impl FromRow for CaseDetail {
    const COLUMNS: &'static str = concat!(
        line_columns!(),
        ", place, description, evaluation, asked_extra_payment, about_office_staff, incident_date,
         gender, age_band, disability, locale, rating, publish_text"
    );

    fn from_row(row: &Named) -> Result<CaseDetail, StoreError> {
        Ok(CaseDetail {
            line: CaseLine::from_row(row)?,
            place: row.text("place")?,
            description: row.text("description")?,
            evaluation: row.opt_text("evaluation")?,
            asked_extra_payment: row.opt_int("asked_extra_payment")?.map(|n| n != 0),
            about_office_staff: row.bool("about_office_staff")?,
            incident_date: row.opt_text("incident_date")?,
            gender: row.opt_code("gender")?,
            age_band: row.opt_code("age_band")?,
            disability: row.opt_code("disability")?,
            locale: row.text("locale")?,
            rating: row.opt_int("rating")?,
            publish_text: row.bool("publish_text")?,
        })
    }
}

/// One case, if it is within `scope` (a case outside is reported exactly like a missing one).
pub fn case_detail(
    sql: &mut dyn Sql,
    scope: &Scope,
    number: i64,
) -> Result<Option<CaseDetail>, StoreError> {
    let (condition, mut params) = scope.condition(2);
    params.insert(0, Val::Int(number));
    select_opt(
        sql,
        &format!("FROM cases WHERE number = $1 AND {condition}"),
        &params,
    )
}

#[derive(Clone, Debug)]
pub struct EventLine {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub action: EventAction,
    pub status: CaseStatus,
    pub office: String,
    pub reply_kind: Option<ReplyKind>,
    pub reply_text: Option<String>,
    pub note: Option<String>,
    pub by: Option<String>,
}

impl FromRow for EventLine {
    const COLUMNS: &'static str =
        "e.seq, e.at, e.action, e.status, e.office, e.reply_kind, e.reply_text,
         e.note, a.display_name";

    fn from_row(row: &Named) -> Result<EventLine, StoreError> {
        Ok(EventLine {
            seq: row.int("seq")?,
            at: row.time("at")?,
            action: row.code("action")?,
            status: row.code("status")?,
            office: row.text("office")?,
            reply_kind: row.opt_code("reply_kind")?,
            reply_text: row.opt_text("reply_text")?,
            note: row.opt_text("note")?,
            by: row.opt_text("display_name")?,
        })
    }
}

/// The history of a case, oldest first. The caller has checked the scope.
pub fn events(sql: &mut dyn Sql, number: i64) -> Result<Vec<EventLine>, StoreError> {
    select(
        sql,
        "FROM case_events e LEFT JOIN accounts a ON a.id = e.account_id
         WHERE e.case_number = $1 ORDER BY e.seq",
        &[Val::Int(number)],
    )
}

/// What a confidential case holds of the citizen's contact details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Contact {
    Given {
        name: String,
        phone: String,
    },
    /// Erased when the item had been closed longer than the retention period.
    Erased,
}

/// The contact details of a confidential case within `scope`, written to the audit log in the
/// same transaction. `None` for anonymous cases and cases outside the scope.
pub fn contact(
    sql: &mut dyn Sql,
    scope: &Scope,
    number: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Contact>, StoreError> {
    let Some(detail) = case_detail(sql, scope, number)? else {
        return Ok(None);
    };
    if detail.line.privacy != PrivacyMode::Confidential {
        return Ok(None);
    }
    let row = sql.query_one(
        "SELECT contact_name, contact_phone FROM cases WHERE number = $1",
        &[Val::Int(number)],
    )?;
    audit(sql, account_id, "view_contact", Some(number), None, now)?;
    Ok(Some(match (row.opt_text(0)?, row.opt_text(1)?) {
        (None, None) => Contact::Erased,
        (name, phone) => Contact::Given {
            name: name.unwrap_or_default(),
            phone: phone.unwrap_or_default(),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::Row;

    /// Whether SQLite answers `statement` (with `$n` placeholders) from `index` alone.
    fn read_in_the_index_alone(statement: &str, params: &[Val], index: &str) -> bool {
        let folder = tempfile::tempdir().unwrap();
        let conn = crate::store::sqlite::open_database(&folder.path().join("ov.db")).unwrap();
        let statement = crate::store::sql::sqlite_placeholders(statement);
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {statement}"))
            .unwrap()
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let found = plan
            .iter()
            .any(|p| p.contains(&format!("USING COVERING INDEX {index} (")));
        if !found {
            eprintln!("{statement}: {plan:?}");
        }
        found
    }

    #[test]
    fn a_page_is_ordered_in_the_index_without_reading_the_cases() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let scopes = [
            Scope::Office("CH-120101".into()),
            Scope::Province {
                office: "PCO-12".into(),
                district_offices: vec!["DCO-1201".into(), "DCO-1202".into()],
            },
        ];
        for scope in &scopes {
            for order in [Order::Urgent, Order::Newest, Order::Oldest] {
                let filter = InboxFilter {
                    order,
                    ..Default::default()
                };
                let (condition, mut params) = inbox_condition(scope, &filter, now);
                let order = inbox_order(&filter, &mut params, now, now);
                let statement = page_numbers(&condition, &order, 50);
                assert!(
                    read_in_the_index_alone(&statement, &params, "cases_inbox"),
                    "{statement}"
                );
            }
        }
    }

    #[test]
    fn whether_a_kept_page_still_holds_is_read_in_the_index_alone() {
        let scope = Scope::Office("CH-120101".into());
        let (condition, params) = scope.condition(1);
        let statement = format!(
            "SELECT {} FROM cases WHERE {condition} GROUP BY status ORDER BY status",
            StatusCount::COLUMNS
        );
        assert!(
            read_in_the_index_alone(&statement, &params, "cases_inbox_state"),
            "{statement}"
        );
    }

    /// A reader's connection that counts the page readings of every reader (the statement
    /// of a page's numbers), each taking a while, the first failing when told to.
    struct CountedReadings<'a> {
        sql: crate::store::sqlite::SqliteSql<'a>,
        readings: &'a std::sync::atomic::AtomicUsize,
        fail_first: bool,
    }

    impl Sql for CountedReadings<'_> {
        fn query(&mut self, statement: &str, params: &[Val]) -> Result<Vec<Row>, StoreError> {
            if statement.starts_with("SELECT number FROM cases") {
                use std::sync::atomic::Ordering;
                let before = self.readings.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(50));
                if self.fail_first && before == 0 {
                    return Err(StoreError::Corrupt("the first reading fails".into()));
                }
            }
            self.sql.query(statement, params)
        }

        fn query_each(
            &mut self,
            statement: &str,
            params: &[Val],
            each: &mut dyn FnMut(&Row) -> Result<(), StoreError>,
        ) -> Result<(), StoreError> {
            self.sql.query_each(statement, params, each)
        }

        fn execute(&mut self, statement: &str, params: &[Val]) -> Result<u64, StoreError> {
            self.sql.execute(statement, params)
        }
    }

    /// What `readers` readers asking for the same page at once are given, and how many
    /// times the page was read.
    fn readers_at_once(
        readers: usize,
        fail_first: bool,
    ) -> (Vec<Result<std::sync::Arc<Inbox>, StoreError>>, usize) {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("ov.db");
        drop(crate::store::sqlite::open_database(&path).unwrap());
        let kept = KeptInboxes::default();
        let readings = std::sync::atomic::AtomicUsize::new(0);
        let start = std::sync::Barrier::new(readers);
        let now = DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::days(20_000);
        let scope = Scope::Office("CH-120101".into());
        let answers = std::thread::scope(|threads| {
            let asked: Vec<_> = (0..readers)
                .map(|_| {
                    threads.spawn(|| {
                        let conn = crate::store::sqlite::open_reader(&path).unwrap();
                        let mut sql = CountedReadings {
                            sql: crate::store::sqlite::SqliteSql(&conn),
                            readings: &readings,
                            fail_first,
                        };
                        start.wait();
                        inbox(&mut sql, &kept, &scope, &InboxFilter::default(), 0, now)
                    })
                })
                .collect();
            asked.into_iter().map(|a| a.join().unwrap()).collect()
        });
        (answers, readings.into_inner())
    }

    #[test]
    fn readers_of_a_page_out_of_date_at_once_wait_for_one_reading() {
        let (answers, readings) = readers_at_once(8, false);
        assert_eq!(readings, 1);
        let first = answers[0].as_ref().unwrap();
        for answer in &answers {
            assert!(std::sync::Arc::ptr_eq(first, answer.as_ref().unwrap()));
        }
    }

    #[test]
    fn when_the_reading_waited_for_fails_each_reader_reads_the_page_itself() {
        let (answers, readings) = readers_at_once(8, true);
        assert_eq!(answers.iter().filter(|a| a.is_err()).count(), 1);
        assert_eq!(readings, 8);
    }

    #[test]
    fn an_inbox_line_reads_the_start_of_the_text_only() {
        assert!(InboxLine::COLUMNS.contains(&format!("substr(description, 1, {SNIPPET_CHARS})")));
        assert!(!InboxLine::COLUMNS.contains(" description,"));
    }
}
