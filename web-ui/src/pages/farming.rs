//! Smart farming (pertanian): per field, the latest conditions, the
//! irrigation advice for its crop, and 7- and 30-day charts drawn on the
//! server (SVG, no JavaScript).

use leptos::prelude::*;

use crate::common::Shell;
use crate::i18n::t;
use crate::layout::{Page, document};

/// One field (display text; charts as SVG strings from [`crate::charts`]).
#[derive(Clone, Debug, Default)]
pub struct FieldCard {
    /// Place name.
    pub place: String,
    /// Crop label, empty without a plan.
    pub crop: String,
    /// Advice code (`irrigate`, `enough`, `wet`), empty if none.
    pub advice: String,
    /// Advice text.
    pub advice_text: String,
    /// `(label, value)` of the latest readings, with time.
    pub latest: Vec<(String, String)>,
    /// 7-day and 30-day charts (SVG).
    pub charts: Vec<String>,
}

/// Props of the farming page (GET `/pertanian`).
#[derive(Clone, Debug, Default)]
pub struct FarmingProps {
    /// Page shell.
    pub shell: Shell,
    /// Every field with a sensor.
    pub fields: Vec<FieldCard>,
}

/// The farming page component.
#[component]
pub fn FarmingView(props: FarmingProps) -> impl IntoView {
    let lang = props.shell.lang;
    let cards = props
        .fields
        .iter()
        .map(|f| {
            let latest = f
                .latest
                .iter()
                .map(|(l, v)| view! { <div><dt>{l.clone()}</dt><dd>{v.clone()}</dd></div> })
                .collect_view();
            let charts = f.charts.iter().map(|svg| view! { <figure inner_html=svg.clone()></figure> }).collect_view();
            let crop = (!f.crop.is_empty()).then(|| view! { <p>{t(lang, "farming.crop")} ": " {f.crop.clone()}</p> });
            let advice = (!f.advice.is_empty())
                .then(|| view! { <p class="advice" data-advice=f.advice.clone()><strong>{f.advice_text.clone()}</strong></p> });
            view! {
                <section class="card">
                    <h2>{f.place.clone()}</h2>
                    {crop}
                    {advice}
                    <dl class="figures">{latest}</dl>
                    {charts}
                </section>
            }
        })
        .collect_view();
    let empty = props.fields.is_empty().then(|| view! { <p class="empty">{t(lang, "farming.none")}</p> });
    view! {
        <Page shell=props.shell.clone() title=t(lang, "farming.title")>
            <p>{t(lang, "farming.intro")}</p>
            {empty}
            {cards}
        </Page>
    }
}

/// Renders the farming page.
pub fn render_farming(props: FarmingProps) -> String {
    document(|| view! { <FarmingView props=props/> })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_shows_advice_and_its_charts() {
        let props = FarmingProps {
            shell: Shell::default(),
            fields: vec![FieldCard {
                place: "Sawah <A>".into(),
                crop: "Jagung".into(),
                advice: "irrigate".into(),
                advice_text: "Airi hari ini".into(),
                latest: vec![("Kelembapan tanah".into(), "12 %".into())],
                charts: vec!["<svg class=\"chart\"></svg>".into()],
            }],
        };
        let html = render_farming(props);
        assert!(html.contains("Sawah &lt;A&gt;"));
        assert!(html.contains("data-advice=\"irrigate\""));
        assert!(html.contains("<svg class=\"chart\"></svg>"));
        assert!(html.contains("Tanaman"), "texts come from the catalog");
    }
}
