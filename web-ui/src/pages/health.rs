//! The health desk's pages (immunization, pregnant women, telemedicine and
//! prescriptions, the resident's health record). They are all the same
//! shape, a title and a few sections, each with facts, a table and forms,
//! so one component draws them; the daemon fills in translated text. A
//! section marked `print` is what a printed page keeps (forms never print).

use leptos::prelude::*;

use crate::common::Shell;
use crate::i18n::Lang;
use crate::layout::{Page, document};
use crate::widgets::{Field, csrf_field, field};

/// A table cell: text, optionally a link, optionally flagged (a risk, an overdue dose).
#[derive(Clone, Debug, Default)]
pub struct HealthCell {
    pub text: String,
    pub href: Option<String>,
    pub flag: bool,
}

impl HealthCell {
    /// A plain cell.
    pub fn text(text: impl Into<String>) -> HealthCell {
        HealthCell { text: text.into(), ..HealthCell::default() }
    }

    /// A cell linking to `href`.
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> HealthCell {
        HealthCell { text: text.into(), href: Some(href.into()), flag: false }
    }

    /// Marks the cell as needing attention.
    pub fn flagged(mut self, flag: bool) -> HealthCell {
        self.flag = flag;
        self
    }
}

/// A table: headers, rows, and what to say when it is empty.
#[derive(Clone, Debug, Default)]
pub struct HealthTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<HealthCell>>,
    pub empty: String,
}

/// A POST form: fields are already labelled and carry their errors.
#[derive(Clone, Debug, Default)]
pub struct HealthForm {
    pub action: String,
    pub submit: String,
    pub help: String,
    pub fields: Vec<Field>,
    /// `(name, value)` hidden inputs.
    pub hidden: Vec<(String, String)>,
}

/// A GET form (a filter or a lookup): `(name, label, value)` inputs.
#[derive(Clone, Debug, Default)]
pub struct HealthFilter {
    pub action: String,
    pub submit: String,
    pub inputs: Vec<(String, String, String)>,
}

/// One section of a health page.
#[derive(Clone, Debug, Default)]
pub struct HealthSection {
    /// Anchor id.
    pub id: String,
    pub heading: String,
    /// Paragraphs.
    pub text: Vec<String>,
    /// `(label, value)` facts.
    pub facts: Vec<(String, String)>,
    /// Warnings shown prominently (risk flags).
    pub flags: Vec<String>,
    pub table: Option<HealthTable>,
    pub filter: Option<HealthFilter>,
    pub forms: Vec<HealthForm>,
    /// `(href, label)` links at the end of the section.
    pub links: Vec<(String, String)>,
}

/// Props of a health page.
#[derive(Clone, Debug, Default)]
pub struct HealthPageProps {
    pub shell: Shell,
    pub title: String,
    pub intro: String,
    pub sections: Vec<HealthSection>,
}

fn cell_view(label: String, c: &HealthCell) -> AnyView {
    let inner = match &c.href {
        Some(href) => view! { <a href=href.clone()>{c.text.clone()}</a> }.into_any(),
        None => c.text.clone().into_any(),
    };
    if c.flag {
        view! { <td data-label=label class="flag">{inner}</td> }.into_any()
    } else {
        view! { <td data-label=label>{inner}</td> }.into_any()
    }
}

fn table_view(t: &HealthTable) -> AnyView {
    if t.rows.is_empty() {
        return view! { <p class="empty">{t.empty.clone()}</p> }.into_any();
    }
    let th = t.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view();
    let rows = t
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(i, c)| cell_view(t.headers.get(i).cloned().unwrap_or_default(), c))
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! { <table class="cards"><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table> }.into_any()
}

fn form_view(lang: Lang, csrf: &str, index: usize, f: &HealthForm) -> AnyView {
    // Several forms on one page may share field names; ids must stay unique.
    let fields: Vec<AnyView> = f
        .fields
        .iter()
        .cloned()
        .map(|x| {
            let id = format!("f{index}-{}", x.name);
            field(lang, x.id(id))
        })
        .collect();
    let hidden =
        f.hidden.iter().map(|(n, v)| view! { <input type="hidden" name=n.clone() value=v.clone()/> }).collect_view();
    let help = (!f.help.is_empty()).then(|| view! { <p class="help">{f.help.clone()}</p> });
    view! {
        <form method="post" action=f.action.clone() class="card">
            {csrf_field(csrf)}
            {hidden}
            {help}
            {fields}
            <button type="submit" class="btn btn-primary">{f.submit.clone()}</button>
        </form>
    }
    .into_any()
}

fn filter_view(f: &HealthFilter) -> AnyView {
    let inputs = f
        .inputs
        .iter()
        .map(|(name, label, value)| {
            let id = format!("q-{name}");
            view! {
                <div class="field">
                    <label for=id.clone()>{label.clone()}</label>
                    <input type="text" id=id name=name.clone() value=value.clone()/>
                </div>
            }
        })
        .collect_view();
    view! {
        <form method="get" action=f.action.clone() class="filters">
            {inputs}
            <button type="submit" class="btn">{f.submit.clone()}</button>
        </form>
    }
    .into_any()
}

fn section_view(lang: Lang, csrf: &str, index: usize, s: &HealthSection) -> AnyView {
    let heading = (!s.heading.is_empty()).then(|| view! { <h2>{s.heading.clone()}</h2> });
    let text = s.text.iter().map(|p| view! { <p>{p.clone()}</p> }).collect_view();
    let flags = (!s.flags.is_empty()).then(|| {
        let items = s.flags.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view();
        view! { <ul class="flash flash-warn">{items}</ul> }
    });
    let facts = (!s.facts.is_empty()).then(|| {
        let rows = s
            .facts
            .iter()
            .map(|(k, v)| view! { <div class="dl-row"><dt>{k.clone()}</dt><dd>{v.clone()}</dd></div> })
            .collect_view();
        view! { <dl class="dl">{rows}</dl> }
    });
    let filter = s.filter.as_ref().map(filter_view);
    let table = s.table.as_ref().map(table_view);
    let forms = s.forms.iter().enumerate().map(|(i, f)| form_view(lang, csrf, index * 10 + i, f)).collect_view();
    let links = (!s.links.is_empty()).then(|| {
        let items = s
            .links
            .iter()
            .map(|(href, label)| view! { <li><a href=href.clone()>{label.clone()}</a></li> })
            .collect_view();
        view! { <ul class="plain no-print">{items}</ul> }
    });
    let id = (!s.id.is_empty()).then(|| s.id.clone());
    view! { <section id=id>{heading} {flags} {text} {facts} {filter} {table} {links} {forms}</section> }.into_any()
}

/// A health page component.
#[component]
pub fn HealthPageView(props: HealthPageProps) -> impl IntoView {
    let lang = props.shell.lang;
    let csrf = props.shell.csrf.clone();
    let intro = (!props.intro.is_empty()).then(|| view! { <p>{props.intro.clone()}</p> });
    let sections = props.sections.iter().enumerate().map(|(i, s)| section_view(lang, &csrf, i, s)).collect_view();
    view! {
        <Page shell=props.shell.clone() title=props.title.clone()>
            {intro}
            {sections}
        </Page>
    }
}

/// Renders a health page.
pub fn render_health_page(props: HealthPageProps) -> String {
    document(|| view! { <HealthPageView props=props/> })
}
