//! The posyandu pages: the list of posts with a form to add one (GET
//! `/posyandu`), and one post with its children and the form that registers
//! a child (GET `/posyandu/{id}`).

use leptos::prelude::*;

use crate::common::{FieldMessage, Shell, message_for, url_encode};
use crate::i18n::{Lang, t};
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, field};

/// One post (display text).
#[derive(Clone, Debug, Default)]
pub struct PosyanduRow {
    pub id: String,
    pub name: String,
    pub dusun: String,
    pub address: String,
    /// Day of the month it opens, or empty.
    pub day_of_month: String,
    /// Children it follows now.
    pub children: usize,
}

/// Props of the list of posts.
#[derive(Clone, Debug, Default)]
pub struct PosyanduListProps {
    pub shell: Shell,
    pub posts: Vec<PosyanduRow>,
    /// Shows the form that adds a post.
    pub can_add: bool,
    /// Links each post to its page (its children): kader and nakes only.
    pub can_open: bool,
    /// The add form's values by field name (`name`, `dusun`, `address`, `day_of_month`).
    pub form: Vec<(String, String)>,
    pub errors: Vec<FieldMessage>,
}

/// One child on a post's list (display text).
#[derive(Clone, Debug, Default)]
pub struct ChildRow {
    pub id: String,
    pub name: String,
    /// `L` or `P`.
    pub sex: String,
    pub birth_date: String,
    /// "1 th 3 bln".
    pub age: String,
    pub mother_name: String,
    /// Linked to the population register.
    pub in_register: bool,
}

/// Props of one post's page.
#[derive(Clone, Debug, Default)]
pub struct PosyanduDetailProps {
    pub shell: Shell,
    pub post: PosyanduRow,
    pub children: Vec<ChildRow>,
    /// The registration form's values by field name (see `ChildInput`).
    pub form: Vec<(String, String)>,
    pub errors: Vec<FieldMessage>,
}

fn value<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn input(lang: Lang, form: &[(String, String)], errors: &[FieldMessage], name: &str, key: &str) -> Field {
    Field::new(name, t(lang, key), value(form, name)).error(message_for(errors, name))
}

/// The list of posts component.
#[component]
pub fn PosyanduListView(props: PosyanduListProps) -> impl IntoView {
    let lang = props.shell.lang;
    let rows = props
        .posts
        .iter()
        .map(|p| {
            let name = if props.can_open {
                view! { <a href=format!("/posyandu/{}", url_encode(&p.id))><strong>{p.name.clone()}</strong></a> }
                    .into_any()
            } else {
                view! { <strong>{p.name.clone()}</strong> }.into_any()
            };
            view! {
                <li class="card">
                    {name}
                    <br/>{p.dusun.clone()} " · " {p.address.clone()}
                    <br/><small>{t(lang, "posyandu.children")} ": " {p.children}</small>
                </li>
            }
        })
        .collect_view();
    let empty = props.posts.is_empty().then(|| view! { <p class="empty">{t(lang, "posyandu.none")}</p> });
    let add = props.can_add.then(|| {
        let fields: Vec<AnyView> = [
            input(lang, &props.form, &props.errors, "name", "posyandu.name").required(true),
            input(lang, &props.form, &props.errors, "dusun", "posyandu.dusun"),
            input(lang, &props.form, &props.errors, "address", "posyandu.address"),
            input(lang, &props.form, &props.errors, "day_of_month", "posyandu.day_of_month")
                .control(Control::Digits)
                .help(t(lang, "posyandu.day_of_month.help")),
        ]
        .into_iter()
        .map(|x| field(lang, x))
        .collect();
        view! {
            <h2>{t(lang, "posyandu.add")}</h2>
            <form method="post" action="/posyandu" class="card">
                {csrf_field(&props.shell.csrf)}
                {fields}
                <button type="submit" class="btn btn-primary">{t(lang, "posyandu.add")}</button>
            </form>
        }
    });
    view! {
        <Page shell=props.shell.clone() title=t(lang, "posyandu.title")>
            <p>{t(lang, "posyandu.intro")}</p>
            <p class="no-print">
                <a class="btn" href="/posyandu/gizi/risiko">{t(lang, "growth.risk.title")}</a> " "
                <a class="btn" href="/posyandu/gizi/laporan">{t(lang, "growth.report.title")}</a> " "
                <a class="btn" href="/posyandu/gizi/pos">{t(lang, "growth.posgizi.title")}</a>
            </p>
            {empty}
            <ul class="plain">{rows}</ul>
            {add}
        </Page>
    }
}

/// One post's page component.
#[component]
pub fn PosyanduDetailView(props: PosyanduDetailProps) -> impl IntoView {
    let lang = props.shell.lang;
    let labels: Vec<String> = [
        "posyandu.child.name",
        "posyandu.child.sex",
        "posyandu.child.birth_date",
        "posyandu.child.age",
        "posyandu.child.mother",
    ]
    .iter()
    .map(|k| t(lang, k))
    .collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let rows = props
        .children
        .iter()
        .map(|c| {
            let unlinked = (!c.in_register)
                .then(|| view! { " " <small class="muted">{t(lang, "posyandu.child.not_in_register")}</small> });
            view! {
                <tr>
                    <td data-label=labels[0].clone()>
                        <a href=format!("/posyandu/anak/{}", url_encode(&c.id))>{c.name.clone()}</a> {unlinked}
                    </td>
                    <td data-label=labels[1].clone()>{c.sex.clone()}</td>
                    <td data-label=labels[2].clone()>{c.birth_date.clone()}</td>
                    <td data-label=labels[3].clone()>{c.age.clone()}</td>
                    <td data-label=labels[4].clone()>{c.mother_name.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let table = if props.children.is_empty() {
        view! { <p class="empty">{t(lang, "posyandu.children.none")}</p> }.into_any()
    } else {
        view! { <table class="cards"><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table> }.into_any()
    };
    let f = |name: &str, key: &str| input(lang, &props.form, &props.errors, name, key);
    let sexes = vec![("L".to_string(), t(lang, "posyandu.sex.l")), ("P".to_string(), t(lang, "posyandu.sex.p"))];
    let fields: Vec<AnyView> = [
        f("nik", "posyandu.child.nik").control(Control::Digits),
        f("name", "posyandu.child.name"),
        f("sex", "posyandu.child.sex").control(Control::Select(sexes)),
        f("birth_date", "posyandu.child.birth_date").control(Control::Input("date")),
        f("mother_name", "posyandu.child.mother"),
        f("mother_nik", "posyandu.child.mother_nik").control(Control::Digits),
        f("father_name", "posyandu.child.father"),
        f("parent_phone", "posyandu.child.phone").control(Control::Input("tel")),
        f("birth_weight_kg", "posyandu.child.birth_weight").help(t(lang, "posyandu.child.birth_weight.help")),
        f("birth_length_cm", "posyandu.child.birth_length"),
    ]
    .into_iter()
    .map(|x| field(lang, x))
    .collect();
    let action = format!("/posyandu/{}/children", url_encode(&props.post.id));
    let title = props.post.name.clone();
    view! {
        <Page shell=props.shell.clone() title=title>
            <p>{props.post.dusun.clone()} " · " {props.post.address.clone()}</p>
            <p class="no-print">
                <a class="btn btn-primary" href=format!("/posyandu/{}/sesi", url_encode(&props.post.id))>
                    {t(lang, "growth.session.link")}
                </a>
            </p>
            <h2>{t(lang, "posyandu.children")}</h2>
            {table}
            <h2 id="daftar">{t(lang, "posyandu.child.register")}</h2>
            <form method="post" action=action class="card">
                {csrf_field(&props.shell.csrf)}
                <p class="help">{t(lang, "posyandu.child.register.help")}</p>
                {fields}
                <button type="submit" class="btn btn-primary">{t(lang, "posyandu.child.register")}</button>
            </form>
        </Page>
    }
}

/// Renders the list of posts.
pub fn render_posyandu_list(props: PosyanduListProps) -> String {
    document(|| view! { <PosyanduListView props=props/> })
}

/// Renders one post's page.
pub fn render_posyandu_detail(props: PosyanduDetailProps) -> String {
    document(|| view! { <PosyanduDetailView props=props/> })
}
