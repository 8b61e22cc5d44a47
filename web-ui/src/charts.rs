//! Server-drawn SVG charts (population pyramid, horizontal bars) as strings,
//! with text labels and a `<title>`, so they print and need no JavaScript.
//! Every label is escaped here because the SVG is inserted as raw HTML.

use crate::common::escape;

const WIDTH: u32 = 360;
const ROW: u32 = 22;
const FONT: &str = "font-size=\"12\" font-family=\"system-ui, sans-serif\"";

/// Shortens a label for the chart (the data table holds the full text).
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let cut: String = label.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

fn scale(value: u64, max: u64, width: u32) -> u32 {
    if max == 0 { 0 } else { ((value as f64 / max as f64) * f64::from(width)).round() as u32 }
}

/// A horizontal bar chart: one row per `(label, count)`.
pub fn bar_chart(title: &str, rows: &[(String, u64)]) -> String {
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let height = ROW * rows.len() as u32 + 8;
    let (label_w, bar_x, bar_w) = (130, 136, 180);
    let mut svg = svg_open(title, height);
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = 4 + ROW * i as u32;
        let w = scale(*n, max, bar_w);
        let ty = y + 15;
        svg.push_str(&format!(
            "<text x=\"{label_w}\" y=\"{ty}\" text-anchor=\"end\" {FONT}>{}</text>\
             <rect class=\"bar\" x=\"{bar_x}\" y=\"{}\" width=\"{w}\" height=\"{}\"/>\
             <text x=\"{}\" y=\"{ty}\" {FONT}>{n}</text>",
            escape(&short(label, 20)),
            y + 3,
            ROW - 6,
            bar_x + w + 4,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A population pyramid: rows `(age label, male, female)` given youngest
/// first; drawn oldest at the top, males left and females right.
pub fn pyramid(title: &str, male_label: &str, female_label: &str, rows: &[(String, u64, u64)]) -> String {
    let max = rows.iter().map(|(_, m, f)| (*m).max(*f)).max().unwrap_or(0);
    let head = 22;
    let height = head + ROW * rows.len() as u32 + 8;
    let mid = WIDTH / 2;
    let (gap, half) = (24, 120);
    let mut svg = svg_open(title, height);
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"14\" text-anchor=\"end\" {FONT} font-weight=\"bold\">{}</text>\
         <text x=\"{}\" y=\"14\" {FONT} font-weight=\"bold\">{}</text>",
        mid - gap,
        escape(male_label),
        mid + gap,
        escape(female_label)
    ));
    for (i, (label, m, f)) in rows.iter().rev().enumerate() {
        let y = head + ROW * i as u32;
        let (mw, fw) = (scale(*m, max, half), scale(*f, max, half));
        let ty = y + 15;
        svg.push_str(&format!(
            "<rect class=\"bar-m\" x=\"{}\" y=\"{}\" width=\"{mw}\" height=\"{}\"/>\
             <text x=\"{}\" y=\"{ty}\" text-anchor=\"end\" {FONT}>{m}</text>\
             <text x=\"{mid}\" y=\"{ty}\" text-anchor=\"middle\" {FONT}>{}</text>\
             <rect class=\"bar-f\" x=\"{}\" y=\"{}\" width=\"{fw}\" height=\"{}\"/>\
             <text x=\"{}\" y=\"{ty}\" {FONT}>{f}</text>",
            mid - gap - mw,
            y + 3,
            ROW - 6,
            (mid - gap - mw).saturating_sub(3),
            escape(&short(label, 6)),
            mid + gap,
            y + 3,
            ROW - 6,
            mid + gap + fw + 3,
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn svg_open(title: &str, height: u32) -> String {
    format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" \
         role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_escape_labels() {
        let svg = bar_chart("<b>", &[("<script>".into(), 3), ("x".into(), 0)]);
        assert!(svg.contains("&lt;script&gt;"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("<title>&lt;b&gt;</title>"));
    }

    #[test]
    fn pyramid_draws_every_row() {
        let rows = vec![("0-4".to_string(), 10, 12), ("75+".to_string(), 0, 0)];
        let svg = pyramid("P", "L", "P", &rows);
        assert_eq!(svg.matches("class=\"bar-m\"").count(), 2);
        assert!(svg.find("75+").unwrap_or(0) < svg.find("0-4").unwrap_or(0));
    }
}
