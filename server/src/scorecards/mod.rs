//! The public scorecards: how every office, every province and the country answer their
//! citizens over the last twelve months (see `ourvoice_protocol::scorecards`), made once per
//! Cambodian day for the whole fleet, stored, and served from there by the citizen API, the
//! open data downloads and the public pages.
//!
//! - [`compute`] reads the cases once and makes every subject's figures (with [`suppress`]);
//!   [`files`] writes them as open data (CSV, the bulk downloads).
//! - [`bring_up_to_date`] makes the set of the last whole day when the stored one is older:
//!   reads on a reader connection, then claims the day (`store::fleet::claim`, duty
//!   [`DUTY`]) in the transaction that replaces the stored set, so one server stores each day.
//!   Before the first set, a window without any case makes nothing ("no figures yet").
//!   [`keep_up_to_date`] tries at start (in the background, not delaying it) and then every
//!   `--scorecards-check-seconds`.
//! - [`Published`] keeps recently read scorecards and files in memory, only of the newest
//!   stored day, each with its gzip copy (and a scorecard with its CSV, made when first asked
//!   for), so a request reads one stored row at most and compresses nothing.
//!
//! Guarantees: a request never computes anything (it reads one stored row, or this server's
//! copy of it); nothing of the current, unfinished day is counted; figures standing for fewer
//! than five people are hidden, with secondary suppression; the fleet stores each day's set
//! once (a server may compute a day that another stores first, then drops its own), and a
//! server that dies while computing leaves the day to the next try of any server.

pub mod compute;
pub mod files;
pub mod suppress;

use chrono::NaiveDate;
use ourvoice_directory::Directory;
use ourvoice_protocol::scorecards::Subject;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::clock::wall_now;
use crate::made_once::Compressed;
use crate::store::scorecards::{self as stored, etag_of, NewScorecard, OpenDataFile};
use crate::store::{fleet, Sql, Store, StoreError};
use crate::AppState;
use compute::Window;

/// The name under which a day's scorecards are claimed.
pub const DUTY: &str = "scorecards";

/// One day's scorecards and files, made and ready to store.
pub struct Made {
    pub last_day: NaiveDate,
    pub scorecards: Vec<NewScorecard>,
    pub files: Vec<OpenDataFile>,
    pub read: compute::Read,
}

/// Makes every scorecard of `window` and the open data files (blocking: a reader's work).
pub fn make(sql: &mut dyn Sql, directory: &Directory, window: &Window) -> Result<Made, StoreError> {
    let mut bulk = files::Bulk::new(window.last_day, &window.year(), &window.quarters);
    let mut scorecards = Vec::new();
    let read = compute::compute(sql, directory, window, &mut |computed| {
        if let Some(province) = &computed.province {
            bulk.add(&computed.scorecard, province, computed.district.as_deref());
        }
        scorecards.push(NewScorecard {
            json: serde_json::to_string(&computed.scorecard)
                .map_err(|error| StoreError::Corrupt(format!("a scorecard: {error}")))?,
            subject: computed.scorecard.subject,
            province: computed.province,
        });
        Ok(())
    })?;
    Ok(Made {
        last_day: window.last_day,
        scorecards,
        files: bulk.finish(),
        read,
    })
}

/// What one try to bring the scorecards up to date did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// The stored set is of the last whole day already.
    Current,
    /// This server computed and stored the day's set.
    Stored {
        last_day: NaiveDate,
        cases: u64,
        took: Duration,
    },
    /// Another server stored the day first (this one's computation is dropped).
    Taken,
    /// Nothing is stored and no case lies in the twelve months: nothing to make yet.
    NothingYet,
}

/// Makes and stores the set of the last whole day (by the server's clock) unless it is stored.
pub async fn bring_up_to_date(state: &Arc<AppState>) -> Result<Outcome, StoreError> {
    let window = Window::before(state.store.clock().now());
    let last_day = window.last_day;
    let stored_day = state.store.read(stored::stored_day).await?;
    state.scorecards.saw_day(stored_day);
    if stored_day == Some(last_day) {
        return Ok(Outcome::Current);
    }
    // Before the first case of a new system there is nothing to count: every office would
    // get a set of empty figures (a computation that takes memory by offices). Readers are
    // told "no figures yet" until a whole day with feedback has passed.
    if stored_day.is_none() {
        let (start, end) = (window.start, window.end);
        let any = state
            .store
            .read(move |sql| stored::any_case_received(sql, start, end))
            .await?;
        if !any {
            return Ok(Outcome::NothingYet);
        }
    }
    let started = Instant::now();
    let directory = state.directory;
    let made = state
        .store
        .read(move |sql| make(sql, directory, &window))
        .await?;
    let cases = made.read.cases;
    if made.read.unknown_office > 0 {
        tracing::warn!(
            cases = made.read.unknown_office,
            "cases sent to offices the directory does not have are left out of the scorecards"
        );
    }
    let server = state.fleet.id.clone();
    let period = i64::from(chrono::Datelike::num_days_from_ce(&last_day));
    let stored_it = state
        .store
        .write(move |sql| {
            if !fleet::claim(sql, DUTY, period, &server, wall_now())? {
                return Ok(false);
            }
            stored::replace(sql, made.last_day, &made.scorecards, &made.files)?;
            Ok(true)
        })
        .await?;
    if !stored_it {
        return Ok(Outcome::Taken);
    }
    state.scorecards.saw_day(Some(last_day));
    let took = started.elapsed();
    tracing::info!(%last_day, cases, seconds = took.as_secs_f64(), "stored the public scorecards");
    Ok(Outcome::Stored {
        last_day,
        cases,
        took,
    })
}

/// Brings the scorecards up to date now and then every `every`, until the task is aborted; a
/// failed try is logged, counted and tried again at the next.
pub async fn keep_up_to_date(state: Arc<AppState>, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match bring_up_to_date(&state).await {
            Ok(Outcome::Stored { took, .. }) => crate::metrics::global().scorecard_run(Some(took)),
            Ok(Outcome::Current | Outcome::Taken | Outcome::NothingYet) => {}
            Err(error) => {
                crate::metrics::global().scorecard_run(None);
                tracing::warn!(%error, "could not make the public scorecards; will retry");
            }
        }
    }
}

/// Scorecards kept in memory after they were read.
const SCORECARDS_KEPT: usize = 512;
/// Open data files kept in memory after they were read.
const FILES_KEPT: usize = 16;

/// What this server keeps of the stored scorecards: the newest stored day it has seen, and
/// the scorecards and files it read of that day (at most [`SCORECARDS_KEPT`] and
/// [`FILES_KEPT`], the least recently used dropped first). Everything kept is of one day: a
/// newer day seen drops the rest, and an older row read is not kept. Readers who ask for the
/// same one at once wait for one read (and one compression) of it.
pub struct Published {
    kept: Mutex<Kept>,
}

/// One scorecard or file being read, or read (none: the stored set has none of that name).
type Slot<T> = crate::made_once::Slot<Option<Arc<T>>>;

struct Kept {
    day: Option<NaiveDate>,
    scorecards: lru::LruCache<String, Slot<PublishedScorecard>>,
    files: lru::LruCache<String, Slot<PublishedFile>>,
}

/// A body as served: with its gzip copy and strong ETag.
pub struct Served {
    pub body: Compressed,
    pub etag: String,
}

impl Served {
    fn new(body: String) -> Served {
        Served {
            etag: etag_of(&body),
            body: Compressed::new(body),
        }
    }
}

/// One subject's stored scorecard as served: its JSON as stored, and its CSV once asked for.
pub struct PublishedScorecard {
    pub json: Served,
    pub last_day: NaiveDate,
    csv: std::sync::OnceLock<Arc<Served>>,
}

impl PublishedScorecard {
    /// The scorecard as a CSV file, made from the JSON the first time it is asked for.
    pub fn csv(&self) -> Result<Arc<Served>, StoreError> {
        if let Some(csv) = self.csv.get() {
            return Ok(Arc::clone(csv));
        }
        let card: ourvoice_protocol::scorecards::Scorecard =
            serde_json::from_slice(&self.json.body.plain)
                .map_err(|error| StoreError::Corrupt(format!("a stored scorecard: {error}")))?;
        let csv = Arc::new(Served::new(files::scorecard_csv(&card)));
        Ok(Arc::clone(self.csv.get_or_init(|| csv)))
    }
}

/// An open data file as served.
pub struct PublishedFile {
    pub media_type: String,
    pub served: Served,
    pub last_day: NaiveDate,
}

impl Default for Published {
    fn default() -> Published {
        Published {
            kept: Mutex::new(Kept {
                day: None,
                scorecards: lru::LruCache::new(
                    NonZeroUsize::new(SCORECARDS_KEPT).expect("not zero"),
                ),
                files: lru::LruCache::new(NonZeroUsize::new(FILES_KEPT).expect("not zero")),
            }),
        }
    }
}

impl Kept {
    /// Notes that `day` is stored; whether something of that day may be kept.
    fn see(&mut self, day: NaiveDate) -> bool {
        match self.day {
            Some(kept) if kept > day => false,
            Some(kept) if kept == day => true,
            _ => {
                self.day = Some(day);
                self.scorecards.clear();
                self.files.clear();
                true
            }
        }
    }
}

impl Published {
    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes the stored day (none before the first computation): a newer one drops what is
    /// kept of the day before.
    pub fn saw_day(&self, day: Option<NaiveDate>) {
        let mut kept = self.kept();
        match day {
            Some(day) => {
                kept.see(day);
            }
            None if kept.day.is_some() => {
                kept.day = None;
                kept.scorecards.clear();
                kept.files.clear();
            }
            None => {}
        }
    }

    /// The stored scorecard of `subject` (none before the first computation, or for a
    /// subject the stored set does not have).
    pub async fn scorecard(
        &self,
        store: &Store,
        subject: &Subject,
    ) -> Result<Option<Arc<PublishedScorecard>>, StoreError> {
        let subject = subject.clone();
        self.kept_or_read(
            store,
            |kept| &mut kept.scorecards,
            stored::subject_key(&subject),
            |found| found.last_day,
            move |sql| {
                Ok(
                    stored::read_json(sql, &subject)?.map(|found| PublishedScorecard {
                        json: Served {
                            body: Compressed::new(found.json),
                            etag: found.etag,
                        },
                        last_day: found.last_day,
                        csv: Default::default(),
                    }),
                )
            },
        )
        .await
    }

    /// The stored open data file `name`, if there is one.
    pub async fn file(
        &self,
        store: &Store,
        name: &str,
    ) -> Result<Option<Arc<PublishedFile>>, StoreError> {
        let wanted = name.to_string();
        self.kept_or_read(
            store,
            |kept| &mut kept.files,
            name.to_string(),
            |found| found.last_day,
            move |sql| {
                Ok(stored::read_file(sql, &wanted)?.map(|found| PublishedFile {
                    media_type: found.media_type,
                    served: Served {
                        body: Compressed::new(found.body),
                        etag: found.etag,
                    },
                    last_day: found.last_day,
                }))
            },
        )
        .await
    }

    /// What is kept under `key` in the cache `kept_in` picks, or what `read` reads (and
    /// compresses, off the async threads) once for every reader asking meanwhile, kept unless
    /// it is of an older day than the newest seen.
    async fn kept_or_read<T: Send + Sync + 'static>(
        &self,
        store: &Store,
        kept_in: fn(&mut Kept) -> &mut lru::LruCache<String, Slot<T>>,
        key: String,
        day_of: fn(&T) -> NaiveDate,
        read: impl Fn(&mut dyn Sql) -> Result<Option<T>, StoreError> + Send + 'static,
    ) -> Result<Option<Arc<T>>, StoreError> {
        let slot =
            Arc::clone(kept_in(&mut self.kept()).get_or_insert(key.clone(), Default::default));
        let found = slot
            .get_or_try_init(|| async {
                Ok::<_, StoreError>(store.read(read).await?.map(Arc::new))
            })
            .await?
            .clone();
        if let Some(found) = &found {
            let mut kept = self.kept();
            if !kept.see(day_of(found)) {
                kept_in(&mut kept).pop(&key);
            }
        }
        Ok(found)
    }
}

/// How long a client or cache may keep a published scorecard or file without asking again
/// (they change once a day).
pub const CACHE_CONTROL: &str = "public, max-age=3600";

/// A published body as an HTTP answer: its strong ETag, `Cache-Control` [`CACHE_CONTROL`],
/// the licence as a `Link` (`rel="license"`), and 304 without the body when `If-None-Match`
/// names the ETag. `download` names the file a browser saves it as.
pub fn answer(
    headers: &axum::http::HeaderMap,
    served: &Served,
    media_type: &str,
    download: Option<&str>,
) -> axum::response::Response {
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::IntoResponse;
    let mut response = if crate::etags::reader_has(headers, &served.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = served.body.response(headers);
        let answer = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(media_type) {
            answer.insert(header::CONTENT_TYPE, value);
        }
        if let Some(value) = download.and_then(|name| {
            HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).ok()
        }) {
            answer.insert(header::CONTENT_DISPOSITION, value);
        }
        response
    };
    let answer = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&served.etag) {
        answer.insert(header::ETAG, value);
    }
    answer.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "<{}>; rel=\"license\"",
        ourvoice_protocol::scorecards::LICENCE_URL
    )) {
        answer.insert(header::LINK, value);
    }
    answer.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
