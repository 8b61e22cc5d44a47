//! The office kiosk's sign-in page for residents: one big field for the NIK
//! or the e-KTP card (the reader types the card's number and Enter), then the
//! PIN. Large type and buttons, numbered steps, no JavaScript.

use leptos::prelude::*;

use crate::common::Shell;
use crate::i18n::{t, tf};
use crate::layout::{Page, document};
use crate::widgets::csrf_field;

/// Props of the kiosk page (GET `/kiosk`, and POST `/kiosk/signin` when it
/// needs the PIN or the sign-in failed).
#[derive(Clone, Debug, Default)]
pub struct KioskProps {
    /// Page shell; `csrf` holds the pre-session token.
    pub shell: Shell,
    /// The NIK or card number already given (field `id`), kept while the PIN is asked.
    pub id_value: String,
    /// The id came from a card: it is carried hidden, not shown.
    pub card_read: bool,
    /// The id is known: ask for the PIN (and put the cursor there).
    pub ask_pin: bool,
    /// Why the last try failed.
    pub error: Option<String>,
    /// How long a kiosk session lasts, in minutes.
    pub session_minutes: i64,
}

/// The kiosk page component.
#[component]
pub fn KioskView(props: KioskProps) -> impl IntoView {
    let lang = props.shell.lang;
    let csrf = props.shell.csrf.clone();
    let error = props.error.clone().map(|e| view! { <div class="flash flash-error kiosk-msg" role="alert">{e}</div> });
    let prompt = (props.ask_pin && props.error.is_none())
        .then(|| view! { <div class="flash flash-ok kiosk-msg" role="status">{t(lang, "kiosk.pin.now")}</div> });
    let id_part = if props.card_read {
        view! {
            <div class="kiosk-card-read">
                <input type="hidden" name="id" value=props.id_value.clone()/>
                <p class="kiosk-big">"✓ " {t(lang, "kiosk.card.read")}</p>
                <p><a class="btn" href="/kiosk">{t(lang, "kiosk.start_over")}</a></p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="field kiosk-field">
                <label for="kiosk-id">"1. " {t(lang, "kiosk.id.label")}</label>
                <p class="help" id="kiosk-id-help">{t(lang, "kiosk.id.help")}</p>
                <input type="text" id="kiosk-id" name="id" value=props.id_value.clone() inputmode="numeric"
                    autocomplete="off" aria-describedby="kiosk-id-help" autofocus=!props.ask_pin/>
            </div>
        }
        .into_any()
    };
    view! {
        <Page shell=props.shell.clone() title=t(lang, "kiosk.title")>
            <div class="kiosk">
                {error}
                {prompt}
                <form method="post" action="/kiosk/signin" class="card kiosk-form">
                    {csrf_field(&csrf)}
                    {id_part}
                    <div class="field kiosk-field">
                        <label for="kiosk-pin">"2. " {t(lang, "kiosk.pin.label")}</label>
                        <p class="help" id="kiosk-pin-help">{t(lang, "signin.pin_help")}</p>
                        <input type="password" id="kiosk-pin" name="pin" inputmode="numeric" autocomplete="off"
                            aria-describedby="kiosk-pin-help" autofocus=props.ask_pin/>
                    </div>
                    <button type="submit" class="btn btn-primary btn-big kiosk-go">"3. " {t(lang, "action.signin")}</button>
                </form>
                <p class="kiosk-note">{tf(lang, "kiosk.note", &[("minutes", &props.session_minutes.to_string())])}</p>
            </div>
        </Page>
    }
}

/// Renders the kiosk page.
pub fn render_kiosk(props: KioskProps) -> String {
    document(|| view! { <KioskView props=props/> })
}
