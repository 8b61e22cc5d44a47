//! The population register list: search, dusun filter, a table that becomes
//! cards on a phone, pagination, and the add/import/export buttons the
//! user's role allows.

use leptos::prelude::*;

use crate::common::{Pagination, Shell, href_with, show_nik};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::widgets::{options_with_empty, pager};

/// One resident row (display text; labels already translated).
#[derive(Clone, Debug, Default)]
pub struct ResidentRow {
    /// Record id (link `/residents/{id}`).
    pub id: String,
    /// NIK, masked on the page unless `show_full_nik`.
    pub nik: String,
    /// Name.
    pub name: String,
    /// Sex label.
    pub sex_label: String,
    /// Age in years, as text (empty if unknown).
    pub age: String,
    /// Dusun.
    pub dusun: String,
    /// RT.
    pub rt: String,
    /// RW.
    pub rw: String,
    /// Family id (link `/families/{id}`), if in a family.
    pub family_id: Option<String>,
    /// No. KK shown as the family link text.
    pub no_kk: String,
    /// Status label (hidup, pindah, …).
    pub status_label: String,
}

/// Props of the resident list (GET `/residents?q=&dusun=&page=`).
#[derive(Clone, Debug, Default)]
pub struct ResidentListProps {
    /// Page shell.
    pub shell: Shell,
    /// Current search text.
    pub q: String,
    /// Selected dusun filter (code), empty for all.
    pub dusun: String,
    /// Dusun options `(code, label)`.
    pub dusun_options: Vec<(String, String)>,
    /// This page's rows.
    pub rows: Vec<ResidentRow>,
    /// Where we are.
    pub page: Pagination,
    /// Show NIK in full (role allows it).
    pub show_full_nik: bool,
    /// Show "Tambah penduduk".
    pub can_create: bool,
    /// Show "Impor".
    pub can_import: bool,
    /// Show the export links.
    pub can_export: bool,
}

/// The resident list component.
#[component]
pub fn ResidentListView(props: ResidentListProps) -> impl IntoView {
    let lang = props.shell.lang;
    let query = [("q", props.q.as_str()), ("dusun", props.dusun.as_str())];
    let pager = pager(lang, "/residents", &query, &props.page);
    let total = crate::i18n::tf(lang, "residents.total", &[("count", &props.page.total_items.to_string())]);
    view! {
        <Page shell=props.shell.clone() title=t(lang, "residents.title")>
            {actions(lang, &props)}
            {filter_form(lang, &props)}
            <p class="muted">{total}</p>
            {table(lang, &props)}
            {pager}
        </Page>
    }
}

fn actions(lang: Lang, p: &ResidentListProps) -> impl IntoView + use<> {
    let create = p.can_create.then(|| {
        view! { <a class="btn btn-primary" href="/residents/new">{t(lang, "residents.add")}</a> }
    });
    let import = p.can_import.then(|| {
        view! { <a class="btn" href="/residents/import">{t(lang, "residents.import")}</a> }
    });
    let export = p.can_export.then(|| {
        view! {
            <a class="btn" href="/residents/export?format=csv">{t(lang, "residents.export_csv")}</a>
            <a class="btn" href="/residents/export?format=xlsx">{t(lang, "residents.export_xlsx")}</a>
        }
    });
    view! { <div class="actions">{create} {import} {export}</div> }
}

fn filter_form(lang: Lang, p: &ResidentListProps) -> impl IntoView + use<> {
    view! {
        <form class="filters" method="get" action="/residents" role="search">
            <div class="field">
                <label for="q">{t(lang, "residents.search_label")}</label>
                <input type="search" id="q" name="q" value=p.q.clone()/>
            </div>
            <div class="field">
                <label for="dusun">{t(lang, "field.dusun")}</label>
                <select id="dusun" name="dusun">{options_with_empty(lang, "residents.all_dusun", &p.dusun_options, &p.dusun)}</select>
            </div>
            <button type="submit" class="btn btn-primary">{t(lang, "action.search")}</button>
        </form>
    }
}

fn table(lang: Lang, p: &ResidentListProps) -> AnyView {
    if p.rows.is_empty() {
        return view! { <p class="empty">{t(lang, "residents.none")}</p> }.into_any();
    }
    let heads = [
        "field.nik",
        "field.nama",
        "field.sex",
        "residents.age",
        "residents.place",
        "residents.family",
        "field.status_dasar",
    ];
    let labels: Vec<String> = heads.iter().map(|k| t(lang, k)).collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let rows = p.rows.iter().map(|r| row(&labels, r, p.show_full_nik)).collect_view();
    view! {
        <table class="cards">
            <caption class="sr-only">{t(lang, "residents.title")}</caption>
            <thead><tr>{th}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn row(labels: &[String], r: &ResidentRow, full: bool) -> impl IntoView + use<> {
    let place = format!("{} RT {} / RW {}", r.dusun, r.rt, r.rw);
    let family = r.family_id.clone().map(|id| {
        view! { <a href=format!("/families/{}", crate::common::url_encode(&id))>{r.no_kk.clone()}</a> }
    });
    let href = href_with(&format!("/residents/{}", crate::common::url_encode(&r.id)), &[]);
    view! {
        <tr>
            <td data-label=labels[0].clone() class="mono">{show_nik(&r.nik, full)}</td>
            <td data-label=labels[1].clone()><a href=href>{r.name.clone()}</a></td>
            <td data-label=labels[2].clone()>{r.sex_label.clone()}</td>
            <td data-label=labels[3].clone()>{r.age.clone()}</td>
            <td data-label=labels[4].clone()>{place}</td>
            <td data-label=labels[5].clone()>{family}</td>
            <td data-label=labels[6].clone()>{r.status_label.clone()}</td>
        </tr>
    }
}

/// Renders the resident list.
pub fn render_resident_list(props: ResidentListProps) -> String {
    document(|| view! { <ResidentListView props=props/> })
}
