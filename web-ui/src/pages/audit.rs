//! The audit log viewer: filter by person, actor and dates; the change-log
//! entries; and the result of verifying the hash chain.

use leptos::prelude::*;

use crate::common::{Pagination, Shell};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, field, pager};

/// The filter values (GET parameters `person`, `actor`, `from`, `to`).
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Person id or NIK.
    pub person: String,
    /// Actor username.
    pub actor: String,
    /// From date `YYYY-MM-DD`.
    pub from: String,
    /// To date `YYYY-MM-DD`.
    pub to: String,
}

/// One change-log entry.
#[derive(Clone, Debug, Default)]
pub struct AuditRow {
    /// Sequence number.
    pub seq: u64,
    /// When (formatted).
    pub time: String,
    /// Who.
    pub actor: String,
    /// Operation (translated label or code).
    pub action: String,
    /// Entity (kind and id).
    pub entity: String,
    /// Detail.
    pub detail: String,
}

/// Result of verifying the hash chain.
#[derive(Clone, Debug, Default)]
pub struct ChainCheck {
    /// Intact?
    pub ok: bool,
    /// What was checked or where it broke (translated).
    pub text: String,
}

/// Props of the audit page (GET `/audit`).
#[derive(Clone, Debug, Default)]
pub struct AuditProps {
    /// Page shell.
    pub shell: Shell,
    /// Current filter.
    pub filter: AuditFilter,
    /// This page's entries.
    pub rows: Vec<AuditRow>,
    /// Where we are.
    pub page: Pagination,
    /// Chain verification result, when one was run.
    pub verify: Option<ChainCheck>,
}

/// The audit page component.
#[component]
pub fn AuditView(props: AuditProps) -> impl IntoView {
    let lang = props.shell.lang;
    let f = &props.filter;
    let query =
        [("person", f.person.as_str()), ("actor", f.actor.as_str()), ("from", f.from.as_str()), ("to", f.to.as_str())];
    let pager = pager(lang, "/audit", &query, &props.page);
    let filter = filter_form(lang, f);
    view! {
        <Page shell=props.shell.clone() title=t(lang, "audit.title")>
            {props.verify.clone().map(|v| verify_line(lang, v))}
            {filter}
            <form class="inline" method="post" action="/audit/verify">
                {csrf_field(&props.shell.csrf)}
                <button type="submit" class="btn">{t(lang, "audit.verify")}</button>
            </form>
            {table(lang, &props.rows)}
            {pager}
        </Page>
    }
}

fn verify_line(lang: Lang, v: ChainCheck) -> impl IntoView {
    let (class, key) =
        if v.ok { ("flash flash-ok", "audit.chain_ok") } else { ("flash flash-error", "audit.chain_broken") };
    view! { <div class=class role="status"><strong>{t(lang, key)}</strong> " " {v.text}</div> }
}

fn filter_form(lang: Lang, f: &AuditFilter) -> impl IntoView + use<> {
    let person = Field::new("person", t(lang, "audit.person"), &f.person);
    let actor = Field::new("actor", t(lang, "audit.actor"), &f.actor);
    let from = Field::new("from", t(lang, "audit.from"), &f.from).control(Control::Input("date"));
    let to = Field::new("to", t(lang, "audit.to"), &f.to).control(Control::Input("date"));
    view! {
        <form class="filters" method="get" action="/audit">
            {field(lang, person)}
            {field(lang, actor)}
            {field(lang, from)}
            {field(lang, to)}
            <button type="submit" class="btn btn-primary">{t(lang, "action.filter")}</button>
        </form>
    }
}

fn table(lang: Lang, rows: &[AuditRow]) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="empty">{t(lang, "audit.none")}</p> }.into_any();
    }
    let labels: Vec<String> =
        ["audit.seq", "history.time", "history.actor", "audit.action", "audit.entity", "history.detail"]
            .iter()
            .map(|k| t(lang, k))
            .collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let body = rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td data-label=labels[0].clone()>{r.seq}</td>
                    <td data-label=labels[1].clone()>{r.time.clone()}</td>
                    <td data-label=labels[2].clone()>{r.actor.clone()}</td>
                    <td data-label=labels[3].clone()>{r.action.clone()}</td>
                    <td data-label=labels[4].clone()>{r.entity.clone()}</td>
                    <td data-label=labels[5].clone()>{r.detail.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <table class="cards"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table> }.into_any()
}

/// Renders the audit page.
pub fn render_audit(props: AuditProps) -> String {
    document(|| view! { <AuditView props=props/> })
}
