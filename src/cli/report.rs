//! `liaison report`: the figures of `domain::report` as text tables with small bars, `--json`,
//! `--csv` (one row per number) and `--html FILE` (see `report_html`).

use crate::domain::Department;
use crate::domain::report::{Report, Scope, round1};
use crate::i18n::Lang;

use super::args::ReportArgs;
use super::render::table;
use super::{CliError, CliResult, Session, csv, report_html};

pub fn report(s: &mut Session, a: ReportArgs) -> CliResult {
    s.require_reader()?;
    let today = s.now.date();
    let default = Scope::last_weeks(today, crate::domain::report::DEFAULT_WEEKS);
    let scope = Scope {
        from: a.from.unwrap_or(if a.to.is_some_and(|to| to < default.from) {
            a.to.unwrap_or(today) - chrono::Duration::weeks(12) + chrono::Duration::days(1)
        } else {
            default.from
        }),
        to: a.to.unwrap_or(today),
        dept: a.dept.clone(),
        priority: a.priority,
    };
    if scope.to < scope.from {
        return Err(CliError::new(
            format!("--from {} is after --to {}", scope.from, scope.to),
            format!("--from {} 晚于 --to {}", scope.from, scope.to),
        ));
    }
    let departments = s.store.departments()?;
    if let Some(code) = &scope.dept
        && !departments.iter().any(|d| &d.code == code)
    {
        let known = departments.iter().map(|d| d.code.as_str()).collect::<Vec<_>>().join(", ");
        return Err(CliError::new(
            format!("no department {code}; known: {known}"),
            format!("没有部门 {code};现有:{known}"),
        ));
    }
    let cal = s.store.calendar()?;
    let facts = s.store.report_facts(&scope)?;
    let report = Report::compute(&facts, &scope, s.now, &cal);
    if let Some(path) = &a.html {
        let page = report_html::page(&report, &departments, s.lang);
        std::fs::write(path, page).map_err(|e| {
            CliError::new(
                format!("cannot write {}: {e}", path.display()),
                format!("无法写入 {}:{e}", path.display()),
            )
        })?;
        if !s.json {
            let text = format!("{} {}", s.pick("Wrote", "已写入"), path.display());
            return s.say(&text);
        }
    }
    if s.json {
        return s.print_json(&report);
    }
    if a.csv {
        return s.write_raw(&csv_rows(&report)?);
    }
    let text = text(&report, &departments, s.lang);
    s.say(&text)
}

/// A department as people read it: `RD 研发部`.
pub fn dept_name(code: &str, departments: &[Department]) -> String {
    match departments.iter().find(|d| d.code == code) {
        Some(d) => format!("{code} {}", d.name),
        None => code.to_string(),
    }
}

pub fn priority_name(code: &str, lang: Lang) -> String {
    crate::domain::Priority::parse(code).map_or(code.to_string(), |p| p.label(lang).to_string())
}

/// A share as `75%`, or "no data" when nothing was counted.
pub fn pct(share: Option<f64>, lang: Lang) -> String {
    match share {
        Some(s) => format!("{:.0}%", s * 100.0),
        None => no_data(lang).to_string(),
    }
}

pub fn no_data(lang: Lang) -> &'static str {
    lang.pick("no data", "无数据")
}

pub fn hours(h: Option<f64>) -> String {
    h.map_or("—".to_string(), |h| format!("{:.1}", round1(h)))
}

/// A bar of `width` cells: `███████░░░`, or blanks when there is no value.
pub fn bar(value: Option<f64>, max: f64, width: usize) -> String {
    match value {
        Some(v) if max > 0.0 => {
            let full = ((v / max) * width as f64).round().clamp(0.0, width as f64) as usize;
            format!("{}{}", "█".repeat(full), "░".repeat(width - full))
        }
        _ => " ".repeat(width),
    }
}

/// Section titles, shared by the text, the page and the console.
pub struct Titles;

impl Titles {
    pub fn response_priority(lang: Lang) -> &'static str {
        lang.pick("First response by priority", "首次响应(按优先级)")
    }
    pub fn response_dept(lang: Lang) -> &'static str {
        lang.pick("First response by department (issues it is involved in)", "首次响应(按涉及部门)")
    }
    pub fn tasks(lang: Lang) -> &'static str {
        lang.pick("Tasks by their deadline (by the task's department)", "任务按期完成(按任务所属部门)")
    }
    pub fn risks(lang: Lang) -> &'static str {
        lang.pick("Risk alerts at least one working day ahead", "风险预警(至少提前一个工作日)")
    }
    pub fn resolution(lang: Lang) -> &'static str {
        lang.pick("Resolution: registration to acceptance", "解决时长(登记至验收通过)")
    }
    pub fn open_load(lang: Lang) -> &'static str {
        lang.pick("Open load now (age in working days)", "当前未结负荷(账龄按工作日)")
    }
    pub fn escalations(lang: Lang) -> &'static str {
        lang.pick("Escalations", "升级")
    }
    pub fn minutes(lang: Lang) -> &'static str {
        lang.pick("Minutes waiting for confirmation now", "当前待确认的会议纪要")
    }
    pub fn weekly(lang: Lang) -> &'static str {
        lang.pick("Weekly trend", "每周趋势")
    }
}

/// The report's heading: period, filters, as of when, how many issues.
pub fn heading(r: &Report, departments: &[Department], lang: Lang) -> String {
    let all = lang.pick("all", "全部");
    let dept = r.dept.as_deref().map_or(all.to_string(), |d| dept_name(d, departments));
    let priority = r.priority.map_or(all, |p| p.label(lang));
    match lang {
        Lang::En => format!(
            "Report {} to {} (registration days; now figures as of {})  department: {dept}  priority: {priority}\n\
             {} issues registered in the period",
            r.period.from,
            r.period.to,
            r.as_of.format("%Y-%m-%d %H:%M"),
            r.registered
        ),
        Lang::Zh => format!(
            "报表 {} 至 {}(按登记日;当前数字截至 {})  部门:{dept}  优先级:{priority}\n期间登记问题 {} 个",
            r.period.from,
            r.period.to,
            r.as_of.format("%Y-%m-%d %H:%M"),
            r.registered
        ),
    }
}

fn text(r: &Report, departments: &[Department], lang: Lang) -> String {
    let t = |en, zh| lang.pick(en, zh);
    let mut out = vec![heading(r, departments, lang)];
    let mut section = |title: &str, body: String| out.push(format!("\n{title}\n{body}"));
    let response_head = [
        "",
        t("met", "按时"),
        t("late", "超时"),
        t("missed", "未响应"),
        t("pending", "待响应"),
        t("met share", "按时率"),
        t("median h", "中位(工时)"),
        t("p90 h", "P90(工时)"),
    ];
    let response_row = |name: String, f: &crate::domain::report::ResponseFigures| {
        vec![
            name,
            f.met.to_string(),
            f.met_late.to_string(),
            f.missed.to_string(),
            f.pending.to_string(),
            format!("{} {}", bar(f.met_share(), 1.0, 10), pct(f.met_share(), lang)),
            hours(f.median_hours),
            hours(f.p90_hours),
        ]
    };
    let rows: Vec<_> =
        r.first_response.by_priority.0.iter().map(|(p, f)| response_row(priority_name(p, lang), f)).collect();
    section(Titles::response_priority(lang), table(&response_head, &rows, &[]));
    let rows: Vec<_> =
        r.first_response.by_dept.0.iter().map(|(d, f)| response_row(dept_name(d, departments), f)).collect();
    section(Titles::response_dept(lang), table(&response_head, &rows, &[]));

    let rows: Vec<_> = r
        .tasks
        .by_dept
        .0
        .iter()
        .map(|(d, f)| {
            vec![
                dept_name(d, departments),
                f.on_time.to_string(),
                f.late.to_string(),
                format!("{} {}", bar(f.on_time_share(), 1.0, 10), pct(f.on_time_share(), lang)),
                f.overdue_now.to_string(),
            ]
        })
        .collect();
    let head = [
        "",
        t("on time", "按期"),
        t("late", "逾期完成"),
        t("on-time share", "按期率"),
        t("overdue now", "当前逾期"),
    ];
    section(Titles::tasks(lang), table(&head, &rows, &[]));

    let rows: Vec<_> = r
        .risk_alerts
        .by_dept
        .0
        .iter()
        .map(|(d, f)| {
            vec![
                dept_name(d, departments),
                f.timely.to_string(),
                f.late.to_string(),
                format!("{} {}", bar(f.timely_share(), 1.0, 10), pct(f.timely_share(), lang)),
            ]
        })
        .collect();
    let head = ["", t("timely", "及时"), t("late", "不及时"), t("timely share", "及时率")];
    section(Titles::risks(lang), table(&head, &rows, &[]));

    let rows: Vec<_> = r
        .resolution
        .by_priority
        .0
        .iter()
        .map(|(p, f)| {
            vec![
                priority_name(p, lang),
                f.accepted.to_string(),
                hours(f.median_hours),
                hours(f.p90_hours),
                f.refusals.to_string(),
            ]
        })
        .collect();
    let head = [
        "",
        t("accepted", "已验收"),
        t("median h", "中位(工时)"),
        t("p90 h", "P90(工时)"),
        t("refusals", "验收不通过"),
    ];
    section(Titles::resolution(lang), table(&head, &rows, &[]));

    let max_open = r.open_load.by_dept.0.iter().map(|(_, l)| l.issues).max().unwrap_or(0);
    let rows: Vec<_> = r
        .open_load
        .by_dept
        .0
        .iter()
        .map(|(d, l)| {
            vec![
                dept_name(d, departments),
                l.issues.to_string(),
                l.tasks.to_string(),
                l.overdue.to_string(),
                l.age.le3.to_string(),
                l.age.from4to10.to_string(),
                l.age.gt10.to_string(),
                bar(Some(f64::from(l.issues)), f64::from(max_open), 12),
            ]
        })
        .collect();
    let head = ["", t("issues", "问题"), t("tasks", "任务"), t("overdue", "逾期"), "≤3", "4–10", ">10", ""];
    section(Titles::open_load(lang), table(&head, &rows, &[]));

    let max_esc = r.escalations.by_dept.0.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let mut body = table(
        &["", t("escalated issues", "升级问题数"), ""],
        &r.escalations
            .by_dept
            .0
            .iter()
            .map(|(d, n)| {
                vec![
                    dept_name(d, departments),
                    n.to_string(),
                    bar(Some(f64::from(*n)), f64::from(max_esc), 12),
                ]
            })
            .collect::<Vec<_>>(),
        &[],
    );
    if !r.escalations.by_reason.0.is_empty() {
        let rows: Vec<_> =
            r.escalations.by_reason.0.iter().map(|(reason, n)| vec![n.to_string(), reason.clone()]).collect();
        body.push_str("\n\n");
        body.push_str(&table(&[t("times", "次数"), t("reason", "原因")], &rows, &[8, 60]));
    }
    section(Titles::escalations(lang), body);

    let rows: Vec<_> = r
        .minutes_waiting
        .by_dept
        .0
        .iter()
        .map(|(d, m)| {
            vec![dept_name(d, departments), m.waiting.to_string(), hours(m.median_hours), hours(m.max_hours)]
        })
        .collect();
    let head = ["", t("waiting", "待确认"), t("median h", "中位(工时)"), t("longest h", "最长(工时)")];
    section(Titles::minutes(lang), table(&head, &rows, &[]));

    let max_week = r.weekly.iter().map(|w| w.registered.max(w.accepted)).max().unwrap_or(0);
    let rows: Vec<_> = r
        .weekly
        .iter()
        .map(|w| {
            vec![
                w.week.clone(),
                w.registered.to_string(),
                bar(Some(f64::from(w.registered)), f64::from(max_week), 10),
                w.accepted.to_string(),
                bar(Some(f64::from(w.accepted)), f64::from(max_week), 10),
                pct(w.first_response_met_share, lang),
            ]
        })
        .collect();
    let head = ["", t("registered", "登记"), "", t("accepted", "验收"), "", t("response met", "按时响应率")];
    section(Titles::weekly(lang), table(&head, &rows, &[]));
    if r.is_empty() {
        out.push(format!(
            "\n{}",
            t(
                "No data: no issue was registered in this period and none is open.",
                "无数据:此期间没有登记的问题,也没有未结的问题。"
            )
        ));
    }
    out.join("\n")
}

/// Every number as one CSV row: section, group (by_priority, by_dept…), key, measure, value.
fn csv_rows(r: &Report) -> CliResult<Vec<u8>> {
    let mut rows: Vec<[String; 5]> = Vec::new();
    let value = serde_json::to_value(r).unwrap_or_default();
    let mut push = |section: &str, group: &str, key: &str, measure: &str, v: &serde_json::Value| {
        let text = match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        rows.push([section, group, key, measure, &text].map(String::from));
    };
    push("period", "", "", "from", &value["period"]["from"]);
    push("period", "", "", "to", &value["period"]["to"]);
    push("period", "", "", "registered", &value["registered"]);
    for section in [
        "first_response",
        "tasks",
        "risk_alerts",
        "resolution",
        "open_load",
        "escalations",
        "minutes_waiting",
    ] {
        let Some(groups) = value[section].as_object() else { continue };
        for (group, entries) in groups {
            let Some(entries) = entries.as_object() else { continue };
            if group == "all" {
                for (measure, v) in entries {
                    push(section, group, "", measure, v);
                }
                continue;
            }
            for (key, figures) in entries {
                match figures.as_object() {
                    Some(measures) => {
                        for (measure, v) in measures {
                            match v.as_object() {
                                Some(inner) => {
                                    for (sub, v) in inner {
                                        push(section, group, key, &format!("{measure}.{sub}"), v);
                                    }
                                }
                                None => push(section, group, key, measure, v),
                            }
                        }
                    }
                    None => push(section, group, key, "count", figures),
                }
            }
        }
    }
    if let Some(weeks) = value["weekly"].as_array() {
        for w in weeks {
            let key = w["week"].as_str().unwrap_or_default();
            for measure in ["registered", "accepted", "first_response_met_share"] {
                push("weekly", "", key, measure, &w[measure]);
            }
        }
    }
    let mut out = csv::Writer::new();
    out.row(["section", "group", "key", "measure", "value"])?;
    for row in &rows {
        out.row(row.iter().map(String::as_str))?;
    }
    out.finish()
}
