//! Component tests: the real root component over a real outbox (a temporary SQLite file),
//! rendered in a `VirtualDom` without a browser, asserting what a citizen would read.

use dioxus::prelude::*;
use ourvoice::device::Device;
use ourvoice::state::DeviceContext;
use ourvoice_outbox::Draft;
use ourvoice_protocol::{Kind, Lang, Privacy};
use std::sync::Arc;

/// A device whose server cannot be reached (port 9 on loopback refuses at once).
fn device(folder: &tempfile::TempDir) -> Arc<Device> {
    Arc::new(Device::open(folder.path(), "http://127.0.0.1:9").unwrap())
}

fn render(device: &Arc<Device>) -> String {
    let mut dom =
        VirtualDom::new(ourvoice::App).with_root_context(DeviceContext(Ok(Arc::clone(device))));
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}

fn draft(text: &str) -> Draft {
    Draft {
        kind: Kind::Complaint,
        place: "120101".into(),
        category: "civil_registration".into(),
        description: text.into(),
        evaluation: None,
        asked_extra_payment: None,
        about_office_staff: false,
        publish_text: false,
        incident_date: None,
        privacy: Privacy::Anonymous,
        profile: None,
        locale: Lang::Km,
    }
}

/// A complaint on the phone that the server accepted as case 7 of CH-120101, now in
/// `status` at event `seq`.
fn accepted_complaint(
    device: &Arc<Device>,
    status: ourvoice_protocol::CaseStatus,
    seq: u64,
) -> uuid::Uuid {
    device.outbox.set_setting("privacy_seen", "1").unwrap();
    let item = device
        .outbox
        .submit(
            draft("ផ្លូវខូច"),
            ourvoice_directory::Directory::embedded(),
            "test",
            chrono::Utc::now(),
        )
        .unwrap();
    device.outbox.claim_due(0, 10, 1 << 20, true).unwrap();
    let accepted = ourvoice_outbox::Settlement::Accepted {
        server_number: 7,
        office: "CH-120101".into(),
        status,
        seq,
        received_at: 0,
    };
    device.outbox.settle(&[(item.id, accepted)], 0).unwrap();
    item.id
}

/// The office's reply to case `id`, pulled to the phone as its event 2.
fn office_replies(
    device: &Arc<Device>,
    id: uuid::Uuid,
    status: ourvoice_protocol::CaseStatus,
    kind: ourvoice_protocol::ReplyKind,
    text: &str,
) {
    let update = ourvoice_protocol::CaseUpdate {
        id,
        seq: 2,
        at: chrono::Utc::now(),
        status,
        office: "CH-120101".into(),
        reply: Some(ourvoice_protocol::Reply {
            kind,
            text: text.into(),
        }),
    };
    device.outbox.apply_updates(&[update]).unwrap();
}

/// The app opened on the detail screen of case `id` (not rendered yet).
fn detail(device: &Arc<Device>, id: uuid::Uuid) -> VirtualDom {
    let mut dom =
        VirtualDom::new(ourvoice::App).with_root_context(DeviceContext(Ok(Arc::clone(device))));
    dom.rebuild_in_place();
    let ui = dom
        .runtime()
        .consume_context::<ourvoice::state::Ui>(dioxus::core::ScopeId::APP)
        .unwrap();
    dom.in_runtime(|| {
        let mut ui = ui;
        ui.go(ourvoice::state::Screen::Detail(id));
    });
    dom
}

#[test]
fn first_run_asks_for_the_language_in_both_languages() {
    let folder = tempfile::tempdir().unwrap();
    let html = render(&device(&folder));
    assert!(html.contains("data-screen=\"Welcome\""), "{html}");
    assert!(html.contains("ជ្រើសរើសភាសា") && html.contains("Choose your language"));
    assert!(html.contains(">ខ្មែរ<") && html.contains(">English<"));
}

#[test]
fn home_is_in_the_saved_language_with_the_four_actions() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    device.outbox.set_setting("privacy_seen", "1").unwrap();
    let html = render(&device);
    assert!(html.contains("data-screen=\"Home\""));
    for action in ["ដាក់បណ្តឹង", "ស្នើសុំជំនួយ", "សួររកព័ត៌មាន", "វាយតម្លៃសេវា"]
    {
        assert!(html.contains(action), "missing {action}");
    }
    assert!(
        html.contains("មិនទាន់បានផ្ញើអ្វីនៅឡើយ"),
        "the sync line says nothing was sent yet"
    );

    device.outbox.set_setting("lang", "en").unwrap();
    let html = render(&device);
    for action in [
        "Make a complaint",
        "Seek support",
        "Ask for information",
        "Evaluate a service",
    ] {
        assert!(html.contains(action), "missing {action}");
    }
}

#[test]
fn waiting_items_are_counted_in_khmer_digits_and_never_called_sent() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    device.outbox.set_setting("privacy_seen", "1").unwrap();
    for n in 0..3 {
        device
            .outbox
            .submit(
                draft(&format!("ផ្លូវខូច {n}")),
                ourvoice_directory::Directory::embedded(),
                "test",
                chrono::Utc::now(),
            )
            .unwrap();
    }
    // As the app does after a submission, the engine is told to send now; it finds no server.
    // Render once it has given up for now, not while its round is under way (which would say
    // "sending 1 of 3").
    device.engine.kick();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while device.outbox.counts().unwrap().retrying < 3
        || device.engine.subscribe().borrow().phase != ourvoice_sync::SyncPhase::Idle
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the engine never tried"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let html = render(&device);
    assert!(
        html.contains("៣ កំពុងរង់ចាំផ្ញើ") || html.contains("គ្មានអ៊ីនធឺណិត — ៣ កំពុងរង់ចាំផ្ញើ"),
        "{html}"
    );
    assert!(
        !html.contains("បានផ្ញើទាំងអស់"),
        "not 'all sent' while three wait"
    );
}

/// Ids of the elements that listen for clicks, in document order.
fn click_targets(mutations: &dioxus::core::Mutations) -> Vec<dioxus::core::ElementId> {
    mutations
        .edits
        .iter()
        .filter_map(|edit| match edit {
            dioxus::core::Mutation::NewEventListener { name, id } if name == "click" => Some(*id),
            _ => None,
        })
        .collect()
}

fn click(dom: &mut VirtualDom, id: dioxus::core::ElementId) {
    use dioxus::html::{PlatformEventData, SerializedHtmlEventConverter, SerializedMouseData};
    dioxus::html::set_event_converter(Box::new(SerializedHtmlEventConverter));
    let data = PlatformEventData::new(Box::new(SerializedMouseData::default()));
    let event = Event::new(
        std::rc::Rc::new(data) as std::rc::Rc<dyn std::any::Any>,
        true,
    );
    dom.runtime().handle_event("click", event, id);
    dom.render_immediate(&mut dioxus::core::NoOpMutations);
}

#[test]
fn the_language_switch_changes_every_word_and_is_remembered() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    device.outbox.set_setting("privacy_seen", "1").unwrap();
    let mut dom =
        VirtualDom::new(ourvoice::App).with_root_context(DeviceContext(Ok(Arc::clone(&device))));
    let mutations = dom.rebuild_to_vec();
    assert!(dioxus_ssr::render(&dom).contains("តើអ្នកចង់ធ្វើអ្វី?"));
    // On the home screen the top bar has no Back button: its first button is the switch.
    let switch = click_targets(&mutations)[0];
    click(&mut dom, switch);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("What would you like to do?"), "{html}");
    assert!(html.contains("data-screen=\"Home\""));
    assert_eq!(
        device.outbox.setting("lang").unwrap().as_deref(),
        Some("en")
    );
}

#[test]
fn a_question_from_the_office_shows_with_a_place_to_answer() {
    use ourvoice_protocol::{CaseStatus, ReplyKind};
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    let id = accepted_complaint(&device, CaseStatus::Received, 1);
    office_replies(
        &device,
        id,
        CaseStatus::AwaitingCitizen,
        ReplyKind::Question,
        "តើផ្លូវនៅភូមិណា?",
    );
    let mut dom = detail(&device, id);
    dom.render_immediate(&mut dioxus::core::NoOpMutations);
    let html = dioxus_ssr::render(&dom);
    assert!(
        html.contains("ការិយាល័យមានសំណួរ"),
        "the state says the office has a question"
    );
    assert!(html.contains("តើផ្លូវនៅភូមិណា?"), "the question is shown");
    assert!(
        html.contains("id=\"citizen-answer\"") && html.contains("ផ្ញើចម្លើយ"),
        "{html}"
    );
}

#[test]
fn a_rating_given_offline_is_kept_and_shown_as_waiting_not_sent() {
    use ourvoice_outbox::{ActionBody, ActionState};
    use ourvoice_protocol::{CaseStatus, ReplyKind};
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    let id = accepted_complaint(&device, CaseStatus::Received, 1);
    office_replies(
        &device,
        id,
        CaseStatus::Answered,
        ReplyKind::Answer,
        "បានជួសជុលហើយ",
    );
    let mut dom = detail(&device, id);
    let mut mutations = dioxus::core::Mutations::default();
    dom.render_immediate(&mut mutations);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("id=\"rate-answer\""), "{html}");
    // The rating card's listeners come last: its send button (a static part of the card's
    // template), then the five stars (rendered into it).
    let targets = click_targets(&mutations);
    let (send, four_stars) = (targets[targets.len() - 6], targets[targets.len() - 2]);
    click(&mut dom, four_stars);
    assert!(dioxus_ssr::render(&dom).contains("aria-checked=\"true\""));
    click(&mut dom, send);

    let actions = device.outbox.actions_of(id).unwrap();
    assert_eq!(actions.len(), 1, "stored at once");
    assert_eq!(actions[0].body, ActionBody::Rating(4));
    assert!(actions[0].state.is_pending(), "{:?}", actions[0].state);
    assert!(!matches!(actions[0].state, ActionState::Sent { .. }));
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("ការវាយតម្លៃរបស់អ្នក"), "{html}");
    assert!(html.contains("★★★★ — ល្អ"), "{html}");
    assert!(
        html.contains("កំពុងរង់ចាំផ្ញើ") || html.contains("កំពុងផ្ញើ"),
        "shown as waiting: {html}"
    );
    assert!(!html.contains("ត្រូវបានផ្ញើ"), "never called sent: {html}");
    assert!(
        !html.contains("id=\"rate-answer\""),
        "no second rating while one waits"
    );
}

#[test]
fn a_refused_answer_keeps_its_text_and_says_why_in_khmer() {
    use ourvoice_outbox::{ActionBody, ActionSettlement};
    use ourvoice_protocol::CaseStatus;
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    let id = accepted_complaint(&device, CaseStatus::Answered, 3);
    let request_id = device
        .outbox
        .queue_action(id, ActionBody::Answer("ភូមិទី៣".into()), 1)
        .unwrap();
    device.outbox.claim_due_action(1, true).unwrap().unwrap();
    let refused = ActionSettlement::Refused {
        code: "wrong_state".into(),
    };
    device
        .outbox
        .settle_action(request_id, &refused, 2)
        .unwrap();

    let mut dom = detail(&device, id);
    dom.render_immediate(&mut dioxus::core::NoOpMutations);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("ភូមិទី៣"), "the text is kept: {html}");
    assert!(
        html.contains("ការិយាល័យលែងរង់ចាំចម្លើយនេះហើយ"),
        "why, in Khmer: {html}"
    );
    assert!(html.contains("data-state=\"refused\""));
}
