//! `ourvoice-cli`, the device simulator: the app's own outbox and sync engine driven from a
//! shell, so testers can script devices and benchmarks can simulate many of them.
//!
//! Guarantees: it uses exactly the crates the app uses (no second implementation of queueing
//! or syncing); `generate` prints an id only after that submission's enqueue has returned.

use chrono::{NaiveDate, Utc};
use clap::{Parser, Subcommand};
use ourvoice_directory::{Directory, Lang};
use ourvoice_media::{prepare_photo, prepare_voice, MediaError, Prepared};
use ourvoice_outbox::{
    ActionBody, ActionState, AttachmentProgress, CitizenAction, Draft, DraftAttachment, ItemState,
    Outbox, OutboxItem, StoredAttachment, SubmitError,
};
use ourvoice_protocol::{AttachmentState, Code, Criteria, Evaluation, Kind, Privacy, MAX_PHOTOS};
use ourvoice_sync::{SyncConfig, SyncEngine};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "ourvoice-cli", version, about = "Our Voice device simulator")]
struct Cli {
    /// The simulated device's data folder (its outbox lives in DIR/outbox.db).
    #[arg(
        long,
        env = "OURVOICE_DATA",
        default_value = "ourvoice-device",
        global = true
    )]
    data: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Queue one submission on this device; prints its tracking code at once.
    Submit(SubmitArgs),
    /// Send everything waiting and fetch status changes and replies.
    Sync {
        /// Server base URL.
        #[arg(long, env = "OURVOICE_SERVER", default_value = "http://127.0.0.1:8080")]
        server: String,
        /// Give up on a request after this many seconds.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Most items per request.
        #[arg(long, default_value_t = 100)]
        batch: usize,
        #[arg(long)]
        json: bool,
    },
    /// Answer the office's question about one of this device's submissions: queued durably,
    /// then a sync round; exit 0 sent, 3 still waiting (a later sync sends it), 4 refused.
    Answer {
        /// The submission's tracking code, e.g. OV-7K3M-Q9TX-A4DE.
        #[arg(long)]
        code: String,
        #[arg(long)]
        text: String,
        #[arg(long, env = "OURVOICE_SERVER", default_value = "http://127.0.0.1:8080")]
        server: String,
        #[arg(long)]
        json: bool,
    },
    /// Rate the office's answer to one of this device's submissions, 1 to 5 (1 or 2 reopens
    /// it): queued and sent like `answer`, with the same exit codes.
    Rate {
        /// The submission's tracking code, e.g. OV-7K3M-Q9TX-A4DE.
        #[arg(long)]
        code: String,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        rating: u8,
        #[arg(long, env = "OURVOICE_SERVER", default_value = "http://127.0.0.1:8080")]
        server: String,
        #[arg(long)]
        json: bool,
    },
    /// Every submission on this device with its state, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Search the place and office directory.
    Places {
        #[command(subcommand)]
        command: PlacesCommand,
    },
    /// Set one of the device's settings (as the app would): `lang km|en`, `privacy_seen 1`,
    /// `server_url URL`.
    Set { key: String, value: String },
    /// Queue COUNT generated complaints, printing each id as soon as it is durably stored.
    Generate {
        #[arg(long, default_value_t = 100)]
        count: u64,
        #[arg(long, default_value = "120101")]
        place: String,
    },
}

#[derive(Subcommand)]
enum PlacesCommand {
    Search {
        query: String,
        #[arg(long, default_value = "en")]
        lang: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
struct SubmitArgs {
    /// complaint, support, information or evaluation.
    #[arg(long)]
    kind: String,
    /// A commune, district or province code, or an office code (OWSO-1201).
    #[arg(long)]
    place: String,
    /// Service category code (see the directory); `other` is offered everywhere.
    #[arg(long, default_value = "other")]
    category: String,
    /// What happened (required except for evaluations).
    #[arg(long, default_value = "")]
    text: String,
    /// Overall rating 1–5, for evaluations.
    #[arg(long)]
    rating: Option<u8>,
    /// Date of the visit, YYYY-MM-DD.
    #[arg(long)]
    date: Option<NaiveDate>,
    /// Store no identity (the default unless --name/--phone are given).
    #[arg(long, conflicts_with_all = ["name", "phone"])]
    anonymous: bool,
    /// Confidential: your name, seen only by the handling office.
    #[arg(long, requires = "phone")]
    name: Option<String>,
    /// Confidential: your phone number.
    #[arg(long, requires = "name")]
    phone: Option<String>,
    /// The complaint is about the office's own staff.
    #[arg(long)]
    about_staff: bool,
    /// Make the text public (Open311 lists it with the office's public replies); refused for
    /// complaints about staff, confidential items and evaluations.
    #[arg(long)]
    publish_text: bool,
    /// km or en.
    #[arg(long, default_value = "km")]
    lang: String,
    /// A photo to attach (JPEG, PNG or WebP; up to 3 times): prepared as the app does
    /// (turned upright, scaled, re-encoded without metadata) before it is queued.
    #[arg(long = "photo", value_name = "FILE")]
    photos: Vec<PathBuf>,
    /// A voice note to attach (Opus in Ogg or WebM, AAC in MP4); it may stand in for --text.
    #[arg(long, value_name = "FILE")]
    voice: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

const APP_VERSION: &str = concat!("cli-", env!("CARGO_PKG_VERSION"));

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("ourvoice-cli: {message}");
            ExitCode::from(1)
        }
    }
}

fn open_outbox(data: &std::path::Path) -> Result<Outbox, String> {
    Outbox::open(&data.join("outbox.db"))
        .map_err(|e| format!("cannot open the outbox in {}: {e}", data.display()))
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Submit(args) => submit(&cli.data, args),
        Command::Sync {
            server,
            timeout,
            batch,
            json,
        } => sync(&cli.data, &server, timeout, batch, json),
        Command::List { json } => list(&cli.data, json),
        Command::Answer {
            code,
            text,
            server,
            json,
        } => respond(&cli.data, &server, &code, ActionBody::Answer(text), json),
        Command::Rate {
            code,
            rating,
            server,
            json,
        } => respond(&cli.data, &server, &code, ActionBody::Rating(rating), json),
        Command::Places {
            command:
                PlacesCommand::Search {
                    query,
                    lang,
                    limit,
                    json,
                },
        } => {
            let lang = Lang::from_code(&lang).ok_or("--lang must be km or en")?;
            let hits = Directory::embedded().search(&query, lang, limit);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&hits).map_err(|e| e.to_string())?
                );
            } else {
                for hit in hits {
                    println!("{:<12} {}", hit.code, hit.path);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { count, place } => generate(&cli.data, count, &place),
        Command::Set { key, value } => {
            let known = ["lang", "privacy_seen", "server_url"];
            if !known.contains(&key.as_str()) {
                return Err(format!(
                    "unknown setting {key}; known: {}",
                    known.join(", ")
                ));
            }
            open_outbox(&cli.data)?
                .set_setting(&key, &value)
                .map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads `path` and prepares it with `prepare` (the app's own processing), or says why not.
fn attachment(
    path: &std::path::Path,
    prepare: fn(&[u8]) -> Result<Prepared, MediaError>,
) -> Result<DraftAttachment, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let prepared = prepare(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(DraftAttachment {
        media_type: prepared.media_type,
        bytes: prepared.bytes,
    })
}

fn submit(data: &std::path::Path, args: SubmitArgs) -> Result<ExitCode, String> {
    let kind = Kind::from_code(&args.kind)
        .ok_or("--kind must be complaint, support, information or evaluation")?;
    if args.photos.len() > MAX_PHOTOS {
        eprintln!("invalid: at most {MAX_PHOTOS} photos (--photo)");
        return Ok(ExitCode::from(2));
    }
    let mut attachments = Vec::new();
    let files = args
        .photos
        .iter()
        .map(|path| (path, prepare_photo as fn(&[u8]) -> _))
        .chain(
            args.voice
                .iter()
                .map(|path| (path, prepare_voice as fn(&[u8]) -> _)),
        );
    for (path, prepare) in files {
        match attachment(path, prepare) {
            Ok(prepared) => attachments.push(prepared),
            Err(message) => {
                eprintln!("invalid: {message}");
                return Ok(ExitCode::from(2));
            }
        }
    }
    let locale = Lang::from_code(&args.lang).ok_or("--lang must be km or en")?;
    let privacy = match (args.name, args.phone) {
        (Some(name), Some(phone)) => Privacy::Confidential { name, phone },
        _ => Privacy::Anonymous,
    };
    let draft = Draft {
        kind,
        place: args.place,
        category: args.category,
        description: args.text,
        evaluation: args.rating.map(|overall| Evaluation {
            overall,
            criteria: Criteria::default(),
        }),
        asked_extra_payment: None,
        about_office_staff: args.about_staff,
        publish_text: args.publish_text,
        incident_date: args.date,
        privacy,
        profile: None,
        locale,
        hide_text: false,
        attachments,
    };
    let outbox = open_outbox(data)?;
    match outbox.submit(draft, Directory::embedded(), APP_VERSION, Utc::now()) {
        Ok(item) => {
            if args.json {
                println!("{}", item_json(&item, &[]));
            } else {
                println!("{} queued (id {})", item.tracking_code, item.id);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(SubmitError::Invalid(errors)) => {
            for error in errors {
                eprintln!("invalid: {} ({})", error.code, error.field);
            }
            Ok(ExitCode::from(2))
        }
        Err(SubmitError::Storage(error)) => Err(format!("could not store the submission: {error}")),
    }
}

fn sync(
    data: &std::path::Path,
    server: &str,
    timeout: u64,
    batch: usize,
    json: bool,
) -> Result<ExitCode, String> {
    let outbox = Arc::new(open_outbox(data)?);
    let mut config = SyncConfig::new(server);
    config.request_timeout = Duration::from_secs(timeout);
    config.max_batch_items = batch;
    let engine = SyncEngine::new(Arc::clone(&outbox), config).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let report = runtime.block_on(engine.sync_now(true));
    let counts = outbox.counts().map_err(|e| e.to_string())?;
    let error = report.error.as_ref().map(|e| e.to_string());
    if json {
        println!(
            "{}",
            json!({
                "requests": report.requests, "accepted": report.accepted, "rejected": report.rejected,
                "conflicts": report.conflicts, "failed": report.failed, "updates": report.updates,
                "attachments_received": report.uploads_received,
                "attachments_refused": report.uploads_refused,
                "attachment_bytes_sent": report.upload_bytes,
                "waiting": counts.pending(), "error": error,
            })
        );
    } else {
        println!(
            "{} request(s): {} accepted, {} rejected, {} conflict(s); {} attachment(s) received, {} refused; {} update(s); {} still waiting",
            report.requests, report.accepted, report.rejected, report.conflicts,
            report.uploads_received, report.uploads_refused, report.updates, counts.pending()
        );
        if let Some(error) = &error {
            eprintln!("sync stopped: {error}");
        }
    }
    Ok(if error.is_some() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

fn state_json(state: &ItemState) -> serde_json::Value {
    match state {
        ItemState::Queued => json!({ "state": "queued" }),
        ItemState::Sending => json!({ "state": "sending" }),
        ItemState::Retrying {
            attempts,
            next_attempt_at,
            last_error,
        } => {
            json!({ "state": "retrying", "attempts": attempts, "next_attempt_at": next_attempt_at, "last_error": last_error })
        }
        ItemState::Accepted {
            server_number,
            office,
            status,
            answer_by,
        } => {
            let answer_by = answer_by.and_then(chrono::DateTime::from_timestamp_millis);
            json!({ "state": "accepted", "server_number": server_number, "office": office, "status": status, "answer_by": answer_by })
        }
        ItemState::Rejected { errors } => json!({ "state": "rejected", "errors": errors }),
        ItemState::Conflict => json!({ "state": "conflict" }),
    }
}

fn action_json(action: &CitizenAction) -> serde_json::Value {
    let kind = action.body.kind().as_str();
    let mut value = match &action.body {
        ActionBody::Answer(text) => json!({ "kind": kind, "text": text }),
        ActionBody::Rating(rating) => json!({ "kind": kind, "rating": rating }),
    };
    let state = match &action.state {
        ActionState::Queued => json!({ "state": "queued" }),
        ActionState::Sending => json!({ "state": "sending" }),
        ActionState::Retrying {
            attempts,
            next_attempt_at,
            last_error,
        } => {
            json!({ "state": "retrying", "attempts": attempts, "next_attempt_at": next_attempt_at, "last_error": last_error })
        }
        ActionState::Sent { seq, status } => {
            json!({ "state": "sent", "seq": seq, "status": status })
        }
        ActionState::Refused { code } => json!({ "state": "refused", "error": code }),
    };
    if let (Some(target), serde_json::Value::Object(state)) = (value.as_object_mut(), state) {
        target.insert("request_id".into(), json!(action.request_id));
        target.insert("created_at".into(), json!(action.created_at));
        target.extend(state);
    }
    value
}

fn attachment_json(attachment: &StoredAttachment) -> serde_json::Value {
    let (state, refusal) = match attachment.state {
        AttachmentProgress::Waiting => ("waiting", None),
        AttachmentProgress::Sending => ("sending", None),
        AttachmentProgress::Received => (AttachmentState::Received.as_str(), None),
        AttachmentProgress::Refused(refusal) => {
            (AttachmentState::Refused.as_str(), Some(refusal.as_str()))
        }
    };
    json!({
        "id": attachment.id,
        "kind": attachment.kind,
        "media_type": attachment.media_type,
        "bytes": attachment.bytes,
        "acknowledged": attachment.acknowledged,
        "state": state,
        "refusal": refusal,
    })
}

fn item_json(item: &OutboxItem, actions: &[CitizenAction]) -> serde_json::Value {
    let mut value = json!({
        "id": item.id,
        "tracking_code": item.tracking_code,
        "kind": item.kind,
        "place": item.place,
        "created_at": item.created_at,
        "publish_text": item.submission.publish_text,
        "replies": item.replies.iter().map(|r| json!({ "seq": r.seq, "at": r.at, "kind": r.kind, "text": r.text })).collect::<Vec<_>>(),
        "actions": actions.iter().map(action_json).collect::<Vec<_>>(),
        "attachments": item.attachments.iter().map(attachment_json).collect::<Vec<_>>(),
    });
    if let (Some(target), serde_json::Value::Object(state)) =
        (value.as_object_mut(), state_json(&item.state))
    {
        target.extend(state);
    }
    value
}

/// Queues the citizen's answer or rating durably, runs one sync round, and reports where the
/// action stands.
fn respond(
    data: &std::path::Path,
    server: &str,
    code: &str,
    body: ActionBody,
    json: bool,
) -> Result<ExitCode, String> {
    let typed = ourvoice_protocol::TrackingCode::parse(code)
        .ok_or_else(|| format!("{code} is not a tracking code"))?;
    let outbox = Arc::new(open_outbox(data)?);
    let item = outbox
        .list()
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|item| item.tracking_code.finds(&typed))
        .ok_or_else(|| format!("no submission {code} on this device"))?;
    let engine =
        SyncEngine::new(Arc::clone(&outbox), SyncConfig::new(server)).map_err(|e| e.to_string())?;
    let request_id = match body {
        ActionBody::Answer(text) => engine.answer(item.id, &text),
        ActionBody::Rating(rating) => engine.rate(item.id, rating),
    }
    .map_err(|e| format!("could not queue it: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let report = runtime.block_on(engine.sync_now(true));
    let action = outbox
        .action(request_id)
        .map_err(|e| e.to_string())?
        .ok_or("the queued action is gone")?;
    if json {
        println!("{}", action_json(&action));
    } else {
        let state = match &action.state {
            ActionState::Sent { status, .. } => format!("sent (case now {})", status.as_str()),
            ActionState::Refused { code } => format!("refused by the server: {code}"),
            _ => "queued: a later sync sends it".to_string(),
        };
        println!("{} {state}", item.tracking_code);
        if let Some(error) = &report.error {
            eprintln!("sync stopped: {error}");
        }
    }
    Ok(match action.state {
        ActionState::Sent { .. } => ExitCode::SUCCESS,
        ActionState::Refused { .. } => ExitCode::from(4),
        _ => ExitCode::from(3),
    })
}

fn list(data: &std::path::Path, json: bool) -> Result<ExitCode, String> {
    let outbox = open_outbox(data)?;
    let items = outbox.list().map_err(|e| e.to_string())?;
    if json {
        let values = items
            .iter()
            .map(|item| Ok(item_json(item, &outbox.actions_of(item.id)?)))
            .collect::<Result<Vec<_>, ourvoice_outbox::OutboxError>>()
            .map_err(|e| e.to_string())?;
        println!(
            "{}",
            serde_json::to_string_pretty(&values).map_err(|e| e.to_string())?
        );
    } else {
        for item in items {
            let state = state_json(&item.state);
            let received = item
                .attachments
                .iter()
                .filter(|a| a.state == AttachmentProgress::Received)
                .count();
            let attachments = if item.attachments.is_empty() {
                String::new()
            } else {
                format!(
                    "  attachments {received}/{} received",
                    item.attachments.len()
                )
            };
            println!(
                "{}  {:<11}  {:<8}  {}{attachments}",
                item.tracking_code,
                item.kind.as_str(),
                item.place,
                state
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn generate(data: &std::path::Path, count: u64, place: &str) -> Result<ExitCode, String> {
    let outbox = open_outbox(data)?;
    let stdout = std::io::stdout();
    for n in 0..count {
        let draft = Draft {
            kind: Kind::Complaint,
            place: place.to_string(),
            category: "other".into(),
            description: format!("ការសាកល្បងលេខ {n}: សេវាយឺតពេក ហើយគ្មានតារាងតម្លៃបិទផ្សាយ"),
            evaluation: None,
            asked_extra_payment: Some(n % 3 == 0),
            about_office_staff: false,
            publish_text: false,
            incident_date: None,
            privacy: Privacy::Anonymous,
            profile: None,
            locale: Lang::Km,
            hide_text: false,
            attachments: Vec::new(),
        };
        let item = match outbox.submit(draft, Directory::embedded(), APP_VERSION, Utc::now()) {
            Ok(item) => item,
            Err(SubmitError::Invalid(errors)) => {
                return Err(format!(
                    "generated submission is invalid for place {place}: {errors:?}"
                ))
            }
            Err(SubmitError::Storage(error)) => return Err(error.to_string()),
        };
        let mut out = stdout.lock();
        writeln!(out, "{}", item.id)
            .and_then(|_| out.flush())
            .map_err(|e| e.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}
