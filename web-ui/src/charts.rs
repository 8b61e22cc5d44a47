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

/// A growth chart (KMS): WHO reference curves and one child's measurements
/// against age in months. Lines are drawn at their SD (`-3`, `-2`, `0`, `2`,
/// `3`), the child's points joined in order.
#[derive(Clone, Debug, Default)]
pub struct GrowthChart {
    /// Title (also the accessible name).
    pub title: String,
    /// Axis labels.
    pub x_label: String,
    pub y_label: String,
    /// Age range shown, months.
    pub x_max: f64,
    /// Reference curves `(sd, points)`, points `(month, value)`.
    pub curves: Vec<(i8, Vec<(f64, f64)>)>,
    /// The child's measurements `(month, value)`, oldest first.
    pub points: Vec<(f64, f64)>,
}

/// Draws a [`GrowthChart`] as SVG: light bands between −2 and +2, red at −3,
/// the median dark, with a grid every 6 months.
pub fn growth_chart(c: &GrowthChart) -> String {
    let (w, h, left, bottom, top, right) = (640.0, 400.0, 44.0, 34.0, 12.0, 36.0);
    let values = c.curves.iter().flat_map(|(_, p)| p.iter()).chain(c.points.iter()).filter(|(x, _)| *x <= c.x_max);
    let (mut lo, mut hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), (_, y)| (lo.min(*y), hi.max(*y)));
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    let (lo, hi) = (lo.floor(), hi.ceil());
    let sx = |x: f64| left + (x / c.x_max.max(1.0)) * (w - left - right);
    let sy = |y: f64| top + (1.0 - (y - lo) / (hi - lo).max(1.0)) * (h - top - bottom);
    let mut svg = format!(
        "<svg class=\"chart growth\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" \
         role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = escape(&c.title)
    );
    let step = if hi - lo > 40.0 {
        10.0
    } else if hi - lo > 12.0 {
        2.0
    } else {
        1.0
    };
    let mut y = lo;
    while y <= hi {
        svg.push_str(&format!(
            "<line class=\"grid\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" {FONT}>{y}</text>",
            w - right,
            sy(y),
            sy(y),
            left - 4.0,
            sy(y) + 4.0
        ));
        y += step;
    }
    let mut month = 0.0;
    while month <= c.x_max {
        svg.push_str(&format!(
            "<line class=\"grid\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" {FONT}>{month}</text>",
            h - bottom,
            h - bottom + 14.0,
            x = sx(month)
        ));
        month += 6.0;
    }
    for (sd, points) in &c.curves {
        let (colour, width) = match sd.abs() {
            0 => ("#2e7d32", 2.0),
            2 => ("#f9a825", 1.5),
            _ => ("#c62828", 1.5),
        };
        let path: Vec<String> =
            points.iter().filter(|(x, _)| *x <= c.x_max).map(|(x, y)| format!("{:.1},{:.1}", sx(*x), sy(*y))).collect();
        let end = points.iter().rfind(|(x, _)| *x <= c.x_max);
        svg.push_str(&format!(
            "<polyline class=\"sd sd{sd}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" points=\"{}\"/>",
            path.join(" ")
        ));
        if let Some((x, y)) = end {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" {FONT} fill=\"{colour}\">{sd:+}</text>",
                sx(*x) + 3.0,
                sy(*y) + 4.0
            ));
        }
    }
    let child: Vec<String> =
        c.points.iter().filter(|(x, _)| *x <= c.x_max).map(|(x, y)| format!("{:.1},{:.1}", sx(*x), sy(*y))).collect();
    if !child.is_empty() {
        svg.push_str(&format!(
            "<polyline class=\"child\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"{}\"/>",
            child.join(" ")
        ));
        for point in &child {
            let (x, y) = point.split_once(',').unwrap_or(("0", "0"));
            svg.push_str(&format!("<circle class=\"point\" cx=\"{x}\" cy=\"{y}\" r=\"3.5\" fill=\"#1565c0\"/>"));
        }
    }
    svg.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" {FONT}>{}</text>\
         <text x=\"12\" y=\"{:.1}\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\" {FONT}>{}</text></svg>",
        (left + w - right) / 2.0,
        h - 4.0,
        escape(&c.x_label),
        h / 2.0,
        h / 2.0,
        escape(&c.y_label)
    ));
    svg
}

/// One point of a time chart: its label (a day) and min, average, max.
#[derive(Clone, Debug, PartialEq)]
pub struct RangePoint {
    /// Shown under the first and last points only.
    pub label: String,
    /// Lowest value of the period.
    pub min: f64,
    /// Average of the period.
    pub avg: f64,
    /// Highest value of the period.
    pub max: f64,
}

/// A time chart: the min–max band of each period and a line through the
/// averages, oldest left; `threshold`, if any, is a dashed line.
pub fn range_chart(title: &str, unit: &str, points: &[RangePoint], threshold: Option<f64>) -> String {
    let (height, top, left, plot_h) = (160u32, 10.0, 40.0, 120.0);
    let plot_w = f64::from(WIDTH) - left - 8.0;
    let mut svg = svg_open(title, height);
    if points.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let lo = points.iter().map(|p| p.min).chain(threshold).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.max).chain(threshold).fold(f64::NEG_INFINITY, f64::max);
    let span = if hi - lo < 1e-9 { 1.0 } else { hi - lo };
    let y = |v: f64| top + plot_h - (v - lo) / span * plot_h;
    let step = if points.len() > 1 { plot_w / (points.len() - 1) as f64 } else { 0.0 };
    let x = |i: usize| left + step * i as f64;
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" {FONT}>{}</text><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" {FONT}>{}</text>",
        left - 4.0,
        y(hi) + 4.0,
        escape(&format!("{hi:.1}{unit}")),
        left - 4.0,
        y(lo),
        escape(&format!("{lo:.1}{unit}")),
    ));
    for (i, p) in points.iter().enumerate() {
        svg.push_str(&format!(
            "<line class=\"band\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#9cc\" stroke-width=\"4\"/>",
            y(p.min),
            y(p.max),
            x = x(i)
        ));
    }
    let line: Vec<String> = points.iter().enumerate().map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.avg))).collect();
    svg.push_str(&format!(
        "<polyline class=\"line\" fill=\"none\" stroke=\"#064\" stroke-width=\"2\" points=\"{}\"/>",
        line.join(" ")
    ));
    if let Some(t) = threshold {
        svg.push_str(&format!(
            "<line class=\"threshold\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#c30\" stroke-dasharray=\"4 3\"/>",
            left + plot_w,
            y(t),
            y(t)
        ));
    }
    let last = points.len() - 1;
    svg.push_str(&format!(
        "<text x=\"{left}\" y=\"{}\" {FONT}>{}</text><text x=\"{:.1}\" y=\"{}\" text-anchor=\"end\" {FONT}>{}</text></svg>",
        height - 6,
        escape(&points[0].label),
        x(last).max(left + 60.0),
        height - 6,
        escape(&points[last].label)
    ));
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
    fn growth_chart_draws_curves_and_points() {
        let curve = |d: f64| (0..=24).map(|m| (f64::from(m), 3.0 + d + f64::from(m) * 0.3)).collect::<Vec<_>>();
        let chart = GrowthChart {
            title: "BB/U <anak>".into(),
            x_label: "bulan".into(),
            y_label: "kg".into(),
            x_max: 24.0,
            curves: vec![(-3, curve(-2.0)), (-2, curve(-1.0)), (0, curve(0.0)), (2, curve(1.0)), (3, curve(2.0))],
            points: vec![(1.0, 4.0), (2.0, 4.6), (3.0, 5.1)],
        };
        let svg = growth_chart(&chart);
        assert_eq!(svg.matches("class=\"sd ").count(), 5);
        assert_eq!(svg.matches("class=\"point\"").count(), 3);
        assert!(svg.contains("&lt;anak&gt;") && !svg.contains("<anak>"));
        assert!(!growth_chart(&GrowthChart { x_max: 60.0, ..Default::default() }).contains("NaN"));
    }

    #[test]
    fn range_chart_draws_a_band_per_point_and_escapes() {
        let p = |label: &str, v: f64| RangePoint { label: label.into(), min: v - 1.0, avg: v, max: v + 1.0 };
        let svg = range_chart("<x>", "%", &[p("1 Nov", 20.0), p("2 Nov", 25.0), p("3 Nov", 18.0)], Some(21.1));
        assert_eq!(svg.matches("class=\"band\"").count(), 3);
        assert!(svg.contains("class=\"threshold\""));
        assert!(svg.contains("&lt;x&gt;") && !svg.contains("<x>"));
        assert!(range_chart("t", "", &[], None).ends_with("</svg>"));
    }

    #[test]
    fn pyramid_draws_every_row() {
        let rows = vec![("0-4".to_string(), 10, 12), ("75+".to_string(), 0, 0)];
        let svg = pyramid("P", "L", "P", &rows);
        assert_eq!(svg.matches("class=\"bar-m\"").count(), 2);
        assert!(svg.find("75+").unwrap_or(0) < svg.find("0-4").unwrap_or(0));
    }
}
