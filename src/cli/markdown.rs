//! One issue as the filled-in template (三、沟通记录与问题反馈模板表单), in Markdown.

use std::fmt::Write;

use chrono::NaiveDateTime;

use super::render::{date, dept, person, time};
use crate::domain::text::sanitize;
use crate::domain::*;
use crate::i18n::Lang;

/// A table cell: sanitized, one line, pipes escaped.
fn cell(text: &str) -> String {
    sanitize(text).replace('|', "\\|").replace('\n', "<br>")
}

fn checkbox(on: bool) -> &'static str {
    if on { "☑" } else { "□" }
}

pub fn record(r: &IssueRecord, people: &[Person], depts: &[Department], lang: Lang) -> String {
    let i = &r.issue;
    let p = |login: &str| cell(&person(login, people));
    let d = |code: &str| cell(&dept(code, depts));
    let t = |at: NaiveDateTime| time(at);
    let mut md = String::new();
    let l = |zh: &'static str, en: &'static str| lang.pick(en, zh);
    let _ = writeln!(md, "# {}", l("多部门协作沟通记录与问题反馈", "Cross-department collaboration record"));
    let _ = writeln!(md, "\n## {}\n", l("基本信息", "Basic information"));
    let _ = writeln!(md, "| {} | {} |\n|---|---|", l("项目", "Field"), l("内容", "Value"));
    let _ = writeln!(md, "| {} | {} |", l("问题编号", "Number"), cell(&i.number));
    let _ =
        writeln!(md, "| {} | {} / {} |", l("提出部门/人", "Proposer"), d(&i.proposer_dept), p(&i.proposer));
    let _ = writeln!(md, "| {} | {} |", l("提出时间", "Proposed"), t(i.proposed_at));
    let priorities: Vec<String> = Priority::ALL
        .iter()
        .map(|x| {
            let hint = match x {
                Priority::High => l("需24小时内响应", "respond within 24 hours"),
                Priority::Medium => l("需3个工作日内响应", "within 3 working days"),
                Priority::Low => l("需1周内响应", "within 1 week"),
            };
            format!("{}{}({hint})", checkbox(*x == i.priority), x.label(lang))
        })
        .collect();
    let _ = writeln!(md, "| {} | {} |", l("优先级", "Priority"), priorities.join(" "));
    let _ = writeln!(md, "| {} | {} |", l("响应时限", "Response due"), t(i.response_due_at));
    // Final once the issue is closed; the clock only matters while it is open.
    let state = i.response_state(i.updated_at, &Calendar::weekends_only());
    let responded = match (&i.first_response_at, &i.first_response_by) {
        (Some(at), Some(by)) => format!("{} {}({})", t(*at), p(by), state.label(lang)),
        _ if i.is_closed() => format!("{}({})", state.label(lang), l("问题已关闭", "issue closed")),
        _ => l("尚未响应", "not yet").to_string(),
    };
    let responded = match &i.response_waived {
        Some(why) => format!(
            "{responded};{}:{}",
            l("未经响应即提交解决方案", "solution without a response"),
            cell(why)
        ),
        None => responded,
    };
    let _ = writeln!(md, "| {} | {} |", l("首次响应", "First response"), responded);

    let _ = writeln!(md, "\n## {}\n", l("问题描述与需求", "Description and request"));
    let _ = writeln!(md, "| {} | {} |\n|---|---|", l("项目", "Field"), l("内容", "Value"));
    let _ = writeln!(md, "| {} | {} |", l("标题", "Title"), cell(&i.title));
    let _ = writeln!(md, "| {} | {} |", l("背景", "Background"), cell(&i.background));
    let _ = writeln!(md, "| {} | {} |", l("具体诉求", "Request"), cell(&i.request));
    let involved: Vec<String> = i.departments.iter().map(|c| d(c)).collect();
    let _ = writeln!(md, "| {} | {} |", l("涉及部门", "Departments involved"), involved.join("、"));

    let _ = writeln!(md, "\n## {}\n", l("沟通记录", "Communication"));
    if r.meetings.is_empty() {
        let _ = writeln!(md, "{}", l("（暂无会议）", "(no meeting yet)"));
    }
    for m in &r.meetings {
        let _ = writeln!(md, "### {} {}\n", l("会议", "Meeting"), m.seq);
        let _ = writeln!(md, "| {} | {} |\n|---|---|", l("项目", "Field"), l("内容", "Value"));
        let _ = writeln!(md, "| {} | {}({}) |", l("沟通时间", "Time"), t(m.held_at), m.mode.label(lang));
        let who: Vec<String> = m
            .participants
            .iter()
            .map(|x| {
                let proxy = x.proxy.as_ref().map(|y| y.suffix(p, lang)).unwrap_or_default();
                format!("{}/{}({}){proxy}", d(&x.dept), p(&x.login), x.confirmation.label(lang))
            })
            .collect();
        if m.version > 1 {
            let _ = writeln!(md, "| {} | {} |", l("纪要版本", "Minutes version"), m.version);
        }
        let _ = writeln!(md, "| {} | {} |", l("参与部门/人", "Participants"), who.join("、"));
        let _ = writeln!(md, "| {} | {} |", l("沟通内容摘要", "Summary"), cell(&m.summary));
        let _ = writeln!(md, "| {} | {} |", l("争议点", "Disputes"), cell(&m.disputes));
        let _ = writeln!(md, "| {} | {} |", l("达成共识", "Consensus"), cell(&m.consensus));
        let _ = writeln!(md, "| {} | {} |", l("记录人", "Recorder"), p(&m.recorder));
        for x in m.participants.iter().filter(|x| x.confirmation == Confirmation::Objected) {
            let _ = writeln!(
                md,
                "| {} | {}: {} |",
                l("异议", "Objection"),
                p(&x.login),
                cell(x.note.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(md);
    }

    let _ = writeln!(md, "\n## {}\n", l("执行与跟踪", "Execution and tracking"));
    let _ = writeln!(md, "**{}**\n", l("任务分解", "Tasks"));
    if r.tasks.is_empty() {
        let _ = writeln!(md, "{}", l("（暂无任务）", "(no task yet)"));
    }
    for x in &r.tasks {
        let _ = writeln!(
            md,
            "{}. {}:{}({}:{},{}:{},{},{}%)",
            x.seq,
            d(&x.dept),
            cell(&x.title),
            l("负责人", "owner"),
            p(&x.owner),
            l("截止", "due"),
            date(x.deadline),
            x.state.label(lang),
            x.percent
        );
    }
    let _ = writeln!(md, "\n**{}**\n", l("进度更新", "Progress"));
    if r.progress.is_empty() {
        let _ = writeln!(md, "{}", l("（暂无）", "(none)"));
    }
    for x in &r.progress {
        let help = x
            .help
            .as_ref()
            .map(|h| format!(";{} {}:{}", l("需协助", "needs help from"), d(&h.dept), cell(&h.what)))
            .unwrap_or_default();
        let percent = x.percent.map(|v| format!("({v}%)")).unwrap_or_default();
        let _ = writeln!(md, "- {}:{} {}{percent}{help}", t(x.at), p(&x.by), cell(&x.note));
    }
    let _ = writeln!(md, "\n**{}**\n", l("风险事项", "Risks"));
    if r.risks.is_empty() {
        let _ = writeln!(md, "{}", l("（暂无）", "(none)"));
    }
    for k in &r.risks {
        let timely = if k.timely { l("及时预警", "timely") } else { l("预警不及时", "late") };
        let new =
            k.new_deadline.map(|v| format!(";{}:{}", l("新日期", "new date"), date(v))).unwrap_or_default();
        let _ = writeln!(
            md,
            "- {}:{} {}{}:{};{}:{}{new}({timely})",
            t(k.raised_at),
            l("任务", "task"),
            k.task_seq,
            l("原因", " reason"),
            cell(&k.reason),
            l("调整方案", "plan"),
            cell(&k.plan)
        );
    }

    let _ = writeln!(md, "\n## {}\n", l("解决结果", "Resolution"));
    let _ = writeln!(md, "| {} | {} |\n|---|---|", l("项目", "Field"), l("内容", "Value"));
    let res = i.resolution.as_ref();
    let _ = writeln!(
        md,
        "| {} | {} |",
        l("解决方案", "Solution"),
        res.map(|r| cell(&r.solution)).unwrap_or_default()
    );
    let _ = writeln!(
        md,
        "| {} | {} |",
        l("解决时间", "Resolved"),
        res.map(|r| t(r.resolved_at)).unwrap_or_default()
    );
    let _ = writeln!(md, "| {} | {} |", l("负责人", "Owner"), res.map(|r| p(&r.owner)).unwrap_or_default());
    let _ =
        writeln!(md, "| {} | {} |", l("反馈人", "Feedback"), res.map(|r| p(&r.feedback)).unwrap_or_default());
    if let Some(a) = &i.acceptance {
        let verdict =
            if a.accepted { l("验收通过", "accepted") } else { l("验收不通过", "refused") };
        let reason = a.reason.as_deref().map(|r| format!(":{}", cell(r))).unwrap_or_default();
        let proxy = a.proxy.as_ref().map(|x| x.suffix(p, lang)).unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} | {} {verdict}{proxy} {}{reason} |",
            l("验收", "Acceptance"),
            p(&a.by),
            t(a.at)
        );
    }
    let escalated = i.escalated_now();
    let in_progress = i.status.is_open() && !escalated;
    let resolved = matches!(i.status, Status::Resolved | Status::Archived);
    let _ = writeln!(
        md,
        "| {} | {}{} {}{} {}{} |",
        l("状态", "Status"),
        checkbox(in_progress),
        l("进行中", "In progress"),
        checkbox(resolved),
        l("已解决", "Resolved"),
        checkbox(escalated),
        l("需升级", "Needs escalation"),
    );
    for e in &i.escalations {
        let closed = e
            .closed
            .as_ref()
            .map(|c| format!(";{} {} {}:{}", l("已解除", "closed"), t(c.at), p(&c.by), cell(&c.note)))
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} #{} | {} {} → {}:{}{closed} |",
            l("升级", "Escalation"),
            e.seq,
            t(e.at),
            p(&e.by),
            cell(&e.to),
            cell(&e.reason)
        );
    }

    if let Some(retro) = &i.retrospective {
        let _ = writeln!(md, "\n## {}\n", l("归档与复盘", "Archive and retrospective"));
        let _ = writeln!(md, "{}\n", cell(retro));
        if let Some(at) = i.archived_at {
            let _ = writeln!(md, "{}:{}", l("归档时间", "Archived"), t(at));
        }
    }
    md
}
