//! Layanan surat pages: a resident's letters and request form, the tracking
//! page, the office inbox and request page, the template editor, and /verify.

use leptos::prelude::*;

use crate::common::{Shell, url_encode};
use crate::i18n::{Lang, t, tf};
use crate::layout::{Page, document};
use crate::widgets::{Control, Field, csrf_field, dl_row, field, hidden};

/// A letter type as listed to residents and admins.
#[derive(Clone, Debug, Default)]
pub struct LetterTypeItem {
    /// Type code.
    pub code: String,
    /// Name, e.g. "Surat Keterangan Domisili".
    pub name: String,
    /// Papers to bring or photograph.
    pub requirements: Vec<String>,
    /// Residents may request it themselves.
    pub self_service: bool,
    /// Needs the RT/RW's approval first.
    pub rt_rw: bool,
    /// Current template version.
    pub version: u32,
    /// Offered at all.
    pub enabled: bool,
}

/// One request in a list.
#[derive(Clone, Debug, Default)]
pub struct RequestRow {
    /// Request id.
    pub id: String,
    /// Tracking code.
    pub tracking_code: String,
    /// Letter type name.
    pub type_name: String,
    /// Subject's name.
    pub name: String,
    /// Subject's NIK as this viewer may see it.
    pub nik: String,
    /// State code (`letters.state.<code>` in the catalog).
    pub state: String,
    /// Channel code (`letters.channel.<code>`).
    pub channel: String,
    /// When it was made, village time.
    pub created: String,
    /// The subject was found in the register.
    pub in_register: bool,
    /// Attached photos.
    pub attachments: usize,
    /// Letter number once signed.
    pub number: Option<String>,
}

/// How a request field is drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum FormFieldKind {
    /// One line.
    #[default]
    Text,
    /// Several lines.
    Paragraph,
    /// A date picker.
    Date,
    /// Digits.
    Number,
    /// One of these.
    Choice(Vec<String>),
    /// A NIK of someone in the register.
    Person,
}

/// A field of the request form, with its value and error (translated).
#[derive(Clone, Debug, Default)]
pub struct FormField {
    /// Form name.
    pub name: String,
    /// Label.
    pub label: String,
    /// Kind.
    pub kind: FormFieldKind,
    /// Must be filled.
    pub required: bool,
    /// Current value.
    pub value: String,
    /// Error, translated.
    pub error: Option<String>,
}

/// Props of the request form (resident: GET/POST `/surat/ajukan/{code}`;
/// counter: GET/POST `/letters/new/{code}`). Multipart: fields by name,
/// `nik`, `subject_<key>` for someone not in the register, `phone`,
/// `photos` (several files), `form_token`, `csrf`.
#[derive(Clone, Debug, Default)]
pub struct RequestFormProps {
    /// Page shell.
    pub shell: Shell,
    /// Where the form posts.
    pub action: String,
    /// Letter type name.
    pub type_name: String,
    /// Papers to photograph.
    pub requirements: Vec<String>,
    /// One-time token making a double submit harmless.
    pub form_token: String,
    /// Entered at the counter: the NIK and the subject's data are editable.
    pub counter: bool,
    /// NIK of the subject.
    pub nik: String,
    /// Error beside the NIK.
    pub nik_error: Option<String>,
    /// The subject as the register knows them (label, value), shown read-only.
    pub subject_rows: Vec<(String, String)>,
    /// Counter only: the subject's data typed in when not in the register.
    pub subject_fields: Vec<FormField>,
    /// The letter's own fields.
    pub fields: Vec<FormField>,
    /// Phone for the "ready" message.
    pub phone: String,
    /// Error beside the phone.
    pub phone_error: Option<String>,
    /// Errors not tied to a field (photos).
    pub errors: Vec<String>,
    /// Upload limit for display, in MB.
    pub max_upload_mb: usize,
}

/// Props of the resident's letters page (GET `/surat`).
#[derive(Clone, Debug, Default)]
pub struct ResidentLettersProps {
    /// Page shell.
    pub shell: Shell,
    /// Types the resident may request.
    pub types: Vec<LetterTypeItem>,
    /// The resident's requests, newest first.
    pub requests: Vec<RequestRow>,
}

/// One step of a request's history.
#[derive(Clone, Debug, Default)]
pub struct StepRow {
    /// State code.
    pub state: String,
    /// Village time.
    pub time: String,
    /// Reason, official, how handed over.
    pub note: String,
}

/// Props of a request's status (resident GET `/surat/{id}`, public GET `/lacak`).
#[derive(Clone, Debug, Default)]
pub struct RequestStatusProps {
    /// Page shell.
    pub shell: Shell,
    /// Public tracking page: show the code form and no personal data.
    pub public: bool,
    /// The code asked for (public page).
    pub query: String,
    /// The request, when found.
    pub request: Option<RequestRow>,
    /// Its steps, oldest first.
    pub steps: Vec<StepRow>,
    /// Why it was rejected.
    pub rejection: Option<String>,
    /// Link to the PDF (resident, once signed).
    pub download: Option<String>,
    /// The code was not found (or too many tries).
    pub not_found: bool,
}

/// Props of the office inbox (GET `/letters?state=`).
#[derive(Clone, Debug, Default)]
pub struct LetterInboxProps {
    /// Page shell.
    pub shell: Shell,
    /// The state shown.
    pub state: String,
    /// (state code, count) for the tabs.
    pub counts: Vec<(String, usize)>,
    /// Requests in that state.
    pub rows: Vec<RequestRow>,
    /// Types for the counter-entry menu.
    pub types: Vec<LetterTypeItem>,
    /// Show the counter-entry menu and template link.
    pub can_enter: bool,
    /// Show the template editor link.
    pub can_edit_templates: bool,
}

/// What the viewer may do with the request on its page.
#[derive(Clone, Debug, Default)]
pub struct DetailActions {
    /// Record the RT/RW approval.
    pub approve: bool,
    /// Mark verified.
    pub verify: bool,
    /// Reject with a reason.
    pub reject: bool,
    /// Sign (kepala desa).
    pub sign: bool,
    /// Record pick-up or delivery.
    pub hand_over: bool,
    /// Revoke the signed letter.
    pub revoke: bool,
}

/// Props of the office request page (GET `/letters/{id}`).
#[derive(Clone, Debug, Default)]
pub struct LetterDetailProps {
    /// Page shell.
    pub shell: Shell,
    /// The request.
    pub request: RequestRow,
    /// The subject (label, value).
    pub subject: Vec<(String, String)>,
    /// The letter's fields (label, value).
    pub values: Vec<(String, String)>,
    /// Content hashes of photos, shown from `/files/{sha}`.
    pub photos: Vec<String>,
    /// History, oldest first.
    pub steps: Vec<StepRow>,
    /// Phone for messages.
    pub phone: String,
    /// Allowed actions.
    pub actions: DetailActions,
    /// The PDF, once signed.
    pub pdf_href: Option<String>,
    /// Revocation reason and time.
    pub revoked: Option<String>,
    /// Errors from the last action, translated.
    pub errors: Vec<String>,
}

/// A block of a letter preview.
#[derive(Clone, Debug, PartialEq)]
pub enum PreviewBlock {
    /// A heading line.
    Heading(String),
    /// A paragraph.
    Paragraph(String),
    /// Label/value rows.
    Fields(Vec<(String, String)>),
}

/// A letter drawn in the page, for the editor's preview.
#[derive(Clone, Debug, Default)]
pub struct LetterPreview {
    /// Letterhead lines.
    pub letterhead: Vec<String>,
    /// Title.
    pub title: String,
    /// Number line.
    pub number: String,
    /// Body.
    pub blocks: Vec<PreviewBlock>,
    /// Place and date, signer.
    pub signer: Vec<String>,
}

/// Props of the template list (GET `/letters/types`).
#[derive(Clone, Debug, Default)]
pub struct LetterTypesAdminProps {
    /// Page shell.
    pub shell: Shell,
    /// All types.
    pub types: Vec<LetterTypeItem>,
}

/// Props of the template editor (GET/POST `/letters/types/{code}`; the
/// preview posts to `/letters/types/{code}/preview`). Fields: `name`,
/// `title`, `kka`, `self_service`, `rt_rw_approval`, `enabled`,
/// `requirements`, `fields`, `body`, `csrf`.
#[derive(Clone, Debug, Default)]
pub struct TemplateEditorProps {
    /// Page shell.
    pub shell: Shell,
    /// Type code (new types: empty, typed in `code`).
    pub code: String,
    /// A new type.
    pub is_new: bool,
    /// Name.
    pub name: String,
    /// Title printed on the letter.
    pub title: String,
    /// Classification code.
    pub kka: String,
    /// Residents may request it.
    pub self_service: bool,
    /// RT/RW approval step.
    pub rt_rw_approval: bool,
    /// Offered.
    pub enabled: bool,
    /// Requirements, `;`-separated.
    pub requirements: String,
    /// Fields in text form.
    pub fields: String,
    /// Body text.
    pub body: String,
    /// Problems, each naming its part and line.
    pub problems: Vec<String>,
    /// The preview, when asked for.
    pub preview: Option<LetterPreview>,
    /// (version, time, author), newest first.
    pub versions: Vec<(u32, String, String)>,
}

/// The result of a check on /verify.
#[derive(Clone, Debug, Default)]
pub struct VerifyResult {
    /// `genuine`, `revoked`, `mismatch`, `forged` or `unknown`.
    pub verdict: String,
    /// Letter number.
    pub number: String,
    /// Type name.
    pub type_name: String,
    /// Date signed.
    pub date: String,
    /// Name, shortened to initials after the first name.
    pub name: String,
    /// Signer.
    pub signer: String,
    /// Revocation reason.
    pub revoked_reason: String,
}

/// Props of GET `/verify` (`?c=` from the QR, or `?nomor=`).
#[derive(Clone, Debug, Default)]
pub struct VerifyProps {
    /// Page shell.
    pub shell: Shell,
    /// The number typed.
    pub number: String,
    /// The result, when something was asked.
    pub result: Option<VerifyResult>,
}

fn state_badge(lang: Lang, state: &str) -> impl IntoView + use<> {
    let class = format!("state state-{state}");
    view! { <span class=class>{t(lang, &format!("letters.state.{state}"))}</span> }
}

fn request_table(lang: Lang, rows: Vec<RequestRow>, href: fn(&RequestRow) -> String, office: bool) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="empty">{t(lang, "letters.none")}</p> }.into_any();
    }
    let keys = ["letters.col.created", "letters.col.type", "letters.col.name", "letters.col.state", "letters.col.code"];
    let labels: Vec<String> = keys.iter().map(|k| t(lang, k)).collect();
    let th = labels.iter().map(|l| view! { <th scope="col">{l.clone()}</th> }).collect_view();
    let body = rows
        .into_iter()
        .map(|r| {
            let link = href(&r);
            let flag = (office && !r.in_register).then(|| {
                view! { " " <span class="warning">{t(lang, "letters.not_in_register")}</span> }
            });
            let photos = (office && r.attachments > 0)
                .then(|| view! { " " <span class="muted">{tf(lang, "letters.photos_n", &[("n", &r.attachments.to_string())])}</span> });
            view! {
                <tr>
                    <td data-label=labels[0].clone()>{r.created.clone()}</td>
                    <td data-label=labels[1].clone()><a href=link>{r.type_name.clone()}</a></td>
                    <td data-label=labels[2].clone()>{r.name.clone()} {flag} {photos}</td>
                    <td data-label=labels[3].clone()>{state_badge(lang, &r.state)}</td>
                    <td data-label=labels[4].clone() class="mono">{r.tracking_code.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <table class="cards"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table> }.into_any()
}

// ---- resident

/// The resident's letters page component.
#[component]
pub fn ResidentLettersView(props: ResidentLettersProps) -> impl IntoView {
    let lang = props.shell.lang;
    let types = props
        .types
        .iter()
        .map(|ty| {
            let href = format!("/surat/ajukan/{}", url_encode(&ty.code));
            let req = ty.requirements.join(", ");
            view! {
                <li class="card type-card">
                    <a class="btn btn-primary btn-big" href=href>{ty.name.clone()}</a>
                    <p class="help">{tf(lang, "letters.bring", &[("list", &req)])}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <Page shell=props.shell.clone() title=t(lang, "letters.my_title")>
            <section>
                <h2>{t(lang, "letters.my_requests")}</h2>
                {request_table(lang, props.requests.clone(), |r| format!("/surat/{}", url_encode(&r.id)), false)}
            </section>
            <section>
                <h2>{t(lang, "letters.choose_type")}</h2>
                <p class="lead">{t(lang, "letters.choose_help")}</p>
                <ul class="type-list">{types}</ul>
            </section>
        </Page>
    }
}

fn form_field(lang: Lang, f: &FormField) -> AnyView {
    let control = match &f.kind {
        FormFieldKind::Text => Control::Text,
        FormFieldKind::Paragraph => Control::Multiline,
        FormFieldKind::Date => Control::Input("date"),
        FormFieldKind::Number | FormFieldKind::Person => Control::Digits,
        FormFieldKind::Choice(options) => Control::Select(options.iter().map(|o| (o.clone(), o.clone())).collect()),
    };
    let mut field_def =
        Field::new(&f.name, f.label.clone(), &f.value).control(control).required(f.required).error(f.error.clone());
    if f.kind == FormFieldKind::Person {
        field_def = field_def.help(t(lang, "letters.person_help"));
    }
    field(lang, field_def)
}

/// The request form component.
#[component]
pub fn RequestFormView(props: RequestFormProps) -> impl IntoView {
    let lang = props.shell.lang;
    let nik = if props.counter {
        field(
            lang,
            Field::new("nik", t(lang, "field.nik"), &props.nik)
                .control(Control::Digits)
                .required(true)
                .error(props.nik_error.clone())
                .help(t(lang, "letters.nik_help")),
        )
    } else {
        view! { <input type="hidden" name="nik" value=props.nik.clone()/> }.into_any()
    };
    let subject_rows = props.subject_rows.iter().filter_map(|(l, v)| dl_row(l.clone(), v.clone())).collect_view();
    let subject_fields = props.subject_fields.iter().map(|f| form_field(lang, f)).collect_view();
    let subject_extra = (!props.subject_fields.is_empty()).then(|| {
        view! {
            <details class="card" open=props.subject_fields.iter().any(|f| f.error.is_some())>
                <summary>{t(lang, "letters.not_in_register_fill")}</summary>
                {subject_fields}
            </details>
        }
    });
    let fields = props.fields.iter().map(|f| form_field(lang, f)).collect_view();
    let errors = props.errors.iter().map(|e| view! { <p class="error">{e.clone()}</p> }).collect_view();
    let req = props.requirements.join(", ");
    view! {
        <Page shell=props.shell.clone() title=props.type_name.clone()>
            <form method="post" action=props.action.clone() enctype="multipart/form-data">
                {csrf_field(&props.shell.csrf)}
                {hidden("form_token", &props.form_token)}
                <fieldset class="card">
                    <legend>{t(lang, "letters.about_whom")}</legend>
                    {nik}
                    <dl class="dl">{subject_rows}</dl>
                    {subject_extra}
                </fieldset>
                <fieldset class="card">
                    <legend>{t(lang, "letters.details")}</legend>
                    {fields}
                    {field(lang, Field::new("phone", t(lang, "letters.phone"), &props.phone)
                        .control(Control::Input("tel")).error(props.phone_error.clone()).help(t(lang, "letters.phone_help")))}
                </fieldset>
                <fieldset class="card">
                    <legend>{t(lang, "letters.photos")}</legend>
                    <p class="help">{tf(lang, "letters.photos_help", &[("list", &req), ("mb", &props.max_upload_mb.to_string())])}</p>
                    {errors}
                    <label for="photos">{t(lang, "letters.take_photo")}</label>
                    <input type="file" id="photos" name="photos" accept="image/*" capture="environment" multiple=true/>
                </fieldset>
                <button type="submit" class="btn btn-primary btn-big">{t(lang, "letters.send")}</button>
            </form>
        </Page>
    }
}

/// The request status component (resident and public tracking).
#[component]
pub fn RequestStatusView(props: RequestStatusProps) -> impl IntoView {
    let lang = props.shell.lang;
    let form = props.public.then(|| {
        view! {
            <form method="get" action="/lacak" class="card">
                {field(lang, Field::new("kode", t(lang, "letters.tracking_code"), &props.query).autocomplete("off"))}
                <button type="submit" class="btn btn-primary">{t(lang, "letters.track")}</button>
            </form>
        }
    });
    let missing = props.not_found.then(|| view! { <p class="error">{t(lang, "letters.track_not_found")}</p> });
    let found = props.request.clone().map(|r| {
        let steps = props
            .steps
            .iter()
            .map(|s| {
                let note = (!s.note.is_empty()).then(|| view! { " — " {s.note.clone()} });
                view! { <li>{s.time.clone()} " · " {t(lang, &format!("letters.state.{}", s.state))} {note}</li> }
            })
            .collect_view();
        let rejection = props.rejection.clone().map(|reason| {
            view! { <div class="flash flash-error" role="alert"><p>{tf(lang, "letters.rejected_because", &[("reason", &reason)])}</p></div> }
        });
        let download = props.download.clone().map(|href| {
            view! { <p><a class="btn btn-primary btn-big" href=href>{t(lang, "letters.download")}</a></p> }
        });
        let ready = (r.state == "signed").then(|| view! { <p class="lead">{t(lang, "letters.ready_pickup")}</p> });
        view! {
            <section class="card">
                <h2>{r.type_name.clone()}</h2>
                <dl class="dl">
                    {dl_row(t(lang, "letters.tracking_code"), r.tracking_code.clone())}
                    {dl_row(t(lang, "letters.col.name"), r.name.clone())}
                    {dl_row(t(lang, "letters.col.created"), r.created.clone())}
                    {dl_row(t(lang, "letters.number"), r.number.clone().unwrap_or_default())}
                </dl>
                <p>{t(lang, "letters.col.state")} ": " {state_badge(lang, &r.state)}</p>
                {rejection}
                {ready}
                {download}
                <h3>{t(lang, "letters.history")}</h3>
                <ol class="steps">{steps}</ol>
            </section>
        }
    });
    let title = if props.public { t(lang, "letters.track_title") } else { t(lang, "letters.status_title") };
    view! {
        <Page shell=props.shell.clone() title=title>
            {form}
            {missing}
            {found}
        </Page>
    }
}

// ---- office

/// The office inbox component.
#[component]
pub fn LetterInboxView(props: LetterInboxProps) -> impl IntoView {
    let lang = props.shell.lang;
    let tabs = props
        .counts
        .iter()
        .map(|(state, n)| {
            let current = (*state == props.state).then_some("page");
            let href = format!("/letters?state={state}");
            view! {
                <li><a href=href aria-current=current>{t(lang, &format!("letters.state.{state}"))} " (" {*n} ")"</a></li>
            }
        })
        .collect_view();
    let enter = props.can_enter.then(|| {
        let options = props
            .types
            .iter()
            .map(|ty| view! { <option value=ty.code.clone()>{ty.name.clone()}</option> })
            .collect_view();
        view! {
            <form method="get" action="/letters/new" class="card filters">
                <label for="type">{t(lang, "letters.counter_entry")}</label>
                <select id="type" name="type">{options}</select>
                <button type="submit" class="btn">{t(lang, "letters.counter_start")}</button>
            </form>
        }
    });
    let templates = props
        .can_edit_templates
        .then(|| view! { <p><a class="btn" href="/letters/types">{t(lang, "letters.templates")}</a></p> });
    view! {
        <Page shell=props.shell.clone() title=t(lang, "letters.inbox_title")>
            {enter}
            {templates}
            <nav aria-label=t(lang, "letters.col.state")><ul class="tabs">{tabs}</ul></nav>
            {request_table(lang, props.rows.clone(), |r| format!("/letters/{}", url_encode(&r.id)), true)}
        </Page>
    }
}

fn action_form(
    csrf: &str,
    action: String,
    label: String,
    class: &'static str,
    extra: Option<AnyView>,
) -> impl IntoView + use<> {
    view! {
        <form method="post" action=action class="card">
            {csrf_field(csrf)}
            {extra}
            <button type="submit" class=class>{label}</button>
        </form>
    }
}

/// The office request page component.
#[component]
pub fn LetterDetailView(props: LetterDetailProps) -> impl IntoView {
    let lang = props.shell.lang;
    let r = props.request.clone();
    let base = format!("/letters/{}", url_encode(&r.id));
    let csrf = props.shell.csrf.clone();
    let a = props.actions.clone();
    let flag = (!r.in_register).then(|| {
        view! { <div class="flash flash-warn" role="status"><p>{t(lang, "letters.not_in_register_long")}</p></div> }
    });
    let errors = props.errors.iter().map(|e| view! { <p class="error" role="alert">{e.clone()}</p> }).collect_view();
    let subject = props.subject.iter().filter_map(|(l, v)| dl_row(l.clone(), v.clone())).collect_view();
    let values = props.values.iter().filter_map(|(l, v)| dl_row(l.clone(), v.clone())).collect_view();
    let photos = props
        .photos
        .iter()
        .map(|sha| {
            let src = format!("/files/{sha}");
            let href = src.clone();
            view! { <a href=href><img class="photo" src=src alt=t(lang, "letters.photo_alt") loading="lazy"/></a> }
        })
        .collect_view();
    let no_photos = props.photos.is_empty().then(|| view! { <p class="muted">{t(lang, "letters.no_photos")}</p> });
    let steps = props
        .steps
        .iter()
        .map(|s| {
            let note = (!s.note.is_empty()).then(|| view! { " — " {s.note.clone()} });
            view! { <li>{s.time.clone()} " · " {t(lang, &format!("letters.state.{}", s.state))} {note}</li> }
        })
        .collect_view();
    let approve = a.approve.then(|| {
        let extra = field(lang, Field::new("official", t(lang, "letters.official"), "").required(true)).into_any();
        action_form(&csrf, format!("{base}/approve"), t(lang, "letters.approve"), "btn btn-primary", Some(extra))
    });
    let verify = a.verify.then(|| {
        action_form(&csrf, format!("{base}/verify"), t(lang, "letters.verify"), "btn btn-primary btn-big", None)
    });
    let sign = a
        .sign
        .then(|| action_form(&csrf, format!("{base}/sign"), t(lang, "letters.sign"), "btn btn-primary btn-big", None));
    let reject = a.reject.then(|| {
        let extra =
            field(lang, Field::new("reason", t(lang, "letters.reason"), "").control(Control::Multiline).required(true))
                .into_any();
        action_form(&csrf, format!("{base}/reject"), t(lang, "letters.reject"), "btn btn-danger", Some(extra))
    });
    let hand_over = a.hand_over.then(|| {
        let options = vec![
            ("diambil".to_string(), t(lang, "letters.how.diambil")),
            ("diantar".to_string(), t(lang, "letters.how.diantar")),
        ];
        let extra = field(lang, Field::new("how", t(lang, "letters.how"), "diambil").control(Control::Select(options)))
            .into_any();
        action_form(&csrf, format!("{base}/handover"), t(lang, "letters.hand_over"), "btn", Some(extra))
    });
    let revoke = a.revoke.then(|| {
        let extra = field(
            lang,
            Field::new("reason", t(lang, "letters.revoke_reason"), "").control(Control::Multiline).required(true),
        )
        .into_any();
        action_form(&csrf, format!("{base}/revoke"), t(lang, "letters.revoke"), "btn btn-danger", Some(extra))
    });
    let pdf = props
        .pdf_href
        .clone()
        .map(|href| view! { <p><a class="btn btn-primary" href=href>{t(lang, "letters.open_pdf")}</a></p> });
    let revoked = props.revoked.clone().map(|why| {
        view! { <div class="flash flash-error" role="status"><p>{tf(lang, "letters.revoked_because", &[("reason", &why)])}</p></div> }
    });
    view! {
        <Page shell=props.shell.clone() title=r.type_name.clone()>
            {flag}
            {revoked}
            {errors}
            <p>{state_badge(lang, &r.state)} " · " <span class="mono">{r.tracking_code.clone()}</span> " · "
                {t(lang, &format!("letters.channel.{}", r.channel))} " · " {r.created.clone()}</p>
            {pdf}
            <div class="two-col">
                <section class="card">
                    <h2>{t(lang, "letters.about_whom")}</h2>
                    <dl class="dl">{subject}</dl>
                    <h2>{t(lang, "letters.details")}</h2>
                    <dl class="dl">{values} {dl_row(t(lang, "letters.phone"), props.phone.clone())}</dl>
                </section>
                <section class="card">
                    <h2>{t(lang, "letters.photos")}</h2>
                    <div class="photos">{photos}</div>
                    {no_photos}
                </section>
            </div>
            <section class="actions-col">{approve} {verify} {sign} {hand_over} {reject} {revoke}</section>
            <section class="card">
                <h2>{t(lang, "letters.history")}</h2>
                <ol class="steps">{steps}</ol>
            </section>
        </Page>
    }
}

// ---- templates

/// The template list component.
#[component]
pub fn LetterTypesAdminView(props: LetterTypesAdminProps) -> impl IntoView {
    let lang = props.shell.lang;
    let rows = props
        .types
        .iter()
        .map(|ty| {
            let href = format!("/letters/types/{}", url_encode(&ty.code));
            let flags = [
                (ty.self_service, "letters.self_service"),
                (ty.rt_rw, "letters.rt_rw_approval"),
                (!ty.enabled, "letters.disabled"),
            ]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, k)| t(lang, k))
            .collect::<Vec<_>>()
            .join(" · ");
            view! {
                <tr>
                    <td><a href=href>{ty.name.clone()}</a></td>
                    <td class="mono">{ty.code.clone()}</td>
                    <td>{format!("v{}", ty.version)}</td>
                    <td>{flags}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Page shell=props.shell.clone() title=t(lang, "letters.templates")>
            <p><a class="btn btn-primary" href="/letters/types/new">{t(lang, "letters.new_type")}</a></p>
            <table><tbody>{rows}</tbody></table>
        </Page>
    }
}

fn preview_view(p: LetterPreview) -> impl IntoView {
    let head = p.letterhead.into_iter().map(|l| view! { <p class="lh">{l}</p> }).collect_view();
    let blocks = p
        .blocks
        .into_iter()
        .map(|b| match b {
            PreviewBlock::Heading(h) => view! { <h4>{h}</h4> }.into_any(),
            PreviewBlock::Paragraph(text) => view! { <p>{text}</p> }.into_any(),
            PreviewBlock::Fields(rows) => {
                let rows =
                    rows.into_iter().map(|(k, v)| view! { <tr><td>{k}</td><td>": " {v}</td></tr> }).collect_view();
                view! { <table class="letter-fields"><tbody>{rows}</tbody></table> }.into_any()
            }
        })
        .collect_view();
    let signer = p.signer.into_iter().map(|l| view! { <p>{l}</p> }).collect_view();
    view! {
        <article class="letter-preview">
            <header>{head}</header>
            <h3 class="letter-title">{p.title}</h3>
            <p class="letter-number">{p.number}</p>
            {blocks}
            <div class="letter-signer">{signer}</div>
        </article>
    }
}

/// The template syntax is code, not prose: shown as is in both languages.
const FIELDS_EXAMPLE: &str =
    "keperluan | Keperluan | teks | wajib\nsebab | Sebab | pilihan: Sakit; Kecelakaan\nibu | Ibu | nik";
const BODY_EXAMPLE: &str = "## Judul bagian\n\nNama | {{nama}}\nNIK | {{nik}}\nAlamat | {{alamat}}\n\nOrang tersebut warga Desa {{desa}}, keperluan {{keperluan}}, ibu {{ibu.nama}}.";

/// The template editor component.
#[component]
pub fn TemplateEditorView(props: TemplateEditorProps) -> impl IntoView {
    let lang = props.shell.lang;
    let p = props.clone();
    let action =
        if p.is_new { "/letters/types".to_string() } else { format!("/letters/types/{}", url_encode(&p.code)) };
    let preview_action = if p.is_new { "/letters/types/new/preview".to_string() } else { format!("{action}/preview") };
    let problems = p.problems.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view();
    let problem_box = (!p.problems.is_empty()).then(|| {
        view! { <div class="flash flash-error" role="alert"><p>{t(lang, "letters.template_problems")}</p><ul>{problems}</ul></div> }
    });
    let code = p.is_new.then(|| {
        field(
            lang,
            Field::new("code", t(lang, "letters.type_code"), &p.code)
                .required(true)
                .help(t(lang, "letters.type_code_help")),
        )
    });
    let check = move |name: &'static str, key: &str, on: bool| {
        let label = t(lang, key);
        view! { <div class="field check"><label><input type="checkbox" name=name value="on" checked=on/> " " {label}</label></div> }
    };
    let versions = p
        .versions
        .iter()
        .map(|(v, at, by)| view! { <li>{format!("v{v}")} " · " {at.clone()} " · " {by.clone()}</li> })
        .collect_view();
    let preview = p
        .preview
        .clone()
        .map(|pv| view! { <section class="card"><h2>{t(lang, "letters.preview")}</h2>{preview_view(pv)}</section> });
    view! {
        <Page shell=props.shell.clone() title=if p.is_new { t(lang, "letters.new_type") } else { p.name.clone() }>
            {problem_box}
            <form method="post" action=action>
                {csrf_field(&props.shell.csrf)}
                <fieldset class="card">
                    {code}
                    {field(lang, Field::new("name", t(lang, "letters.type_name"), &p.name).required(true))}
                    {field(lang, Field::new("title", t(lang, "letters.type_title"), &p.title).required(true))}
                    {field(lang, Field::new("kka", t(lang, "letters.kka"), &p.kka).required(true).help(t(lang, "letters.kka_help")))}
                    {field(lang, Field::new("requirements", t(lang, "letters.requirements"), &p.requirements))}
                    {check("self_service", "letters.self_service", p.self_service)}
                    {check("rt_rw_approval", "letters.rt_rw_approval", p.rt_rw_approval)}
                    {check("enabled", "letters.enabled", p.enabled)}
                </fieldset>
                <fieldset class="card">
                    <legend>{t(lang, "letters.fields")}</legend>
                    <p class="help">{t(lang, "letters.fields_help")}</p>
                    <pre class="help">{FIELDS_EXAMPLE}</pre>
                    <textarea name="fields" rows="8" class="mono" inner_html=crate::common::escape(&p.fields)></textarea>
                </fieldset>
                <fieldset class="card">
                    <legend>{t(lang, "letters.body")}</legend>
                    <p class="help">{t(lang, "letters.body_help")}</p>
                    <pre class="help">{BODY_EXAMPLE}</pre>
                    <textarea name="body" rows="18" inner_html=crate::common::escape(&p.body)></textarea>
                </fieldset>
                <div class="actions">
                    <button type="submit" class="btn" formaction=preview_action>{t(lang, "letters.preview")}</button>
                    <button type="submit" class="btn btn-primary btn-big">{t(lang, "letters.save_version")}</button>
                </div>
            </form>
            {preview}
            <section class="card">
                <h2>{t(lang, "letters.versions")}</h2>
                <ul>{versions}</ul>
            </section>
        </Page>
    }
}

// ---- verify

/// The verify page component.
#[component]
pub fn VerifyView(props: VerifyProps) -> impl IntoView {
    let lang = props.shell.lang;
    let result = props.result.clone().map(|r| {
        let (class, key) = match r.verdict.as_str() {
            "genuine" => ("flash flash-ok", "letters.verdict.genuine"),
            "revoked" => ("flash flash-error", "letters.verdict.revoked"),
            "mismatch" => ("flash flash-error", "letters.verdict.mismatch"),
            "forged" => ("flash flash-error", "letters.verdict.forged"),
            _ => ("flash flash-warn", "letters.verdict.unknown"),
        };
        let details = (!r.number.is_empty()).then(|| {
            view! {
                <dl class="dl">
                    {dl_row(t(lang, "letters.number"), r.number.clone())}
                    {dl_row(t(lang, "letters.col.type"), r.type_name.clone())}
                    {dl_row(t(lang, "letters.date"), r.date.clone())}
                    {dl_row(t(lang, "letters.col.name"), r.name.clone())}
                    {dl_row(t(lang, "letters.signer"), r.signer.clone())}
                    {dl_row(t(lang, "letters.revoke_reason"), r.revoked_reason.clone())}
                </dl>
            }
        });
        view! {
            <section class=class role="status" data-verdict=r.verdict.clone()>
                <p class="lead">{t(lang, key)}</p>
                {details}
            </section>
        }
    });
    view! {
        <Page shell=props.shell.clone() title=t(lang, "letters.verify_title")>
            {result}
            <form method="get" action="/verify" class="card">
                <p class="help">{t(lang, "letters.verify_help")}</p>
                {field(lang, Field::new("nomor", t(lang, "letters.number"), &props.number))}
                <button type="submit" class="btn btn-primary">{t(lang, "letters.check")}</button>
            </form>
        </Page>
    }
}

/// Renders the resident's letters page.
pub fn render_resident_letters(props: ResidentLettersProps) -> String {
    document(|| view! { <ResidentLettersView props=props/> })
}
/// Renders the request form.
pub fn render_request_form(props: RequestFormProps) -> String {
    document(|| view! { <RequestFormView props=props/> })
}
/// Renders a request's status.
pub fn render_request_status(props: RequestStatusProps) -> String {
    document(|| view! { <RequestStatusView props=props/> })
}
/// Renders the office inbox.
pub fn render_letter_inbox(props: LetterInboxProps) -> String {
    document(|| view! { <LetterInboxView props=props/> })
}
/// Renders the office request page.
pub fn render_letter_detail(props: LetterDetailProps) -> String {
    document(|| view! { <LetterDetailView props=props/> })
}
/// Renders the template list.
pub fn render_letter_types(props: LetterTypesAdminProps) -> String {
    document(|| view! { <LetterTypesAdminView props=props/> })
}
/// Renders the template editor.
pub fn render_template_editor(props: TemplateEditorProps) -> String {
    document(|| view! { <TemplateEditorView props=props/> })
}
/// Renders /verify.
pub fn render_verify(props: VerifyProps) -> String {
    document(|| view! { <VerifyView props=props/> })
}
