//! Small building blocks used by many pages: the CSRF hidden field, a
//! labelled form field with help, error and warning wired through
//! `aria-describedby`, a select, and the pager.

use leptos::prelude::*;

use crate::common::{Pagination, escape, href_with};
use crate::i18n::{Lang, t, tf};

/// The hidden CSRF field every POST form carries.
pub fn csrf_field(token: &str) -> impl IntoView + use<> {
    view! { <input type="hidden" name="csrf" value=token.to_string()/> }
}

/// A hidden field.
pub fn hidden(name: &'static str, value: &str) -> impl IntoView + use<> {
    view! { <input type="hidden" name=name value=value.to_string()/> }
}

/// How a [`Field`] is drawn.
#[derive(Clone, Debug, Default)]
pub enum Control {
    /// `<input type=...>`.
    #[default]
    Text,
    /// `<input type=...>` with an explicit type (`password`, `date`, `search`, `number`, `file`).
    Input(&'static str),
    /// Digits only, numeric keyboard.
    Digits,
    /// `<textarea>`.
    Multiline,
    /// `<select>` with `(code, label)` options and an empty first choice.
    Select(Vec<(String, String)>),
}

/// A labelled form field. Messages are already translated.
#[derive(Clone, Debug, Default)]
pub struct Field {
    /// `name` and `id` of the control.
    pub name: String,
    /// Visible label.
    pub label: String,
    /// Current value.
    pub value: String,
    /// Help text below the label; empty for none.
    pub help: String,
    /// Error beside the field.
    pub error: Option<String>,
    /// Warning beside the field.
    pub warning: Option<String>,
    /// Control type.
    pub control: Control,
    /// Marked "wajib".
    pub required: bool,
    /// `autocomplete` attribute.
    pub autocomplete: Option<&'static str>,
    /// Element id when it must differ from `name` (several forms on a page).
    pub id: Option<String>,
}

impl Field {
    /// A text field with a label.
    pub fn new(name: &str, label: String, value: &str) -> Field {
        Field { name: name.to_string(), label, value: value.to_string(), ..Field::default() }
    }

    /// Sets the control.
    pub fn control(mut self, control: Control) -> Field {
        self.control = control;
        self
    }

    /// Sets the error.
    pub fn error(mut self, error: Option<String>) -> Field {
        self.error = error;
        self
    }

    /// Sets the help text.
    pub fn help(mut self, help: String) -> Field {
        self.help = help;
        self
    }

    /// Marks it required.
    pub fn required(mut self, required: bool) -> Field {
        self.required = required;
        self
    }

    /// Sets `autocomplete`.
    pub fn autocomplete(mut self, value: &'static str) -> Field {
        self.autocomplete = Some(value);
        self
    }

    /// Sets an element id different from the name.
    pub fn id(mut self, id: String) -> Field {
        self.id = Some(id);
        self
    }

    fn dom_id(&self) -> String {
        self.id.clone().unwrap_or_else(|| self.name.clone())
    }

    fn describedby(&self) -> Option<String> {
        let mut ids = Vec::new();
        let id = self.dom_id();
        if !self.help.is_empty() {
            ids.push(format!("{id}-help"));
        }
        if self.error.is_some() {
            ids.push(format!("{id}-error"));
        }
        if self.warning.is_some() {
            ids.push(format!("{id}-warning"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// Renders a [`Field`].
pub fn field(lang: Lang, f: Field) -> AnyView {
    let class = if f.error.is_some() {
        "field has-error"
    } else if f.warning.is_some() {
        "field has-warning"
    } else {
        "field"
    };
    let required = f.required.then(|| view! { " " <span class="req">{t(lang, "form.required")}</span> });
    let id = f.dom_id();
    let help = (!f.help.is_empty()).then(|| {
        view! { <p class="help" id=format!("{id}-help")>{f.help.clone()}</p> }
    });
    let error = f.error.clone().map(|e| {
        view! { <p class="error" id=format!("{id}-error")>{e}</p> }
    });
    let warning = f.warning.clone().map(|w| {
        view! { <p class="warning" id=format!("{id}-warning")>{w}</p> }
    });
    let label = view! { <label for=id.clone()>{f.label.clone()} {required}</label> };
    let control = control(lang, &f);
    view! { <div class=class>{label} {help} {control} {error} {warning}</div> }.into_any()
}

fn control(lang: Lang, f: &Field) -> AnyView {
    let name = f.name.clone();
    let dom_id = f.dom_id();
    let value = f.value.clone();
    let described = f.describedby();
    let invalid = f.error.is_some().then_some("true");
    let req = f.required.then_some("true");
    let auto = f.autocomplete;
    match &f.control {
        Control::Text | Control::Input(_) => {
            let kind = match f.control {
                Control::Input(kind) => kind,
                _ => "text",
            };
            view! {
                <input type=kind id=dom_id.clone() name=name value=value autocomplete=auto
                    aria-describedby=described aria-invalid=invalid aria-required=req/>
            }
            .into_any()
        }
        Control::Digits => view! {
            <input type="text" inputmode="numeric" id=dom_id.clone() name=name value=value
                autocomplete=auto aria-describedby=described aria-invalid=invalid aria-required=req/>
        }
        .into_any(),
        // tachys 0.2 does not escape <textarea> children (ESCAPE_CHILDREN is
        // false for it, as for <script>), so escape the text here.
        Control::Multiline => view! {
            <textarea id=dom_id.clone() name=name rows="3" aria-describedby=described
                aria-invalid=invalid aria-required=req inner_html=escape(&value)></textarea>
        }
        .into_any(),
        Control::Select(options) => {
            let options = options_view(lang, options, &value);
            view! {
                <select id=dom_id.clone() name=name aria-describedby=described
                    aria-invalid=invalid aria-required=req>{options}</select>
            }
            .into_any()
        }
    }
}

/// `<option>`s with an empty "— pilih —" first, marking `selected`.
pub fn options_view(lang: Lang, options: &[(String, String)], selected: &str) -> impl IntoView + use<> {
    options_with_empty(lang, "form.choose", options, selected)
}

/// `<option>`s with an empty first option labelled by catalog key `empty_key`.
pub fn options_with_empty(
    lang: Lang,
    empty_key: &str,
    options: &[(String, String)],
    selected: &str,
) -> impl IntoView + use<> {
    let first = view! { <option value="">{t(lang, empty_key)}</option> };
    let rest = options
        .iter()
        .map(|(code, label)| {
            let is = code == selected;
            view! { <option value=code.clone() selected=is>{label.clone()}</option> }
        })
        .collect_view();
    (first, rest)
}

/// The pager: previous, page numbers around the current one, next.
/// `query` holds the list's other parameters (search, filters).
pub fn pager(lang: Lang, path: &str, query: &[(&str, &str)], p: &Pagination) -> Option<AnyView> {
    if p.total_pages <= 1 {
        return None;
    }
    let page = p.page.clamp(1, p.total_pages);
    let link = |n: u32| {
        let n = n.to_string();
        let mut q: Vec<(&str, &str)> = query.to_vec();
        q.push(("page", n.as_str()));
        href_with(path, &q)
    };
    let prev = (page > 1).then(|| {
        view! { <li><a rel="prev" href=link(page - 1)>{t(lang, "pager.prev")}</a></li> }
    });
    let next = (page < p.total_pages).then(|| {
        view! { <li><a rel="next" href=link(page + 1)>{t(lang, "pager.next")}</a></li> }
    });
    let numbers = page_numbers(page, p.total_pages)
        .into_iter()
        .map(|n| match n {
            None => view! { <li class="gap">"…"</li> }.into_any(),
            Some(n) if n == page => view! {
                <li><a href=link(n) aria-current="page">{n}</a></li>
            }
            .into_any(),
            Some(n) => view! { <li><a href=link(n)>{n}</a></li> }.into_any(),
        })
        .collect_view();
    let status = tf(lang, "pager.page_of", &[("page", &page.to_string()), ("total", &p.total_pages.to_string())]);
    Some(
        view! {
            <nav class="pager" aria-label=t(lang, "pager.label")>
                <p class="pager-status">{status}</p>
                <ul>{prev} {numbers} {next}</ul>
            </nav>
        }
        .into_any(),
    )
}

/// Page numbers to show: first, last, and two either side of `page`;
/// `None` marks a gap.
pub fn page_numbers(page: u32, total: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    let mut last = 0;
    for n in 1..=total {
        let near = n + 2 >= page && n <= page + 2;
        if n == 1 || n == total || near {
            if last != 0 && n > last + 1 {
                out.push(None);
            }
            out.push(Some(n));
            last = n;
        }
    }
    out
}

/// A `<dl>` row; skipped when the value is empty.
pub fn dl_row(label: String, value: String) -> Option<impl IntoView + use<>> {
    (!value.is_empty()).then(|| view! { <div class="dl-row"><dt>{label}</dt><dd>{value}</dd></div> })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_window() {
        assert_eq!(
            page_numbers(5, 10),
            vec![Some(1), None, Some(3), Some(4), Some(5), Some(6), Some(7), None, Some(10)]
        );
        assert_eq!(page_numbers(1, 2), vec![Some(1), Some(2)]);
    }
}
