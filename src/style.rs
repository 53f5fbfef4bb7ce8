//! The app's look: one stylesheet, phone first (360–430 px), large touch targets (≥ 48 px),
//! sizes in `rem` so the system's larger text settings apply, and Noto Sans Khmer embedded as
//! a `data:` URI so Khmer renders the same on every phone and in every build.

use base64::Engine;
use std::sync::LazyLock;

const KHMER_REGULAR: &[u8] = include_bytes!("../assets/fonts/NotoSansKhmer-Regular.ttf");
const KHMER_BOLD: &[u8] = include_bytes!("../assets/fonts/NotoSansKhmer-Bold.ttf");

const RULES: &str = r#"
:root {
  --ink: #1d2a33; --muted: #51616b; --line: #d5dde2; --paper: #f6f8f9; --card: #ffffff;
  --brand: #0f6e7a; --brand-dark: #0a4f58; --brand-soft: #e3f2f3; --warn: #9a4a00; --warn-soft: #fff4e5;
  --error: #b3261e; --error-soft: #fdecea; --ok: #1e6b35; --ok-soft: #e6f4ea; --star: #c77c00;
}
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font-family: "Our Voice Khmer", "Noto Sans Khmer", system-ui, sans-serif; line-height: 1.6; }
.app { max-width: 30rem; margin: 0 auto; min-height: 100vh; display: flex; flex-direction: column; }
header.bar { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem;
  background: var(--brand); color: #fff; padding: .5rem .75rem; min-height: 3.5rem; }
header.bar h1 { font-size: 1.15rem; margin: 0; flex: 1 1 6rem; min-width: 0; overflow-wrap: anywhere; }
.icon-button { min-width: 3rem; min-height: 3rem; border: 0; border-radius: .75rem; background: transparent;
  color: inherit; display: inline-flex; align-items: center; justify-content: center; font: inherit; cursor: pointer; }
.icon-button:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible {
  outline: 3px solid #f2b705; outline-offset: 2px; }
.lang-switch { border: 2px solid rgba(255,255,255,.7); border-radius: 2rem; padding: .25rem .9rem; min-height: 3rem;
  background: transparent; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
main { flex: 1; padding: 1rem; display: flex; flex-direction: column; gap: 1rem; }
h2 { font-size: 1.3rem; margin: .25rem 0; }
h3 { font-size: 1.05rem; margin: 0; }
p { margin: 0; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 1rem; padding: 1rem; display: flex; flex-direction: column; gap: .6rem; }
.sync-line { display: flex; align-items: center; gap: .6rem; padding: .75rem 1rem; border-radius: 1rem; font-weight: 600;
  background: var(--brand-soft); color: var(--brand-dark); }
.sync-line.waiting { background: var(--warn-soft); color: var(--warn); }
.sync-line.problem { background: var(--error-soft); color: var(--error); }
.actions { display: grid; grid-template-columns: minmax(0, 1fr); gap: .75rem; }
.action { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; text-align: left; width: 100%; min-height: 5.5rem; padding: 1rem;
  border: 2px solid var(--line); border-radius: 1.25rem; background: var(--card); color: var(--ink); font: inherit; cursor: pointer; }
.action:active { background: var(--brand-soft); }
.action .glyph { flex: none; width: 3.5rem; height: 3.5rem; border-radius: 1rem; display: flex; align-items: center; justify-content: center;
  background: var(--brand-soft); color: var(--brand); }
.action > span:last-child { flex: 1 1 9rem; min-width: 0; overflow-wrap: anywhere; }
.action strong { display: block; font-size: 1.1rem; }
.action span.hint { color: var(--muted); font-size: .95rem; }
.button { overflow-wrap: anywhere; min-height: 3.25rem; padding: .6rem 1.25rem; border-radius: .9rem; border: 2px solid var(--brand); font: inherit; font-weight: 700;
  background: var(--brand); color: #fff; cursor: pointer; width: 100%; }
.button.secondary { background: var(--card); color: var(--brand); }
.button.danger { background: var(--error); border-color: var(--error); }
.button:disabled { opacity: .5; }
.row-buttons { display: flex; flex-wrap: wrap; gap: .75rem; }
.row-buttons > * { flex: 1 1 8rem; min-width: 0; overflow-wrap: anywhere; }
.evidence-buttons { display: flex; flex-wrap: wrap; gap: .75rem; }
.evidence-buttons > * { flex: 1 1 9rem; min-width: 0; }
.evidence-pick { position: relative; display: flex; align-items: center; justify-content: center; gap: .5rem; cursor: pointer; min-height: 3.5rem; }
.evidence-input { position: absolute; inset: 0; width: 100%; height: 100%; opacity: 0; cursor: pointer; }
.evidence-pick svg, .evidence-buttons svg { flex: none; }
.evidence-pick.disabled { opacity: .5; pointer-events: none; }
.evidence-pick:focus-within { outline: 3px solid #f2b705; outline-offset: 2px; }
.evidence-photos { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(6.5rem, 1fr)); gap: .75rem; }
.evidence-photos li { display: flex; flex-direction: column; gap: .4rem; }
.evidence-photos img { width: 100%; aspect-ratio: 1; object-fit: cover; border-radius: .75rem; border: 1px solid var(--line); }
.evidence-photos .button { padding: .4rem .5rem; font-size: .9rem; display: flex; align-items: center; justify-content: center; gap: .25rem; }
.evidence-recording { display: flex; align-items: center; gap: .6rem; font-weight: 700; color: var(--error); }
.recording-dot { width: .9rem; height: .9rem; border-radius: 50%; background: var(--error); flex: none; }
audio { width: 100%; min-height: 3rem; }
.attachment-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: .75rem; }
.attachment { display: flex; gap: .75rem; align-items: flex-start; flex-wrap: wrap; }
.attachment img { width: 5rem; height: 5rem; object-fit: cover; border-radius: .6rem; border: 1px solid var(--line); flex: none; }
.attachment audio { flex: 1 1 100%; }
.attachment .grow { flex: 1 1 8rem; min-width: 0; }
.attachment progress { width: 100%; height: .75rem; }
.attachment-state.is-received { color: var(--ok); font-weight: 600; }
.attachment-state.is-refused { color: var(--error); font-weight: 600; }
details.fold > summary { min-height: 3rem; display: flex; align-items: center; gap: .5rem; font-weight: 700; cursor: pointer;
  list-style: none; color: var(--brand-dark); }
details.fold > summary::-webkit-details-marker { display: none; }
details.fold > summary::before { content: "▸"; font-size: 1.2rem; }
details.fold[open] > summary::before { content: "▾"; }
label.field { display: flex; flex-direction: column; gap: .35rem; font-weight: 600; }
fieldset.field { border: 0; padding: 0; margin: .75rem 0 0; min-width: 0; }
fieldset.field legend { font-weight: 600; padding: 0; margin-bottom: .35rem; }
.date-parts { display: flex; flex-wrap: wrap; gap: .5rem; }
.date-parts > * { flex: 1 1 5.5rem; min-width: 0; }
.date-parts > :nth-child(2) { flex: 1.6 1 7rem; }
input[type=text], input[type=tel], input[type=search], input[type=date], input[type=url], select, textarea {
  font: inherit; font-weight: 400; color: var(--ink); min-height: 3.25rem; padding: .6rem .8rem; border: 2px solid var(--line);
  border-radius: .75rem; background: #fff; width: 100%; }
textarea { min-height: 9rem; resize: vertical; }
.invalid input, .invalid textarea, .invalid select { border-color: var(--error); }
.field-error { color: var(--error); font-weight: 600; display: flex; gap: .4rem; }
.banner-error { background: var(--error-soft); color: var(--error); border-radius: .9rem; padding: .75rem 1rem; font-weight: 600; }
.counter { text-align: right; color: var(--muted); font-size: .9rem; font-weight: 400; }
.counter.over { color: var(--error); font-weight: 700; }
.choices { display: flex; flex-wrap: wrap; gap: .5rem; }
.choice { min-height: 3rem; padding: .4rem 1rem; border-radius: 2rem; border: 2px solid var(--line); background: #fff; color: var(--ink);
  font: inherit; cursor: pointer; }
.badge { display: inline-flex; align-items: center; justify-content: center; min-width: 1.6rem; padding: 0 .45rem; margin-left: .4rem; border-radius: 1rem; background: var(--error); color: #fff; font-weight: 700; font-size: .85em; }
.choice[aria-pressed=true], .choice[aria-checked=true] { border-color: var(--brand); background: var(--brand-soft); color: var(--brand-dark); font-weight: 700; }
.privacy-choice { display: flex; flex-direction: column; align-items: flex-start; text-align: left; border-radius: 1rem; width: 100%; }
.stars { display: flex; gap: .25rem; align-items: center; flex-wrap: wrap; }
.star { min-width: 3rem; min-height: 3rem; font-size: 1.7rem; line-height: 1; border: 0; background: transparent; color: #6f7c86; cursor: pointer; }
.star.on { color: var(--star); }
.star-word { font-weight: 700; margin-left: .25rem; }
.list { display: flex; flex-direction: column; gap: .5rem; }
.list-row { display: flex; align-items: center; gap: .75rem; width: 100%; min-height: 3.5rem; padding: .6rem .9rem; text-align: left;
  border: 1px solid var(--line); border-radius: .9rem; background: #fff; color: var(--ink); font: inherit; cursor: pointer; }
.list-row .grow { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.list-row small { display: block; color: var(--muted); }
.chevron { color: var(--muted); }
.modes { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 9.5rem), 1fr)); gap: .5rem; }
.modes .mode { display: flex; align-items: center; justify-content: center; gap: .4rem; min-height: 3.25rem; border-radius: .9rem;
  padding: .4rem .6rem; font-weight: 600; line-height: 1.3; }
/* A name is one box: a line breaks between names, and inside one only when it is wider than a
   whole line (very large text), never where a shorter break would have done. */
.place-line { display: flex; flex-wrap: wrap; align-items: center; gap: .1rem .5rem; }
.place-line > * { max-width: 100%; }
.tag { display: inline-block; max-width: 100%; padding: 0 .5rem; border-radius: .5rem; font-size: .85rem; font-weight: 600;
  background: var(--brand-soft); color: var(--brand-dark); }
.tag.recent { background: var(--warn-soft); color: var(--warn); }
.place-path { display: block; color: var(--muted); font-size: .95rem; }
.place-path .seg { display: inline-block; max-width: 100%; }
.crumbs { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .4rem; }
.crumb { max-width: 100%; font: inherit; font-weight: 600; }
button.crumb { min-height: 3rem; min-width: 3rem; padding: .25rem .75rem; border: 2px solid var(--line); border-radius: 2rem;
  background: #fff; color: var(--brand-dark); cursor: pointer; }
.crumb.here { padding: .25rem .25rem; }
.crumb-step { display: inline-flex; align-items: center; gap: .4rem; max-width: 100%; }
.crumb-sep { color: var(--muted); }
.pill { display: inline-flex; align-items: center; gap: .3rem; padding: .1rem .7rem; border-radius: 1rem; font-size: .9rem; font-weight: 700; background: var(--brand-soft); color: var(--brand-dark); }
.pill svg { flex: none; }
.pill.waiting { background: var(--warn-soft); color: var(--warn); }
.pill.bad { background: var(--error-soft); color: var(--error); }
.pill.done { background: var(--ok-soft); color: var(--ok); }
.code-box { display: flex; flex-direction: column; gap: .6rem; }
.code-group { white-space: nowrap; }
.code-box .button { display: flex; align-items: center; justify-content: center; gap: .4rem; }
.code-box .button svg { flex: none; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 1.6rem; font-weight: 700; letter-spacing: .06em;
  text-align: center; padding: .75rem; border-radius: 1rem; background: var(--brand-soft); color: var(--brand-dark); }
dl.facts { display: grid; grid-template-columns: 1fr; gap: .15rem; margin: 0; }
dl.facts dt { color: var(--muted); font-size: .9rem; margin-top: .4rem; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
ol.conversation { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: .75rem; }
.message { border-radius: 1rem; padding: .6rem .8rem; max-width: 92%; }
.message p { margin: 0; }
.message.office { align-self: flex-start; border-left: 4px solid var(--brand); background: var(--brand-soft); }
.message.office.asks { border-color: var(--star); }
.message.mine { align-self: flex-end; border-right: 4px solid var(--ok); background: var(--card); border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
.message-head { font-size: .95rem; }
.deadline { display: flex; gap: .5rem; align-items: flex-start; margin: 0; }
.deadline svg, dd.contact svg { flex: none; }
.deadline.late { color: var(--warn); font-weight: 700; }
dd.contact { display: flex; gap: .4rem; align-items: center; }
.checkbox { display: flex; align-items: flex-start; gap: .75rem; min-height: 3rem; font-weight: 400; }
.checkbox input { width: 1.6rem; height: 1.6rem; margin-top: .2rem; flex: none; }
.welcome-langs { display: flex; flex-direction: column; gap: 1rem; }
.welcome-langs .button { font-size: 1.3rem; min-height: 4rem; }
.logo { display: flex; justify-content: center; color: var(--brand); }
.center { text-align: center; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0,0,0,0); white-space: nowrap; border: 0; }
.pin-pad { display: flex; flex-direction: column; align-items: center; gap: .75rem; }
.pin-prompt { font-size: 1.15rem; font-weight: 700; text-align: center; }
.pin-dots { display: flex; gap: .75rem; min-height: 1.25rem; }
.pin-dot { width: 1.1rem; height: 1.1rem; border-radius: 50%; border: 2px solid var(--brand); }
.pin-dot.on { background: var(--brand); }
.keys { display: grid; grid-template-columns: repeat(3, minmax(4rem, 5.5rem)); gap: .6rem; }
.key { min-height: 4rem; min-width: 4rem; border-radius: 1rem; border: 2px solid var(--line); background: #fff; color: var(--ink);
  font: inherit; font-size: 1.6rem; font-weight: 700; cursor: pointer; display: inline-flex; align-items: center; justify-content: center; }
.key:active { background: var(--brand-soft); }
.key.ok { background: var(--brand); border-color: var(--brand); color: #fff; font-size: 1.1rem; }
.key.ok:disabled { opacity: .45; }
.lock-note { background: var(--brand-soft); color: var(--brand-dark); border-radius: .9rem; padding: .75rem 1rem; display: flex; gap: .6rem; align-items: flex-start; }
ul.list { list-style: none; margin: 0; padding: 0; }
/* An office and, beside it, its scorecard; with large text the scorecard goes under it, as wide. */
.place-choice { display: flex; flex-wrap: wrap; gap: .25rem .5rem; }
.place-choice > .list-row { flex: 1000 1 14rem; min-width: 0; width: auto; }
.scorecard-open { position: relative; flex: 1 0 3.75rem; min-height: 3.5rem; display: flex; flex-wrap: wrap; align-items: center;
  align-content: center; justify-content: center; gap: .1rem .4rem; padding: .25rem; border: 1px solid var(--line); border-radius: .9rem;
  background: #fff; color: var(--brand-dark); font: inherit; font-size: .8rem; font-weight: 600; line-height: 1.2; cursor: pointer; }
.scorecard-open svg { flex: none; }
.button.with-icon { display: flex; align-items: center; justify-content: center; gap: .5rem; }
.button.with-icon svg { flex: none; }
h4 { font-size: 1rem; margin: 0; }
.scorecard-section ul, .scorecard-section ol { margin: 0; }
.scorecard-note { display: flex; gap: .6rem; align-items: flex-start; border-radius: .9rem; padding: .75rem 1rem;
  background: var(--brand-soft); color: var(--brand-dark); }
.scorecard-note.nothing { background: var(--warn-soft); color: var(--warn); font-weight: 600; }
.scorecard-note svg { flex: none; }
.measure { display: flex; flex-direction: column; gap: .3rem; }
.measure + .measure { border-top: 1px solid var(--line); padding-top: .6rem; }
.tenths { display: flex; gap: 3px; max-width: 20rem; }
.tenth { flex: 1; height: .9rem; border-radius: 3px; background: var(--line); }
.tenth.on { background: var(--brand); }
.star-row { display: flex; flex-wrap: wrap; gap: .15em; font-size: min(1.6rem, 9vw); line-height: 1; color: #6f7c86; }
.star-row .on { color: var(--star); }
.headline .star-row { font-size: min(2.2rem, 11vw); }
.headline .measure-value { font-size: 1.1rem; font-weight: 700; }
.headline + .measure { border-top: 1px solid var(--line); padding-top: .6rem; }
#scorecard-people summary h3 { display: inline; }
.group-rows + h4, .fold h4 { margin-top: .75rem; color: var(--brand-dark); }
.count-rows, .group-rows, .quarters { list-style: none; padding: 0; display: flex; flex-direction: column; gap: .6rem; }
/* A count beside its name; a long one (a hidden figure's words) goes under it. */
.count-row { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: .15rem .75rem; }
.count-label { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.count-value { flex: 0 1 auto; font-weight: 700; text-align: right; overflow-wrap: anywhere; }
.count-bar { flex: 1 0 100%; height: .6rem; border-radius: .3rem; background: var(--brand-soft); overflow: hidden; }
.count-bar > span { display: block; height: 100%; background: var(--brand); }
.quarter { display: flex; flex-direction: column; gap: .3rem; }
.quarter + .quarter, .group-rows li + li { border-top: 1px solid var(--line); padding-top: .6rem; }
.peers ul { padding-left: 1.25rem; display: flex; flex-direction: column; gap: .3rem; }
.licence { font-size: .85rem; }
.version { text-align: center; color: var(--muted); background: none; border: 0; font: inherit; min-height: 3rem; }
"#;

/// The stylesheet with the embedded Khmer font.
pub static STYLESHEET: LazyLock<String> = LazyLock::new(|| {
    let engine = base64::engine::general_purpose::STANDARD;
    format!(
        "@font-face {{ font-family: 'Our Voice Khmer'; font-weight: 400; src: url(data:font/ttf;base64,{}) format('truetype'); }}\n\
         @font-face {{ font-family: 'Our Voice Khmer'; font-weight: 700; src: url(data:font/ttf;base64,{}) format('truetype'); }}\n{RULES}",
        engine.encode(KHMER_REGULAR),
        engine.encode(KHMER_BOLD),
    )
});
