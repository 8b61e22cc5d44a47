//! The one stylesheet: mobile-first, system fonts, large touch targets, high
//! contrast, visible focus, tables that become cards on a phone, and a clean
//! print layout. Served by the daemon at `/static/balai.css`.

/// Balai's stylesheet (no external fonts, no images).
pub const CSS: &str = r#"
:root {
  --ink: #111; --paper: #fff; --muted: #4a4a4a; --line: #8a8a8a;
  --brand: #0b5394; --brand-ink: #fff; --soft: #eef3f8;
  --ok: #0a6b2d; --ok-bg: #e6f4ea; --err: #a50e0e; --err-bg: #fce8e6;
  --warn: #7a4f00; --warn-bg: #fff4d6; --focus: #ffbf47;
  --male: #1f5fa8; --female: #b0306a;
}
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: var(--paper);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
  font-size: 1.0625rem; line-height: 1.5;
}
a { color: var(--brand); text-underline-offset: 2px; }
a:hover { text-decoration-thickness: 3px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--ink); }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.25rem 0 .5rem; }
h3 { font-size: 1.1rem; margin: .75rem 0 .5rem; }
.skip { position: absolute; left: -9999px; top: 0; background: var(--focus); color: var(--ink); padding: .75rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.top { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; justify-content: space-between;
  background: var(--brand); color: var(--brand-ink); padding: .5rem .75rem; }
.top a, .top .who { color: var(--brand-ink); }
.brand { font-weight: 700; font-size: 1.1rem; text-decoration: none; min-height: 44px; display: inline-flex; align-items: center; }
.top-tools { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.lang-switch { min-height: 44px; display: inline-flex; align-items: center; padding: 0 .5rem; }
.who { display: flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: center; }
.top .btn { background: var(--paper); color: var(--brand); border-color: var(--paper); }
.main-nav { background: var(--soft); border-bottom: 1px solid var(--line); }
.main-nav ul { list-style: none; margin: 0; padding: .25rem .5rem; display: flex; flex-wrap: wrap; gap: .25rem; }
.main-nav a { display: inline-flex; align-items: center; min-height: 44px; padding: 0 .75rem; border-radius: 6px; color: var(--ink); text-decoration: none; font-weight: 600; }
.main-nav a[aria-current="page"] { background: var(--brand); color: var(--brand-ink); }
main { display: block; max-width: 72rem; margin: 0 auto; padding: .75rem; }
.foot { max-width: 72rem; margin: 2rem auto 0; padding: 1rem .75rem; color: var(--muted); border-top: 1px solid var(--line); font-size: .9rem; }
.lead { font-size: 1.15rem; }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
.mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; letter-spacing: .02em; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1rem; background: var(--paper); }
fieldset.card { min-width: 0; }
legend { font-weight: 700; font-size: 1.15rem; padding: 0 .25rem; }
.narrow { max-width: 28rem; }
.two-col { display: grid; grid-template-columns: 1fr; gap: 1rem; }
.btn { display: inline-flex; align-items: center; justify-content: center; min-height: 44px; min-width: 44px;
  padding: .5rem 1rem; border: 2px solid var(--brand); border-radius: 6px; background: var(--paper);
  color: var(--brand); font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
.btn-primary { background: var(--brand); color: var(--brand-ink); }
.btn-danger { border-color: var(--err); color: var(--err); }
.btn-big { min-height: 52px; width: 100%; font-size: 1.1rem; }
.btn-small { min-height: 44px; padding: .25rem .75rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0 1rem; }
form.inline { display: inline; margin: 0; }
.field { margin: 0 0 1rem; }
.field label { display: block; font-weight: 600; margin-bottom: .25rem; }
.field.check { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.field.check label { display: inline; margin: 0; }
.field.check input { width: 28px; height: 28px; }
input, select, textarea { font: inherit; color: var(--ink); background: var(--paper); width: 100%;
  min-height: 44px; padding: .5rem .6rem; border: 2px solid var(--ink); border-radius: 6px; }
textarea { min-height: 5rem; }
input[type="file"] { border-style: dashed; }
.help { color: var(--muted); margin: 0 0 .25rem; font-size: .95rem; }
.req { color: var(--err); font-weight: 400; font-size: .9rem; }
.error { color: var(--err); font-weight: 600; margin: .25rem 0 0; }
.error::before { content: "✖ "; }
.warning { color: var(--warn); font-weight: 600; margin: .25rem 0 0; }
.warning::before { content: "⚠ "; }
.has-error input, .has-error select, .has-error textarea { border-color: var(--err); border-width: 3px; }
.has-warning input, .has-warning select, .has-warning textarea { border-color: var(--warn); border-width: 3px; }
.flash { border-left: 6px solid; padding: .75rem 1rem; margin: 0 0 1rem; border-radius: 4px; }
.flash h2 { margin: 0; font-size: 1.1rem; }
.flash-ok { border-color: var(--ok); background: var(--ok-bg); }
.flash-error { border-color: var(--err); background: var(--err-bg); }
.flash-warn, .warn-box { border-color: var(--warn); background: var(--warn-bg); }
.pin { font-size: 2rem; font-weight: 700; letter-spacing: .2em; }
.badge { color: var(--ok); }
.filters { display: grid; grid-template-columns: 1fr; gap: 0 1rem; align-items: end; margin-bottom: 1rem; }
.filters .btn { margin-bottom: 1rem; }
.stats { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(2, 1fr); gap: .5rem; }
.stat { border: 1px solid var(--line); border-radius: 8px; padding: .75rem; display: flex; flex-direction: column; }
.stat-n { font-size: 1.75rem; font-weight: 700; }
.shortcuts { list-style: none; padding: 0; display: grid; grid-template-columns: 1fr; gap: .5rem; }
.activity, .results { padding-left: 1.25rem; }
.activity li, .results li { margin-bottom: .5rem; }
.dl { margin: 0; }
.dl-row { display: grid; grid-template-columns: 1fr; padding: .35rem 0; border-bottom: 1px solid #ddd; }
.dl dt { font-weight: 600; color: var(--muted); }
.dl dd { margin: 0; overflow-wrap: anywhere; }
td.flag { color: var(--err); font-weight: 700; }
table { width: 100%; border-collapse: collapse; margin: 0 0 1rem; }
th, td { text-align: left; padding: .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--soft); }
.columns { columns: 2; font-size: .95rem; }
.chart-wrap { max-width: 40rem; }
.chart { width: 100%; height: auto; display: block; }
.chart .bar { fill: var(--brand); }
.chart .bar-m { fill: var(--male); }
.chart .bar-f { fill: var(--female); }
.chart text { fill: var(--ink); }
.pager ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
.pager a { display: inline-flex; align-items: center; justify-content: center; min-width: 44px; min-height: 44px;
  padding: 0 .5rem; border: 1px solid var(--line); border-radius: 6px; text-decoration: none; }
.pager a[aria-current="page"] { background: var(--brand); color: var(--brand-ink); font-weight: 700; }
.pager .gap { min-width: 2rem; display: inline-flex; align-items: center; justify-content: center; }
.tabs { list-style: none; padding: 0; margin: 0 0 1rem; display: flex; flex-wrap: wrap; gap: .35rem; }
.tabs a { display: inline-flex; align-items: center; min-height: 44px; padding: 0 .75rem; border: 1px solid var(--line); border-radius: 22px; text-decoration: none; }
.tabs a[aria-current="page"] { background: var(--brand); color: var(--brand-ink); border-color: var(--brand); font-weight: 700; }
.type-list { list-style: none; padding: 0; display: grid; grid-template-columns: 1fr; gap: .5rem; }
.type-card .btn { white-space: normal; text-align: center; }
.photos { display: flex; flex-wrap: wrap; gap: .5rem; }
.photo { max-width: 100%; width: 22rem; height: auto; border: 1px solid var(--line); border-radius: 6px; }
.steps { padding-left: 1.5rem; }
.steps li { margin-bottom: .35rem; }
.actions-col { display: grid; grid-template-columns: 1fr; gap: 0; }
.letter-preview { font-family: "Liberation Sans", Arial, sans-serif; border: 1px solid var(--line); padding: 1.5rem; max-width: 44rem; background: #fff; }
.letter-preview header { text-align: center; border-bottom: 3px double #000; margin-bottom: 1rem; }
.letter-preview .lh { margin: 0; font-weight: 700; }
.letter-title { text-align: center; text-decoration: underline; margin: .5rem 0 0; }
.letter-number { text-align: center; margin: 0 0 1rem; }
.letter-fields td { border: 0; padding: .1rem .5rem .1rem 0; vertical-align: top; }
.letter-signer { margin-left: 55%; margin-top: 1.5rem; }
.letter-signer p { margin: .1rem 0; }
.kiosk { max-width: 40rem; margin: 0 auto; }
.kiosk-form { padding: 1rem 1.25rem; }
.kiosk-field label { font-size: 1.35rem; font-weight: 700; }
.kiosk-field input { font-size: 2rem; min-height: 64px; width: 100%; letter-spacing: .08em; }
.kiosk .kiosk-go { min-height: 72px; font-size: 1.5rem; width: 100%; margin-top: .5rem; }
.kiosk-msg { font-size: 1.25rem; }
.kiosk-big { font-size: 1.5rem; font-weight: 700; color: var(--ok); margin: .25rem 0; }
.kiosk-note { color: var(--muted); }
.kiosk-done { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin: 0 0 1rem; }
.kiosk-done .btn.btn-big { min-height: 64px; font-size: 1.4rem; width: auto; padding: .5rem 2.5rem; }
@media (max-width: 599.98px) {
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards tr { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 .75rem; padding: .25rem .5rem; }
  table.cards td { border: 0; padding: .3rem 0; display: grid; grid-template-columns: 8.5rem 1fr; gap: .5rem; }
  table.cards td::before { content: attr(data-label); font-weight: 600; color: var(--muted); }
}
@media (min-width: 600px) {
  .two-col { grid-template-columns: 1fr 1fr; }
  .filters { grid-template-columns: 2fr 1fr auto; }
  .stats { grid-template-columns: repeat(4, 1fr); }
  .shortcuts { grid-template-columns: repeat(3, 1fr); }
  .dl-row { grid-template-columns: 16rem 1fr; gap: 1rem; }
  .btn-big { width: auto; }
  main { padding: 1rem 1.5rem; }
}
@media print {
  @page { margin: 15mm; }
  :root { --ink: #000; --muted: #000; --line: #000; }
  body { background: #fff; color: #000; font-size: 11pt; }
  .skip, .top, .main-nav, .foot, .actions, .pager, form, button, .btn, .no-print { display: none !important; }
  main { max-width: none; padding: 0; }
  a { color: #000; text-decoration: none; }
  .card, .flash { border: 1px solid #000; background: #fff; box-shadow: none; }
  .record, .card, tr, .dl-row, .chart-box { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  table.cards thead { position: static; width: auto; height: auto; clip: auto; }
  .chart .bar, .chart .bar-m, .chart .bar-f { fill: #555; }
}
"#;
