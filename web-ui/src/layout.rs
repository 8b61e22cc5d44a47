//! The page frame every page shares (head, skip link, header with user and
//! language switch, nav, flash, main, footer) and the function that turns a
//! view into a full HTML document without leaking reactive nodes.

use leptos::prelude::*;

use crate::common::{Flash, FlashKind, NavItem, Shell, href_with};
use crate::i18n::{Lang, t};

/// Renders `make()` inside a fresh [`Owner`] and prepends the doctype.
pub fn document<F, V>(make: F) -> String
where
    F: FnOnce() -> V,
    V: RenderHtml,
{
    let owner = Owner::new();
    let html = owner.with(|| make().to_html());
    drop(owner);
    format!("<!DOCTYPE html>{html}")
}

/// The frame around a page's content. `title` is already translated.
#[component]
pub fn Page(shell: Shell, title: String, children: Children) -> impl IntoView {
    let lang = shell.lang;
    let head_title = if shell.village_name.is_empty() {
        format!("{title} · Balai")
    } else {
        format!("{title} · {}", shell.village_name)
    };
    view! {
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{head_title}</title>
                <link rel="stylesheet" href="/static/balai.css"/>
                {kiosk_refresh(&shell)}
            </head>
            <body>
                <a class="skip" href="#main">{t(lang, "shell.skip")}</a>
                {header(&shell)}
                {nav(lang, shell.nav.clone())}
                <main id="main" tabindex="-1">
                    {kiosk_done(&shell)}
                    {shell.flash.clone().map(|f| flash(lang, f))}
                    <h1>{title}</h1>
                    {children()}
                </main>
                <footer class="foot">
                    <p>{t(lang, "shell.footer")}</p>
                </footer>
            </body>
        </html>
    }
}

/// At the end of a kiosk session the screen returns to the kiosk (which ends
/// the session), without a script: a resident who walked away leaves no
/// data on the screen. Timed to the session's end, so a form being filled in
/// is never wiped while it could still be sent.
fn kiosk_refresh(shell: &Shell) -> Option<impl IntoView + use<>> {
    let left = shell.kiosk_seconds_left.filter(|_| shell.user.is_some())?;
    Some(view! { <meta http-equiv="refresh" content=format!("{};url=/kiosk", left.max(1))/> })
}

/// The kiosk's "Selesai" button, first on every page of a kiosk session.
fn kiosk_done(shell: &Shell) -> Option<impl IntoView + use<>> {
    (shell.kiosk_seconds_left.is_some() && shell.user.is_some()).then(|| {
        let lang = shell.lang;
        view! {
            <form class="kiosk-done" method="post" action="/signout">
                <input type="hidden" name="csrf" value=shell.csrf.clone()/>
                <button type="submit" class="btn btn-primary btn-big">{t(lang, "kiosk.done")}</button>
                <span class="help">{t(lang, "kiosk.done_help")}</span>
            </form>
        }
    })
}

fn header(shell: &Shell) -> impl IntoView + use<> {
    let lang = shell.lang;
    let other = lang.other();
    let switch_href = href_with("/lang", &[("to", other.code()), ("next", shell.current_path.as_str())]);
    let brand =
        if shell.village_name.is_empty() { "Balai".to_string() } else { format!("Balai · {}", shell.village_name) };
    view! {
        <header class="top">
            <a class="brand" href="/">{brand}</a>
            <div class="top-tools">
                <a class="lang-switch" href=switch_href hreflang=other.code() lang=other.code()>
                    {t(lang, "shell.switch_lang")}
                </a>
                {user_box(shell)}
            </div>
        </header>
    }
}

fn user_box(shell: &Shell) -> AnyView {
    let lang = shell.lang;
    match &shell.user {
        Some(user) => view! {
            <div class="who">
                <span class="who-name">{user.name.clone()}</span>
                " "
                <span class="who-role">"(" {user.role_label.clone()} ")"</span>
                <form class="inline" method="post" action="/signout">
                    <input type="hidden" name="csrf" value=shell.csrf.clone()/>
                    <button type="submit" class="btn btn-small">{t(lang, "action.signout")}</button>
                </form>
            </div>
        }
        .into_any(),
        None => view! {
            <a class="btn btn-small" href="/signin">{t(lang, "action.signin")}</a>
        }
        .into_any(),
    }
}

fn nav(lang: Lang, items: Vec<NavItem>) -> Option<AnyView> {
    if items.is_empty() {
        return None;
    }
    let links = items
        .into_iter()
        .map(|item| {
            let current = item.active.then_some("page");
            view! {
                <li>
                    <a href=item.href aria-current=current>{t(lang, &item.label_key)}</a>
                </li>
            }
        })
        .collect_view();
    Some(
        view! {
            <nav class="main-nav" aria-label=t(lang, "shell.nav_label")>
                <ul>{links}</ul>
            </nav>
        }
        .into_any(),
    )
}

fn flash(lang: Lang, flash: Flash) -> impl IntoView {
    let (class, key, role) = match flash.kind {
        FlashKind::Success => ("flash flash-ok", "flash.success", "status"),
        FlashKind::Error => ("flash flash-error", "flash.error", "alert"),
        FlashKind::Warning => ("flash flash-warn", "flash.warning", "alert"),
    };
    view! {
        <div class=class role=role>
            <strong>{t(lang, key)} ": "</strong>
            {flash.text}
        </div>
    }
}
