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
mod tests {
    use super::*;

    const TITLE: &str = "积分兑换接口开发";
    const BACKGROUND: &str = "会员积分上线后，用户无法在小程序中兑换礼品，客服每天收到约50条投诉";
    const REQUEST: &str = "需技术部开发积分兑换接口，运营部提供兑换规则";
    const DEPTS: &[&str] = &["技术部"];

    type Case = (&'static str, &'static str, &'static str, &'static [&'static str]);
    type Expected = &'static [(&'static str, Option<&'static str>)];

    fn run((title, background, request, depts): Case) -> Vec<Finding> {
        let depts: Vec<String> = depts.iter().map(|d| d.to_string()).collect();
        lint(title, background, request, &depts)
    }

    fn with_request(request: &'static str) -> Vec<Finding> {
        run((TITLE, BACKGROUND, request, DEPTS))
    }

    /// (field, code, phrase) of each finding.
    fn summary<'a>(findings: &'a [Finding]) -> Vec<(Field, &'a str, Option<&'a str>)> {
        let summarize = |f: &'a Finding| (f.field, f.code, f.phrase.as_deref());
        findings.iter().map(summarize).collect()
    }

    #[test]
    fn a_title_longer_than_the_limit_is_an_error() {
        let at_most = "积".repeat(MAX_TITLE_CHARS);
        let depts = ["RD".to_string()];
        assert!(!has_errors(&lint(&at_most, BACKGROUND, REQUEST, &depts)));
        let over = format!("{at_most}分");
        let findings = lint(&over, BACKGROUND, REQUEST, &depts);
        assert_eq!(summary(&findings), [(Field::Title, CODE_TOO_LONG, None)]);
        assert_eq!(findings[0].message(Lang::En), "Title is too long: 81 characters, at most 80");
        assert_eq!(findings[0].message(Lang::Zh), "「标题」过长：81 个字，最多 80 个字");
    }

    #[test]
    fn required_fields() {
        use Field::*;
        #[rustfmt::skip]
        const CASES: &[(Case, &[Field])] = &[
            (("", BACKGROUND, REQUEST, DEPTS), &[Title]),
            ((TITLE, "", REQUEST, DEPTS), &[Background]),
            ((TITLE, BACKGROUND, "", DEPTS), &[Request]),
            ((TITLE, BACKGROUND, REQUEST, &[]), &[Departments]),
            ((" \t\n", BACKGROUND, REQUEST, DEPTS), &[Title]),
            ((TITLE, "\u{3000}\n", REQUEST, DEPTS), &[Background]),
            ((TITLE, BACKGROUND, "   ", DEPTS), &[Request]),
            ((TITLE, BACKGROUND, REQUEST, &[" \t", ""]), &[Departments]),
            (("", "", "", &[]), &Field::ALL),
        ];
        for &(case, expected) in CASES {
            let findings = run(case);
            let errors: Vec<Field> = findings.iter().filter(|f| f.is_error()).map(|f| f.field).collect();
            assert_eq!(errors, expected, "{case:?}");
            assert!(findings.iter().all(|f| f.is_error() == (f.code == CODE_REQUIRED)));
            assert!(has_errors(&findings));
        }
    }

    #[test]
    fn template_examples_are_clean() {
        let second = "需技术部门协助完成系统接口开发，预计3个工作日内交付测试";
        for request in [REQUEST, second] {
            assert_eq!(with_request(request), [], "{request}");
        }
    }

    #[test]
    fn vague_phrases_and_spans() {
        #[rustfmt::skip]
        const CASES: &[(&str, &[&str])] = &[
            ("尽快处理", &["尽快"]), ("系统有问题，请看一下", &["系统有问题", "看一下"]),
            ("订单有问题，马上修复", &["有问题", "马上"]),
            ("报表不好用，越快越好", &["不好用", "越快越好"]),
            ("小程序用不了，抓紧修复", &["用不了", "抓紧"]),
            ("导出出问题了，赶紧修复", &["出问题了", "赶紧"]),
            ("页面优化一下，处理一下弹窗", &["优化一下", "处理一下"]),
            ("提供报表、清单等等", &["等等"]), ("提供报表之类的数据", &["之类"]),
            ("请相关部门提供数据", &["相关部门"]), ("Please fix it ASAP", &["fix it", "ASAP"]),
            ("please fix it asap", &["fix it", "asap"]),
            ("Deliver this As Soon As Possible", &["As Soon As Possible"]),
            ("Export doesn't work; login does not work", &["doesn't work", "does not work"]),
            ("Export doesn\u{2019}t work", &["doesn\u{2019}t work"]),
            ("It is NOT WORKING", &["NOT WORKING"]), ("The link is broken", &["broken"]),
            ("Send reports, lists, etc.", &["etc"]),
            ("There is something wrong, some issues too", &["something wrong", "some issues"]),
            ("导出Broken了", &["Broken"]),
            // A longer phrase is reported once, not also the shorter one inside it.
            ("系统有问题", &["系统有问题"]),
            // Not vague: word boundaries, and contexts that excuse a phrase.
            ("An unbroken record of exports", &[]), ("fetch the data and sketch a report", &[]),
            ("ASAPX is a product name", &[]), ("没有问题的话，3个工作日内上线", &[]),
            ("如有问题请联系技术部", &[]), ("如系统有问题请联系技术部", &[]),
            ("有问题的订单号已导出，请财务部核对", &[]), ("用不了多久，预计2天完成", &[]),
            ("与积分相关的接口由技术部开发", &[]),
        ];
        for (text, expected) in CASES {
            let findings = vague_findings(Field::Request, text);
            let phrases: Vec<_> = summary(&findings).into_iter().map(|f| f.2.unwrap_or("")).collect();
            assert_eq!(&phrases, expected, "{text}");
            for finding in &findings {
                let (start, end) = finding.span.expect("span");
                assert_eq!(Some(&text[start..end]), finding.phrase.as_deref(), "{text}");
                assert_eq!((finding.severity, finding.code), (Severity::Warning, CODE_VAGUE));
            }
        }
    }

    #[test]
    fn span_is_the_byte_range_in_the_field() {
        let request = "需技术部开发接口，尽快交付";
        let start = request.find("尽快").unwrap();
        let spans: Vec<_> = with_request(request).iter().map(|f| f.span).collect();
        assert_eq!(spans, [Some((start, start + "尽快".len()))]);
    }

    #[test]
    fn request_warnings() {
        const VAGUE_ASAP: (&str, Option<&str>) = (CODE_VAGUE, Some("尽快"));
        const VAGUE_LOOK: (&str, Option<&str>) = (CODE_VAGUE, Some("看一下"));
        const NONE: (&str, Option<&str>) = (CODE_NO_DELIVERABLE, None);
        #[rustfmt::skip]
        const CASES: &[(&str, Expected)] = &[
            ("尽快处理", &[VAGUE_ASAP, NONE]),
            ("系统有问题，请看一下", &[(CODE_VAGUE, Some("系统有问题")), VAGUE_LOOK, NONE]),
            ("请处理", &[NONE]), ("请处理，三天内", &[]), ("请处理，10.30前", &[]),
            ("请处理，2023-10-30", &[]), ("请处理，下周五", &[]), ("Please handle this", &[NONE]),
            ("Please handle this by Friday", &[]), ("Please handle this within two days", &[]),
            ("Please review the design", &[]),
        ];
        for &(request, expected) in CASES {
            let findings = with_request(request);
            let findings = summary(&findings);
            let got: Vec<_> = findings.iter().map(|f| (f.1, f.2)).collect();
            assert_eq!(got, expected, "{request}");
            assert!(findings.iter().all(|f| f.0 == Field::Request), "{request}");
        }
    }

    #[test]
    fn short_background() {
        #[rustfmt::skip]
        const CASES: &[(&str, bool)] = &[
            ("积分兑换失败", true), ("Login fail", true), ("Login fails", false),
            ("一 二 三 四 五 六 七 八 九", true), ("会员积分上线后无法兑换礼品", false),
        ];
        for &(background, short) in CASES {
            let findings = run((TITLE, background, REQUEST, DEPTS));
            let warning = [(Field::Background, CODE_SHORT_BACKGROUND, None)];
            assert_eq!(summary(&findings), warning[..usize::from(short)], "{background}");
        }
    }

    #[test]
    fn errors_first_then_warnings_in_field_order() {
        use Field::*;
        let findings = run(("系统有问题", "", "尽快处理", &[]));
        #[rustfmt::skip]
        let expected = [
            (Background, CODE_REQUIRED, None), (Departments, CODE_REQUIRED, None),
            (Title, CODE_VAGUE, Some("系统有问题")), (Request, CODE_VAGUE, Some("尽快")),
            (Request, CODE_NO_DELIVERABLE, None),
        ];
        assert_eq!(summary(&findings), expected);
    }

    #[test]
    fn a_phrase_in_two_fields_gives_two_findings() {
        let background = "会员积分兑换页面打不开，需要尽快恢复，影响门店活动";
        let findings = run((TITLE, background, "需技术部尽快修复，3天内上线", DEPTS));
        use Field::*;
        let expected = [(Background, CODE_VAGUE, Some("尽快")), (Request, CODE_VAGUE, Some("尽快"))];
        assert_eq!(summary(&findings), expected);
    }

    #[test]
    fn messages_and_suggestions_in_both_languages() {
        let mut findings = run(("", "", "", &[]));
        findings.extend(run(("Fix it ASAP", "短", "系统有问题等等之类， etc", DEPTS)));
        findings.extend(VAGUE.iter().flat_map(|entry| vague_findings(Field::Request, entry.phrase)));
        let codes = [CODE_REQUIRED, CODE_VAGUE, CODE_NO_DELIVERABLE, CODE_SHORT_BACKGROUND];
        assert!(codes.iter().all(|code| findings.iter().any(|f| f.code == *code)));
        for f in &findings {
            let [en, zh] = [Lang::En, Lang::Zh].map(|lang| [f.message(lang), f.suggestion(lang)]);
            assert!(en.iter().chain(&zh).all(|t| !t.is_empty()) && en[0] != zh[0], "{f:?}");
        }
        let asap = &vague_findings(Field::Request, "尽快")[0];
        assert_eq!(asap.message(Lang::Zh), "「具体诉求」含模糊表述「尽快」");
        assert_eq!(asap.message(Lang::En), "Request uses vague wording \"尽快\"");
        assert!(asap.suggestion(Lang::En).contains("3个工作日内"));
        let english = &vague_findings(Field::Title, "ASAP")[0];
        assert_eq!(english.suggestion(Lang::Zh), asap.suggestion(Lang::Zh));
        let symptom = &vague_findings(Field::Title, "系统有问题")[0];
        assert!(symptom.suggestion(Lang::En).contains("哪个环节"));
        assert_eq!(Field::Request.label(Lang::Zh), "具体诉求");
        assert_eq!(Field::Departments.label(Lang::En), "Departments involved");
    }
}
