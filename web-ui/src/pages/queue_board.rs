//! The queue board for a TV (GET `/antrian/papan`): the latest call in very
//! large type, every counter's ticket, the latest calls and how many wait per
//! service. The page is complete without JavaScript (it reloads every five
//! seconds); with it, `board.js` follows the event stream and speaks calls.

use leptos::prelude::*;

use crate::i18n::{Lang, t};
use crate::layout::document;

/// A counter and the ticket at it.
#[derive(Clone, Debug, Default)]
pub struct QueueBoardCounter {
    /// Counter number.
    pub counter: u32,
    /// `A-003`, or none.
    pub label: Option<String>,
    /// Service of the ticket.
    pub service: Option<String>,
}

/// One call.
#[derive(Clone, Debug, Default)]
pub struct QueueBoardCall {
    /// `A-003`.
    pub label: String,
    /// Counter number.
    pub counter: u32,
    /// Service name.
    pub service: String,
}

/// Tickets waiting for a service.
#[derive(Clone, Debug, Default)]
pub struct QueueBoardWaiting {
    /// Letter.
    pub prefix: String,
    /// Service name.
    pub name: String,
    /// Waiting now.
    pub count: usize,
}

/// Props of the board.
#[derive(Clone, Debug, Default)]
pub struct QueueBoardProps {
    /// Interface language.
    pub lang: Lang,
    /// Shown in the heading.
    pub village_name: String,
    /// Every counter.
    pub counters: Vec<QueueBoardCounter>,
    /// Latest calls, newest first.
    pub recent: Vec<QueueBoardCall>,
    /// Per enabled service.
    pub waiting: Vec<QueueBoardWaiting>,
    /// The box makes the speech (espeak-ng); else the browser's voice.
    pub speech_on_box: bool,
}

/// The board component.
#[component]
pub fn QueueBoardView(props: QueueBoardProps) -> impl IntoView {
    let lang = props.lang;
    let loket = t(lang, "queue.board.counter");
    let latest = props.recent.first().cloned();
    let (now_label, now_counter, now_service) = match &latest {
        Some(c) => (c.label.clone(), format!("{loket} {}", c.counter), c.service.clone()),
        None => ("—".to_string(), t(lang, "queue.board.nobody"), String::new()),
    };
    let counters = props
        .counters
        .iter()
        .map(|c| {
            let class = if c.label.is_some() { "busy" } else { "idle" };
            view! {
                <li class=class>
                    <span class="c-name">{format!("{loket} {}", c.counter)}</span>
                    <span class="c-label">{c.label.clone().unwrap_or_else(|| "—".into())}</span>
                </li>
            }
        })
        .collect_view();
    let recent = props
        .recent
        .iter()
        .skip(1)
        .map(|c| {
            view! {
                <li>
                    <span class="r-label">{c.label.clone()}</span>
                    <span class="r-counter">{format!("{loket} {}", c.counter)}</span>
                </li>
            }
        })
        .collect_view();
    let waiting = props
        .waiting
        .iter()
        .map(|w| {
            view! {
                <li>
                    <span class="w-prefix">{w.prefix.clone()}</span>
                    <span class="w-name">{w.name.clone()}</span>
                    <span class="w-count">{w.count}</span>
                </li>
            }
        })
        .collect_view();
    let heading = if props.village_name.is_empty() {
        t(lang, "queue.board.title")
    } else {
        format!("{} · {}", t(lang, "queue.board.title"), props.village_name)
    };
    view! {
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{heading.clone()}</title>
                <link rel="stylesheet" href="/static/queue.css"/>
                <noscript><meta http-equiv="refresh" content="5"/></noscript>
                <script src="/static/board.js" defer></script>
            </head>
            <body
                class="q-board"
                data-speech=if props.speech_on_box { "box" } else { "browser" }
                data-counter=loket.clone()
                data-none="—"
                data-nobody=t(lang, "queue.board.nobody")
            >
                <header class="b-head">
                    <h1>{heading}</h1>
                    <button type="button" id="sound" class="b-sound" hidden>{t(lang, "queue.board.sound")}</button>
                </header>
                <main class="b-main">
                    <section class="b-now" id="now" aria-live="assertive" aria-atomic="true">
                        <h2>{t(lang, "queue.board.now")}</h2>
                        <p class="b-now-label" id="now-label">{now_label}</p>
                        <p class="b-now-counter" id="now-counter">{now_counter}</p>
                        <p class="b-now-service" id="now-service">{now_service}</p>
                    </section>
                    <section class="b-counters">
                        <h2>{t(lang, "queue.board.counters")}</h2>
                        <ol id="counters">{counters}</ol>
                    </section>
                    <section class="b-recent">
                        <h2>{t(lang, "queue.board.recent")}</h2>
                        <ol id="recent">{recent}</ol>
                    </section>
                    <section class="b-waiting">
                        <h2>{t(lang, "queue.board.waiting")}</h2>
                        <ul id="waiting">{waiting}</ul>
                    </section>
                </main>
            </body>
        </html>
    }
}

/// Renders the board.
pub fn render_queue_board(props: QueueBoardProps) -> String {
    document(|| view! { <QueueBoardView props=props/> })
}

/// The board's one script, served at `/static/board.js`: ES5, so the
/// browsers of older smart TVs run it.
pub const BOARD_JS: &str = include_str!("queue_board.js");

/// The queue pages' stylesheet, served at `/static/queue.css`.
pub const QUEUE_CSS: &str = r#"
.q-services { display: grid; grid-template-columns: 1fr; gap: 1rem; margin: 1rem 0; }
.q-take { margin: 0; display: flex; }
.q-service { display: grid; grid-template-columns: auto 1fr; grid-template-rows: auto auto; align-items: center;
  gap: .1rem 1rem; width: 100%; min-height: 6rem; padding: 1rem 1.25rem; text-align: left; cursor: pointer;
  border: 3px solid var(--brand, #0b5394); border-radius: 12px; background: var(--brand, #0b5394); color: #fff; font: inherit; }
.q-service:focus-visible { outline: 4px solid #ffbf47; outline-offset: 3px; }
.q-letter { grid-row: 1 / 3; font-size: 3.5rem; font-weight: 800; line-height: 1; min-width: 4rem; text-align: center;
  background: #fff; color: var(--brand, #0b5394); border-radius: 8px; padding: .4rem .6rem; }
.q-name { font-size: 1.5rem; font-weight: 700; line-height: 1.2; }
.q-wait { font-size: 1rem; opacity: .9; }
.q-call { margin: 0 0 .5rem; }
.q-call .btn { flex-wrap: wrap; column-gap: .35rem; }
.q-call .q-wait { font-weight: 400; white-space: nowrap; }
.q-counters { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: .75rem; }
.q-current { border-width: 3px; border-color: var(--brand, #0b5394); }
.q-desk-number { font-size: 3.5rem; font-weight: 800; margin: 0; line-height: 1.1; }
.q-figures { display: grid; grid-template-columns: repeat(2, 1fr); gap: .5rem; margin: 0 0 1rem; }
.q-fig { border: 1px solid var(--line, #8a8a8a); border-radius: 8px; padding: .5rem .75rem; }
.q-fig dt { color: var(--muted, #4a4a4a); font-size: .9rem; }
.q-fig dd { margin: 0; font-size: 1.4rem; font-weight: 700; }
.q-service-form .q-service-fields { display: grid; grid-template-columns: 1fr; gap: .25rem; margin-bottom: .5rem; }
.q-service-form input[type=text], .q-service-form input:not([type]) { font: inherit; min-height: 44px; padding: .25rem .5rem; }
.q-prefix-input { width: 4rem; text-transform: uppercase; font-weight: 700; }
.q-check { display: inline-flex; align-items: center; min-height: 44px; margin-right: 1rem; }
@media (min-width: 600px) {
  .q-services { grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
  .q-figures { grid-template-columns: repeat(4, 1fr); }
}

/* the printed ticket: a receipt on 58/80 mm paper, or the top of an A4 page */
.q-ticket-page { margin: 0; background: #fff; color: #000;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; }
.q-ticket { max-width: 72mm; margin: 1rem auto; padding: 1rem .5rem; text-align: center; border: 1px dashed #000; }
.q-ticket p { margin: .25rem 0; }
.q-village { font-weight: 700; font-size: 1.1rem; }
.q-caption { text-transform: uppercase; letter-spacing: .08em; }
.q-number { font-size: 4.5rem; font-weight: 800; line-height: 1.05; letter-spacing: .02em; }
.q-ticket-service { font-size: 1.3rem; font-weight: 700; }
.q-ahead { font-size: 1.1rem; }
.q-status { font-weight: 700; }
.q-taken, .q-note { font-size: .95rem; }
.q-ticket-actions { max-width: 72mm; margin: 0 auto 2rem; text-align: center; padding: 0 .5rem; }
.q-ticket-actions .btn { display: inline-flex; align-items: center; justify-content: center; min-height: 52px; padding: .5rem 1rem;
  border: 2px solid #0b5394; border-radius: 6px; background: #0b5394; color: #fff; font-weight: 600; text-decoration: none; }
@media print {
  @page { margin: 3mm; }
  .no-print { display: none !important; }
  .q-ticket { margin: 0 auto; border: 0; padding: 0; max-width: 72mm; }
  .q-number { font-size: 40pt; }
  .q-village, .q-ticket-service { font-size: 12pt; }
  .q-caption, .q-ahead, .q-taken, .q-note { font-size: 9pt; }
}

/* the TV board: readable across a room, on a 720p or 1080p screen */
.q-board { margin: 0; min-height: 100vh; background: #0d1b2a; color: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; }
.q-board h2 { margin: 0 0 .5rem; font-size: 1.2rem; text-transform: uppercase; letter-spacing: .08em; color: #b8c7d9; }
.b-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem;
  padding: .5rem 1rem; background: #0b5394; }
.b-head h1 { margin: 0; font-size: 1.5rem; }
.b-sound { font: inherit; font-weight: 700; min-height: 44px; padding: .25rem 1rem; border-radius: 6px; border: 2px solid #fff;
  background: #ffbf47; color: #000; cursor: pointer; }
.b-main { display: grid; grid-template-columns: 1fr; gap: 1rem; padding: 1rem; }
.b-main section { background: #15263a; border-radius: 12px; padding: 1rem; }
.b-now { text-align: center; }
.b-now p { margin: 0; }
.b-now-label { font-size: 6rem; font-weight: 800; line-height: 1; letter-spacing: .02em; color: #ffdd57; }
.b-now-counter { font-size: 3rem; font-weight: 700; }
.b-now-service { font-size: 1.5rem; color: #d7e1ec; min-height: 1.5em; }
.b-now.flash { animation: b-flash 1s ease-in-out 3; }
@keyframes b-flash { 50% { background: #0b5394; } }
#counters, #recent, #waiting { list-style: none; margin: 0; padding: 0; }
#counters li, #recent li, #waiting li { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem;
  padding: .35rem 0; border-bottom: 1px solid #2c4460; }
.c-name, .r-counter { font-size: 1.6rem; }
.c-label, .r-label { font-size: 2.4rem; font-weight: 800; }
#counters li.idle .c-label { color: #7f93aa; }
.w-prefix { font-size: 2rem; font-weight: 800; min-width: 2.5rem; }
.w-name { flex: 1; font-size: 1.4rem; }
.w-count { font-size: 2rem; font-weight: 800; }
.q-board.offline .b-head { background: #a50e0e; }
@media (min-width: 1000px) {
  .b-main { grid-template-columns: 3fr 2fr; grid-template-areas: "now counters" "recent waiting"; }
  .b-now { grid-area: now; display: flex; flex-direction: column; justify-content: center; }
  .b-counters { grid-area: counters; }
  .b-recent { grid-area: recent; }
  .b-waiting { grid-area: waiting; }
  .b-now-label { font-size: 14vw; }
  .b-now-counter { font-size: 5vw; }
  .b-now-service { font-size: 2vw; }
  .c-label, .r-label { font-size: 3.2vw; }
  .c-name, .r-counter { font-size: 2vw; }
  .b-head h1 { font-size: 2vw; }
  .q-board h2 { font-size: 1.3vw; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::queue_desk::{QueueDeskProps, QueueDeskTicket, render_queue_desk};
    use crate::pages::queue_kiosk::{
        QueueKioskProps, QueueService, QueueTicketProps, render_queue_kiosk, render_queue_ticket,
    };

    fn board() -> QueueBoardProps {
        QueueBoardProps {
            lang: Lang::Id,
            village_name: "Sukamaju <b>".into(),
            counters: vec![
                QueueBoardCounter { counter: 1, label: Some("A-003".into()), service: Some("Layanan Surat".into()) },
                QueueBoardCounter { counter: 2, label: None, service: None },
            ],
            recent: vec![
                QueueBoardCall { label: "A-003".into(), counter: 1, service: "Layanan Surat".into() },
                QueueBoardCall { label: "B-001".into(), counter: 2, service: "KTP".into() },
            ],
            waiting: vec![QueueBoardWaiting { prefix: "A".into(), name: "Layanan Surat".into(), count: 4 }],
            speech_on_box: true,
        }
    }

    #[test]
    fn the_board_works_without_script_and_names_the_latest_call() {
        let html = render_queue_board(board());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript>"), "{html}");
        assert!(html.contains("<script src=\"/static/board.js\" defer"));
        assert!(html.contains("class=\"b-now-label\">A-003</p>"));
        assert!(html.contains("Loket 1"));
        assert!(html.contains("data-speech=\"box\""));
        assert!(html.contains("Sukamaju &lt;b&gt;"), "names are escaped");
        let empty = render_queue_board(QueueBoardProps { recent: vec![], ..board() });
        assert!(empty.contains("Belum ada panggilan"));
        let en = render_queue_board(QueueBoardProps { lang: Lang::En, ..board() });
        assert!(en.contains("Counter 1") && en.contains("Now calling"));
    }

    #[test]
    fn the_board_script_stays_es5() {
        for modern in ["=>", "let ", "const ", "`", "class ", "async ", "await ", "fetch("] {
            assert!(!BOARD_JS.contains(modern), "board.js uses {modern:?}, which old TV browsers lack");
        }
        assert!(BOARD_JS.contains("new EventSource('/antrian/events')"));
        assert!(BOARD_JS.contains("speechSynthesis"));
    }

    #[test]
    fn kiosk_ticket_and_desk_render() {
        let shell = crate::common::Shell { csrf: "tok".into(), ..Default::default() };
        let service = QueueService {
            id: "s1".into(),
            prefix: "A".into(),
            name: "Layanan Surat".into(),
            enabled: true,
            waiting: 2,
        };
        let kiosk = render_queue_kiosk(QueueKioskProps { shell: shell.clone(), services: vec![service.clone()] });
        assert!(kiosk.contains("action=\"/antrian/tickets\"") && kiosk.contains("value=\"tok\""));
        assert!(kiosk.contains("2 menunggu"));
        let ticket = render_queue_ticket(QueueTicketProps {
            label: "A-002".into(),
            service: "Layanan Surat".into(),
            ahead: 1,
            state_key: "queue.state.waiting".into(),
            ..Default::default()
        });
        assert!(ticket.contains("A-002") && ticket.contains("Ada 1 orang sebelum Anda."));
        assert!(!ticket.contains("<script"), "only the board runs a script");
        let desk = render_queue_desk(QueueDeskProps {
            shell,
            counters: 3,
            counter: 2,
            current: Some(QueueDeskTicket {
                label: "A-001".into(),
                state_key: "queue.state.called".into(),
                ..Default::default()
            }),
            services: vec![service],
            figures: Default::default(),
        });
        for action in ["/antrian/loket/call", "/antrian/loket/recall", "/antrian/loket/finish", "/antrian/loket/skip"] {
            assert!(desk.contains(&format!("action=\"{action}\"")), "{action}");
        }
        assert!(desk.contains("Loket 2") && desk.contains("A-001"));
    }
}
