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

/// Claims the one action queued, as the sync engine does before sending it. The device's own
/// engine syncs in the background with a server that is not there: it may hold the action for
/// the moment its send takes to fail, then puts it back, and it is claimed here.
fn claim_queued_action(device: &Device) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while device.outbox.claim_due_action(1, true).unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the queued action was never free to claim"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
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
        hide_text: false,
        attachments: Vec::new(),
    }
}

/// A complaint on the phone that the server accepted as case 7 of CH-120101, now in
/// `status` at event `seq`.
fn accepted_complaint(
    device: &Arc<Device>,
    status: ourvoice_protocol::CaseStatus,
    seq: u64,
) -> uuid::Uuid {
    accepted_complaint_due(device, status, seq, None)
}

/// As [`accepted_complaint`], with the office's deadline (Unix milliseconds) the server gave.
fn accepted_complaint_due(
    device: &Arc<Device>,
    status: ourvoice_protocol::CaseStatus,
    seq: u64,
    answer_by: Option<i64>,
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
        answer_by,
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

/// Renders what is pending, and again until the tasks that started (the views' reads of the
/// outbox, which run off the render path) have finished and their results are rendered.
fn render_settled(dom: &mut VirtualDom, to: &mut impl dioxus::core::WriteMutations) {
    for _ in 0..5 {
        dom.render_immediate(to);
    }
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

/// Clicks element `id` and renders until settled ([`press`], when what changed is not wanted).
fn click(dom: &mut VirtualDom, id: dioxus::core::ElementId) {
    press(dom, id);
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
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
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
    render_settled(&mut dom, &mut mutations);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("id=\"rate-answer\""), "{html}");
    // The rating card's listeners come before the first card's three buttons (the tracking
    // code's copy and share, the office's scorecard; siblings are created last first): its
    // send button (a static part of the card's template), then the five stars (rendered into
    // it).
    let targets = click_targets(&mutations);
    let (send, four_stars) = (targets[targets.len() - 9], targets[targets.len() - 5]);
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
    claim_queued_action(&device);
    let refused = ActionSettlement::Refused {
        code: "wrong_state".into(),
    };
    device
        .outbox
        .settle_action(request_id, &refused, 2)
        .unwrap();

    let mut dom = detail(&device, id);
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("ភូមិទី៣"), "the text is kept: {html}");
    assert!(
        html.contains("ការិយាល័យលែងរង់ចាំចម្លើយនេះហើយ"),
        "why, in Khmer: {html}"
    );
    assert!(html.contains("data-state=\"refused\""));
}

#[test]
fn the_case_says_when_the_office_should_answer_how_to_reach_it_and_who_said_what() {
    use ourvoice_outbox::{ActionBody, ActionSettlement};
    use ourvoice_protocol::{CaseStatus, OfficeContact, ReplyKind};
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    // Due on 15 January 2099 (noon in Cambodia), at a commune hall whose district has a
    // citizens' office; the office gave its telephone and hours.
    let due = chrono::DateTime::parse_from_rfc3339("2099-01-15T05:00:00Z").unwrap();
    let id = accepted_complaint_due(
        &device,
        CaseStatus::Received,
        1,
        Some(due.timestamp_millis()),
    );
    device
        .outbox
        .replace_office_contacts(&[OfficeContact {
            office: "CH-120101".into(),
            phone: Some("012 345 678".into()),
            hours: Some("ច័ន្ទ–សុក្រ ៧:៣០–១៧:០០".into()),
        }])
        .unwrap();
    office_replies(
        &device,
        id,
        CaseStatus::AwaitingCitizen,
        ReplyKind::Question,
        "តើផ្លូវនៅភូមិណា?",
    );
    // The citizen answered (the server's event 3); the office then answered (event 4).
    let request_id = device
        .outbox
        .queue_action(id, ActionBody::Answer("ភូមិទី៣".into()), 1)
        .unwrap();
    claim_queued_action(&device);
    let sent = ActionSettlement::Sent {
        seq: 3,
        status: CaseStatus::InProgress,
    };
    device.outbox.settle_action(request_id, &sent, 2).unwrap();
    let answer = ourvoice_protocol::CaseUpdate {
        id,
        seq: 4,
        at: chrono::Utc::now(),
        status: CaseStatus::InProgress,
        office: "CH-120101".into(),
        reply: Some(ourvoice_protocol::Reply {
            kind: ReplyKind::Answer,
            text: "យើងនឹងជួសជុលនៅសប្តាហ៍ក្រោយ".into(),
        }),
    };
    device.outbox.apply_updates(&[answer]).unwrap();

    let mut dom = detail(&device, id);
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    let html = dioxus_ssr::render(&dom);
    assert!(
        html.contains("ការិយាល័យគួរឆ្លើយមកអ្នក មុនថ្ងៃទី១៥ ខែមករា ឆ្នាំ២០៩៩"),
        "the deadline, day first in Khmer: {html}"
    );
    assert!(
        html.contains("ការិយាល័យប្រជាពលរដ្ឋ"),
        "where a late answer goes: {html}"
    );
    assert!(!html.contains("យឺតហើយ"), "not late");
    assert!(html.contains("012 345 678") && html.contains("ច័ន្ទ–សុក្រ ៧:៣០–១៧:០០"));
    // One conversation: the question, the citizen's answer, the office's answer, in order,
    // each saying who.
    let question = html.find("តើផ្លូវនៅភូមិណា?").unwrap();
    let mine = html.find("ភូមិទី៣").unwrap();
    let reply = html.find("យើងនឹងជួសជុលនៅសប្តាហ៍ក្រោយ").unwrap();
    assert!(question < mine && mine < reply, "{html}");
    assert_eq!(html.matches("data-from=\"office\"").count(), 2);
    assert_eq!(html.matches("data-from=\"citizen\"").count(), 1);
    // The code is shown in groups and spelled out for screen readers.
    let code = device.outbox.get(id).unwrap().unwrap().tracking_code;
    let spelled: Vec<String> = code.symbols().chars().map(String::from).collect();
    assert!(html.contains(&spelled[..4].join(" ")), "{html}");
    assert!(html.contains("id=\"copy-code\""));

    // Once the office's day has passed, the screen says the answer is late.
    let late = accepted_complaint_due(&device, CaseStatus::InProgress, 1, Some(1_000));
    let mut dom = detail(&device, late);
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("ចម្លើយយឺតហើយ"), "{html}");
    // A closed case has no deadline to show.
    let closed = accepted_complaint_due(&device, CaseStatus::ClosedResolved, 1, Some(1_000));
    let mut dom = detail(&device, closed);
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    assert!(!dioxus_ssr::render(&dom).contains("answer-deadline"));
}

/// The app on `screen` (unlocked) with the form filled in by `fill` (a valid anonymous complaint
/// about CH-120101 before it), rendered; the listeners it made.
fn on_screen(
    device: &Arc<Device>,
    screen: ourvoice::state::Screen,
    fill: impl FnOnce(&mut ourvoice::state::FormState),
) -> (VirtualDom, dioxus::core::Mutations) {
    device.outbox.set_setting("privacy_seen", "1").unwrap();
    let mut dom =
        VirtualDom::new(ourvoice::App).with_root_context(DeviceContext(Ok(Arc::clone(device))));
    dom.rebuild_in_place();
    let ui = dom
        .runtime()
        .consume_context::<ourvoice::state::Ui>(dioxus::core::ScopeId::APP)
        .unwrap();
    dom.in_runtime(|| {
        let mut ui = ui;
        let mut form = ourvoice::state::FormState {
            kind: Some(Kind::Complaint),
            place: Some("120101".into()),
            category: "civil_registration".into(),
            description: "ផ្លូវទៅផ្សារខូច".into(),
            ..Default::default()
        };
        fill(&mut form);
        ui.form.set(form);
        ui.go(screen);
        // Opened with the PIN, if one is set.
        ui.locked.set(false);
    });
    let mut mutations = dioxus::core::Mutations::default();
    render_settled(&mut dom, &mut mutations);
    (dom, mutations)
}

fn ui_of(dom: &VirtualDom) -> ourvoice::state::Ui {
    dom.runtime()
        .consume_context::<ourvoice::state::Ui>(dioxus::core::ScopeId::APP)
        .unwrap()
}

/// The opening tag of the element with this id.
fn tag_of(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}: {html}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    html[start..=end].to_string()
}

/// Ids of the elements that listen for `change` (the form's checkboxes), in document order.
fn change_targets(mutations: &dioxus::core::Mutations) -> Vec<dioxus::core::ElementId> {
    mutations
        .edits
        .iter()
        .filter_map(|edit| match edit {
            dioxus::core::Mutation::NewEventListener { name, id } if name == "change" => Some(*id),
            _ => None,
        })
        .collect()
}

/// Ticks (or unticks) a checkbox as a browser would report it.
fn tick(dom: &mut VirtualDom, id: dioxus::core::ElementId, checked: bool) {
    use dioxus::html::{PlatformEventData, SerializedFormData, SerializedHtmlEventConverter};
    let data = PlatformEventData::new(Box::new(SerializedFormData::new(
        checked.to_string(),
        Vec::new(),
    )));
    fire(
        dom,
        "change",
        id,
        Box::new(SerializedHtmlEventConverter),
        data,
    );
}

#[test]
fn the_choice_to_publish_is_offered_off_only_where_text_may_be_public() {
    use ourvoice::state::Screen;
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    let (dom, _) = on_screen(&device, Screen::Form, |_| {});
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("id=\"publish-text\""), "offered: {html}");
    assert!(
        !tag_of(&html, "publish-text").contains("checked"),
        "off until the citizen ticks it: {html}"
    );
    assert!(!ui_of(&dom).form.read().publish_text);
    for words in [
        "អ្វីដែលអ្នកណាក៏អាចមើលឃើញ",
        "ការិយាល័យ ទីកន្លែង ប្រភេទសេវា ថ្ងៃខែ",
        "គេមិនដែលឃើញថាអ្នកជានរណា ឈ្មោះ ឬលេខទូរសព្ទរបស់អ្នកទេ",
        "ឱ្យអ្នកណាក៏អាចអានអ្វីដែលខ្ញុំសរសេរ",
    ] {
        assert!(html.contains(words), "missing {words}: {html}");
    }

    type Fill = fn(&mut ourvoice::state::FormState);
    let cases: [(&str, Fill); 3] = [
        ("about staff", |f| f.about_staff = true),
        ("confidential", |f| {
            f.confidential = true;
            f.name = "សុខ ចាន់".into();
            f.phone = "012 345 678".into();
        }),
        ("evaluation", |f| {
            f.kind = Some(Kind::Evaluation);
            f.overall = Some(4);
        }),
    ];
    for (name, fill) in cases {
        let folder = tempfile::tempdir().unwrap();
        let device = self::device(&folder);
        let (dom, _) = on_screen(&device, Screen::Form, |f| {
            // Even a choice left over from before is neither shown nor sent.
            f.publish_text = true;
            fill(f);
        });
        let html = dioxus_ssr::render(&dom);
        assert!(!html.contains("id=\"publish-text\""), "{name}: {html}");
        assert!(
            html.contains("មានតែការិយាល័យដែលដោះស្រាយរឿងនេះទេ ដែលអានអ្វីដែលអ្នកសរសេរ"),
            "{name}: says the text stays with the office: {html}"
        );
        let draft = ui_of(&dom).form.read().to_draft(Lang::Km).unwrap();
        assert!(!draft.publish_text, "{name}");
        let (dom, _) = on_screen(&device, Screen::Review, |f| {
            f.publish_text = true;
            fill(f);
        });
        let html = dioxus_ssr::render(&dom);
        assert!(
            html.contains("data-public=\"false\"") && !html.contains("data-public=\"true\""),
            "{name}: {html}"
        );
    }
}

#[test]
fn a_ticked_choice_is_on_the_review_and_reaches_the_outbox() {
    use ourvoice::state::Screen;
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    // A complaint has three checkboxes, "about staff", "let everyone read" and "hide on this
    // phone"; which listener is which is the renderer's business, so find each by what ticking
    // it changes.
    let which = |ticked: fn(&ourvoice::state::FormState) -> bool| {
        (0..3)
            .find(|&candidate| {
                let (mut dom, mutations) = on_screen(&device, Screen::Form, |_| {});
                let boxes = change_targets(&mutations);
                assert_eq!(boxes.len(), 3, "{boxes:?}");
                tick(&mut dom, boxes[candidate], true);
                let form = ui_of(&dom).form.read().clone();
                ticked(&form)
            })
            .expect("a checkbox for it")
    };
    let (publish, staff) = (which(|f| f.publish_text), which(|f| f.about_staff));
    let (mut dom, mutations) = on_screen(&device, Screen::Form, |_| {});
    let boxes = change_targets(&mutations);
    tick(&mut dom, boxes[publish], true);
    let ui = ui_of(&dom);
    assert!(!ui.form.read().about_staff, "{:?}", ui.form.read());
    assert!(tag_of(&dioxus_ssr::render(&dom), "publish-text").contains("checked"));

    // Ticking "about staff" takes the choice away, and unticking does not bring it back ticked.
    tick(&mut dom, boxes[staff], true);
    let html = dioxus_ssr::render(&dom);
    assert!(!html.contains("id=\"publish-text\""), "{html}");
    assert!(!ui.form.read().publish_text);
    tick(&mut dom, boxes[staff], false);
    let html = dioxus_ssr::render(&dom);
    assert!(!tag_of(&html, "publish-text").contains("checked"), "{html}");

    // On the review: whether the text will be public, in words.
    let (dom, _) = on_screen(&device, Screen::Review, |_| {});
    let html = dioxus_ssr::render(&dom);
    assert!(
        html.contains("data-public=\"false\"") && html.contains("មិនបង្ហាញឱ្យអ្នកដទៃឃើញទេ"),
        "{html}"
    );
    let (mut dom, mutations) = on_screen(&device, Screen::Review, |f| f.publish_text = true);
    let html = dioxus_ssr::render(&dom);
    assert!(
        html.contains("data-public=\"true\"")
            && html.contains("អ្នកណាក៏អាចអានអ្វីដែលអ្នកសរសេរ និងចម្លើយរបស់ការិយាល័យ"),
        "{html}"
    );
    // Send is the last button of the review.
    let send = *click_targets(&mutations).last().unwrap();
    click(&mut dom, send);
    let items = device.outbox.list().unwrap();
    assert_eq!(items.len(), 1, "stored by Send");
    assert!(items[0].submission.publish_text);
    assert!(serde_json::to_string(&items[0].submission)
        .unwrap()
        .contains("\"publish_text\":true"));
}

#[test]
fn the_privacy_page_says_what_anyone_can_see_in_both_languages() {
    use ourvoice::state::Screen;
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    let (dom, _) = on_screen(&device, Screen::Privacy, |_| {});
    let html = dioxus_ssr::render(&dom);
    assert!(
        html.contains("អ្វីដែលអ្នកណាក៏អាចមើលឃើញ") && html.contains("បង្ហាញតែពេលអ្នកជ្រើសរើសឱ្យបង្ហាញប៉ុណ្ណោះ"),
        "{html}"
    );
    device.outbox.set_setting("lang", "en").unwrap();
    let (dom, _) = on_screen(&device, Screen::Privacy, |_| {});
    let html = dioxus_ssr::render(&dom);
    assert!(
        html.contains("What anyone can see")
            && html.contains("Never who you are, never your name or phone number")
            && html.contains("shown only if you choose it"),
        "{html}"
    );
}

/// Breaks the device's storage the way a full or damaged disk would: `sql` runs on a second
/// connection to its database file.
fn break_storage(folder: &tempfile::TempDir, sql: &str) {
    let conn = rusqlite::Connection::open(folder.path().join("outbox.db")).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn a_setting_the_phone_cannot_save_is_said_in_the_citizens_language() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    device.outbox.set_setting("privacy_seen", "1").unwrap();
    break_storage(
        &folder,
        "CREATE TRIGGER full_disk BEFORE INSERT ON settings
             BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;",
    );
    let mut dom =
        VirtualDom::new(ourvoice::App).with_root_context(DeviceContext(Ok(Arc::clone(&device))));
    let mutations = dom.rebuild_to_vec();
    let html = dioxus_ssr::render(&dom);
    assert!(!html.contains("id=\"storage-problem\""), "{html}");
    // The language switch: English now, but this phone could not remember it.
    let switch = click_targets(&mutations)[0];
    click(&mut dom, switch);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("What would you like to do?"), "{html}");
    assert!(
        html.contains("id=\"storage-problem\"")
            && html.contains("This phone could not save this choice."),
        "{html}"
    );
    assert!(device.outbox.setting("lang").unwrap().is_none());
}

#[test]
fn an_unreadable_storage_is_never_shown_as_not_found() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    let id = accepted_complaint(&device, ourvoice_protocol::CaseStatus::Received, 1);

    // A case this phone no longer has is "not found" (in Khmer, the saved language).
    let mut dom = detail(&device, uuid::Uuid::new_v4());
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("មតិនេះលែងមាននៅលើទូរសព្ទនេះទៀតហើយ"), "{html}");

    // A case the phone cannot read is a storage problem, not "not found".
    break_storage(&folder, "ALTER TABLE submissions RENAME TO unreadable;");
    let mut dom = detail(&device, id);
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    let html = dioxus_ssr::render(&dom);
    assert!(
        html.contains("ទូរសព្ទនេះមិនអាចអានកន្លែងផ្ទុកទិន្នន័យរបស់កម្មវិធីបានទេ"),
        "{html}"
    );
    assert!(!html.contains("មតិនេះលែងមាននៅលើទូរសព្ទនេះទៀតហើយ"), "{html}");
}

#[test]
fn the_sync_line_shows_the_engines_snapshot_and_says_when_storage_cannot_be_read() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    device.outbox.set_setting("privacy_seen", "1").unwrap();
    // The engine's first round (nothing to send) is over before anything is queued.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while device.engine.subscribe().borrow().last_contact_at.is_none() {
        assert!(std::time::Instant::now() < deadline, "the engine never ran");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let mut dom =
        VirtualDom::new(ourvoice::App).with_root_context(DeviceContext(Ok(Arc::clone(&device))));
    dom.rebuild_in_place();
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("មិនទាន់បានផ្ញើអ្វីនៅឡើយ"), "{html}");
    // Nothing sent yet carries no tick, as if something had been done.
    assert!(html.contains(r#"data-icon="empty""#), "{html}");
    assert!(!html.contains(r#"data-icon="check""#), "{html}");

    // Queued behind the sync line's back: it shows the engine's snapshot until the outbox's
    // writer refreshes it.
    device
        .outbox
        .submit(
            draft("ផ្លូវខូច"),
            ourvoice_directory::Directory::embedded(),
            "test",
            chrono::Utc::now(),
        )
        .unwrap();
    let ui = ui_of(&dom);
    dom.in_runtime(|| ui.clone().refreshed(&device.engine));
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("១ កំពុងរង់ចាំផ្ញើ"), "{html}");

    // Counts the phone cannot read are a storage problem, never "nothing sent yet".
    break_storage(&folder, "ALTER TABLE submissions RENAME TO unreadable;");
    dom.in_runtime(|| ui.clone().refreshed(&device.engine));
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("កន្លែងផ្ទុកទិន្នន័យរបស់ទូរសព្ទនេះមានបញ្ហា"), "{html}");
    assert!(!html.contains("មិនទាន់បានផ្ញើអ្វីនៅឡើយ"), "{html}");
}

/// The app as it opens on this device, rendered, with the listeners it made.
fn opened(device: &Arc<Device>) -> (VirtualDom, dioxus::core::Mutations) {
    let mut dom =
        VirtualDom::new(ourvoice::App).with_root_context(DeviceContext(Ok(Arc::clone(device))));
    let mut mutations = dom.rebuild_to_vec();
    render_settled(&mut dom, &mut mutations);
    (dom, mutations)
}

/// The element whose `id` attribute the renderer set to `name` (a dynamic attribute, such as
/// the PIN pad's `{id}-key-{digit}`).
fn element(mutations: &dioxus::core::Mutations, name: &str) -> dioxus::core::ElementId {
    mutations
        .edits
        .iter()
        .find_map(|edit| match edit {
            dioxus::core::Mutation::SetAttribute {
                name: "id",
                value: dioxus::core::AttributeValue::Text(value),
                id,
                ..
            } if value == name => Some(*id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no #{name} among the edits"))
}

/// Presses `digits` on the PIN pad `pad` (as rendered in `mutations`), then its confirming key;
/// what the renderer did about the last.
fn press_pin(
    dom: &mut VirtualDom,
    mutations: &dioxus::core::Mutations,
    pad: &str,
    digits: &str,
) -> dioxus::core::Mutations {
    for digit in digits.chars() {
        click(dom, element(mutations, &format!("{pad}-key-{digit}")));
    }
    press(dom, element(mutations, &format!("{pad}-ok")))
}

#[test]
fn with_a_pin_the_app_opens_locked_and_only_the_right_pin_opens_it() {
    use ourvoice_protocol::CaseStatus;
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    accepted_complaint(&device, CaseStatus::Received, 1);
    device.outbox.set_pin("2580").unwrap();

    let (mut dom, mutations) = opened(&device);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("data-screen=\"Lock\""), "{html}");
    assert!(html.contains("ចុចលេខសម្ងាត់របស់អ្នក"), "{html}");
    // The keypad in Khmer digits; nothing of the feedback, the home screen or a way back.
    for digit in ["១", "២", "៣", "៤", "៥", "៦", "៧", "៨", "៩", "០"] {
        assert!(html.contains(&format!(">{digit}<")), "{digit}: {html}");
    }
    for hidden in ["open-feedback", "start-complaint", "id=\"back\"", "ផ្លូវខូច"] {
        assert!(!html.contains(hidden), "{hidden} while locked: {html}");
    }
    press_pin(&mut dom, &mutations, "lock-pad", "1111");
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("data-screen=\"Lock\""), "{html}");
    assert!(
        html.contains("id=\"lock-refused\"") && html.contains("លេខសម្ងាត់មិនត្រូវទេ"),
        "{html}"
    );
    assert!(
        html.contains("data-count=\"0\""),
        "the pad forgot the digits: {html}"
    );
    // Digits beyond six are not kept, and deleting takes the last one back.
    for _ in 0..8 {
        click(&mut dom, element(&mutations, "lock-pad-key-1"));
    }
    assert!(dioxus_ssr::render(&dom).contains("data-count=\"6\""));
    let delete = element(&mutations, "lock-pad-delete");
    click(&mut dom, delete);
    assert!(dioxus_ssr::render(&dom).contains("data-count=\"5\""));
    for _ in 0..5 {
        click(&mut dom, delete);
    }
    press_pin(&mut dom, &mutations, "lock-pad", "2580");
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("data-screen=\"Home\""), "{html}");
    assert!(html.contains("id=\"open-feedback\""), "{html}");

    // Forgot the PIN: said plainly, and nothing opens.
    let (mut dom, mutations) = opened(&device);
    // The language switch, then the lock screen's own "I forgot my PIN".
    click(&mut dom, click_targets(&mutations)[1]);
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("id=\"lock-forgot-help\""), "{html}");
    assert!(html.contains("លុបទិន្នន័យ"), "{html}");
    assert!(html.contains("data-screen=\"Lock\""), "{html}");
}

#[test]
fn waits_after_wrong_pins_are_said_in_the_citizens_digits_and_kept_across_a_restart() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    device.outbox.set_setting("privacy_seen", "1").unwrap();
    device.outbox.set_pin("2580").unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    for _ in 0..4 {
        device.outbox.check_pin("0000", now).unwrap();
    }
    // The app restarts during the 30 seconds' wait: even the right PIN waits.
    let (mut dom, mutations) = opened(&device);
    press_pin(&mut dom, &mutations, "lock-pad", "2580");
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("data-screen=\"Lock\""), "{html}");
    assert!(
        ["៣០", "២៩", "២៨"]
            .iter()
            .any(|s| html.contains(&format!("សូមរង់ចាំ {s} វិនាទី"))),
        "{html}"
    );
    device.outbox.set_setting("lang", "en").unwrap();
    let (mut dom, mutations) = opened(&device);
    press_pin(&mut dom, &mutations, "lock-pad", "2580");
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("seconds, then try again"), "{html}");
    assert!(
        html.contains(">1<") && html.contains(">0<"),
        "Latin digits in English"
    );
}

#[test]
fn coming_back_after_a_while_in_the_background_locks_again() {
    use ourvoice::platform::{handle, SystemEvent, RELOCK_AFTER};
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    device.outbox.set_setting("privacy_seen", "1").unwrap();
    let (mut dom, _) = opened(&device);
    let ui = ui_of(&dom);
    let away = |dom: &mut VirtualDom, how_long: std::time::Duration| {
        dom.in_runtime(|| {
            let mut ui = ui;
            handle(SystemEvent::Background, &mut ui, Some(&device.engine));
            let since = std::time::Instant::now() - how_long;
            ui.away_since.set(Some(since));
            handle(SystemEvent::Foreground, &mut ui, Some(&device.engine));
        });
        render_settled(dom, &mut dioxus::core::NoOpMutations);
        dioxus_ssr::render(dom)
    };
    // Without a PIN nothing locks.
    let html = away(&mut dom, RELOCK_AFTER * 2);
    assert!(html.contains("data-screen=\"Home\""), "{html}");
    device.outbox.set_pin("2580").unwrap();
    // A short look elsewhere does not lock; a while away does.
    let html = away(&mut dom, RELOCK_AFTER / 3);
    assert!(html.contains("data-screen=\"Home\""), "{html}");
    let html = away(&mut dom, RELOCK_AFTER);
    assert!(html.contains("data-screen=\"Lock\""), "{html}");
    // While locked, the system's back button is the system's (it leaves the app).
    dom.in_runtime(|| {
        let mut ui = ui;
        assert!(!handle(SystemEvent::Back, &mut ui, Some(&device.engine)));
    });
}

/// Settings with the app lock's card in `step` words: the listener that leads there from the
/// screen as it opens (found by trying each), and what the renderer did.
fn settings_after(device: &Arc<Device>, words: &str) -> (VirtualDom, dioxus::core::Mutations) {
    use ourvoice::state::Screen;
    let (_, mutations) = on_screen(device, Screen::Settings, |_| {});
    for target in click_targets(&mutations) {
        let (mut dom, _) = on_screen(device, Screen::Settings, |_| {});
        let seen = press(&mut dom, target);
        if dioxus_ssr::render(&dom).contains(words) {
            return (dom, seen);
        }
    }
    panic!("nothing on Settings leads to {words:?}");
}

#[test]
fn a_pin_is_set_twice_the_same_in_settings_and_removed_only_with_it() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    device.outbox.set_setting("lang", "en").unwrap();
    let pad = "lock-settings-pad";
    let (mut dom, seen) = settings_after(&device, "id=\"lock-settings-pad\"");
    assert!(dioxus_ssr::render(&dom).contains("data-pin=\"off\""));
    let seen = press_pin(&mut dom, &seen, pad, "1357");
    assert!(dioxus_ssr::render(&dom).contains("Press the same PIN again"));
    // Two different PINs: nothing is set, and the citizen chooses again.
    let seen = press_pin(&mut dom, &seen, pad, "2468");
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("The two PINs were not the same"), "{html}");
    assert!(html.contains("Choose a PIN of 4 to 6 digits"), "{html}");
    assert!(!device.outbox.has_pin().unwrap());
    let seen = press_pin(&mut dom, &seen, pad, "135790");
    press_pin(&mut dom, &seen, pad, "135790");
    let html = dioxus_ssr::render(&dom);
    assert!(
        html.contains("PIN saved") && html.contains("data-pin=\"on\""),
        "{html}"
    );
    assert!(device.outbox.has_pin().unwrap());
    let stored = device.outbox.setting("pin_hash").unwrap().unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains("135790"));

    // Removing takes the current PIN: a wrong one is refused and counted, the right one removes.
    let pad = "lock-remove-pad";
    let (mut dom, seen) = settings_after(&device, "id=\"lock-remove-pad\"");
    press_pin(&mut dom, &seen, pad, "1357");
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("Wrong PIN. Try again."), "{html}");
    assert!(device.outbox.has_pin().unwrap());
    press_pin(&mut dom, &seen, pad, "135790");
    let html = dioxus_ssr::render(&dom);
    assert!(
        html.contains("PIN removed") && html.contains("data-pin=\"off\""),
        "{html}"
    );
    assert!(!device.outbox.has_pin().unwrap());
}

#[test]
fn the_text_of_a_complaint_about_staff_is_hidden_on_the_phone_once_received() {
    use ourvoice::state::Screen;
    use ourvoice_protocol::CaseStatus;
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    // Offered off for other complaints, on by default for one about the office's staff.
    let (dom, _) = on_screen(&device, Screen::Form, |_| {});
    let html = dioxus_ssr::render(&dom);
    assert!(!tag_of(&html, "hide-text").contains("checked"), "{html}");
    assert!(html.contains("លាក់អ្វីដែលខ្ញុំសរសេរ នៅលើទូរសព្ទនេះ"), "{html}");
    let (dom, _) = on_screen(&device, Screen::Form, |f| f.about_staff = true);
    assert!(tag_of(&dioxus_ssr::render(&dom), "hide-text").contains("checked"));
    // Said on the review, and stored with the item by Send.
    let (mut dom, mutations) = on_screen(&device, Screen::Review, |f| {
        f.about_staff = true;
        f.description = "មន្ត្រីឈ្មោះសុខ សុំលុយខ្ញុំ".into();
    });
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("data-hide=\"true\""), "{html}");
    let send = *click_targets(&mutations).last().unwrap();
    click(&mut dom, send);
    let items = device.outbox.list().unwrap();
    assert_eq!(items.len(), 1, "stored by Send");
    assert!(items[0].hide_text && !items[0].text_hidden);
    let id = items[0].id;

    // Until the office has it, the citizen still reads it.
    let mut dom = detail(&device, id);
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    assert!(dioxus_ssr::render(&dom).contains("មន្ត្រីឈ្មោះសុខ សុំលុយខ្ញុំ"));
    // Received: the text is gone from the phone, and the screen says it is hidden.
    device.outbox.claim_due(0, 10, 1 << 20, true).unwrap();
    let accepted = ourvoice_outbox::Settlement::Accepted {
        server_number: 9,
        office: "CH-120101".into(),
        status: CaseStatus::Received,
        seq: 1,
        received_at: 0,
        answer_by: None,
    };
    device.outbox.settle(&[(id, accepted)], 0).unwrap();
    for (lang, words) in [
        ("km", "បានលាក់នៅលើទូរសព្ទនេះ"),
        ("en", "Your text is hidden on this phone."),
    ] {
        device.outbox.set_setting("lang", lang).unwrap();
        let mut dom = detail(&device, id);
        render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
        let html = dioxus_ssr::render(&dom);
        assert!(
            html.contains("id=\"detail-text-hidden\"") && html.contains(words),
            "{html}"
        );
        assert!(!html.contains("មន្ត្រីឈ្មោះសុខ"), "{html}");
        assert!(html.contains("OV-"), "the tracking code stays: {html}");
    }
}

/// Fires `name` on element `id` with `data`, then renders until settled; what changed.
fn fire(
    dom: &mut VirtualDom,
    name: &str,
    id: dioxus::core::ElementId,
    data: Box<dyn dioxus::html::HtmlEventConverter>,
    event: dioxus::html::PlatformEventData,
) -> dioxus::core::Mutations {
    dioxus::html::set_event_converter(data);
    let event = Event::new(
        std::rc::Rc::new(event) as std::rc::Rc<dyn std::any::Any>,
        true,
    );
    dom.runtime().handle_event(name, event, id);
    let mut mutations = dioxus::core::Mutations::default();
    render_settled(dom, &mut mutations);
    mutations
}

/// Clicks element `id`, then renders until settled; what changed.
fn press(dom: &mut VirtualDom, id: dioxus::core::ElementId) -> dioxus::core::Mutations {
    use dioxus::html::{PlatformEventData, SerializedHtmlEventConverter, SerializedMouseData};
    let data = PlatformEventData::new(Box::new(SerializedMouseData::default()));
    fire(
        dom,
        "click",
        id,
        Box::new(SerializedHtmlEventConverter),
        data,
    )
}

/// Types `text` into the field `id` as a browser reports it.
fn type_into(
    dom: &mut VirtualDom,
    id: dioxus::core::ElementId,
    text: &str,
) -> dioxus::core::Mutations {
    use dioxus::html::{PlatformEventData, SerializedFormData, SerializedHtmlEventConverter};
    let data = PlatformEventData::new(Box::new(SerializedFormData::new(
        text.to_string(),
        Vec::new(),
    )));
    fire(
        dom,
        "input",
        id,
        Box::new(SerializedHtmlEventConverter),
        data,
    )
}

/// The elements given a value of attribute `name` in `mutations`, with that value, in order.
fn with_attribute(
    mutations: &dioxus::core::Mutations,
    name: &str,
) -> Vec<(String, dioxus::core::ElementId)> {
    mutations
        .edits
        .iter()
        .filter_map(|edit| match edit {
            dioxus::core::Mutation::SetAttribute {
                name: set,
                value: dioxus::core::AttributeValue::Text(value),
                id,
                ..
            } if *set == name => Some((value.clone(), *id)),
            _ => None,
        })
        .collect()
}

/// The element whose `data-code` is `code` in `mutations`.
fn by_code(mutations: &dioxus::core::Mutations, code: &str) -> dioxus::core::ElementId {
    with_attribute(mutations, "data-code")
        .into_iter()
        .find(|(value, _)| value == code)
        .unwrap_or_else(|| panic!("no [data-code={code}]"))
        .1
}

/// The `data-code`s of the rows inside the list with id `list`, in order.
fn codes_in(html: &str, list: &str) -> Vec<String> {
    let start = html
        .find(&format!("id=\"{list}\""))
        .unwrap_or_else(|| panic!("no #{list}: {html}"));
    let rest = &html[start..];
    let end = rest.find("</ul>").unwrap_or(rest.len());
    rest[..end]
        .split("data-code=\"")
        .skip(1)
        .map(|part| part[..part.find('"').unwrap()].to_string())
        .collect()
}

#[test]
fn the_place_used_before_comes_first_named_by_its_place_with_more_on_request() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    let earlier = Draft {
        place: "020103".into(),
        ..draft("ផ្លូវខូច")
    };
    device
        .outbox
        .submit(
            earlier,
            ourvoice_directory::Directory::embedded(),
            "test",
            chrono::Utc::now(),
        )
        .unwrap();
    let (mut dom, mutations) = on_screen(&device, ourvoice::state::Screen::Place, |_| {});
    let html = dioxus_ssr::render(&dom);
    // Before typing: the place used before, as the office that answers for it, titled by the
    // commune, tagged with the kind of office, with the places above it (not repeating it).
    assert_eq!(codes_in(&html, "place-recent"), ["CH-020103"], "{html}");
    assert!(html.contains("ធ្លាប់ប្រើ"), "{html}");
    for words in ["ឃុំបាយដំរាំ", "សាលាឃុំ", "ស្រុកបាណន់", "ខេត្តបាត់ដំបង"]
    {
        assert!(html.contains(words), "{words}: {html}");
    }
    assert!(!html.contains("សាលាឃុំបាយដំរាំ"), "no long office name: {html}");

    let field = mutations
        .edits
        .iter()
        .find_map(|edit| match edit {
            dioxus::core::Mutation::NewEventListener { name, id } if name == "input" => Some(*id),
            _ => None,
        })
        .expect("the search field");
    let typed = type_into(&mut dom, field, "បា");
    let html = dioxus_ssr::render(&dom);
    let first = codes_in(&html, "place-results");
    assert_eq!(first.len(), 20, "{html}");
    assert_eq!(first[0], "CH-020103", "the recent place leads: {first:?}");
    assert!(
        html.contains(r#"data-code="CH-020103" data-recent="true""#),
        "{html}"
    );
    // Battambang's two provincial offices: the same title, told apart by their tags.
    assert!(first.contains(&"OWSU-02".to_string()) && first.contains(&"PCO-02".to_string()));
    assert!(html.contains("ច្រកចេញចូលតែមួយ") && html.contains("ការិយាល័យប្រជាពលរដ្ឋ"));
    assert!(html.contains("id=\"place-more\""), "{html}");

    // "Show more" adds the next twenty after the first, which stay where they were.
    let more = *click_targets(&typed).last().expect("the more button");
    press(&mut dom, more);
    let html = dioxus_ssr::render(&dom);
    let all = codes_in(&html, "place-results");
    assert_eq!(all.len(), 40, "{html}");
    assert_eq!(all[..20], first[..]);

    // A query matching nothing says so in the citizen's language.
    type_into(&mut dom, field, "xyzzy");
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("រកមិនឃើញទីកន្លែង"), "{html}");
    assert!(!html.contains("id=\"place-more\""), "{html}");
}

#[test]
fn the_list_goes_province_district_commune_and_ends_at_the_communes_hall() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    device.outbox.set_setting("lang", "en").unwrap();
    let (mut dom, mutations) = on_screen(&device, ourvoice::state::Screen::Place, |_| {});
    let modes = with_attribute(&mutations, "aria-pressed");
    assert_eq!(modes.len(), 2);
    let steps = press(&mut dom, modes[1].1);
    let html = dioxus_ssr::render(&dom);
    assert!(
        html.contains("Choose the province or the capital"),
        "{html}"
    );
    let provinces = codes_in(&html, "place-browse");
    assert_eq!(provinces.len(), 25);
    assert_eq!(provinces[..3], ["01", "02", "03"]);

    let steps = press(&mut dom, by_code(&steps, "02"));
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("Choose the district"), "{html}");
    assert!(
        html.contains("All provinces") && html.contains("Battambang"),
        "{html}"
    );
    assert_eq!(codes_in(&html, "place-browse")[..2], ["0205", "0201"]);
    assert_eq!(codes_in(&html, "place-offices"), ["OWSU-02", "PCO-02"]);
    assert!(html.contains("Offices for all of Battambang"), "{html}");

    let steps = press(&mut dom, by_code(&steps, "0201"));
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("Choose the commune or sangkat"), "{html}");
    let communes = codes_in(&html, "place-browse");
    assert_eq!(communes[0], "CH-020103", "{communes:?}");
    assert!(communes.iter().all(|code| code.starts_with("CH-0201")));
    assert_eq!(codes_in(&html, "place-offices"), ["OWSO-0201", "DCO-0201"]);
    // The trail says where the rows are: they do not repeat it.
    assert_eq!(
        html.matches("Srok Banan").count(),
        2,
        "trail and heading: {html}"
    );

    press(&mut dom, by_code(&steps, "CH-020103"));
    let ui = ui_of(&dom);
    assert_eq!(ui.form.read().place.as_deref(), Some("CH-020103"));
    assert_eq!(ui.screen(), ourvoice::state::Screen::Form);
    // The form names it the same way: the commune, its kind of office, the places above.
    let html = dioxus_ssr::render(&dom);
    let place = &html[html.find("id=\"form-place\"").expect("the place")..];
    let place = &place[..place.find("</p>").unwrap()];
    for words in [
        "Khum Bay Damram",
        "Commune hall",
        "Srok Banan,",
        "Battambang",
    ] {
        assert!(place.contains(words), "{words}: {place}");
    }
    assert!(!html.contains("Commune hall, Khum Bay Damram"), "{html}");
    assert_eq!(
        ourvoice_directory::Directory::embedded().choose(
            "Bay Damram",
            ourvoice_protocol::Lang::En,
            &[],
            1
        )[0]
        .code,
        "CH-020103",
        "search gives the same choice"
    );
}

/// A scorecard of CH-120101 up to 4 December 2026 whose figures stand for `people` people each:
/// shown from 5 up, hidden below. Two quarters, and its district's and the country's offices of
/// its kind to compare with.
fn scorecard(people: u32) -> ourvoice_protocol::scorecards::Scorecard {
    use ourvoice_protocol::scorecards::*;
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let stars = |mean| Figure::of(mean, people);
    let figures = |within: f64| Figures {
        received: Figure::of(people * 2, people * 2),
        received_by_kind: ByKind {
            complaint: Figure::of(people, people),
            support: Figure::of(people / 2, people / 2),
            information: Figure::of(people / 2, people / 2),
            evaluation: Figure::of(0, 0),
        },
        answered: Figure::of(0.9, people),
        answered_within_deadline: Figure::of(within, people),
        median_days_to_first_answer: Figure::of(2.5, people),
        median_days_to_close: Figure::of(0.4, people),
        escalated: Figure::of(0, 0),
        rating: stars(4.2),
        rating_by_criterion: ByCriterion {
            speed: stars(2.6),
            staff_attitude: stars(4.6),
            fees_as_posted: stars(1.2),
            clarity_of_information: stars(3.0),
            facilities_and_access: stars(4.0),
        },
        asked_extra_payment: Figure::of(0.04, people),
    };
    let period = |first, last, label: &str| Period {
        first_day: first,
        last_day: last,
        label: label.into(),
    };
    Scorecard {
        subject: Subject::Office {
            code: "CH-120101".into(),
        },
        office_type: Some("commune_hall".into()),
        last_day: day(2026, 12, 4),
        year: period(day(2025, 12, 5), day(2026, 12, 4), "12-months"),
        figures: figures(0.7),
        by_people: ByPeople {
            gender: vec![Group {
                group: ourvoice_protocol::Code::as_str(ourvoice_protocol::Gender::Female).into(),
                figures: figures(0.8),
            }],
            age_band: Vec::new(),
            disability: Vec::new(),
        },
        quarters: vec![
            QuarterFigures {
                period: period(day(2026, 7, 1), day(2026, 9, 30), "2026-Q3"),
                figures: figures(0.5),
            },
            QuarterFigures {
                period: period(day(2026, 10, 1), day(2026, 12, 4), "2026-Q4"),
                figures: figures(1.0),
            },
        ],
        peers: vec![
            Peers {
                among: "district".into(),
                offices: 12,
                answered: Some(0.9),
                answered_within_deadline: Some(0.6),
                median_days_to_first_answer: Some(5.0),
                rating: Some(3.4),
            },
            Peers {
                among: "national".into(),
                offices: 1650,
                answered: None,
                answered_within_deadline: Some(0.8),
                median_days_to_first_answer: None,
                rating: None,
            },
        ],
        licence: LICENCE.into(),
    }
}

/// The app on the scorecard screen of CH-120101, in `lang`, rendered until the phone's request
/// for newer figures has ended (the device's server refuses at once: no internet).
fn scorecard_screen(device: &Arc<Device>, lang: Lang) -> (VirtualDom, String) {
    device.outbox.set_setting("lang", lang.code()).unwrap();
    let (mut dom, _) = on_screen(
        device,
        ourvoice::state::Screen::Scorecard("CH-120101".into()),
        |_| {},
    );
    let html = settle_until(&mut dom, "scorecard-offline");
    (dom, html)
}

/// Renders until `id` is on the screen (tasks that wait on the sync thread end by themselves).
fn settle_until(dom: &mut VirtualDom, id: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        render_settled(dom, &mut dioxus::core::NoOpMutations);
        let html = dioxus_ssr::render(dom);
        if html.contains(&format!("id=\"{id}\"")) {
            return html;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no #{id}: {}",
            shown(&html)
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// The page without its stylesheet (which embeds a font), for failure messages.
fn shown(html: &str) -> &str {
    html.find("data-screen").map_or(html, |at| &html[at..])
}

/// The text of the element with this id (tags removed).
fn text_of(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}: {}", shown(html)));
    let start = start + html[start..].find('>').unwrap() + 1;
    // The element ends where as many tags closed as opened.
    let (mut depth, mut at, mut text) = (1usize, start, String::new());
    while depth > 0 {
        let next = html[at..].find('<').map(|n| at + n).unwrap_or(html.len());
        text.push_str(&html[at..next]);
        if next == html.len() {
            break;
        }
        let end = next + html[next..].find('>').unwrap();
        let tag = &html[next..=end];
        if tag.starts_with("</") {
            depth -= 1;
        } else if !tag.ends_with("/>") {
            depth += 1;
        }
        at = end + 1;
    }
    text
}

/// Keeps `card` on the phone as the server's answer of `days_ago` days ago.
fn keep(device: &Arc<Device>, card: &ourvoice_protocol::scorecards::Scorecard, days_ago: i64) {
    let at = chrono::Utc::now() - chrono::Duration::days(days_ago);
    device
        .outbox
        .keep_scorecard(
            "CH-120101",
            &serde_json::to_string(card).unwrap(),
            Some("\"v1\""),
            at.timestamp_millis(),
        )
        .unwrap();
}

#[test]
fn a_kept_scorecard_reads_in_plain_words_offline_with_its_age_in_both_languages() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    keep(&device, &scorecard(23), 3);

    let (_dom, html) = scorecard_screen(&device, Lang::En);
    // (element, what a villager reads)
    for (id, words) in [
        (
            "scorecard-offline",
            "No internet: these are the figures kept on this phone.",
        ),
        (
            "scorecard-up-to",
            "Figures of the 12 months up to 4\u{a0}December",
        ),
        ("scorecard-age", "Last updated 3 days ago"),
        (
            "scorecard-answered",
            "Gives an answer 9 times out of 10 (from 23 people)",
        ),
        (
            "scorecard-within-deadline",
            "Answers within its deadline 7 times out of 10 (from 23 people)",
        ),
        (
            "scorecard-first-answer",
            "Half of the people got a first answer within 3 days",
        ),
        (
            "scorecard-closed",
            "Half of the matters were closed within a day",
        ),
        (
            "scorecard-rating",
            "People rated it 4 stars out of 5 (23 ratings)",
        ),
        (
            "scorecard-criterion-fees_as_posted",
            "Fees as posted 1 star out of 5 (23 ratings)",
        ),
        (
            "scorecard-extra-payment",
            "Asked to pay more than the posted fee less than once in 10 times (from 23 people)",
        ),
        (
            "scorecard-quarter-0",
            "Answers within its deadline 5 times out of 10",
        ),
        (
            "scorecard-quarter-1",
            "Answers within its deadline every time",
        ),
    ] {
        let text = text_of(&html, id);
        assert!(text.contains(words), "#{id}: {text:?} lacks {words:?}");
    }
    // What people sent, by kind: every count said, evaluations (none) hidden like any small one.
    let sent = text_of(&html, "scorecard-by-kind");
    for words in [
        "In all46",
        "Complaint23",
        "Request for support11",
        "Evaluationfewer than 5 people — not shown",
    ] {
        assert!(sent.contains(words), "{sent:?} lacks {words:?}");
    }
    let quarters = text_of(&html, "scorecard-quarters");
    assert!(quarters.contains("July – September 2026"), "{quarters}");
    assert!(quarters.contains("October – December 2026"), "{quarters}");
    // Against its peers, in words: the district's usual, and the country's where it is known.
    let compare = text_of(&html, "scorecard-compare");
    for words in [
        "Other offices of its kind in the district (12)",
        "Gives an answer as often as they usually do (usually 9 times out of 10)",
        "Answers within its deadline more often than they usually do (usually 6 times out of 10)",
        "Gives a first answer sooner than they usually do (usually half within 5 days)",
        "Rated higher than they usually are (usually 3 out of 5)",
        "Other offices of its kind in the whole country (1650)",
        "Answers within its deadline less often than they usually do (usually 8 times out of 10)",
    ] {
        assert!(compare.contains(words), "{compare:?} lacks {words:?}");
    }
    assert!(
        text_of(&html, "scorecard-gender").contains("Women"),
        "{html}"
    );
    // The bars and stars are drawn beside their sentences, hidden from screen readers.
    assert!(
        html.contains(r#"class="tenths" aria-hidden="true""#),
        "{html}"
    );
    assert!(
        html.contains(r#"class="star-row" aria-hidden="true""#),
        "{html}"
    );
    // The retry is a real button.
    assert!(
        tag_of(&html, "scorecard-retry").starts_with("<button"),
        "{html}"
    );

    let (_dom, html) = scorecard_screen(&device, Lang::Km);
    for (id, words) in [
        (
            "scorecard-offline",
            "គ្មានអ៊ីនធឺណិត៖ នេះជាតួលេខដែលរក្សាទុកនៅលើទូរសព្ទនេះ។",
        ),
        ("scorecard-up-to", "តួលេខរយៈពេល ១២ ខែ រហូតដល់ថ្ងៃទី៤\u{a0}ខែធ្នូ"),
        ("scorecard-age", "បានយកមកចុងក្រោយកាលពី ៣ ថ្ងៃមុន"),
        (
            "scorecard-within-deadline",
            "ឆ្លើយទាន់ពេលកំណត់ ៧ ដងក្នុងចំណោម ១០ ដង (ពីមនុស្ស ២៣ នាក់)",
        ),
        ("scorecard-first-answer", "ក្នុងរយៈពេល ៣ ថ្ងៃ"),
        ("scorecard-rating", "៤ ផ្កាយ ក្នុងចំណោម ៥ (២៣ នាក់បានវាយតម្លៃ)"),
    ] {
        let text = text_of(&html, id);
        assert!(text.contains(words), "#{id}: {text:?} lacks {words:?}");
    }
    // Khmer digits only (the licence's name aside).
    let main = text_of(&html, "scorecard").replace("CC BY 4.0", "");
    assert!(!main.chars().any(|c| c.is_ascii_digit()), "{main}");
}

#[test]
fn a_hidden_figure_says_fewer_than_five_people_and_never_a_number() {
    use ourvoice_protocol::scorecards::{Figure, Hidden};
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    let mut card = scorecard(23);
    card.figures.asked_extra_payment = Figure::of(0.5, 4);
    card.figures.median_days_to_first_answer = Figure::Hidden {
        hidden: Hidden::WouldRevealAnother,
    };
    card.figures.rating = Figure::of(5.0, 3);
    keep(&device, &card, 0);
    for (lang, fewer, protect) in [
        (
            Lang::En,
            "fewer than 5 people — not shown",
            "not shown, to protect people",
        ),
        (Lang::Km, "តិចជាង ៥ នាក់ — មិនបង្ហាញ", "មិនបង្ហាញ ដើម្បីការពារពួកគេ"),
    ] {
        let (_dom, html) = scorecard_screen(&device, lang);
        for id in ["scorecard-extra-payment", "scorecard-rating"] {
            let text = text_of(&html, id);
            assert!(text.ends_with(fewer), "#{id}: {text:?}");
            // Nothing but the words: no number, bar or star of it.
            let digits = text.replace(fewer, "");
            assert!(
                !digits
                    .chars()
                    .any(|c| c.is_ascii_digit() || ('០'..='៩').contains(&c)),
                "{text}"
            );
            let tag = &html[html.find(&format!("id=\"{id}\"")).unwrap()..];
            let tag = &tag[..tag.find("</div>").unwrap()];
            assert!(
                !tag.contains("tenths") && !tag.contains("star-row"),
                "{tag}"
            );
        }
        assert!(
            text_of(&html, "scorecard-first-answer").ends_with(protect),
            "{html}"
        );
        // The other figures are still shown.
        assert!(
            text_of(&html, "scorecard-answered").contains(if lang == Lang::En {
                "9 times out of 10"
            } else {
                "៩ ដង"
            })
        );
        assert!(
            text_of(&html, "scorecard-age").contains(if lang == Lang::En {
                "today"
            } else {
                "ថ្ងៃនេះ"
            })
        );
    }
}

#[test]
fn no_figures_yet_when_the_server_has_none_or_shows_none() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    // Every figure from fewer than 5 people: all hidden.
    keep(&device, &scorecard(2), 1);
    let (_dom, html) = scorecard_screen(&device, Lang::En);
    assert!(
        text_of(&html, "scorecard-none-yet").contains("No figures yet"),
        "{html}"
    );
    assert!(
        text_of(&html, "scorecard-age").contains("Last updated yesterday"),
        "{html}"
    );
    assert!(
        !html.contains("scorecard-answers"),
        "no empty sections: {html}"
    );
    assert!(!html.contains("scorecard-up-to"), "{html}");

    // The server said it has none yet.
    device
        .outbox
        .keep_no_scorecard_yet("CH-120101", chrono::Utc::now().timestamp_millis())
        .unwrap();
    let (_dom, html) = scorecard_screen(&device, Lang::Km);
    assert!(
        text_of(&html, "scorecard-none-yet").contains("មិនទាន់មានតួលេខនៅឡើយទេ"),
        "{html}"
    );
    assert!(
        text_of(&html, "scorecard-offline").contains("គ្មានអ៊ីនធឺណិត"),
        "{html}"
    );
}

#[test]
fn offline_with_nothing_kept_says_so_and_offers_to_try_again() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    let (_dom, html) = scorecard_screen(&device, Lang::En);
    assert!(
        text_of(&html, "scorecard-offline").contains(
            "No internet, and this phone has no figures for this office yet. Try again when you are connected. Nothing you wrote is lost."
        ),
        "{html}"
    );
    assert!(
        !html.contains("scorecard-none-yet") && !html.contains("scorecard-age"),
        "{html}"
    );
    // Looking at it made it one of the offices the phone keeps, to fill when it can.
    assert_eq!(
        device.outbox.kept_scorecard_offices().unwrap(),
        ["CH-120101"]
    );
    let retry = tag_of(&html, "scorecard-retry");
    assert!(retry.starts_with("<button"), "{retry}");
    assert!(
        text_of(&html, "scorecard-retry").contains("Try again"),
        "{html}"
    );
    // A case's page leads to its office's scorecard too.
    let id = accepted_complaint(&device, ourvoice_protocol::CaseStatus::Received, 1);
    let mut dom = detail(&device, id);
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    let html = dioxus_ssr::render(&dom);
    assert!(
        tag_of(&html, "detail-scorecard").starts_with("<button"),
        "{html}"
    );
    assert!(
        text_of(&html, "detail-scorecard").contains("How does this office answer?"),
        "{html}"
    );
}

#[test]
fn an_office_in_the_picker_opens_its_scorecard_and_back_keeps_the_form() {
    let folder = tempfile::tempdir().unwrap();
    let device = device(&folder);
    let (mut dom, mutations) = on_screen(&device, ourvoice::state::Screen::Place, |form| {
        form.description = "ផ្លូវខូចខ្លាំង".into();
    });
    let field = mutations
        .edits
        .iter()
        .find_map(|edit| match edit {
            dioxus::core::Mutation::NewEventListener { name, id } if name == "input" => Some(*id),
            _ => None,
        })
        .expect("the search field");
    let typed = type_into(&mut dom, field, "ចំការមន");
    let html = dioxus_ssr::render(&dom);
    // Beside each office, a button named by its words and the office's row.
    let open = tag_of(&html, "scorecard-open-OWSO-1201");
    assert!(open.starts_with("<button"), "{open}");
    assert!(
        open.contains(r#"aria-labelledby="scorecard-open-OWSO-1201 choice-OWSO-1201""#),
        "{open}"
    );
    let button = with_attribute(&typed, "data-scorecard")
        .into_iter()
        .find(|(office, _)| office == "OWSO-1201")
        .expect("the scorecard button")
        .1;
    press(&mut dom, button);
    let ui = ui_of(&dom);
    assert_eq!(
        ui.screen(),
        ourvoice::state::Screen::Scorecard("OWSO-1201".into())
    );
    let html = settle_until(&mut dom, "scorecard-offline");
    assert!(html.contains("តើការិយាល័យនេះឆ្លើយតបយ៉ាងដូចម្តេច?"), "{html}");
    assert!(
        text_of(&html, "scorecard-office").contains("ខណ្ឌចំការមន"),
        "{html}"
    );
    // Back: the picker, with the form as it was and nothing chosen.
    dom.in_runtime(|| {
        let mut ui = ui;
        assert!(ui.back());
    });
    render_settled(&mut dom, &mut dioxus::core::NoOpMutations);
    assert_eq!(ui.screen(), ourvoice::state::Screen::Place);
    assert_eq!(ui.form.read().description, "ផ្លូវខូចខ្លាំង");
    assert_eq!(ui.form.read().place.as_deref(), Some("120101"));
}

#[test]
fn shares_days_and_ages_read_as_plain_words() {
    use ourvoice::components::{times_out_of_ten, within_days};
    use ourvoice::i18n::Tr;
    let (en, km) = (Tr::new(Lang::En), Tr::new(Lang::Km));
    // (share, English, Khmer): a share that is not 0 never reads "never", nor one below 1
    // "every time".
    for (share, english, khmer) in [
        (0.0, "never", "មិនដែលសោះ"),
        (0.04, "less than once in 10 times", "តិចជាង ១ ដងក្នុងចំណោម ១០ ដង"),
        (0.66, "7 times out of 10", "៧ ដងក្នុងចំណោម ១០ ដង"),
        (0.96, "nearly every time", "ស្ទើរតែគ្រប់ដង"),
        (1.0, "every time", "គ្រប់ដង"),
    ] {
        assert_eq!(times_out_of_ten(en, share), english);
        assert_eq!(times_out_of_ten(km, share), khmer);
    }
    // A median in whole days, rounded up: half took no longer.
    for (days, english, khmer) in [
        (0.0, "within a day", "ក្នុងរយៈពេលមួយថ្ងៃ"),
        (1.0, "within a day", "ក្នុងរយៈពេលមួយថ្ងៃ"),
        (2.1, "within 3 days", "ក្នុងរយៈពេល ៣ ថ្ងៃ"),
        (14.0, "within 14 days", "ក្នុងរយៈពេល ១៤ ថ្ងៃ"),
    ] {
        assert_eq!(within_days(en, days), english);
        assert_eq!(within_days(km, days), khmer);
    }
    // How old the kept copy is, by days in Cambodia (UTC+7).
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-05T02:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let at = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    };
    for (fetched, english, khmer) in [
        (
            "2026-12-04T18:00:00Z",
            "Last updated today",
            "បានយកមកចុងក្រោយនៅថ្ងៃនេះ",
        ),
        (
            "2026-12-04T16:00:00Z",
            "Last updated yesterday",
            "បានយកមកចុងក្រោយកាលពីម្សិលមិញ",
        ),
        (
            "2026-12-01T10:00:00Z",
            "Last updated 4 days ago",
            "បានយកមកចុងក្រោយកាលពី ៤ ថ្ងៃមុន",
        ),
    ] {
        assert_eq!(ourvoice::views::age_words(en, at(fetched), now), english);
        assert_eq!(ourvoice::views::age_words(km, at(fetched), now), khmer);
    }
}
