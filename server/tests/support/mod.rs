//! Test support: the real `ourvoice-server` binary on an ephemeral loopback port with a
//! temporary database on each engine (a SQLite file, or a PostgreSQL database created for the
//! run and dropped after it), and submissions as a phone would build them.
//!
//! `OURVOICE_TEST_ENGINES` (default `sqlite,postgres`) picks the engines; `OURVOICE_TEST_PG`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`) is where test databases are made.

#![allow(dead_code)]

pub mod batches;
pub mod browser;
pub mod fault_proxy;
pub mod garage;
pub mod hostile;
pub mod private_postgres;

use chrono::Utc;
use ourvoice_protocol::{Kind, Lang, Privacy, Secret, Submission};
pub use ourvoice_server::store::postgres::PgConn;
pub use ourvoice_server::store::sqlite::SqliteSql;
pub use ourvoice_server::store::{Row, Sql, Val};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Runs blocking database work on its own thread (the sync PostgreSQL client must not run on
/// an async runtime thread).
fn off_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(work).join().expect("database thread")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs `test` on a fresh database of each engine asked for (`OURVOICE_TEST_ENGINES`), one
/// after the other; a failure says which engine it happened on.
pub async fn on_each_engine<Test, Run>(test: Test)
where
    Test: Fn(TestDb) -> Run,
    Run: std::future::Future<Output = ()>,
{
    for db in TestDb::all() {
        let engine = db.engine;
        let run = NamingPanics {
            run: Box::pin(test(db)),
        };
        if let Err(panic) = run.await {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
                .unwrap_or_default();
            panic!("on {engine:?}: {message}");
        }
    }
}

/// A test's future whose panic is caught, so that it can be told again with the engine's name.
struct NamingPanics<Run> {
    run: std::pin::Pin<Box<Run>>,
}

impl<Run: std::future::Future<Output = ()>> std::future::Future for NamingPanics<Run> {
    type Output = std::thread::Result<()>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let run = self.run.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run.poll(context))) {
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Ok(std::task::Poll::Ready(())) => std::task::Poll::Ready(Ok(())),
            Err(panic) => std::task::Poll::Ready(Err(panic)),
        }
    }
}

/// A database of its own for one test on one engine; dropped with it.
pub struct TestDb {
    pub engine: Engine,
    pub url: String,
    pub folder: tempfile::TempDir,
    pg_name: Option<String>,
}

fn pg_admin_url() -> String {
    std::env::var("OURVOICE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Runs the server's `create-admin` command on `db` with `password`: the command's output.
pub fn create_admin(db: &TestDb, username: &str, password: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ourvoice-server"))
        .args([
            "--database",
            &db.url,
            "create-admin",
            "--username",
            username,
        ])
        .env("OURVOICE_ADMIN_PASSWORD", password)
        .output()
        .unwrap()
}

impl TestDb {
    /// One fresh database per engine asked for.
    pub fn all() -> Vec<TestDb> {
        let wanted =
            std::env::var("OURVOICE_TEST_ENGINES").unwrap_or_else(|_| "sqlite,postgres".into());
        wanted
            .split(',')
            .map(|name| match name.trim() {
                "sqlite" => TestDb::new(Engine::Sqlite),
                "postgres" => TestDb::new(Engine::Postgres),
                other => panic!("unknown engine {other} in OURVOICE_TEST_ENGINES"),
            })
            .collect()
    }

    pub fn new(engine: Engine) -> TestDb {
        let folder = tempfile::tempdir().unwrap();
        match engine {
            Engine::Sqlite => TestDb {
                engine,
                url: format!("sqlite://{}", folder.path().join("ov.db").display()),
                folder,
                pg_name: None,
            },
            Engine::Postgres => {
                let name = format!("ourvoice_test_{:016x}", rand::random::<u64>());
                let admin = pg_admin_url();
                let create = name.clone();
                off_runtime(move || {
                    let mut client = postgres::Client::connect(&admin, postgres::NoTls)
                        .expect("PostgreSQL for tests (see OURVOICE_TEST_PG)");
                    client
                        .batch_execute(&format!("CREATE DATABASE {create}"))
                        .expect("create test database");
                });
                let base = pg_admin_url();
                let url = match base.rfind('/') {
                    Some(slash) if slash > "postgres://".len() => {
                        format!("{}/{name}", &base[..slash])
                    }
                    _ => panic!("OURVOICE_TEST_PG must end with /database"),
                };
                TestDb {
                    engine,
                    url,
                    folder,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// A PostgreSQL database made elsewhere (e.g. on a [`private_postgres::PrivatePostgres`]);
    /// dropping it drops nothing.
    pub fn postgres_at(url: String) -> TestDb {
        TestDb {
            engine: Engine::Postgres,
            url,
            folder: tempfile::tempdir().unwrap(),
            pg_name: None,
        }
    }

    /// The same database reached through another URL (its own folder; dropping it drops
    /// nothing).
    pub fn same_database_at(&self, url: String) -> TestDb {
        TestDb {
            engine: self.engine,
            url,
            folder: tempfile::tempdir().unwrap(),
            pg_name: None,
        }
    }

    /// A path for logs and other files of this test.
    pub fn file(&self, name: &str) -> PathBuf {
        self.folder.path().join(name)
    }

    /// Runs one statement (written with `$n` placeholders) straight on the database.
    pub fn query(&self, sql: &str, params: &[Val]) -> Vec<Row> {
        let (url, sql, params) = (self.url.clone(), sql.to_string(), params.to_vec());
        off_runtime(move || match url.strip_prefix("sqlite://") {
            Some(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                SqliteSql(&conn).query(&sql, &params).unwrap()
            }
            None => PgConn::connect(&url)
                .unwrap()
                .sql()
                .query(&sql, &params)
                .unwrap(),
        })
    }

    /// Runs several statements (no parameters) straight on the database.
    pub fn batch(&self, sql: &str) {
        let (url, sql) = (self.url.clone(), sql.to_string());
        off_runtime(move || match url.strip_prefix("sqlite://") {
            Some(path) => rusqlite::Connection::open(path)
                .unwrap()
                .execute_batch(&sql)
                .unwrap(),
            None => postgres::Client::connect(&url, postgres::NoTls)
                .unwrap()
                .batch_execute(&sql)
                .unwrap(),
        })
    }

    /// The single integer a query returns.
    pub fn count(&self, sql: &str, params: &[Val]) -> i64 {
        self.query(sql, params)[0].int(0).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let admin = pg_admin_url();
            off_runtime(move || {
                if let Ok(mut client) = postgres::Client::connect(&admin, postgres::NoTls) {
                    let _ = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            });
        }
    }
}

pub struct ServerProcess {
    child: Child,
    pub address: String,
    pub url_of_database: String,
    /// Where its standard error goes (the test's folder).
    log: PathBuf,
}

impl ServerProcess {
    /// Starts the server on 127.0.0.1 (port 0 unless `listen` says otherwise) and waits until
    /// it prints the address it listens on.
    pub fn start(db: &TestDb, extra: &[&str]) -> ServerProcess {
        ServerProcess::start_on(db, "127.0.0.1:0", extra)
    }

    pub fn start_on(db: &TestDb, listen: &str, extra: &[&str]) -> ServerProcess {
        ServerProcess::start_with_env(db, listen, extra, &[])
    }

    /// [`ServerProcess::start_on`] with these environment variables too.
    pub fn start_with_env(
        db: &TestDb,
        listen: &str,
        extra: &[&str],
        env: &[(String, String)],
    ) -> ServerProcess {
        let log_path = db.file("server.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .expect("server log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_ourvoice-server"))
            .args(["--listen", listen, "--database", &db.url])
            .args(if extra.contains(&"--rate-limit-per-second") {
                &[][..]
            } else {
                &["--rate-limit-per-second", "0"][..]
            })
            // Tests send thousands of items from the loopback address; the quota of new cases
            // per address is off unless a test asks for it.
            .args(
                if extra.iter().any(|a| a.starts_with("--new-cases-per-hour")) {
                    &[][..]
                } else {
                    &["--new-cases-per-hour", "0"][..]
                },
            )
            // A test reads the dashboard right after what it changed.
            .args(
                if extra
                    .iter()
                    .any(|a| a.starts_with("--dashboard-max-age-seconds"))
                {
                    &[][..]
                } else {
                    &["--dashboard-max-age-seconds", "0"][..]
                },
            )
            .args(extra)
            .envs(env.iter().map(|(name, value)| (name, value)))
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start ourvoice-server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read address");
        let address = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                let last: Vec<&str> = log.lines().rev().take(5).collect();
                panic!("unexpected first line {line:?}; the server's log ends: {last:?}")
            })
            .to_string();
        ServerProcess {
            child,
            address,
            url_of_database: db.url.clone(),
            log: log_path,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_none()
    }

    /// SIGKILL: the process dies at once, wherever it is.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait for the process to exit on its own.
    pub fn terminate(&mut self) -> ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                if !status.success() {
                    // What the server said last, for the failing test's output.
                    // What the server said: its panics (without backtraces) and last lines.
                    let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                    let lines: Vec<&str> = log.lines().collect();
                    let mut said: Vec<&str> = Vec::new();
                    for (i, line) in lines.iter().enumerate() {
                        if line.contains("panicked at") {
                            said.extend(lines.iter().skip(i).take(3));
                        }
                    }
                    said.extend(lines.iter().rev().take(10).rev());
                    eprintln!("server exited with {status}; its log:\n{}", said.join("\n"));
                }
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop within 30 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A valid complaint about a commune, as a phone would make it.
pub fn complaint(text: &str) -> Submission {
    Submission {
        id: uuid::Uuid::new_v4(),
        kind: Kind::Complaint,
        place: "120101".into(),
        category: "civil_registration".into(),
        description: text.into(),
        evaluation: None,
        asked_extra_payment: None,
        about_office_staff: false,
        publish_text: false,
        attachments: Vec::new(),
        incident_date: None,
        privacy: Privacy::Anonymous,
        profile: None,
        locale: Lang::Km,
        created_at: Utc::now(),
        app_version: "test".into(),
        secret: Secret::generate(),
    }
}

/// Sentences of the kind citizens write, for made-up complaints.
const KHMER_SENTENCES: [&str; 20] = [
    "ខ្ញុំបានទៅសាលាសង្កាត់ដើម្បីស្នើសុំសំបុត្រកំណើតសម្រាប់កូនរបស់ខ្ញុំ។",
    "មន្ត្រីបានសុំប្រាក់បន្ថែមពីតម្លៃដែលបានបិទផ្សាយ។",
    "ខ្ញុំត្រូវរង់ចាំយូរជាងពីរសប្តាហ៍ ទោះបីជាឯកសារគ្រប់គ្រាន់ក៏ដោយ។",
    "គ្មានតារាងតម្លៃសេវាបិទផ្សាយនៅការិយាល័យទេ។",
    "ផ្លូវចូលភូមិខូចខាតខ្លាំង ហើយពេលភ្លៀងធ្លាក់ទឹកលិចអស់។",
    "បុគ្គលិកនិយាយមិនសមរម្យ ហើយមិនពន្យល់ពីនីតិវិធីច្បាស់លាស់។",
    "ខ្ញុំចង់ដឹងថាត្រូវការឯកសារអ្វីខ្លះដើម្បីចុះបញ្ជីអាជីវកម្មខ្នាតតូច។",
    "ការិយាល័យបិទទ្វារមុនម៉ោងដែលបានប្រកាស។",
    "ម្តាយខ្ញុំជាជនពិការ ប៉ុន្តែគ្មានផ្លូវសម្រាប់រទេះរុញចូលអគារទេ។",
    "ខ្ញុំបានដាក់ពាក្យសុំលិខិតអនុញ្ញាតសាងសង់តាំងពីខែមុន តែមិនទាន់មានចម្លើយ។",
    "សូមជួយពិនិត្យបញ្ហាដីធ្លីរវាងគ្រួសារខ្ញុំ និងអ្នកជិតខាង។",
    "ប័ណ្ណសមធម៌របស់គ្រួសារខ្ញុំផុតកំណត់ ហើយខ្ញុំមិនដឹងថាត្រូវធ្វើយ៉ាងម៉េច។",
    "ការចុះបញ្ជីម៉ូតូចំណាយពេលយូរពេក ហើយត្រូវមកច្រើនដង។",
    "ខ្ញុំពេញចិត្តនឹងសេវាលឿន ប៉ុន្តែកន្លែងរង់ចាំតូចពេក។",
    "ទឹកស្អាតមិនហូរមកភូមិយើងអស់រយៈពេលបីសប្តាហ៍ហើយ។",
    "អ្នកទទួលពាក្យបានប្រាប់ឱ្យខ្ញុំមកវិញនៅថ្ងៃក្រោយម្តងហើយម្តងទៀត។",
    "ខ្ញុំសុំការបញ្ជាក់ទីលំនៅដើម្បីដាក់ពាក្យធ្វើការនៅរោងចក្រ។",
    "សូមពន្យល់ពីថ្លៃសេវាផ្លូវការសម្រាប់សំបុត្រអាពាហ៍ពិពាហ៍។",
    "មេភូមិមិនព្រមចុះហត្ថលេខាលើឯកសាររបស់ខ្ញុំទេ។",
    "ខ្ញុំអរគុណមន្ត្រីដែលបានជួយយ៉ាងរហ័ស និងគួរសម។",
];

/// A 300-character Khmer complaint, the size the benchmarks call typical: sentences picked
/// by `n` from a pool, so that items of one batch share vocabulary but not whole texts.
pub fn khmer_complaint_text(n: usize) -> String {
    let mut pick = n.wrapping_mul(2_654_435_761) % 1_000_003;
    let mut text = format!("ថ្ងៃទី{} ", n % 28 + 1);
    while text.chars().count() < 300 {
        text.push_str(KHMER_SENTENCES[pick % KHMER_SENTENCES.len()]);
        text.push(' ');
        pick = pick.wrapping_mul(48_271) % 2_147_483_647 + 7;
    }
    text.chars().take(300).collect()
}

/// The numbers of cases a benchmark measures at: `OURVOICE_BENCH_CASES` (comma-separated), by
/// default 10,000, 100,000 and 1,000,000.
pub fn bench_sizes() -> Vec<usize> {
    std::env::var("OURVOICE_BENCH_CASES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .map(|n| n.trim().parse().expect("a number of cases"))
        .collect()
}

/// An answer asked for without and with gzip.
pub struct BothWays {
    pub plain: Vec<u8>,
    /// The gzip answer as sent, and unpacked.
    pub packed: Vec<u8>,
    pub unpacked: Vec<u8>,
    /// The gzip answer's `Content-Type`.
    pub packed_type: String,
}

/// `url` asked for without and then with gzip, with `headers` (a cookie, say), by a client
/// that unpacks nothing itself: both answer 200 and say they vary with `Accept-Encoding`, and
/// only the second is gzip-encoded.
pub async fn plain_and_gzip(url: &str, headers: reqwest::header::HeaderMap) -> BothWays {
    use std::io::Read;
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let ask = |encoding: &'static str| {
        raw.get(url)
            .headers(headers.clone())
            .header("accept-encoding", encoding)
            .send()
    };
    let plain = ask("identity").await.unwrap();
    assert_eq!(plain.status(), reqwest::StatusCode::OK, "{url}");
    assert!(plain.headers().get("content-encoding").is_none(), "{url}");
    assert_eq!(plain.headers()["vary"], "accept-encoding", "{url}");
    let plain = plain.bytes().await.unwrap().to_vec();
    let packed = ask("gzip").await.unwrap();
    assert_eq!(packed.status(), reqwest::StatusCode::OK, "{url}");
    assert_eq!(packed.headers()["content-encoding"], "gzip", "{url}");
    assert_eq!(packed.headers()["vary"], "accept-encoding", "{url}");
    let packed_type = packed.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let packed = packed.bytes().await.unwrap().to_vec();
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_end(&mut unpacked)
        .unwrap();
    BothWays {
        plain,
        packed,
        unpacked,
        packed_type,
    }
}
