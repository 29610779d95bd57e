//! One issue as the filled-in template (三、沟通记录与问题反馈模板表单), as a Word document laid out
//! like the seed form: the title, then 基本信息, 问题描述与需求, 沟通记录, 执行与跟踪, 解决结果,
//! 归档与复盘 and the attachments, each as a table.

use chrono::{NaiveDate, NaiveDateTime};

use super::docx::{Cell, Document, TEXT_WIDTH};
use crate::domain::deadline::ResponseRules;
use crate::domain::text::sanitize;
use crate::domain::*;
use crate::i18n::Lang;

/// What the form shows beside the record: names, the response rules, the attachments.
pub struct FormContext<'a> {
    pub people: &'a [Person],
    pub depts: &'a [Department],
    pub rules: ResponseRules,
    pub attachments: &'a [Attachment],
    pub lang: Lang,
}

impl FormContext<'_> {
    fn l<'s>(&self, zh: &'s str, en: &'s str) -> &'s str {
        self.lang.pick(en, zh)
    }
    fn person(&self, login: &str) -> String {
        match self.people.iter().find(|p| p.login == login) {
            Some(p) => sanitize(&p.display_name).into_owned(),
            None => sanitize(login).into_owned(),
        }
    }
    fn dept(&self, code: &str) -> String {
        match self.depts.iter().find(|d| d.code == code) {
            Some(d) => sanitize(&d.name).into_owned(),
            None => code.to_string(),
        }
    }
    /// A remark in brackets, as each language writes it: （已确认） / " (confirmed)".
    fn paren(&self, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("（{text}）"),
            Lang::En => format!(" ({text})"),
        }
    }
    fn colon(&self) -> &'static str {
        self.lang.pick(": ", "：")
    }
    fn semi(&self) -> &'static str {
        self.lang.pick("; ", "；")
    }
    fn time(&self, t: NaiveDateTime) -> String {
        match self.lang {
            Lang::Zh => t.format("%Y年%m月%d日 %H:%M").to_string(),
            Lang::En => t.format("%Y-%m-%d %H:%M").to_string(),
        }
    }
    /// Dates and times in the narrow columns of a table.
    fn date(&self, d: NaiveDate) -> String {
        d.format("%Y-%m-%d").to_string()
    }
    fn short_time(&self, t: NaiveDateTime) -> String {
        t.format("%Y-%m-%d %H:%M").to_string()
    }
}

fn boxed(on: bool, text: &str) -> String {
    format!("{}{text}", if on { "☑" } else { "□" })
}

/// Two columns: a label and its value.
const LABEL: u32 = 1900;
fn field_widths() -> [u32; 2] {
    [LABEL, TEXT_WIDTH - LABEL]
}

fn field(label: &str, value: impl Into<String>) -> Vec<Cell> {
    vec![Cell::label(label), Cell::value(sanitize(&value.into()).into_owned())]
}

/// The whole form.
pub fn form(r: &IssueRecord, cx: &FormContext) -> Document {
    let mut doc = Document::default();
    doc.title(
        cx.l("多部门协作沟通记录与问题反馈表", "Cross-department collaboration record and issue feedback"),
    );
    basic(&mut doc, r, cx);
    description(&mut doc, r, cx);
    communication(&mut doc, r, cx);
    execution(&mut doc, r, cx);
    resolution(&mut doc, r, cx);
    archive(&mut doc, r, cx);
    attachments(&mut doc, cx);
    doc
}

fn basic(doc: &mut Document, r: &IssueRecord, cx: &FormContext) {
    let i = &r.issue;
    doc.heading(1, cx.l("一、基本信息", "1. Basic information"));
    let priorities: Vec<String> = Priority::ALL
        .iter()
        .map(|p| {
            let rule = cx.rules.rule(*p).describe(cx.lang);
            let text = match cx.lang {
                Lang::Zh => format!("{}（需{rule}）", p.label(cx.lang)),
                Lang::En => format!("{} ({rule})", p.label(cx.lang)),
            };
            boxed(*p == i.priority, &text)
        })
        .collect();
    let state = i.response_state(i.updated_at, &Calendar::weekends_only());
    let mut responded = match (&i.first_response_at, &i.first_response_by) {
        (Some(at), Some(by)) => {
            format!("{} {}{}", cx.time(*at), cx.person(by), cx.paren(state.label(cx.lang)))
        }
        _ if i.is_closed() => state.label(cx.lang).to_string(),
        _ => cx.l("尚未响应", "not yet").to_string(),
    };
    if let Some(why) = &i.response_waived {
        responded.push_str(&format!(
            "{}{}{}{why}",
            cx.semi(),
            cx.l("未经响应即提交解决方案", "solution without a response"),
            cx.colon()
        ));
    }
    let rows = vec![
        field(cx.l("问题编号", "Number"), i.number.clone()),
        field(
            cx.l("提出部门/人", "Proposed by"),
            format!("{}/{}", cx.dept(&i.proposer_dept), cx.person(&i.proposer)),
        ),
        field(cx.l("提出时间", "Proposed at"), cx.time(i.proposed_at)),
        field(cx.l("优先级", "Priority"), priorities.join("  ")),
        field(cx.l("响应时限", "Response due"), cx.time(i.response_due_at)),
        field(cx.l("首次响应", "First response"), responded),
    ];
    doc.table(&field_widths(), &rows, false);
}

fn description(doc: &mut Document, r: &IssueRecord, cx: &FormContext) {
    let i = &r.issue;
    doc.heading(1, cx.l("二、问题描述与需求", "2. Description and request"));
    let involved: Vec<String> = i.departments.iter().map(|c| cx.dept(c)).collect();
    let rows = vec![
        field(cx.l("标题", "Title"), i.title.clone()),
        field(cx.l("背景", "Background"), i.background.clone()),
        field(cx.l("具体诉求", "Request"), i.request.clone()),
        field(cx.l("涉及部门", "Departments involved"), involved.join("、")),
    ];
    doc.table(&field_widths(), &rows, false);
}

fn communication(doc: &mut Document, r: &IssueRecord, cx: &FormContext) {
    doc.heading(1, cx.l("三、沟通记录", "3. Communication"));
    if r.meetings.is_empty() {
        doc.text(cx.l("（暂无会议）", "(no meeting yet)"));
    }
    for m in &r.meetings {
        doc.heading(2, &format!("{} {}", cx.l("会议", "Meeting"), m.seq));
        let who: Vec<String> = m
            .participants
            .iter()
            .map(|x| {
                let proxy = x.proxy.as_ref().map(|y| y.suffix(|l| cx.person(l), cx.lang)).unwrap_or_default();
                format!(
                    "{}/{}{}{proxy}",
                    cx.dept(&x.dept),
                    cx.person(&x.login),
                    cx.paren(x.confirmation.label(cx.lang))
                )
            })
            .collect();
        let mut rows = vec![
            field(
                cx.l("沟通时间", "Time"),
                format!("{}{}", cx.time(m.held_at), cx.paren(m.mode.label(cx.lang))),
            ),
            field(cx.l("参与部门/人", "Participants"), who.join("、")),
            field(cx.l("沟通内容摘要", "Summary"), m.summary.clone()),
            field(cx.l("争议点", "Disputes"), m.disputes.clone()),
            field(cx.l("达成共识", "Consensus"), m.consensus.clone()),
            field(cx.l("记录人", "Recorder"), cx.person(&m.recorder)),
        ];
        let confirmed: Vec<String> = m
            .participants
            .iter()
            .filter(|x| x.confirmation == Confirmation::Confirmed)
            .map(|x| cx.person(&x.login))
            .collect();
        rows.push(field(cx.l("已确认", "Confirmed by"), confirmed.join("、")));
        for x in m.objections() {
            let note = x.note.as_deref().unwrap_or("");
            rows.push(field(
                cx.l("异议", "Objection"),
                format!("{}{}{note}", cx.person(&x.login), cx.colon()),
            ));
        }
        if m.version > 1 {
            rows.push(field(cx.l("纪要版本", "Minutes version"), m.version.to_string()));
            for old in amendments(r, m.seq, cx) {
                rows.push(field(cx.l("修订前", "Before amendment"), old));
            }
        }
        doc.table(&field_widths(), &rows, false);
    }
}

/// Each earlier version of a meeting's minutes, from the amendment events, with the objections
/// that led to it.
fn amendments(r: &IssueRecord, seq: i64, cx: &FormContext) -> Vec<String> {
    r.events
        .iter()
        .filter(|e| {
            e.kind == EventKind::MinutesAmended
                && e.before.get("meeting").and_then(|v| v.as_i64()) == Some(seq)
        })
        .map(|e| {
            let s = |k: &str| e.before.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            let version = e.before.get("version").and_then(|v| v.as_i64()).unwrap_or(1);
            let objections: Vec<String> = e
                .before
                .get("objections")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .map(|o| {
                            let who = o.get("login").and_then(|v| v.as_str()).unwrap_or("");
                            let note = o.get("note").and_then(|v| v.as_str()).unwrap_or("");
                            format!("{who}{}{note}", cx.colon())
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut text = format!("v{version}{}{}\n{}", cx.colon(), s("summary"), s("consensus"));
            if !objections.is_empty() {
                text.push_str(&format!("\n{}", cx.paren(&objections.join(cx.l("；", "; ")))));
            }
            text
        })
        .collect()
}

fn execution(doc: &mut Document, r: &IssueRecord, cx: &FormContext) {
    doc.heading(1, cx.l("四、执行与跟踪", "4. Execution and tracking"));
    doc.heading(2, cx.l("任务分解", "Tasks"));
    if r.tasks.is_empty() {
        doc.text(cx.l("（暂无任务）", "(no task yet)"));
    } else {
        let head = [
            cx.l("序号", "No."),
            cx.l("部门", "Department"),
            cx.l("任务", "Task"),
            cx.l("负责人", "Owner"),
            cx.l("截止", "Deadline"),
            cx.l("状态", "State"),
            cx.l("进度", "Done"),
        ];
        let mut rows = vec![head.iter().map(|h| Cell::label(*h)).collect::<Vec<_>>()];
        for t in &r.tasks {
            rows.push(vec![
                Cell::value(t.seq.to_string()),
                Cell::value(cx.dept(&t.dept)),
                Cell::value(sanitize(&t.title).into_owned()),
                Cell::value(cx.person(&t.owner)),
                Cell::value(cx.date(t.deadline)),
                Cell::value(t.state.label(cx.lang)),
                Cell::value(format!("{}%", t.percent)),
            ]);
        }
        doc.table(&[600, 1100, 2600, 1000, 1300, 1000, TEXT_WIDTH - 7600], &rows, true);
    }
    doc.heading(2, cx.l("进度更新", "Progress"));
    if r.progress.is_empty() {
        doc.text(cx.l("（暂无）", "(none)"));
    } else {
        let head = [
            cx.l("时间", "Time"),
            cx.l("填写人", "By"),
            cx.l("进度", "Progress"),
            cx.l("需协助", "Help needed"),
        ];
        let mut rows = vec![head.iter().map(|h| Cell::label(*h)).collect::<Vec<_>>()];
        for p in &r.progress {
            let task = p.task_seq.map(|s| format!("[{} {s}] ", cx.l("任务", "task"))).unwrap_or_default();
            let percent = p.percent.map(|v| cx.paren(&format!("{v}%"))).unwrap_or_default();
            let help = p
                .help
                .as_ref()
                .map(|h| format!("{}{}{}", cx.dept(&h.dept), cx.colon(), h.what))
                .unwrap_or_default();
            rows.push(vec![
                Cell::value(cx.short_time(p.at)),
                Cell::value(cx.person(&p.by)),
                Cell::value(sanitize(&format!("{task}{}{percent}", p.note)).into_owned()),
                Cell::value(sanitize(&help).into_owned()),
            ]);
        }
        doc.table(&[1700, 900, 4000, TEXT_WIDTH - 6600], &rows, true);
    }
    doc.heading(2, cx.l("风险事项", "Risk alerts"));
    if r.risks.is_empty() {
        doc.text(cx.l("（暂无）", "(none)"));
    } else {
        let head = [
            cx.l("时间", "Time"),
            cx.l("任务", "Task"),
            cx.l("原因", "Reason"),
            cx.l("调整方案", "Plan"),
            cx.l("新日期", "New date"),
            cx.l("是否及时", "Timely"),
        ];
        let mut rows = vec![head.iter().map(|h| Cell::label(*h)).collect::<Vec<_>>()];
        for k in &r.risks {
            rows.push(vec![
                Cell::value(cx.short_time(k.raised_at)),
                Cell::value(k.task_seq.to_string()),
                Cell::value(sanitize(&k.reason).into_owned()),
                Cell::value(sanitize(&k.plan).into_owned()),
                Cell::value(k.new_deadline.map(|d| cx.date(d)).unwrap_or_default()),
                Cell::value(if k.timely { cx.l("及时", "yes") } else { cx.l("不及时", "late") }),
            ]);
        }
        doc.table(&[1900, 600, 2000, 2000, 1200, TEXT_WIDTH - 7700], &rows, true);
    }
}

fn resolution(doc: &mut Document, r: &IssueRecord, cx: &FormContext) {
    let i = &r.issue;
    doc.heading(1, cx.l("五、解决结果", "5. Resolution"));
    let res = i.resolution.as_ref();
    let mut rows = vec![
        field(cx.l("解决方案", "Solution"), res.map(|r| r.solution.clone()).unwrap_or_default()),
        field(cx.l("解决时间", "Resolved at"), res.map(|r| cx.time(r.resolved_at)).unwrap_or_default()),
        field(cx.l("负责人", "Owner"), res.map(|r| cx.person(&r.owner)).unwrap_or_default()),
        field(cx.l("反馈人", "Feedback person"), res.map(|r| cx.person(&r.feedback)).unwrap_or_default()),
    ];
    if let Some(a) = &i.acceptance {
        let verdict =
            if a.accepted { cx.l("验收通过", "accepted") } else { cx.l("验收不通过", "refused") };
        let proxy = a.proxy.as_ref().map(|x| x.suffix(|l| cx.person(l), cx.lang)).unwrap_or_default();
        let reason = a.reason.as_deref().map(|r| format!("{}{r}", cx.colon())).unwrap_or_default();
        rows.push(field(
            cx.l("验收", "Acceptance"),
            format!("{} {verdict}{proxy} {}{reason}", cx.person(&a.by), cx.time(a.at)),
        ));
    }
    let escalated = i.escalated_now();
    let in_progress = i.status.is_open() && !escalated;
    let resolved = matches!(i.status, Status::Resolved | Status::Archived);
    let status = [
        boxed(in_progress, cx.l("进行中", "In progress")),
        boxed(resolved, cx.l("已解决", "Resolved")),
        boxed(escalated, cx.l("需升级", "Needs escalation")),
    ];
    rows.push(field(cx.l("状态", "Status"), status.join("  ")));
    for e in &i.escalations {
        let closed = e
            .closed
            .as_ref()
            .map(|c| {
                format!(
                    "{}{} {} {}{}{}",
                    cx.semi(),
                    cx.l("已解除", "closed"),
                    cx.time(c.at),
                    cx.person(&c.by),
                    cx.colon(),
                    c.note
                )
            })
            .unwrap_or_default();
        rows.push(field(
            &format!("{} {}", cx.l("升级", "Escalation"), e.seq),
            format!("{} {} → {}{}{}{closed}", cx.time(e.at), cx.person(&e.by), e.to, cx.colon(), e.reason),
        ));
    }
    doc.table(&field_widths(), &rows, false);
}

fn archive(doc: &mut Document, r: &IssueRecord, cx: &FormContext) {
    let i = &r.issue;
    doc.heading(1, cx.l("六、归档与复盘", "6. Archive and retrospective"));
    let (blank, c) = ("＿＿＿＿＿", cx.colon());
    let sign = format!(
        "{}{c}{blank}    {}{c}{blank}    {}{c}{blank}",
        cx.l("提出部门", "Proposer"),
        cx.l("负责人", "Owner"),
        cx.l("日期", "Date")
    );
    let rows = vec![
        field(cx.l("复盘", "Retrospective"), i.retrospective.clone().unwrap_or_default()),
        field(cx.l("归档时间", "Archived at"), i.archived_at.map(|t| cx.time(t)).unwrap_or_default()),
        field(cx.l("签字确认", "Signatures"), sign),
    ];
    doc.table(&field_widths(), &rows, false);
}

fn attachments(doc: &mut Document, cx: &FormContext) {
    doc.heading(1, cx.l("附件", "Attachments"));
    if cx.attachments.is_empty() {
        doc.text(cx.l("（无）", "(none)"));
        return;
    }
    let head = [
        cx.l("序号", "ID"),
        cx.l("文件名", "Name"),
        cx.l("大小", "Size"),
        cx.l("上传", "Uploaded"),
        "SHA-256",
    ];
    let mut rows = vec![head.iter().map(|h| Cell::label(*h)).collect::<Vec<_>>()];
    for a in cx.attachments {
        rows.push(vec![
            Cell::value(a.id.to_string()),
            Cell::value(sanitize(&a.name).into_owned()),
            Cell::value(human_size(a.size)),
            Cell::value(format!("{} {}", cx.short_time(a.at), cx.person(&a.by))),
            Cell::value(a.sha256[..16.min(a.sha256.len())].to_string()),
        ]);
    }
    doc.table(&[600, 2200, 900, 2500, TEXT_WIDTH - 6200], &rows, true);
}

pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}
