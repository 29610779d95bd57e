//! Unit tests of the description lint: required fields, vague phrases, deliverables and times.

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
