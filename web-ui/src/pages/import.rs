//! Importing residents from an OpenSID-layout CSV or XLSX file: the upload
//! form, the layout explanation and template link, and the result (errors by
//! row and column, or what was created and updated).

use leptos::prelude::*;

use crate::common::Shell;
use crate::i18n::{Lang, t, tf};
use crate::layout::{Page, document};
use crate::widgets::csrf_field;

/// One rejected cell or row.
#[derive(Clone, Debug, Default)]
pub struct ImportError {
    /// Row number in the file (as the spreadsheet shows it).
    pub row: u64,
    /// Column name (OpenSID header).
    pub column: String,
    /// Why (translated).
    pub reason: String,
}

/// What an accepted import did.
#[derive(Clone, Debug, Default)]
pub struct ImportSummary {
    /// Residents created.
    pub residents_created: u64,
    /// Residents updated.
    pub residents_updated: u64,
    /// Families created.
    pub families_created: u64,
    /// Families updated.
    pub families_updated: u64,
}

/// Props of the import page (GET/POST `/residents/import`).
#[derive(Clone, Debug, Default)]
pub struct ImportProps {
    /// Page shell.
    pub shell: Shell,
    /// Errors of a rejected file (nothing was written).
    pub errors: Vec<ImportError>,
    /// Summary of an accepted file.
    pub summary: Option<ImportSummary>,
    /// The import layout's column names, in template order (the daemon's
    /// importer is the one source of them).
    pub columns: Vec<String>,
}

/// The import page component.
#[component]
pub fn ImportView(props: ImportProps) -> impl IntoView {
    let lang = props.shell.lang;
    view! {
        <Page shell=props.shell.clone() title=t(lang, "import.title")>
            {props.summary.clone().map(|s| summary(lang, s))}
            {errors(lang, &props.errors)}
            <section class="card">
                <h2>{t(lang, "import.upload")}</h2>
                <form method="post" action="/residents/import" enctype="multipart/form-data">
                    {csrf_field(&props.shell.csrf)}
                    <div class="field">
                        <label for="file">{t(lang, "import.file")}</label>
                        <p class="help" id="file-help">{t(lang, "import.file_help")}</p>
                        <input type="file" id="file" name="file" accept=".csv,.xlsx" aria-describedby="file-help"/>
                    </div>
                    <button type="submit" class="btn btn-primary btn-big">{t(lang, "import.submit")}</button>
                </form>
            </section>
            {layout_help(lang, &props.columns)}
        </Page>
    }
}

fn summary(lang: Lang, s: ImportSummary) -> impl IntoView {
    let n = |v: u64| v.to_string();
    let text = tf(
        lang,
        "import.summary",
        &[
            ("residents_created", &n(s.residents_created)),
            ("residents_updated", &n(s.residents_updated)),
            ("families_created", &n(s.families_created)),
            ("families_updated", &n(s.families_updated)),
        ],
    );
    view! { <div class="flash flash-ok" role="status">{text}</div> }
}

fn errors(lang: Lang, list: &[ImportError]) -> Option<impl IntoView + use<>> {
    if list.is_empty() {
        return None;
    }
    let labels: Vec<String> = ["import.row", "import.column", "import.reason"].iter().map(|k| t(lang, k)).collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let rows = list
        .iter()
        .map(|e| {
            view! {
                <tr>
                    <td data-label=labels[0].clone()>{e.row}</td>
                    <td data-label=labels[1].clone() class="mono">{e.column.clone()}</td>
                    <td data-label=labels[2].clone()>{e.reason.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let head = tf(lang, "import.errors", &[("count", &list.len().to_string())]);
    Some(view! {
        <section class="record" aria-labelledby="imp-err-h">
            <div class="flash flash-error" role="alert"><h2 id="imp-err-h">{head}</h2></div>
            <table class="cards"><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>
        </section>
    })
}

fn layout_help(lang: Lang, columns: &[String]) -> impl IntoView + use<> {
    let cols = columns.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view();
    view! {
        <section class="card">
            <h2>{t(lang, "import.layout")}</h2>
            <p>{t(lang, "import.layout_text")}</p>
            <p><a class="btn" href="/residents/import/template.csv" download="">{t(lang, "import.template")}</a></p>
            <details>
                <summary>{t(lang, "import.columns")}</summary>
                <ol class="columns">{cols}</ol>
            </details>
        </section>
    }
}

/// Renders the import page.
pub fn render_import(props: ImportProps) -> String {
    document(|| view! { <ImportView props=props/> })
}
