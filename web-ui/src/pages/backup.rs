//! Backups: the admin's page (last good backup, the warning when it is old,
//! the "back up now" button, the list of runs) and the printable recovery
//! sheet with the backup key as text and QR.

use leptos::prelude::*;

use crate::common::{Shell, url_encode};
use crate::i18n::{Lang, t, tf};
use crate::layout::{Page, document};
use crate::widgets::csrf_field;

/// The state the dashboard and the backup page show.
#[derive(Clone, Debug, Default)]
pub struct BackupNotice {
    /// When the last verified backup finished (formatted), if any.
    pub last_good: Option<String>,
    /// No verified backup newer than `warn_days`.
    pub stale: bool,
    /// The configured days.
    pub warn_days: i64,
}

/// One backup run (display text).
#[derive(Clone, Debug, Default)]
pub struct BackupRunRow {
    /// Run id.
    pub id: String,
    /// Finished (formatted, village time).
    pub time: String,
    /// How it was started (label).
    pub trigger: String,
    /// File name.
    pub file: String,
    /// Size, formatted.
    pub size: String,
    /// Outcome label (verified, written, failed: reason).
    pub outcome: String,
    /// Succeeded.
    pub ok: bool,
    /// Offer a download (the file is in the box's own backup folder).
    pub downloadable: bool,
}

/// Props of GET `/admin/cadangan`.
#[derive(Clone, Debug, Default)]
pub struct BackupProps {
    /// Page shell.
    pub shell: Shell,
    /// Last good backup and the warning.
    pub notice: BackupNotice,
    /// Runs, newest first.
    pub runs: Vec<BackupRunRow>,
    /// Where the USB stick is expected.
    pub usb_dir: String,
    /// Recipients that bundles are sent to by HTTPS.
    pub uplink: Vec<UplinkRow>,
}

/// One uplink recipient with an endpoint (display text).
#[derive(Clone, Debug, Default)]
pub struct UplinkRow {
    /// Recipient name.
    pub name: String,
    /// The https:// URL.
    pub endpoint: String,
    /// Last acknowledged change-log sequence.
    pub acked: String,
    /// Last attempt (formatted), empty if none yet.
    pub last_attempt: String,
    /// Failed attempts of the pending bundle.
    pub failures: u32,
    /// Why the last attempt failed; empty after a success.
    pub last_error: String,
    /// Next attempt (formatted), empty if none planned.
    pub next_attempt: String,
}

/// Props of GET `/admin/cadangan/lembar`.
#[derive(Clone, Debug, Default)]
pub struct RecoverySheetProps {
    /// Page shell.
    pub shell: Shell,
    /// Village name and code.
    pub village: String,
    /// Printed on (formatted date).
    pub printed: String,
    /// The key in groups, to read and type back.
    pub key_groups: Vec<String>,
    /// The key's QR code, dark modules row by row.
    pub qr: Vec<Vec<bool>>,
}

/// The notice block, shared by the dashboard and the backup page.
pub fn notice_view(lang: Lang, n: &BackupNotice) -> AnyView {
    let last = match &n.last_good {
        Some(time) => tf(lang, "backup.last_good", &[("time", time)]),
        None => t(lang, "backup.none_yet"),
    };
    let days = n.warn_days.to_string();
    if n.stale {
        view! {
            <p class="flash flash-warn backup-notice" role="alert">
                <strong>{tf(lang, "backup.stale", &[("days", &days)])}</strong>" "{last}" "
                <a href="/admin/cadangan">{t(lang, "backup.go")}</a>
            </p>
        }
        .into_any()
    } else {
        view! { <p class="flash flash-ok backup-notice" role="status">{last}</p> }.into_any()
    }
}

/// The backup page component.
#[component]
pub fn BackupView(props: BackupProps) -> impl IntoView {
    let lang = props.shell.lang;
    let csrf = props.shell.csrf.clone();
    view! {
        <Page shell=props.shell.clone() title=t(lang, "backup.title")>
            <p>{t(lang, "backup.intro")}</p>
            {notice_view(lang, &props.notice)}
            <form method="post" action="/admin/cadangan">
                {csrf_field(&csrf)}
                <button type="submit" class="btn btn-primary">{t(lang, "backup.now")}</button>
            </form>
            <p>{tf(lang, "backup.usb", &[("dir", &props.usb_dir)])}</p>
            <p><a class="btn" href="/admin/cadangan/lembar">{t(lang, "backup.sheet.open")}</a></p>
            {runs_table(lang, &props.runs)}
            {uplink_table(lang, &props.uplink)}
        </Page>
    }
}

fn runs_table(lang: Lang, runs: &[BackupRunRow]) -> AnyView {
    if runs.is_empty() {
        return view! { <p class="empty">{t(lang, "backup.runs.none")}</p> }.into_any();
    }
    let labels: Vec<String> =
        ["backup.runs.time", "backup.runs.trigger", "backup.runs.file", "backup.runs.size", "backup.runs.outcome"]
            .iter()
            .map(|k| t(lang, k))
            .collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let body = runs
        .iter()
        .map(|r| {
            let file = if r.downloadable {
                view! { <a href=format!("/admin/cadangan/{}/unduh", url_encode(&r.id))>{r.file.clone()}</a> }.into_any()
            } else {
                view! { <span class="mono">{r.file.clone()}</span> }.into_any()
            };
            view! {
                <tr data-ok=r.ok.to_string()>
                    <td data-label=labels[0].clone()>{r.time.clone()}</td>
                    <td data-label=labels[1].clone()>{r.trigger.clone()}</td>
                    <td data-label=labels[2].clone()>{file}</td>
                    <td data-label=labels[3].clone()>{r.size.clone()}</td>
                    <td data-label=labels[4].clone()>{r.outcome.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{t(lang, "backup.runs.title")}</h2>
        <table class="cards"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>
    }
    .into_any()
}

fn uplink_table(lang: Lang, rows: &[UplinkRow]) -> AnyView {
    if rows.is_empty() {
        return ().into_any();
    }
    let labels: Vec<String> =
        ["uplink.col.recipient", "uplink.col.acked", "uplink.col.last", "uplink.col.outcome", "uplink.col.next"]
            .iter()
            .map(|k| t(lang, k))
            .collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let body = rows
        .iter()
        .map(|r| {
            let outcome = if r.last_attempt.is_empty() {
                t(lang, "uplink.outcome.none")
            } else if r.last_error.is_empty() {
                t(lang, "uplink.outcome.ok")
            } else {
                let failures = r.failures.to_string();
                tf(lang, "uplink.outcome.failed", &[("n", &failures), ("reason", &r.last_error)])
            };
            view! {
                <tr data-ok=r.last_error.is_empty().to_string()>
                    <td data-label=labels[0].clone()>{r.name.clone()}<br/><span class="mono">{r.endpoint.clone()}</span></td>
                    <td data-label=labels[1].clone()>{r.acked.clone()}</td>
                    <td data-label=labels[2].clone()>{r.last_attempt.clone()}</td>
                    <td data-label=labels[3].clone()>{outcome}</td>
                    <td data-label=labels[4].clone()>{r.next_attempt.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{t(lang, "uplink.title")}</h2>
        <p>{t(lang, "uplink.intro")}</p>
        <table class="cards"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>
    }
    .into_any()
}

/// The QR as one SVG path: one square per dark module, a quiet zone of four.
fn qr_svg(qr: &[Vec<bool>]) -> AnyView {
    let size = qr.len() + 8;
    let mut d = String::new();
    for (y, row) in qr.iter().enumerate() {
        for (x, dark) in row.iter().enumerate() {
            if *dark {
                d.push_str(&format!("M{} {}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    view! {
        <svg class="recovery-qr" viewBox=format!("0 0 {size} {size}") width="220" height="220" role="img" aria-label="QR">
            <rect width=size.to_string() height=size.to_string() fill="#fff"/>
            <path d=d fill="#000"/>
        </svg>
    }
    .into_any()
}

/// The recovery sheet component.
#[component]
pub fn RecoverySheetView(props: RecoverySheetProps) -> impl IntoView {
    let lang = props.shell.lang;
    let groups =
        props.key_groups.iter().map(|g| view! { <span class="key-group">{g.clone()}</span>" " }).collect_view();
    let steps = ["backup.sheet.step1", "backup.sheet.step2", "backup.sheet.step3", "backup.sheet.step4"]
        .iter()
        .map(|k| view! { <li>{t(lang, k)}</li> })
        .collect_view();
    view! {
        <Page shell=props.shell.clone() title=t(lang, "backup.sheet.title")>
            <section class="recovery-sheet">
                <p><strong>{props.village.clone()}</strong>" · "{tf(lang, "backup.sheet.printed", &[("date", &props.printed)])}</p>
                <p class="flash flash-warn">{t(lang, "backup.sheet.warning")}</p>
                <h2>{t(lang, "backup.sheet.key")}</h2>
                <p class="mono recovery-key">{groups}</p>
                {qr_svg(&props.qr)}
                <h2>{t(lang, "backup.sheet.how")}</h2>
                <ol>{steps}</ol>
                <pre class="mono">"balai backup restore FILE --data-dir /var/lib/balai --key \"AGE-SECRET-KEY-1…\""</pre>
                <p class="no-print">{t(lang, "backup.sheet.print")}</p>
            </section>
        </Page>
    }
}

/// Renders the backup page.
pub fn render_backup(props: BackupProps) -> String {
    document(|| view! { <BackupView props=props/> })
}

/// Renders the recovery sheet.
pub fn render_recovery_sheet(props: RecoverySheetProps) -> String {
    document(|| view! { <RecoverySheetView props=props/> })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_and_sheet_render_in_both_languages() {
        for lang in [Lang::Id, Lang::En] {
            let shell = Shell { lang, csrf: "TOKEN-9".into(), ..Shell::default() };
            let html = render_backup(BackupProps {
                shell: shell.clone(),
                notice: BackupNotice { last_good: None, stale: true, warn_days: 7 },
                runs: vec![BackupRunRow {
                    id: "r1".into(),
                    file: "<b>x</b>".into(),
                    downloadable: true,
                    ..BackupRunRow::default()
                }],
                usb_dir: "/media/balai-usb".into(),
                uplink: vec![UplinkRow {
                    name: "dinas".into(),
                    endpoint: "https://dinas.example/uplink".into(),
                    acked: "41".into(),
                    last_attempt: "10:00".into(),
                    failures: 3,
                    last_error: "<503>".into(),
                    next_attempt: "10:05".into(),
                }],
            });
            assert!(html.contains(&tf(lang, "backup.stale", &[("days", "7")])));
            assert!(html.contains(&tf(lang, "uplink.outcome.failed", &[("n", "3"), ("reason", "&lt;503&gt;")])));
            assert!(html.contains("https://dinas.example/uplink") && !html.contains("<503>"));
            assert!(html.contains("name=\"csrf\" value=\"TOKEN-9\""));
            assert!(html.contains("/admin/cadangan/r1/unduh"));
            assert!(!html.contains("<b>x</b>"));
            let sheet = render_recovery_sheet(RecoverySheetProps {
                shell,
                village: "Sukamaju".into(),
                printed: "1-1-2027".into(),
                key_groups: vec!["AGE-SECRET-KEY-".into(), "1ABCDEFG".into()],
                qr: vec![vec![true, false], vec![false, true]],
            });
            assert!(sheet.contains("1ABCDEFG"));
            assert!(sheet.contains("M4 4h1v1h-1z"));
            assert!(sheet.contains(&t(lang, "backup.sheet.step1")));
        }
    }
}
