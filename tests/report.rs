//! `liaison report` through the real binary: every figure recomputed independently from
//! `list --json` and `show --json` on the demo data (not through the report's code), the HTML page
//! (well-formed, every figure, an `<svg>` per chart, nothing loaded from anywhere), CSV, and the
//! cases without data.

#[allow(dead_code)]
mod cli_support;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use cli_support::Fixture;
use serde_json::{Value, json};

fn time(v: &Value) -> Option<NaiveDateTime> {
    v.as_str().map(|s| DateTime::parse_from_rfc3339(s).expect("RFC 3339").naive_local())
}

fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(v.as_str().expect("a date"), "%Y-%m-%d").expect("a date")
}

/// The working-day calendar as `calendar list` prints it, and Monday–Friday otherwise.
struct Days {
    holidays: HashSet<NaiveDate>,
    workdays: HashSet<NaiveDate>,
}

impl Days {
    fn read(fx: &Fixture) -> Days {
        let mut days = Days { holidays: HashSet::new(), workdays: HashSet::new() };
        for year in 2024..=2027 {
            for d in fx.json(&["calendar", "list", "--year", &year.to_string()]).as_array().expect("days") {
                let set = if d["kind"] == "holiday" { &mut days.holidays } else { &mut days.workdays };
                set.insert(date(&d["date"]));
            }
        }
        days
    }

    fn working(&self, d: NaiveDate) -> bool {
        self.workdays.contains(&d)
            || (!self.holidays.contains(&d) && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
    }

    /// Hours between two times that fall on working days, walked a day at a time.
    fn hours(&self, from: NaiveDateTime, to: NaiveDateTime) -> f64 {
        let mut seconds = 0;
        let mut day = from.date();
        while day <= to.date() {
            let start = day.and_hms_opt(0, 0, 0).expect("midnight");
            let (a, b) = (from.max(start), to.min(start + Duration::days(1)));
            if b > a && self.working(day) {
                seconds += (b - a).num_seconds();
            }
            day += Duration::days(1);
        }
        seconds as f64 / 3600.0
    }
}

fn rank(mut v: Vec<f64>, p: usize) -> Value {
    if v.is_empty() {
        return Value::Null;
    }
    v.sort_by(f64::total_cmp);
    let k = (p * v.len()).div_ceil(100).max(1);
    json!((v[k - 1] * 10.0).round() / 10.0)
}

fn open(status: &Value) -> bool {
    matches!(status.as_str(), Some("registered" | "in_progress" | "awaiting_acceptance"))
}

/// Compares two JSON values; numbers within 0.051 (hours are rounded to a tenth).
fn close(got: &Value, want: &Value, path: &str) {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
            assert!((a - b).abs() < 0.051, "{path}: report {a}, recomputed {b}");
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, w) in b {
                close(a.get(k).unwrap_or(&Value::Null), w, &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(got, want, "{path}"),
    }
}

#[test]
fn every_figure_recomputed_from_list_and_show_on_the_demo() {
    let fx = Fixture::new();
    fx.init();
    fx.ok(&["demo", "--issues", "2000"]);
    let first = fx.json(&["report"]);
    let today = date(&first["period"]["to"]);
    let from = today - Duration::days(27);
    let report = fx.json(&["report", "--from", &from.to_string()]);
    let now = time(&report["as_of"]).expect("as_of");
    let days = Days::read(&fx);
    let depts: Vec<String> = fx
        .json(&["dept", "list"])
        .as_array()
        .expect("departments")
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_string())
        .collect();
    let list = fx.json(&["list", "--limit", "100000"]);
    let list = list.as_array().expect("issues");
    assert_eq!(list.len(), 2000);
    let in_period = |i: &Value| {
        let d = time(&i["proposed_at"]).expect("proposed").date();
        from <= d && d <= today
    };
    // Every issue that can count: registered in the period, open, or closed since it began.
    let needed: Vec<String> = list
        .iter()
        .filter(|i| {
            in_period(i) || open(&i["status"]) || time(&i["updated_at"]).expect("updated").date() >= from
        })
        .map(|i| i["number"].as_str().expect("number").to_string())
        .collect();
    let shows: Vec<Value> = std::thread::scope(|scope| {
        let chunks: Vec<_> = needed.chunks(needed.len().div_ceil(4).max(1)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(|| chunk.iter().map(|n| fx.json(&["show", n])).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a show thread")).collect()
    });

    let zero = || json!({"met": 0, "met_late": 0, "missed": 0, "pending": 0});
    let mut by_priority: BTreeMap<String, (Value, Vec<f64>)> =
        ["high", "medium", "low"].iter().map(|p| (p.to_string(), (zero(), Vec::new()))).collect();
    let mut by_dept: BTreeMap<String, (Value, Vec<f64>)> =
        depts.iter().map(|d| (d.clone(), (zero(), Vec::new()))).collect();
    let mut tasks: BTreeMap<String, Value> =
        depts.iter().map(|d| (d.clone(), json!({"on_time": 0, "late": 0, "overdue_now": 0}))).collect();
    let mut risks: BTreeMap<String, Value> =
        depts.iter().map(|d| (d.clone(), json!({"timely": 0, "late": 0}))).collect();
    let mut resolution: BTreeMap<String, (u64, u64, Vec<f64>)> =
        ["high", "medium", "low"].iter().map(|p| (p.to_string(), (0, 0, Vec::new()))).collect();
    let mut load: BTreeMap<String, [u64; 6]> = depts.iter().map(|d| (d.clone(), [0; 6])).collect();
    let mut escalations: BTreeMap<String, u64> = depts.iter().map(|d| (d.clone(), 0)).collect();
    let mut minutes: BTreeMap<String, Vec<f64>> = depts.iter().map(|d| (d.clone(), Vec::new())).collect();
    let monday = |d: NaiveDate| d - Duration::days(d.weekday().num_days_from_monday() as i64);
    let mut weeks: BTreeMap<NaiveDate, (u64, u64, u64, u64)> = BTreeMap::new();
    let mut w = monday(from);
    while w <= today {
        weeks.insert(w, (0, 0, 0, 0));
        w += Duration::weeks(1);
    }

    for s in &shows {
        let proposed = time(&s["proposed_at"]).expect("proposed");
        let due = time(&s["response_due_at"]).expect("due");
        let first = time(&s["first_response_at"]);
        let is_open = open(&s["status"]);
        let involved: Vec<String> = s["departments"]
            .as_array()
            .expect("departments")
            .iter()
            .map(|d| d.as_str().expect("code").to_string())
            .collect();
        let counted = from <= proposed.date() && proposed.date() <= today;
        let state = match first {
            Some(at) if at <= due => "met",
            Some(_) => "met_late",
            None if now > due || !is_open => "missed",
            None => "pending",
        };
        let hours = first.map(|at| days.hours(proposed, at));
        let task_list = s["tasks"].as_array().cloned().unwrap_or_default();
        let fallback = time(&s["resolution"]["resolved_at"]).or(time(&s["updated_at"])).expect("a time");
        let done_at = |t: &Value| -> Option<NaiveDateTime> {
            if t["state"] != "done" {
                return None;
            }
            let seq = &t["seq"];
            let progress = s["progress"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| &p["task_seq"] == seq && p["percent"] == 100)
                .filter_map(|p| time(&p["at"]));
            let updates = s["events"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|e| {
                    e["kind"] == "task_updated" && &e["after"]["task"] == seq && e["after"]["state"] == "done"
                })
                .filter_map(|e| time(&e["at"]));
            Some(progress.chain(updates).max().unwrap_or(fallback))
        };
        let accepted_at =
            (s["acceptance"]["accepted"] == true && !is_open).then(|| time(&s["acceptance"]["at"])).flatten();
        if counted {
            let week = weeks.get_mut(&monday(proposed.date())).expect("a week");
            week.0 += 1;
            match state {
                "met" => (week.2 += 1, week.3 += 1),
                "met_late" | "missed" => ((), week.3 += 1),
                _ => ((), ()),
            };
            let p = s["priority"].as_str().expect("priority").to_string();
            let count = |slot: &mut (Value, Vec<f64>)| {
                slot.0[state] = json!(slot.0[state].as_u64().unwrap_or(0) + 1);
                slot.1.extend(hours);
            };
            count(by_priority.get_mut(&p).expect("a priority"));
            for d in &involved {
                count(by_dept.get_mut(d).expect("a department"));
            }
            let r = resolution.get_mut(&p).expect("a priority");
            r.1 += s["events"].as_array().into_iter().flatten().filter(|e| e["kind"] == "refused").count()
                as u64;
            if let Some(at) = accepted_at {
                r.0 += 1;
                r.2.push(days.hours(proposed, at));
            }
            if s["escalations"].as_array().is_some_and(|list| !list.is_empty()) {
                for d in &involved {
                    *escalations.get_mut(d).expect("a department") += 1;
                }
            }
            for r in s["risks"].as_array().into_iter().flatten() {
                let task = task_list.iter().find(|t| t["seq"] == r["task_seq"]).expect("the risk's task");
                let key = if r["timely"] == true { "timely" } else { "late" };
                let slot =
                    &mut risks.get_mut(task["dept"].as_str().expect("dept")).expect("a department")[key];
                *slot = json!(slot.as_u64().unwrap_or(0) + 1);
            }
        }
        if let Some(at) = accepted_at
            && from <= at.date()
            && at.date() <= today
        {
            weeks.get_mut(&monday(at.date())).expect("a week").1 += 1;
        }
        let mut overdue = is_open && first.is_none() && now > due;
        // A cancelled task is neither on time nor late.
        for t in task_list.iter().filter(|t| t["state"] != "cancelled") {
            let dept = t["dept"].as_str().expect("dept");
            let deadline = date(&t["deadline"]);
            let slot = tasks.get_mut(dept).expect("a department");
            match done_at(t) {
                Some(done) if counted => {
                    let key = if done.date() <= deadline { "on_time" } else { "late" };
                    slot[key] = json!(slot[key].as_u64().unwrap_or(0) + 1);
                }
                None if is_open => {
                    load.get_mut(dept).expect("a department")[1] += 1;
                    if now.date() > deadline {
                        slot["overdue_now"] = json!(slot["overdue_now"].as_u64().unwrap_or(0) + 1);
                        overdue = true;
                    }
                }
                _ => {}
            }
        }
        if is_open {
            let age = (1..)
                .map(|k| proposed.date() + Duration::days(k))
                .take_while(|d| *d <= now.date())
                .filter(|d| days.working(*d))
                .count();
            for d in &involved {
                let l = load.get_mut(d).expect("a department");
                l[0] += 1;
                l[2] += u64::from(overdue);
                l[match age {
                    0..=3 => 3,
                    4..=10 => 4,
                    _ => 5,
                }] += 1;
            }
            for m in s["meetings"].as_array().into_iter().flatten() {
                let held = time(&m["held_at"]).expect("held_at");
                for p in m["participants"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["confirmation"] == "pending")
                {
                    minutes
                        .get_mut(p["dept"].as_str().expect("dept"))
                        .expect("a department")
                        .push(days.hours(held, now));
                }
            }
        }
    }

    let finish = |(mut v, h): (Value, Vec<f64>)| {
        v["median_hours"] = rank(h.clone(), 50);
        v["p90_hours"] = rank(h, 90);
        v
    };
    for (p, slot) in by_priority {
        close(&report["first_response"]["by_priority"][&p], &finish(slot), &format!("first_response.{p}"));
    }
    for (d, slot) in by_dept {
        close(&report["first_response"]["by_dept"][&d], &finish(slot), &format!("first_response.{d}"));
    }
    for (d, want) in &tasks {
        close(&report["tasks"]["by_dept"][d], want, &format!("tasks.{d}"));
    }
    for (d, want) in &risks {
        close(&report["risk_alerts"]["by_dept"][d], want, &format!("risk_alerts.{d}"));
    }
    for (p, (accepted, refusals, hours)) in resolution {
        let want = json!({"accepted": accepted, "refusals": refusals, "median_hours": rank(hours.clone(), 50), "p90_hours": rank(hours, 90)});
        close(&report["resolution"]["by_priority"][&p], &want, &format!("resolution.{p}"));
    }
    for (d, l) in &load {
        let want = json!({"issues": l[0], "tasks": l[1], "overdue": l[2], "age": {"le3": l[3], "4to10": l[4], "gt10": l[5]}});
        close(&report["open_load"]["by_dept"][d], &want, &format!("open_load.{d}"));
    }
    for (d, n) in &escalations {
        close(&report["escalations"]["by_dept"][d], &json!(n), &format!("escalations.{d}"));
    }
    for (d, hours) in minutes {
        let want = json!({"waiting": hours.len(), "median_hours": rank(hours.clone(), 50), "max_hours": rank(hours, 100)});
        close(&report["minutes_waiting"]["by_dept"][&d], &want, &format!("minutes.{d}"));
    }
    let got: Vec<Value> = report["weekly"].as_array().expect("weeks").clone();
    assert_eq!(got.len(), weeks.len());
    for (g, (monday, (registered, accepted, met, decided))) in got.iter().zip(weeks) {
        let share = if decided == 0 {
            Value::Null
        } else {
            json!(((met as f64 / decided as f64) * 1000.0).round() / 1000.0)
        };
        let iso = monday.iso_week();
        let want = json!({"week": format!("{}-W{:02}", iso.year(), iso.week()), "registered": registered, "accepted": accepted, "first_response_met_share": share});
        close(g, &want, &format!("weekly.{monday}"));
    }
    // The demo has something in every section, so the comparisons above compared numbers.
    let total = |v: &Value, key: &str| {
        v.as_object().expect("by_dept").values().map(|x| x[key].as_u64().unwrap_or(0)).sum::<u64>()
    };
    assert!(total(&report["first_response"]["by_dept"], "met") > 0);
    assert!(total(&report["tasks"]["by_dept"], "late") > 0);
    assert!(total(&report["risk_alerts"]["by_dept"], "timely") > 0);
    assert!(total(&report["open_load"]["by_dept"], "overdue") > 0);
    assert!(total(&report["minutes_waiting"]["by_dept"], "waiting") > 0);
}

/// Checks that every element is closed in order (void elements aside) and returns the tags seen.
fn well_formed(html: &str) -> Vec<String> {
    let body = html.strip_prefix("<!DOCTYPE html>").expect("a doctype");
    let (mut open, mut seen) = (Vec::<String>::new(), Vec::new());
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("a closed tag") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        let name: String =
            tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        assert!(!name.is_empty(), "a tag without a name: <{tag}>");
        seen.push(name.clone());
        if let Some(closing) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(closing.trim()), "</{closing}> closes something else");
        } else if !tag.ends_with('/') && !matches!(name.as_str(), "meta" | "br") {
            open.push(name);
        }
        let text = &rest[..rest.find('<').unwrap_or(rest.len())];
        assert!(!text.contains('>'), "an unescaped > in text: {text}");
    }
    assert!(open.is_empty(), "left open: {open:?}");
    seen
}

#[test]
fn html_page_is_well_formed_self_contained_and_holds_every_figure() {
    let fx = Fixture::new();
    fx.init();
    fx.ok(&["demo", "--issues", "300"]);
    let page = fx.path("report.html");
    let page_arg = page.to_str().expect("a path");
    let said = fx.ok(&["--lang", "zh", "report", "--html", page_arg]);
    assert!(said.contains("已写入"), "{said}");
    let html = std::fs::read_to_string(&page).expect("the page");
    let tags = well_formed(&html);
    assert_eq!(tags.iter().filter(|t| *t == "svg").count(), 18, "an <svg> per chart, opened and closed");
    assert!(!tags.iter().any(|t| t == "script" || t == "link" || t == "img" || t == "iframe"));
    for needle in ["http://", "https://", "url("] {
        let uses = html.matches(needle).count();
        let namespaces = html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
        assert_eq!(uses, if needle == "http://" { namespaces } else { 0 }, "{needle}: nothing is fetched");
    }
    assert!(html.contains("@page { size: A4"));
    for label in [
        "首次响应（按优先级）",
        "任务按期完成",
        "风险预警",
        "解决时长",
        "当前未结负荷",
        "升级",
        "待确认的会议纪要",
        "每周趋势",
        "研发部",
    ] {
        assert!(html.contains(label), "{label}");
    }
    // Every figure is in a table row of the page.
    let r = fx.json(&["report"]);
    let cell = |v: &Value| match v {
        Value::Null => "—".to_string(),
        Value::Number(n) if n.is_f64() => format!("{:.1}", n.as_f64().unwrap_or_default()),
        other => other.to_string(),
    };
    let names: BTreeMap<String, String> = fx
        .json(&["dept", "list"])
        .as_array()
        .expect("departments")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                format!(
                    "{} {}",
                    d["code"].as_str().unwrap_or_default(),
                    d["name"].as_str().unwrap_or_default()
                ),
            )
        })
        .collect();
    let row = |first: &str, cells: Vec<String>| {
        let mut s = format!("<tr><td>{first}</td>");
        for c in cells {
            s.push_str(&format!("<td class=\"num\">{c}</td>"));
        }
        s
    };
    let mut checked = 0;
    for (code, name) in &names {
        let f = &r["first_response"]["by_dept"][code];
        let want = row(name, ["met", "met_late", "missed", "pending"].iter().map(|k| cell(&f[k])).collect());
        assert!(html.contains(&want), "first response of {code}: {want}");
        let l = &r["open_load"]["by_dept"][code];
        let want = row(
            name,
            vec![
                cell(&l["issues"]),
                cell(&l["tasks"]),
                cell(&l["overdue"]),
                cell(&l["age"]["le3"]),
                cell(&l["age"]["4to10"]),
                cell(&l["age"]["gt10"]),
            ],
        );
        assert!(html.contains(&want), "open load of {code}: {want}");
        let t = &r["tasks"]["by_dept"][code];
        assert!(html.contains(&row(name, vec![cell(&t["on_time"]), cell(&t["late"])])), "tasks of {code}");
        let k = &r["risk_alerts"]["by_dept"][code];
        assert!(html.contains(&row(name, vec![cell(&k["timely"]), cell(&k["late"])])), "risks of {code}");
        assert!(
            html.contains(&row(name, vec![cell(&r["escalations"]["by_dept"][code])])),
            "escalations of {code}"
        );
        let m = &r["minutes_waiting"]["by_dept"][code];
        assert!(
            html.contains(&row(
                name,
                vec![cell(&m["waiting"]), cell(&m["median_hours"]), cell(&m["max_hours"])]
            )),
            "minutes of {code}"
        );
        checked += 1;
    }
    assert_eq!(checked, 8);
    for (p, label) in [("high", "高"), ("medium", "中"), ("low", "低")] {
        let f = &r["resolution"]["by_priority"][p];
        let want = row(
            label,
            vec![cell(&f["accepted"]), cell(&f["median_hours"]), cell(&f["p90_hours"]), cell(&f["refusals"])],
        );
        assert!(html.contains(&want), "resolution {p}: {want}");
    }
    for w in r["weekly"].as_array().expect("weeks") {
        let want =
            row(w["week"].as_str().unwrap_or_default(), vec![cell(&w["registered"]), cell(&w["accepted"])]);
        assert!(html.contains(&want), "{want}");
    }
}

#[test]
fn no_data_empty_departments_a_single_issue_and_refusals() {
    let fx = Fixture::new();
    let admin = fx.org();
    // Nothing registered yet: every share is "no data", every median null, no division by zero.
    let text = fx.ok(&["--lang", "zh", "report"]);
    assert!(text.contains("无数据：此期间没有登记的问题"), "{text}");
    let empty = fx.json(&["report"]);
    assert_eq!(empty["registered"], 0);
    assert!(empty["first_response"]["by_dept"]["RD"]["median_hours"].is_null());
    assert!(
        empty["weekly"].as_array().expect("weeks").iter().all(|w| w["first_response_met_share"].is_null())
    );
    let csv = fx.ok(&["report", "--csv"]);
    assert!(csv.starts_with('\u{FEFF}') && csv.contains("section,group,key,measure,value\r\n"), "{csv}");
    let page = fx.path("empty.html");
    fx.ok(&["report", "--html", page.to_str().expect("a path")]);
    assert!(std::fs::read_to_string(&page).expect("the page").contains("No data in this period."));

    // One issue, for RD: RD has a number, MKT and QA stay "no data".
    let number = fx.add(&admin, "积分兑换接口超时", "RD", "high", None);
    fx.ok(&["--as", "wang", "ack", &number]);
    let one = fx.json(&["report"]);
    assert_eq!(one["registered"], 1);
    assert_eq!(one["first_response"]["by_dept"]["RD"]["met"], 1);
    assert!(one["first_response"]["by_dept"]["RD"]["median_hours"].is_number());
    assert_eq!(one["first_response"]["by_dept"]["MKT"]["met"], 0);
    let text = fx.ok(&["report"]);
    let mkt = text.lines().find(|l| l.starts_with("MKT")).expect("a line for MKT");
    assert!(mkt.contains("no data"), "{mkt}");
    let csv = fx.ok(&["report", "--csv"]);
    assert!(csv.contains("first_response,by_dept,RD,met,1\r\n"), "{csv}");
    // Narrowed to a department and a priority.
    let rd = fx.json(&["report", "--dept", "RD", "--priority", "high"]);
    assert_eq!(rd["first_response"]["by_dept"].as_object().map(|o| o.len()), Some(1));
    assert_eq!(fx.json(&["report", "--priority", "low"])["registered"], 0);
    // Refusals: an unknown department, a period the wrong way round.
    let err = fx.fail(&["report", "--dept", "ZZ"]);
    assert!(err.contains("no department ZZ"), "{err}");
    let err = fx.fail(&["report", "--from", "2026-05-02", "--to", "2026-05-01"]);
    assert!(err.contains("after --to"), "{err}");
}
