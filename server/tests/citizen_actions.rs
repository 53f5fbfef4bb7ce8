//! The citizen's answers and ratings through the phone's own outbox and sync engine, against the
//! real server binary on each engine, with an officer asking and answering in the console: an
//! answer queued while the server is down is delivered when it is back (the background loop,
//! woken by `kick`); an answer whose reply was lost after the server committed it is resent
//! under the same request id and takes effect once; a refused answer is never sent again.

mod support;

use ourvoice_outbox::{ActionState, Outbox};
use ourvoice_protocol::{CaseStatus, ReplyKind};
use ourvoice_sync::{Backoff, SyncConfig, SyncEngine, SyncError};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::browser::Browser;
use support::{complaint, create_admin, ServerProcess, TestDb, Val};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ADMIN_PASSWORD: &str = "admin password 1";
const PASSWORD: &str = "officer password 1";
const CONSOLE_ARGS: &[&str] = &["--cookie-secure", "false"];

/// The first administrator (made by the server's own command), then the server.
fn start(db: &TestDb) -> ServerProcess {
    let output = create_admin(db, "admin", ADMIN_PASSWORD);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    ServerProcess::start(db, CONSOLE_ARGS)
}

/// An officer of the commune hall the test complaints go to.
async fn officer(server: &ServerProcess) -> Browser {
    let mut admin = Browser::signed_in(&server.url(), "admin", ADMIN_PASSWORD).await;
    let page = admin
        .create_account("officer", "officer", "CH-120101", PASSWORD)
        .await;
    assert_eq!(page.status, 200, "the officer's account is made");
    Browser::signed_in(&server.url(), "officer", PASSWORD).await
}

/// The office replies to case `number`: `kind` is `question` or `answer`.
async fn reply(officer: &mut Browser, number: i64, kind: &str, text: &str) {
    let item = format!("/console/items/{number}");
    let page = officer
        .submit(
            &item,
            &format!("{item}/reply"),
            &[("text", text), ("kind", kind)],
        )
        .await;
    assert_eq!(page.status, 303, "the {kind} is recorded");
}

/// A phone: its outbox in a folder of the test, syncing to `url` with quick timeouts and a
/// backoff so long that only `kick` or a forced round sends again within the test.
fn phone(db: &TestDb, url: &str) -> Arc<SyncEngine> {
    let outbox = Arc::new(Outbox::open(&db.file("phone/outbox.db")).unwrap());
    let mut config = SyncConfig::new(url);
    config.connect_timeout = Duration::from_millis(500);
    config.request_timeout = Duration::from_secs(5);
    config.backoff = Backoff {
        base: Duration::from_secs(60),
        cap: Duration::from_secs(600),
    };
    Arc::new(SyncEngine::new(outbox, config).unwrap())
}

/// A complaint sent from the phone and accepted, and the office's question about it pulled to
/// the phone; its id and the case number.
async fn question_on_the_phone(
    engine: &SyncEngine,
    db: &TestDb,
    officer: &mut Browser,
) -> (uuid::Uuid, i64) {
    let submission = complaint("ទឹកមិនហូរ");
    engine.outbox().enqueue(&submission).unwrap();
    let report = engine.sync_now(true).await;
    assert_eq!(report.accepted, 1, "{report:?}");
    let number = db.count(
        "SELECT number FROM cases WHERE id = $1",
        &[Val::from(submission.id.to_string())],
    );
    reply(officer, number, "question", "តើនៅភូមិណា?").await;
    let report = engine.sync_now(true).await;
    assert!(report.error.is_none(), "{report:?}");
    let item = engine.outbox().get(submission.id).unwrap().unwrap();
    assert_eq!(
        item.replies.last().map(|r| r.kind),
        Some(ReplyKind::Question)
    );
    (submission.id, number)
}

fn citizen_answers(db: &TestDb, number: i64) -> i64 {
    db.count(
        "SELECT count(*) FROM case_events WHERE case_number = $1 AND action = 'citizen_answer'",
        &[Val::Int(number)],
    )
}

fn state_of(engine: &SyncEngine, request_id: uuid::Uuid) -> ActionState {
    engine.outbox().action(request_id).unwrap().unwrap().state
}

#[tokio::test]
async fn an_answer_queued_while_the_server_is_down_is_delivered_when_it_is_back() {
    for db in TestDb::all() {
        println!("engine {:?}", db.engine);
        let mut server = start(&db);
        let mut officer = officer(&server).await;
        let engine = phone(&db, &server.url());
        let (id, number) = question_on_the_phone(&engine, &db, &mut officer).await;

        server.kill();
        let request_id = engine.answer(id, "ភូមិទី៣").unwrap();
        assert_eq!(state_of(&engine, request_id), ActionState::Queued);
        let report = engine.sync_now(true).await;
        assert!(
            matches!(report.error, Some(SyncError::Unreachable(_))),
            "{report:?}"
        );
        match state_of(&engine, request_id) {
            ActionState::Retrying {
                attempts: 1,
                last_error,
                ..
            } => assert_eq!(last_error, "unreachable"),
            other => panic!("expected retrying, got {other:?}"),
        }
        assert_eq!(engine.outbox().counts().unwrap().actions_pending, 1);

        // The server comes back at the same address; the background loop is told to try now.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let running = tokio::spawn(Arc::clone(&engine).run(stopped));
        let _server = ServerProcess::start_on(&db, &server.address, CONSOLE_ARGS);
        engine.kick();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while state_of(&engine, request_id).is_pending() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "still {:?}",
                state_of(&engine, request_id)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            matches!(
                state_of(&engine, request_id),
                ActionState::Sent {
                    status: CaseStatus::InProgress,
                    ..
                }
            ),
            "{:?}",
            state_of(&engine, request_id)
        );
        stop.send(true).unwrap();
        engine.kick();
        running.await.unwrap();
        assert_eq!(citizen_answers(&db, number), 1);
        let page = officer.get(&format!("/console/items/{number}")).await.body;
        assert!(page.contains("ភូមិទី៣"), "the office reads the answer");
        // The round that sent it also pulled the case's new state.
        assert!(matches!(
            engine.outbox().get(id).unwrap().unwrap().state,
            ourvoice_outbox::ItemState::Accepted {
                status: CaseStatus::InProgress,
                ..
            }
        ));
    }
}

/// A loopback proxy to the server that, when told to, lets the next request through and then
/// resets the connection instead of passing on the server's answer.
struct LosingProxy {
    upstream: String,
    lose_next_answer: AtomicBool,
    lost: AtomicU64,
}

async fn relay(proxy: Arc<LosingProxy>, client: TcpStream) {
    let Ok(server) = TcpStream::connect(&proxy.upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let mut from_client = vec![0u8; 64 * 1024];
    let mut from_server = vec![0u8; 64 * 1024];
    loop {
        tokio::select! {
            read = client_read.read(&mut from_client) => {
                let Ok(n) = read else { return };
                if n == 0 || server_write.write_all(&from_client[..n]).await.is_err() {
                    return;
                }
            }
            read = server_read.read(&mut from_server) => {
                let Ok(n) = read else { return };
                if n == 0 {
                    return;
                }
                if proxy.lose_next_answer.swap(false, Ordering::SeqCst) {
                    proxy.lost.fetch_add(1, Ordering::SeqCst);
                    let stream = client_read.reunite(client_write).expect("halves of one stream");
                    // A zero linger resets at once; it never blocks the way a positive one can.
                    #[allow(deprecated)]
                    let _ = stream.set_linger(Some(Duration::ZERO));
                    return;
                }
                if client_write.write_all(&from_server[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

#[tokio::test]
async fn an_answer_whose_reply_was_lost_is_resent_and_takes_effect_once() {
    for db in TestDb::all() {
        println!("engine {:?}", db.engine);
        let server = start(&db);
        let mut officer = officer(&server).await;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy_url = format!("http://{}", listener.local_addr().unwrap());
        let proxy = Arc::new(LosingProxy {
            upstream: server.address.clone(),
            lose_next_answer: AtomicBool::new(false),
            lost: AtomicU64::new(0),
        });
        let accepting = {
            let proxy = Arc::clone(&proxy);
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    tokio::spawn(relay(Arc::clone(&proxy), client));
                }
            })
        };
        let engine = phone(&db, &proxy_url);
        let (id, number) = question_on_the_phone(&engine, &db, &mut officer).await;

        // The server commits the answer, but its reply never reaches the phone.
        let request_id = engine.answer(id, "ភូមិទី៣").unwrap();
        proxy.lose_next_answer.store(true, Ordering::SeqCst);
        let report = engine.sync_now(true).await;
        assert_eq!(proxy.lost.load(Ordering::SeqCst), 1);
        assert!(report.error.is_some(), "{report:?}");
        assert_eq!(report.actions_sent, 0, "{report:?}");
        assert!(state_of(&engine, request_id).is_pending());
        assert_eq!(citizen_answers(&db, number), 1, "the server did take it");

        // The resend carries the same request id: the server answers it with the first answer.
        let report = engine.sync_now(true).await;
        assert!(report.error.is_none(), "{report:?}");
        assert_eq!(report.actions_sent, 1, "{report:?}");
        let first_seq = db.count(
            "SELECT seq FROM case_events WHERE case_number = $1 AND action = 'citizen_answer'",
            &[Val::Int(number)],
        );
        assert_eq!(
            state_of(&engine, request_id),
            ActionState::Sent {
                seq: first_seq as u64,
                status: CaseStatus::InProgress
            }
        );
        assert_eq!(citizen_answers(&db, number), 1, "taken once");
        let report = engine.sync_now(true).await;
        assert_eq!(
            (report.requests, report.actions_sent),
            (0, 0),
            "nothing is sent again"
        );
        assert_eq!(citizen_answers(&db, number), 1);
        accepting.abort();
    }
}

#[tokio::test]
async fn a_refused_answer_is_never_sent_again_and_its_text_is_kept() {
    for db in TestDb::all() {
        println!("engine {:?}", db.engine);
        let server = start(&db);
        let mut officer = officer(&server).await;
        let engine = phone(&db, &server.url());
        let (id, number) = question_on_the_phone(&engine, &db, &mut officer).await;

        // The office answers the case itself before the citizen's answer reaches it.
        reply(&mut officer, number, "answer", "បានជួសជុល").await;
        let request_id = engine.answer(id, "ភូមិទី៣").unwrap();
        let report = engine.sync_now(true).await;
        assert!(report.error.is_none(), "{report:?}");
        assert_eq!(report.actions_refused, 1, "{report:?}");
        let action = engine.outbox().action(request_id).unwrap().unwrap();
        assert_eq!(
            action.state,
            ActionState::Refused {
                code: "wrong_state".into()
            }
        );
        assert_eq!(
            action.body,
            ourvoice_outbox::ActionBody::Answer("ភូមិទី៣".into())
        );
        assert_eq!(citizen_answers(&db, number), 0);

        // Forced rounds never send it again; the citizen can still rate the office's answer.
        let rating = engine.rate(id, 5).unwrap();
        let report = engine.sync_now(true).await;
        assert_eq!(
            (report.actions_sent, report.actions_refused),
            (1, 0),
            "{report:?}"
        );
        assert!(matches!(
            state_of(&engine, rating),
            ActionState::Sent {
                status: CaseStatus::Answered,
                ..
            }
        ));
        let report = engine.sync_now(true).await;
        assert_eq!((report.actions_sent, report.actions_refused), (0, 0));
        assert_eq!(
            state_of(&engine, request_id),
            ActionState::Refused {
                code: "wrong_state".into()
            }
        );
        assert_eq!(engine.outbox().counts().unwrap().actions_pending, 0);
        assert_eq!(citizen_answers(&db, number), 0);
    }
}

#[tokio::test]
async fn the_phone_learns_when_the_office_should_answer_and_how_to_reach_it() {
    support::on_each_engine(|db: TestDb| async move {
        let server = start(&db);
        let engine = phone(&db, &server.url());
        let submission = complaint("ផ្លូវខូច");
        engine.outbox().enqueue(&submission).unwrap();
        let report = engine.sync_now(true).await;
        assert!(report.error.is_none(), "{:?}", report.error);
        let due = db.query(
            "SELECT due_at FROM cases WHERE id = $1",
            &[Val::from(submission.id.to_string())],
        )[0]
        .text(0)
        .unwrap();
        let item = engine.outbox().get(submission.id).unwrap().unwrap();
        let answer_by = match item.state {
            ourvoice_outbox::ItemState::Accepted { answer_by, .. } => answer_by,
            other => panic!("{other:?}"),
        };
        let answer_by = chrono::DateTime::from_timestamp_millis(answer_by.expect("a deadline"))
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        assert_eq!(answer_by, due, "the deadline the server keeps for the case");

        // No telephone yet; then the administrator gives one, and a later round brings it.
        assert_eq!(engine.outbox().office_contact("CH-120101").unwrap(), None);
        let mut admin = Browser::signed_in(&server.url(), "admin", ADMIN_PASSWORD).await;
        let office = "/console/offices/CH-120101";
        let page = admin
            .submit(
                office,
                office,
                &[
                    ("receiving", "1"),
                    ("phone", "012 345 678"),
                    ("hours", "ច័ន្ទ–សុក្រ ៧:៣០–១៧:០០"),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert!(engine.refresh_contacts().await.unwrap(), "a changed list");
        let contact = engine
            .outbox()
            .office_contact("CH-120101")
            .unwrap()
            .unwrap();
        assert_eq!(contact.phone.as_deref(), Some("012 345 678"));
        assert_eq!(contact.hours.as_deref(), Some("ច័ន្ទ–សុក្រ ៧:៣០–១៧:០០"));
        assert!(
            !engine.refresh_contacts().await.unwrap(),
            "nothing changed: the server answers 304"
        );
    })
    .await;
}
