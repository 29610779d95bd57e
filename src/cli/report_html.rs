//! `liaison report --html FILE`: one self-contained page for the weekly meeting. Charts are
//! inline SVG written here by hand (horizontal stacked bars and one line chart) rather than with
//! plotters' SVG backend: two small functions instead of a plotting crate and its build time; the
//! labels stay `<text>` in the reader's own fonts, so Chinese is sharp, selectable and
//! printable; and the bars carry their numbers, which the tables repeat. No script, nothing
//! fetched; the page prints on A4.
use std::fmt::Write;

use crate::domain::Department;
use crate::domain::report::{Report, ResponseFigures};
use crate::i18n::Lang;

use super::report::{Titles, dept_name, heading, hours, no_data, pct, priority_name};

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
                    let _ =
                        write!(svg, r#"<text x="{:.1}" y="{}" class="v">{v}</text>"#, x + w / 2.0, y + 14.0);
                }
            }
            x += w;
        }
        let _ = write!(svg, r#"<text x="{:.1}" y="{}" class="l">{total}</text>"#, x + 4.0, y + 14.0);
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
        (lang.pick("response met % (right)", "按时响应率(右轴)"), AMBER),
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

fn table(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table><thead><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let class = if i == 0 { "" } else { " class=\"num\"" };
            let _ = write!(out, "<td{class}>{}</td>", esc(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

fn response_rows(
    entries: &[(String, ResponseFigures)],
    name: impl Fn(&str) -> String,
    lang: Lang,
) -> Vec<Vec<String>> {
    entries
        .iter()
        .map(|(k, f)| {
            vec![
                name(k),
                f.met.to_string(),
                f.met_late.to_string(),
                f.missed.to_string(),
                f.pending.to_string(),
                pct(f.met_share(), lang),
                hours(f.median_hours),
                hours(f.p90_hours),
            ]
        })
        .collect()
}

pub fn page(r: &Report, departments: &[Department], lang: Lang) -> String {
    let t = |en, zh| lang.pick(en, zh);
    let dn = |d: &str| dept_name(d, departments);
    let mut body = String::new();
    let mut section = |title: &str, chart: Option<String>, tables: String| {
        let _ = write!(body, "<section><h2>{}</h2>", esc(title));
        if let Some(svg) = chart {
            let _ = write!(body, "<figure>{svg}</figure>");
        }
        body.push_str(&tables);
        body.push_str("</section>\n");
    };
    let kept = [
        (t("met", "按时"), GREEN),
        (t("met late", "超时响应"), AMBER),
        (t("missed", "未响应"), RED),
        (t("pending", "待响应"), GREY),
    ];
    let response_head = [
        "",
        t("met", "按时"),
        t("met late", "超时"),
        t("missed", "未响应"),
        t("pending", "待响应"),
        t("met share", "按时率"),
        t("median (working h)", "中位(工时)"),
        t("p90 (working h)", "P90(工时)"),
    ];
    let bars = |entries: &[(String, ResponseFigures)], name: &dyn Fn(&str) -> String| {
        entries
            .iter()
            .map(|(k, f)| {
                (name(k), vec![f.met, f.met_late, f.missed, f.pending].into_iter().map(f64::from).collect())
            })
            .collect::<Vec<_>>()
    };
    let pn = |p: &str| priority_name(p, lang);
    let by_p = &r.first_response.by_priority.0;
    section(
        Titles::response_priority(lang),
        Some(stacked(&bars(by_p, &pn), &kept, lang)),
        table(&response_head, &response_rows(by_p, pn, lang)),
    );
    let by_d = &r.first_response.by_dept.0;
    section(
        Titles::response_dept(lang),
        Some(stacked(&bars(by_d, &dn), &kept, lang)),
        table(&response_head, &response_rows(by_d, dn, lang)),
    );
    let tasks = &r.tasks.by_dept.0;
    section(
        Titles::tasks(lang),
        Some(stacked(
            &tasks
                .iter()
                .map(|(d, f)| {
                    (dn(d), vec![f64::from(f.on_time), f64::from(f.late), f64::from(f.overdue_now)])
                })
                .collect::<Vec<_>>(),
            &[
                (t("on time", "按期"), GREEN),
                (t("late", "逾期完成"), AMBER),
                (t("overdue now", "当前逾期"), RED),
            ],
            lang,
        )),
        table(
            &[
                "",
                t("on time", "按期"),
                t("late", "逾期完成"),
                t("on-time share", "按期率"),
                t("overdue now", "当前逾期"),
            ],
            &tasks
                .iter()
                .map(|(d, f)| {
                    vec![
                        dn(d),
                        f.on_time.to_string(),
                        f.late.to_string(),
                        pct(f.on_time_share(), lang),
                        f.overdue_now.to_string(),
                    ]
                })
                .collect::<Vec<_>>(),
        ),
    );
    let risks = &r.risk_alerts.by_dept.0;
    section(
        Titles::risks(lang),
        Some(stacked(
            &risks
                .iter()
                .map(|(d, f)| (dn(d), vec![f64::from(f.timely), f64::from(f.late)]))
                .collect::<Vec<_>>(),
            &[(t("timely", "及时"), GREEN), (t("late", "不及时"), RED)],
            lang,
        )),
        table(
            &["", t("timely", "及时"), t("late", "不及时"), t("timely share", "及时率")],
            &risks
                .iter()
                .map(|(d, f)| {
                    vec![dn(d), f.timely.to_string(), f.late.to_string(), pct(f.timely_share(), lang)]
                })
                .collect::<Vec<_>>(),
        ),
    );
    let res = &r.resolution.by_priority.0;
    section(
        Titles::resolution(lang),
        Some(stacked(
            &res.iter()
                .map(|(p, f)| {
                    let median = f.median_hours.unwrap_or(0.0);
                    (pn(p), vec![median, (f.p90_hours.unwrap_or(0.0) - median).max(0.0)])
                })
                .collect::<Vec<_>>(),
            &[(t("median (working h)", "中位(工时)"), BLUE), (t("to p90", "至P90"), TEAL)],
            lang,
        )),
        table(
            &[
                "",
                t("accepted", "已验收"),
                t("median (working h)", "中位(工时)"),
                t("p90 (working h)", "P90(工时)"),
                t("refusals", "验收不通过"),
            ],
            &res.iter()
                .map(|(p, f)| {
                    vec![
                        pn(p),
                        f.accepted.to_string(),
                        hours(f.median_hours),
                        hours(f.p90_hours),
                        f.refusals.to_string(),
                    ]
                })
                .collect::<Vec<_>>(),
        ),
    );
    let load = &r.open_load.by_dept.0;
    section(
        Titles::open_load(lang),
        Some(stacked(
            &load
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
        )),
        table(
            &["", t("issues", "问题"), t("tasks", "任务"), t("overdue", "逾期"), "≤3", "4–10", ">10"],
            &load
                .iter()
                .map(|(d, l)| {
                    vec![
                        dn(d),
                        l.issues.to_string(),
                        l.tasks.to_string(),
                        l.overdue.to_string(),
                        l.age.le3.to_string(),
                        l.age.from4to10.to_string(),
                        l.age.gt10.to_string(),
                    ]
                })
                .collect::<Vec<_>>(),
        ),
    );
    let esc_d = &r.escalations.by_dept.0;
    let mut tables = table(
        &["", t("escalated issues", "升级问题数")],
        &esc_d.iter().map(|(d, n)| vec![dn(d), n.to_string()]).collect::<Vec<_>>(),
    );
    tables.push_str(&table(
        &[t("reason", "升级原因"), t("times", "次数")],
        &r.escalations
            .by_reason
            .0
            .iter()
            .map(|(reason, n)| vec![reason.clone(), n.to_string()])
            .collect::<Vec<_>>(),
    ));
    section(
        Titles::escalations(lang),
        Some(stacked(
            &esc_d.iter().map(|(d, n)| (dn(d), vec![f64::from(*n)])).collect::<Vec<_>>(),
            &[(t("escalated", "升级"), RED)],
            lang,
        )),
        tables,
    );
    let minutes = &r.minutes_waiting.by_dept.0;
    section(
        Titles::minutes(lang),
        Some(stacked(
            &minutes.iter().map(|(d, m)| (dn(d), vec![f64::from(m.waiting)])).collect::<Vec<_>>(),
            &[(t("waiting", "待确认"), AMBER)],
            lang,
        )),
        table(
            &[
                "",
                t("waiting", "待确认"),
                t("median (working h)", "中位(工时)"),
                t("longest (working h)", "最长(工时)"),
            ],
            &minutes
                .iter()
                .map(|(d, m)| vec![dn(d), m.waiting.to_string(), hours(m.median_hours), hours(m.max_hours)])
                .collect::<Vec<_>>(),
        ),
    );
    section(
        Titles::weekly(lang),
        Some(trend(r, lang)),
        table(
            &[
                t("week", "周"),
                t("registered", "登记"),
                t("accepted", "验收"),
                t("response met", "按时响应率"),
            ],
            &r.weekly
                .iter()
                .map(|w| {
                    vec![
                        w.week.clone(),
                        w.registered.to_string(),
                        w.accepted.to_string(),
                        pct(w.first_response_met_share, lang),
                    ]
                })
                .collect::<Vec<_>>(),
        ),
    );
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
th {{ background: #f2f2f2; font-weight: normal; }}
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
