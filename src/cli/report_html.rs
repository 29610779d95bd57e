//! `liaison report --html FILE`: one self-contained page for the weekly meeting. Charts are
//! inline SVG written here by hand (horizontal stacked bars and one line chart) rather than with
//! plotters' SVG backend: two small functions instead of a plotting crate and its build time; the
//! labels stay `<text>` in the reader's own fonts, so Chinese is sharp, selectable and
//! printable; and the bars carry their numbers, which the tables repeat. No script, nothing
//! fetched; the page prints on A4. The tables are `domain::report::table`'s, as the text output
//! and the console show them; this file only escapes them.
use std::fmt::Write;

use crate::domain::Department;
use crate::domain::report::table::{Align, Table, Tables, dept_name, hours_text, no_data, priority_name};
use crate::domain::report::{Kept, Report, ResponseFigures};
use crate::i18n::Lang;

use super::report::heading;

const GREEN: &str = "#2e7d32";
const AMBER: &str = "#f9a825";
const RED: &str = "#c62828";
const GREY: &str = "#9e9e9e";
const BLUE: &str = "#1565c0";
const TEAL: &str = "#00838f";

/// Escapes text for HTML and SVG.
pub fn esc(text: &str) -> String {
    let clean = crate::domain::text::sanitize_line(text);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A count as a whole number, hours to one decimal (a sum of floats is never shown raw).
fn number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { hours_text(Some(v)) }
}

/// Horizontal stacked bars: one row per label, one segment per series, each with its count.
fn stacked(rows: &[(String, Vec<f64>)], series: &[(&str, &str)], lang: Lang) -> String {
    let (label_w, bar_w, row_h, top) = (130.0, 440.0, 22.0, 26.0);
    let max = rows.iter().map(|(_, v)| v.iter().sum::<f64>()).fold(0.0, f64::max);
    let height = top + row_h * rows.len().max(1) as f64 + 8.0;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" width="100%" role="img">"#,
        w = label_w + bar_w + 60.0
    );
    let mut x = label_w;
    for (name, color) in series {
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="6" width="10" height="10" fill="{color}"/><text x="{}" y="15" class="l">{}</text>"#,
            x + 14.0,
            esc(name)
        );
        x += 14.0 + 6.5 * crate::domain::text::width(name) as f64 + 18.0;
    }
    for (k, (label, values)) in rows.iter().enumerate() {
        let y = top + row_h * k as f64;
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" class="l" text-anchor="end">{}</text>"#,
            label_w - 6.0,
            y + 14.0,
            esc(label)
        );
        let total: f64 = values.iter().sum();
        if total == 0.0 || max == 0.0 {
            let _ = write!(svg, r#"<text x="{label_w}" y="{}" class="n">{}</text>"#, y + 14.0, no_data(lang));
            continue;
        }
        let mut x = label_w;
        for (v, (_, color)) in values.iter().zip(series) {
            let w = v / max * bar_w;
            if w > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x:.1}" y="{}" width="{w:.1}" height="16" fill="{color}"/>"#,
                    y + 2.0
                );
                if w >= 18.0 {
                    let _ = write!(
                        svg,
                        r#"<text x="{:.1}" y="{}" class="v">{}</text>"#,
                        x + w / 2.0,
                        y + 14.0,
                        number(*v)
                    );
                }
            }
            x += w;
        }
        let _ =
            write!(svg, r#"<text x="{:.1}" y="{}" class="l">{}</text>"#, x + 4.0, y + 14.0, number(total));
    }
    svg.push_str("</svg>");
    svg
}

/// Registered and accepted per week, and the share of first responses met (right axis, %).
fn trend(r: &Report, lang: Lang) -> String {
    let (left, width, top, height) = (40.0, 500.0, 28.0, 150.0);
    let n = r.weekly.len().max(1);
    let max = r.weekly.iter().map(|w| w.registered.max(w.accepted)).max().unwrap_or(0).max(1) as f64;
    let step = if n > 1 { width / (n - 1) as f64 } else { 0.0 };
    let x = |k: usize| left + step * k as f64;
    let y = |v: f64| top + height - v / max * height;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img">"#,
        left + width + 50.0,
        top + height + 40.0
    );
    let legend = [
        (lang.pick("registered", "登记"), BLUE),
        (lang.pick("accepted", "验收"), GREEN),
        (lang.pick("response met % (right)", "按时响应率（右轴）"), AMBER),
    ];
    let mut lx = left;
    for (name, color) in legend {
        let _ = write!(
            svg,
            r#"<rect x="{lx}" y="6" width="10" height="10" fill="{color}"/><text x="{}" y="15" class="l">{name}</text>"#,
            lx + 14.0
        );
        lx += 14.0 + 6.5 * crate::domain::text::width(name) as f64 + 18.0;
    }
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="{b}" x2="{r}" y2="{b}" stroke="#999"/><text x="{}" y="{}" class="l" text-anchor="end">{max}</text><text x="{}" y="{b}" class="l" text-anchor="end">0</text><text x="{}" y="{}" class="l">100%</text>"##,
        left - 4.0,
        top + 4.0,
        left - 4.0,
        left + width + 4.0,
        top + 4.0,
        r = left + width,
        b = top + height,
    );
    let series = |values: Vec<Option<f64>>, color: &str, scale: f64| {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(k, v)| v.map(|v| format!("{:.1},{:.1}", x(k), y(v * scale))))
            .collect();
        let mut s = format!(
            r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"/>"#,
            points.join(" ")
        );
        for p in &points {
            let (px, py) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(s, r#"<circle cx="{px}" cy="{py}" r="2.5" fill="{color}"/>"#);
        }
        s
    };
    svg.push_str(&series(r.weekly.iter().map(|w| Some(f64::from(w.registered))).collect(), BLUE, 1.0));
    svg.push_str(&series(r.weekly.iter().map(|w| Some(f64::from(w.accepted))).collect(), GREEN, 1.0));
    svg.push_str(&series(r.weekly.iter().map(|w| w.first_response_met_share).collect(), AMBER, max));
    for (k, w) in r.weekly.iter().enumerate() {
        if n <= 14 || k % 2 == 0 {
            let label = w.week.split_once('-').map_or(w.week.as_str(), |(_, wk)| wk);
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{}" class="l" text-anchor="middle">{label}</text>"#,
                x(k),
                top + height + 16.0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// One table: the labels as a header row, numbers in right-aligned cells. Bars are left to the
/// charts.
fn table(t: &Table) -> String {
    let mut out = String::from("<table><thead><tr>");
    for c in &t.columns {
        let class = match c.align {
            Align::Left => "",
            Align::Right => " class=\"num\"",
        };
        let _ = write!(out, "<th{class}>{}</th>", esc(&c.label));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (cell, column) in row.cells.iter().zip(&t.columns) {
            let class = match column.align {
                Align::Left => "",
                Align::Right => " class=\"num\"",
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(&cell.text));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

pub fn page(r: &Report, departments: &[Department], lang: Lang) -> String {
    let t = |en, zh| lang.pick(en, zh);
    let dn = |d: &str| dept_name(d, departments);
    let pn = |p: &str| priority_name(p, lang);
    let tables = Tables::new(r, departments, lang);
    let mut body = String::new();
    // A section: the first table's title, the chart, then the tables that have rows.
    let mut section = |chart: String, tables: &[Table]| {
        let title = tables.first().map_or("", |t| t.title.as_str());
        let _ = write!(body, "<section><h2>{}</h2><figure>{chart}</figure>", esc(title));
        for t in tables.iter().filter(|t| !t.rows.is_empty()) {
            body.push_str(&table(t));
        }
        body.push_str("</section>\n");
    };
    let kept = [
        (Kept::Met.label(lang), GREEN),
        (Kept::MetLate.label(lang), AMBER),
        (Kept::Missed.label(lang), RED),
        (Kept::Pending.label(lang), GREY),
    ];
    let bars = |entries: &[(String, ResponseFigures)], name: &dyn Fn(&str) -> String| {
        entries
            .iter()
            .map(|(k, f)| {
                (name(k), vec![f.met, f.met_late, f.missed, f.pending].into_iter().map(f64::from).collect())
            })
            .collect::<Vec<_>>()
    };
    section(
        stacked(&bars(&r.first_response.by_priority.0, &pn), &kept, lang),
        &[tables.response_by_priority()],
    );
    section(stacked(&bars(&r.first_response.by_dept.0, &dn), &kept, lang), &[tables.response_by_dept()]);
    let chart = stacked(
        &r.tasks
            .by_dept
            .0
            .iter()
            .map(|(d, f)| (dn(d), vec![f64::from(f.on_time), f64::from(f.late), f64::from(f.overdue_now)]))
            .collect::<Vec<_>>(),
        &[(t("on time", "按期"), GREEN), (t("late", "逾期完成"), AMBER), (t("overdue now", "当前逾期"), RED)],
        lang,
    );
    section(chart, &[tables.tasks()]);
    let chart = stacked(
        &r.risk_alerts
            .by_dept
            .0
            .iter()
            .map(|(d, f)| (dn(d), vec![f64::from(f.timely), f64::from(f.late)]))
            .collect::<Vec<_>>(),
        &[(t("timely", "及时"), GREEN), (t("late", "不及时"), RED)],
        lang,
    );
    section(chart, &[tables.risk_alerts()]);
    let chart = stacked(
        &r.resolution
            .by_priority
            .0
            .iter()
            .map(|(p, f)| {
                let median = f.median_hours.unwrap_or(0.0);
                (pn(p), vec![median, (f.p90_hours.unwrap_or(0.0) - median).max(0.0)])
            })
            .collect::<Vec<_>>(),
        &[(t("median (working h)", "中位（工时）"), BLUE), (t("to p90", "至P90"), TEAL)],
        lang,
    );
    section(chart, &[tables.resolution()]);
    let chart = stacked(
        &r.open_load
            .by_dept
            .0
            .iter()
            .map(|(d, l)| {
                (dn(d), vec![f64::from(l.age.le3), f64::from(l.age.from4to10), f64::from(l.age.gt10)])
            })
            .collect::<Vec<_>>(),
        &[
            (t("≤3 wd", "≤3 工作日"), GREEN),
            (t("4–10 wd", "4–10 工作日"), AMBER),
            (t(">10 wd", ">10 工作日"), RED),
        ],
        lang,
    );
    section(chart, &[tables.open_load()]);
    let chart = stacked(
        &r.escalations.by_dept.0.iter().map(|(d, n)| (dn(d), vec![f64::from(*n)])).collect::<Vec<_>>(),
        &[(t("escalated", "升级"), RED)],
        lang,
    );
    section(chart, &[tables.escalations(), tables.escalation_reasons()]);
    let chart = stacked(
        &r.minutes_waiting
            .by_dept
            .0
            .iter()
            .map(|(d, m)| (dn(d), vec![f64::from(m.waiting)]))
            .collect::<Vec<_>>(),
        &[(t("waiting", "待确认"), AMBER)],
        lang,
    );
    section(chart, &[tables.minutes()]);
    section(trend(r, lang), &[tables.weekly()]);
    let title = t("liaison report", "多部门协作报表");
    // Two spaces separate the parts on a terminal; a page collapses them.
    let head = heading(r, departments, lang).replace("  ", " · ").replace('\n', "<br>");
    let empty = if r.is_empty() {
        format!("<p class=\"empty\">{}</p>", esc(t("No data in this period.", "此期间无数据。")))
    } else {
        String::new()
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang_code}">
<head>
<meta charset="utf-8">
<title>{title} {from} – {to}</title>
<style>
@page {{ size: A4; margin: 12mm; }}
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 10.5pt; color: #222; max-width: 186mm; margin: 0 auto; }}
h1 {{ font-size: 16pt; margin: 0 0 4pt; }}
h2 {{ font-size: 12pt; margin: 14pt 0 4pt; border-bottom: 1px solid #ccc; }}
p.meta {{ color: #555; margin: 0 0 8pt; }}
section {{ break-inside: avoid; page-break-inside: avoid; }}
figure {{ margin: 4pt 0; }}
svg {{ max-height: 90mm; }}
svg text {{ font-family: inherit; font-size: 11px; fill: #222; }}
svg text.v {{ fill: #fff; text-anchor: middle; font-size: 10px; }}
svg text.n {{ fill: #888; }}
table {{ border-collapse: collapse; margin: 4pt 0; font-size: 9.5pt; }}
th, td {{ border: 1px solid #ccc; padding: 1pt 6pt; }}
th {{ background: #f2f2f2; font-weight: normal; text-align: left; }}
th.num {{ text-align: right; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
p.empty {{ font-size: 12pt; color: #c62828; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="meta">{head}</p>
{empty}{body}</body>
</html>
"#,
        lang_code = t("en", "zh-CN"),
        from = r.period.from,
        to = r.period.to,
        head = esc_keep_br(&head),
    )
}

fn esc_keep_br(text: &str) -> String {
    text.split("<br>").map(esc).collect::<Vec<_>>().join("<br>")
}
