//! The one search box's result page: matching residents and families.

use leptos::prelude::*;

use crate::common::{Shell, show_nik, url_encode};
use crate::i18n::{Lang, t, tf};
use crate::layout::{Page, document};

/// A matching resident.
#[derive(Clone, Debug, Default)]
pub struct SearchResident {
    /// Record id.
    pub id: String,
    /// Name.
    pub name: String,
    /// NIK.
    pub nik: String,
    /// Dusun.
    pub dusun: String,
}

/// A matching family.
#[derive(Clone, Debug, Default)]
pub struct SearchFamily {
    /// Family id.
    pub id: String,
    /// No. KK.
    pub no_kk: String,
    /// Head of family.
    pub head: String,
}

/// Props of the search page (GET `/search?q=`).
#[derive(Clone, Debug, Default)]
pub struct SearchProps {
    /// Page shell.
    pub shell: Shell,
    /// The query.
    pub q: String,
    /// Matching residents.
    pub residents: Vec<SearchResident>,
    /// Matching families.
    pub families: Vec<SearchFamily>,
    /// Show NIKs in full.
    pub show_full_nik: bool,
}

/// The search page component.
#[component]
pub fn SearchResultsView(props: SearchProps) -> impl IntoView {
    let lang = props.shell.lang;
    let count = props.residents.len() + props.families.len();
    let summary =
        (!props.q.is_empty()).then(|| tf(lang, "search.summary", &[("count", &count.to_string()), ("q", &props.q)]));
    view! {
        <Page shell=props.shell.clone() title=t(lang, "search.title")>
            <form class="filters" method="get" action="/search" role="search">
                <div class="field">
                    <label for="q">{t(lang, "search.label")}</label>
                    <input type="search" id="q" name="q" value=props.q.clone()/>
                </div>
                <button type="submit" class="btn btn-primary">{t(lang, "action.search")}</button>
            </form>
            <p class="muted" role="status">{summary}</p>
            {residents(lang, &props)}
            {families(lang, &props.families)}
        </Page>
    }
}

fn residents(lang: Lang, p: &SearchProps) -> impl IntoView + use<> {
    let items = p
        .residents
        .iter()
        .map(|r| {
            view! {
                <li>
                    <a href=format!("/residents/{}", url_encode(&r.id))>{r.name.clone()}</a>
                    " · " <span class="mono">{show_nik(&r.nik, p.show_full_nik)}</span>
                    " · " {r.dusun.clone()}
                </li>
            }
        })
        .collect_view();
    let body = if p.residents.is_empty() {
        view! { <p class="empty">{t(lang, "search.none")}</p> }.into_any()
    } else {
        view! { <ul class="results">{items}</ul> }.into_any()
    };
    view! { <section><h2>{t(lang, "nav.residents")}</h2>{body}</section> }
}

fn families(lang: Lang, list: &[SearchFamily]) -> impl IntoView + use<> {
    let items = list
        .iter()
        .map(|f| {
            view! {
                <li>
                    <a href=format!("/families/{}", url_encode(&f.id))><span class="mono">{f.no_kk.clone()}</span></a>
                    " · " {f.head.clone()}
                </li>
            }
        })
        .collect_view();
    let body = if list.is_empty() {
        view! { <p class="empty">{t(lang, "search.none")}</p> }.into_any()
    } else {
        view! { <ul class="results">{items}</ul> }.into_any()
    };
    view! { <section><h2>{t(lang, "nav.families")}</h2>{body}</section> }
}

/// Renders the search page.
pub fn render_search_results(props: SearchProps) -> String {
    document(|| view! { <SearchResultsView props=props/> })
}
