//! The description lint (使用规范：问题描述清晰化).
//!
//! An issue is registered with a title, a background (背景), a concrete request (具体诉求) and
//! the departments involved. Missing parts are errors and block saving; unclear wording gives
//! warnings that never block. The warnings are heuristics — lists of vague phrases in Chinese
//! and English, and a check that the request names a deliverable or a time or quantity — tuned
//! so that the template's own examples pass clean.

use super::text::{MAX_TITLE_CHARS, char_count};
use crate::i18n::Lang;

/// A required field is empty (after trimming), or no department is involved.
pub const CODE_REQUIRED: &str = "required";
/// A field uses a vague phrase; [`Finding::phrase`] holds it.
pub const CODE_VAGUE: &str = "vague";
/// The request names neither a deliverable nor a time or quantity.
pub const CODE_NO_DELIVERABLE: &str = "no_deliverable";
/// The background is shorter than [`MIN_BACKGROUND_CHARS`].
pub const CODE_SHORT_BACKGROUND: &str = "short_background";
/// The title is longer than [`MAX_TITLE_CHARS`](super::text::MAX_TITLE_CHARS).
pub const CODE_TOO_LONG: &str = "too_long";

/// A background with fewer non-space characters than this (a Chinese character counts as one)
/// gets a warning.
pub const MIN_BACKGROUND_CHARS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Title,
    Background,
    Request,
    Departments,
}

impl Field {
    /// The fields in the order of the form.
    pub const ALL: [Field; 4] = [Field::Title, Field::Background, Field::Request, Field::Departments];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Field::Title => lang.pick("Title", "标题"),
            Field::Background => lang.pick("Background", "背景"),
            Field::Request => lang.pick("Request", "具体诉求"),
            Field::Departments => lang.pick("Departments involved", "涉及部门"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks saving.
    Error,
    /// Advice only.
    Warning,
}

impl Severity {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Severity::Error => lang.pick("Error", "错误"),
            Severity::Warning => lang.pick("Warning", "提示"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub field: Field,
    pub severity: Severity,
    /// A stable id: one of the `CODE_*` constants.
    pub code: &'static str,
    /// The vague phrase found, as written.
    pub phrase: Option<String>,
    /// The byte range of the phrase in that field's text.
    pub span: Option<(usize, usize)>,
    /// How many characters the field holds, when that is what is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chars: Option<usize>,
}

impl Finding {
    fn new(field: Field, severity: Severity, code: &'static str) -> Finding {
        Finding { field, severity, code, phrase: None, span: None, chars: None }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// What is wrong, e.g. 「具体诉求」含模糊表述「尽快」 / Request uses vague wording "尽快".
    pub fn message(&self, lang: Lang) -> String {
        let label = self.field.label(lang);
        let phrase = self.phrase.as_deref().unwrap_or("");
        match (self.code, self.field, lang) {
            (CODE_REQUIRED, Field::Departments, _) => {
                lang.pick("Choose at least one department involved", "请至少选择一个涉及部门").to_string()
            }
            (CODE_REQUIRED, _, Lang::En) => format!("{label} is required"),
            (CODE_REQUIRED, _, Lang::Zh) => format!("「{label}」不能为空"),
            (CODE_VAGUE, _, Lang::En) => format!("{label} uses vague wording \"{phrase}\""),
            (CODE_VAGUE, _, Lang::Zh) => format!("「{label}」含模糊表述「{phrase}」"),
            (CODE_NO_DELIVERABLE, _, Lang::En) => {
                format!("{label} names no deliverable and no time or quantity")
            }
            (CODE_NO_DELIVERABLE, _, Lang::Zh) => {
                format!("「{label}」未写明交付内容，也没有时间或数量")
            }
            (CODE_TOO_LONG, _, Lang::En) => format!(
                "{label} is too long: {} characters, at most {MAX_TITLE_CHARS}",
                self.chars.unwrap_or(0)
            ),
            (CODE_TOO_LONG, _, Lang::Zh) => {
                format!("「{label}」过长：{} 个字，最多 {MAX_TITLE_CHARS} 个字", self.chars.unwrap_or(0))
            }
            (CODE_SHORT_BACKGROUND, _, Lang::En) => format!("{label} is very short"),
            (CODE_SHORT_BACKGROUND, _, Lang::Zh) => format!("「{label}」过于简短"),
            (code, _, Lang::En) => format!("{label}: {code}"),
            (code, _, Lang::Zh) => format!("「{label}」：{code}"),
        }
    }

    /// What to write instead.
    pub fn suggestion(&self, lang: Lang) -> String {
        const REQUEST_EXAMPLE: &str = "需技术部开发积分兑换接口，3个工作日内交付测试";
        let (text, example) = match (self.code, self.field) {
            (CODE_REQUIRED, Field::Title) => {
                (lang.pick("state the matter in one line", "用一句话写明事项"), Some("积分兑换接口开发"))
            }
            (CODE_REQUIRED, Field::Background) => (
                lang.pick(
                    "explain why this is needed: the cause, the situation, who is affected",
                    "写明为什么需要：起因、现状、影响范围",
                ),
                None,
            ),
            (CODE_REQUIRED, Field::Request) => (
                lang.pick("say who should deliver what, and by when", "写明需要谁、交付什么、何时交付"),
                Some(REQUEST_EXAMPLE),
            ),
            (CODE_REQUIRED, Field::Departments) => {
                (lang.pick("choose each department that must act", "选择每个需要参与处理的部门"), None)
            }
            (CODE_VAGUE, _) => {
                let entry = self.phrase.as_deref().and_then(phrase_entry);
                (entry.map_or(Hint::Action, |e| e.hint).text(lang), None)
            }
            (CODE_NO_DELIVERABLE, _) => (
                lang.pick("name the deliverable and a date or amount", "写明交付物和时间或数量"),
                Some(REQUEST_EXAMPLE),
            ),
            (CODE_TOO_LONG, _) => (
                lang.pick(
                    "say the matter in one short line; the details go in the background",
                    "用一句话概括事项，细节写在背景中",
                ),
                None,
            ),
            (CODE_SHORT_BACKGROUND, _) => (
                lang.pick(
                    "give the cause and the context: what happened, since when, who is affected",
                    "补充原因和来龙去脉：发生了什么、从何时开始、影响到谁",
                ),
                None,
            ),
            _ => ("", None),
        };
        match (example, lang) {
            (Some(example), Lang::En) => format!("{text}, e.g. {example}"),
            (Some(example), Lang::Zh) => format!("{text}，例如「{example}」"),
            (None, _) => text.to_string(),
        }
    }
}

/// Checks one issue description. Errors come first, then warnings; each group in field order,
/// and within a field by position.
pub fn lint(title: &str, background: &str, request: &str, departments: &[String]) -> Vec<Finding> {
    let texts = [(Field::Title, title), (Field::Background, background), (Field::Request, request)];
    let blank = |text: &str| text.trim().is_empty();
    let required = |field| Finding::new(field, Severity::Error, CODE_REQUIRED);
    let mut findings: Vec<Finding> =
        texts.iter().filter(|(_, text)| blank(text)).map(|&(field, _)| required(field)).collect();
    if departments.iter().all(|d| blank(d)) {
        findings.push(required(Field::Departments));
    }
    if char_count(title) > MAX_TITLE_CHARS {
        // The title comes first among the errors.
        let mut long = Finding::new(Field::Title, Severity::Error, CODE_TOO_LONG);
        long.chars = Some(char_count(title));
        findings.insert(0, long);
    }
    for (field, text) in texts {
        findings.extend(vague_findings(field, text));
        let warning = match field {
            _ if blank(text) => None,
            Field::Background
                if text.chars().filter(|c| !c.is_whitespace()).count() < MIN_BACKGROUND_CHARS =>
            {
                Some(CODE_SHORT_BACKGROUND)
            }
            Field::Request if !names_deliverable(text) && !names_time_or_quantity(text) => {
                Some(CODE_NO_DELIVERABLE)
            }
            _ => None,
        };
        findings.extend(warning.map(|code| Finding::new(field, Severity::Warning, code)));
    }
    findings
}

pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_error)
}

/// What to write instead of a vague phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    Deadline,
    Symptom,
    Action,
    List,
    Who,
}

impl Hint {
    fn text(self, lang: Lang) -> &'static str {
        match self {
            Hint::Deadline => lang.pick(
                "give a date or a number of working days, e.g. 10月30日前 / 3个工作日内",
                "写明日期或工作日数，例如「10月30日前」「3个工作日内」",
            ),
            Hint::Symptom => lang.pick(
                "say which step, what happened, what was expected (哪个环节、具体现象、期望结果)",
                "写明哪个环节、具体现象、期望结果，例如「导出月报时提示超时，期望1分钟内导出」",
            ),
            Hint::Action => lang.pick(
                "name the action and the result wanted, e.g. 将月报导出时间缩短到1分钟内",
                "写明要做的动作和期望的结果，例如「将月报导出时间缩短到1分钟内」",
            ),
            Hint::List => lang.pick(
                "list every item, or say how many, e.g. 门店A、门店B、门店C共3家",
                "列出全部事项或写明数量，例如「门店A、门店B、门店C共3家」",
            ),
            Hint::Who => lang.pick(
                "name the department, the person or the matter, e.g. 财务部张三 / 10月报销单审核",
                "写明具体部门、人员或事项，例如「财务部张三」「10月报销单审核」",
            ),
        }
    }
}

/// One vague phrase. Chinese phrases match as written; English ones (starting with an ASCII
/// letter) match ignoring ASCII case, on word boundaries. A match right after a char of
/// `not_after` or right before one of `not_before` is not vague (没有问题, 如有问题, 用不了多久).
struct Vague {
    phrase: &'static str,
    hint: Hint,
    not_after: &'static [char],
    not_before: &'static [char],
}

const fn vague(phrase: &'static str, hint: Hint) -> Vague {
    let (not_after, not_before) = (&[], &[]);
    Vague { phrase, hint, not_after, not_before }
}

impl Vague {
    const fn except(self, not_after: &'static [char], not_before: &'static [char]) -> Vague {
        Vague { not_after, not_before, ..self }
    }
}

const CONDITIONAL: &[char] = &['没', '如', '若', '否', '倘'];

#[rustfmt::skip]
const VAGUE: &[Vague] = &[
    vague("系统有问题", Hint::Symptom).except(CONDITIONAL, &[]),
    vague("有问题", Hint::Symptom).except(CONDITIONAL, &['的']),
    vague("有点问题", Hint::Symptom).except(CONDITIONAL, &[]),
    vague("有些问题", Hint::Symptom).except(CONDITIONAL, &[]),
    vague("用不了", Hint::Symptom).except(&[], &['多', '几', '太', '那']),
    vague("出问题了", Hint::Symptom), vague("不好用", Hint::Symptom), vague("尽快", Hint::Deadline),
    vague("马上", Hint::Deadline), vague("越快越好", Hint::Deadline), vague("抓紧", Hint::Deadline),
    vague("赶紧", Hint::Deadline), vague("优化一下", Hint::Action), vague("看一下", Hint::Action),
    vague("看看", Hint::Action), vague("处理一下", Hint::Action), vague("跟进一下", Hint::Action),
    vague("等等", Hint::List), vague("之类", Hint::List), vague("相关部门", Hint::Who),
    vague("相关人员", Hint::Who), vague("相关同事", Hint::Who), vague("相关负责人", Hint::Who),
    vague("相关事宜", Hint::Who), vague("相关问题", Hint::Who), vague("相关工作", Hint::Who),
    vague("asap", Hint::Deadline), vague("as soon as possible", Hint::Deadline),
    vague("doesn't work", Hint::Symptom), vague("doesn\u{2019}t work", Hint::Symptom),
    vague("does not work", Hint::Symptom), vague("don't work", Hint::Symptom),
    vague("don\u{2019}t work", Hint::Symptom), vague("do not work", Hint::Symptom),
    vague("not working", Hint::Symptom), vague("broken", Hint::Symptom),
    vague("something wrong", Hint::Symptom), vague("some issues", Hint::Symptom),
    vague("fix it", Hint::Action), vague("take a look", Hint::Action),
    vague("look into it", Hint::Action), vague("etc", Hint::List), vague("and so on", Hint::List),
];

fn phrase_entry(written: &str) -> Option<&'static Vague> {
    VAGUE.iter().find(|v| v.phrase.eq_ignore_ascii_case(written))
}

/// A letter or digit of an alphabetic script (not CJK): what English words are made of.
fn is_word_char(c: char) -> bool {
    c == '_' || (c.is_alphanumeric() && c < '\u{2E80}')
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn char_after(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// Byte offsets where `needle` starts in `text`, ignoring ASCII case, on word boundaries
/// (`whole`) or at a word start only.
fn latin_matches(text: &str, needle: &str, whole: bool) -> Vec<usize> {
    let (hay, pattern) = (text.as_bytes(), needle.as_bytes());
    let mut found = Vec::new();
    for start in 0..=hay.len().saturating_sub(pattern.len()) {
        let end = start + pattern.len();
        if end > hay.len() || !text.is_char_boundary(start) || !hay[start..end].eq_ignore_ascii_case(pattern)
        {
            continue;
        }
        let before = char_before(text, start).is_some_and(is_word_char);
        let after = whole && char_after(text, end).is_some_and(is_word_char);
        if !before && !after {
            found.push(start);
        }
    }
    found
}

fn vague_findings(field: Field, text: &str) -> Vec<Finding> {
    // Every candidate, accepted or not; longer first at the same start, so that a phrase
    // inside a longer one (有问题 in 系统有问题) is reported once — and not at all when the
    // longer one was excused by its context (如系统有问题).
    let mut candidates: Vec<(usize, usize, bool)> = Vec::new();
    for entry in VAGUE {
        let starts = if entry.phrase.starts_with(|c: char| c.is_ascii_alphabetic()) {
            latin_matches(text, entry.phrase, true)
        } else {
            text.match_indices(entry.phrase).map(|(i, _)| i).collect()
        };
        for start in starts {
            let end = start + entry.phrase.len();
            let excused = char_before(text, start).is_some_and(|c| entry.not_after.contains(&c))
                || char_after(text, end).is_some_and(|c| entry.not_before.contains(&c));
            candidates.push((start, end, !excused));
        }
    }
    candidates.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    let mut findings = Vec::new();
    let mut claimed_to = 0;
    for (start, end, vague) in candidates {
        if start < claimed_to {
            continue;
        }
        claimed_to = end;
        if vague {
            findings.push(Finding {
                phrase: Some(text[start..end].to_string()),
                span: Some((start, end)),
                ..Finding::new(field, Severity::Warning, CODE_VAGUE)
            });
        }
    }
    findings
}

/// Words that name something to deliver or do (heuristic).
#[rustfmt::skip]
const DELIVERABLES_ZH: &[&str] = &[
    "完成", "提供", "开发", "输出", "交付", "确认", "修复", "上线", "提交", "给出", "协助", "安排",
    "准备", "配合", "评审", "测试", "报告", "接口", "方案", "数据", "文档", "审批", "审核", "导出",
    "发布", "部署", "更新", "新增", "修改", "调整", "培训", "采购", "对接", "编写", "设计", "统计",
    "核对", "出具", "报价", "合同", "清单", "报表", "表格", "规则", "流程", "权限", "账号", "上报",
    "反馈", "答复",
];

/// English stems, matched at the start of a word (deliver → delivery, deliverable).
#[rustfmt::skip]
const DELIVERABLES_EN: &[&str] = &[
    "deliver", "provide", "build", "built", "fix", "send", "sent", "review", "confirm", "prepare",
    "test", "report", "document", "implement", "update", "export", "create", "write", "design",
    "deploy", "release", "migrate", "api", "spec", "draft", "estimate", "quote", "approve",
    "submit", "train", "publish", "list",
];

/// Markers of a time or quantity besides digits (heuristic).
#[rustfmt::skip]
const TIME_ZH: &[&str] = &[
    "工作日", "天", "周", "星期", "礼拜", "月底", "月初", "月中", "年底", "季度", "今日", "明日",
    "小时", "号前", "日前", "之前", "以前",
];

/// English time and number words, matched as whole words.
#[rustfmt::skip]
const TIME_EN: &[&str] = &[
    "day", "days", "week", "weeks", "hour", "hours", "month", "months", "today", "tomorrow",
    "tonight", "eod", "eow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "april", "june", "july", "august", "september", "october",
    "november", "december", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "twelve", "dozen",
];

const NUMERALS_ZH: &str = "一二三四五六七八九十两百千万半";
const UNITS_ZH: &str = "个份条项次台套名位件张页天周月年日";

/// Whether the text names a deliverable noun or verb (heuristic).
pub fn names_deliverable(text: &str) -> bool {
    DELIVERABLES_ZH.iter().any(|w| text.contains(w))
        || DELIVERABLES_EN.iter().any(|w| !latin_matches(text, w, false).is_empty())
}

/// Whether the text names a time or a quantity: a digit (which covers 10月30日, 10.30 and
/// 2023-10-30), a Chinese numeral with a unit (三个, 两天), or a time word (工作日, 周五, days,
/// by Friday). Heuristic.
pub fn names_time_or_quantity(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().any(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        || chars.windows(2).any(|w| NUMERALS_ZH.contains(w[0]) && UNITS_ZH.contains(w[1]))
        || TIME_ZH.iter().any(|w| text.contains(w))
        || TIME_EN.iter().any(|w| !latin_matches(text, w, true).is_empty())
}

#[cfg(test)]
mod tests;
