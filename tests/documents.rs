//! Documents in and out through the real binary: the form as Word, lists as Excel and CSV,
//! imports from CSV (UTF-8, BOM, GBK), Excel and JSON with every malformed case refused whole,
//! and attachments.

#[allow(dead_code)]
mod cli_support;

use std::io::Read;
use std::process::Output;

use chrono::Duration;
use cli_support::{Fixture, minute, now};
use serde_json::Value;

/// An issue that went the whole way: meeting, task, solution, acceptance given for the
/// feedback person by a coordinator, archived. Returns (admin, number).
fn full_issue(f: &Fixture) -> (String, String) {
    let admin = f.org();
    let n = f.add("li", "积分兑换接口<开发>&联调", "RD", "high", None);
    f.ok(&["--as", "wang", "ack", &n]);
    f.ok(&[
        "--as",
        "wang",
        "meeting",
        "add",
        &n,
        "--participants",
        "wang,li",
        "--summary",
        "技术部提出接口开发需5个工作日",
        "--consensus",
        "技术部10月30日前完成接口开发",
        "--disputes",
        "测试时间",
    ]);
    f.ok(&["--as", "li", "meeting", "confirm", &n, "1"]);
    let due = (now() + Duration::days(7)).format("%Y-%m-%d").to_string();
    f.ok(&[
        "--as",
        "wang",
        "task",
        "add",
        &n,
        "--dept",
        "RD",
        "--title",
        "接口开发",
        "--owner",
        "wang",
        "--deadline",
        &due,
    ]);
    f.ok(&[
        "--as",
        "wang",
        "progress",
        "add",
        &n,
        "--task",
        "1",
        "--percent",
        "50",
        "--note",
        "开发完成50%，待联调",
    ]);
    f.ok(&["--as", "wang", "task", "update", &n, "1", "--percent", "100"]);
    f.ok(&["--as", "wang", "resolve", &n, "--solution", "完成接口开发，通过所有测试用例", "--owner", "wang"]);
    f.ok(&["accept", &n, "--for-reason", "电话确认"]);
    f.ok(&["--as", "li", "archive", &n, "--retro", "本次沟通效率较高，但需求明确环节可提前"]);
    (admin, n)
}

fn unzip(path: &std::path::Path, part: &str) -> String {
    let file = std::fs::File::open(path).expect("the file opens");
    let mut zip = zip::ZipArchive::new(file).expect("a zip package");
    let mut text = String::new();
    zip.by_name(part)
        .unwrap_or_else(|_| panic!("{part} in the package"))
        .read_to_string(&mut text)
        .expect("UTF-8");
    text
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[test]
fn the_form_as_word_has_every_section_field_and_east_asian_fonts() {
    let f = Fixture::new();
    let (_, n) = full_issue(&f);
    let docx = f.path("form.docx");
    f.ok(&["--lang", "zh", "export", &n, "--docx", docx.to_str().expect("UTF-8")]);
    let doc = unzip(&docx, "word/document.xml");
    let record = f.json(&["show", &n]);
    for section in [
        "基本信息",
        "问题描述与需求",
        "沟通记录",
        "执行与跟踪",
        "任务分解",
        "进度更新",
        "风险事项",
        "解决结果",
        "归档与复盘",
        "附件",
    ] {
        assert!(doc.contains(section), "section {section} missing");
    }
    for field in [
        "问题编号",
        "提出部门/人",
        "提出时间",
        "优先级",
        "背景",
        "具体诉求",
        "涉及部门",
        "沟通时间",
        "参与部门/人",
        "沟通内容摘要",
        "达成共识",
        "解决方案",
        "解决时间",
        "负责人",
        "反馈人",
        "状态",
        "复盘",
    ] {
        assert!(doc.contains(field), "field {field} missing");
    }
    for key in ["number", "title", "background", "request", "solution", "retrospective"] {
        let value = record[key]
            .as_str()
            .or_else(|| record["resolution"][key].as_str())
            .unwrap_or_else(|| panic!("{key}"));
        assert!(doc.contains(&escaped(value)), "{key} value {value:?} missing");
    }
    assert!(doc.contains(&escaped("积分兑换接口<开发>&联调")));
    assert!(doc.contains("☑高（需24小时内响应）"), "the priority's box and rule");
    assert!(doc.contains("□中（需3个工作日内响应）"));
    assert!(doc.contains("☑已解决") && doc.contains("□进行中") && doc.contains("□需升级"));
    assert!(doc.contains("代为操作：电话确认"), "acceptance given on the feedback person's behalf");
    assert!(
        doc.contains("技术部提出接口开发需5个工作日")
            && doc.contains("接口开发")
            && doc.contains("开发完成50%")
    );
    // Every run names its East Asian font beside a Latin one; headings in 黑体, text in 宋体.
    let runs = doc.matches("<w:r>").count();
    let fonts = doc.matches("<w:rPr><w:rFonts w:ascii=").count();
    assert!(runs > 50);
    assert!(doc.matches("w:eastAsia=\"宋体\"").count() + doc.matches("w:eastAsia=\"黑体\"").count() >= fonts);
    for run in doc.split("<w:r>").skip(1) {
        assert!(
            run.starts_with("<w:rPr><w:rFonts") && run[..200.min(run.len())].contains("w:eastAsia="),
            "run without fonts: {run:.120}"
        );
    }
    assert!(doc.contains("w:eastAsia=\"黑体\"") && doc.contains("w:eastAsia=\"宋体\""));
    // A4 with margins, the header with the number, page numbers in the footer.
    assert!(doc.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>") && doc.contains("<w:pgMar"));
    assert!(unzip(&docx, "word/header1.xml").contains(&n));
    let footer = unzip(&docx, "word/footer1.xml");
    assert!(footer.contains(" PAGE ") && footer.contains(" NUMPAGES ") && footer.contains("w:eastAsia"));
    assert!(unzip(&docx, "word/styles.xml").contains("w:eastAsia=\"宋体\""));

    // English too.
    let en = f.path("form-en.docx");
    f.ok(&["--lang", "en", "export", &n, "--docx", en.to_str().expect("UTF-8")]);
    let doc = unzip(&en, "word/document.xml");
    assert!(doc.contains("Basic information") && doc.contains("Resolution") && doc.contains("entered by"));

    // Where LibreOffice is installed, the document converts to a PDF with pages.
    let soffice = std::process::Command::new("soffice").arg("--version").output();
    if soffice.is_err() {
        eprintln!(
            "skipped: soffice is not installed (apt-get install libreoffice-writer-nogui to check the PDF)"
        );
        return;
    }
    let out = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(f.dir.path())
        .arg(&docx)
        .env("HOME", f.dir.path())
        .output()
        .expect("soffice runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = std::fs::read(f.path("form.pdf")).expect("a PDF");
    let pages = String::from_utf8_lossy(&pdf).matches("/Type/Page").count()
        + String::from_utf8_lossy(&pdf).matches("/Type /Page").count();
    assert!(pdf.starts_with(b"%PDF") && pages >= 1, "{pages} pages");
}

#[test]
fn one_word_file_per_issue_into_a_directory() {
    let f = Fixture::new();
    f.init();
    f.ok(&["demo", "--issues", "12"]);
    let dir = f.path("archive");
    f.ok(&["export", "--docx", dir.to_str().expect("UTF-8"), "--status", "archived"]);
    let archived = f.json(&["list", "--status", "archived"]);
    let numbers: Vec<&str> =
        archived.as_array().expect("a list").iter().filter_map(|r| r["number"].as_str()).collect();
    assert!(!numbers.is_empty());
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the directory")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want: Vec<String> = numbers.iter().map(|n| format!("{n}.docx")).collect();
    want.sort();
    assert_eq!(files, want);
}

#[test]
fn lists_as_excel_with_typed_cells_and_a_task_sheet() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let f = Fixture::new();
    let (_, n) = full_issue(&f);
    f.add("li", "第二个问题：报表缺少字段", "RD,QA", "low", None);
    let path = f.path("list.xlsx");
    f.ok(&["--lang", "zh", "list", "--xlsx", path.to_str().expect("UTF-8")]);
    let mut book: Xlsx<_> = open_workbook(&path).expect("a workbook");
    assert_eq!(book.sheet_names(), vec!["问题清单".to_string(), "任务".to_string()]);
    let issues = book.worksheet_range("问题清单").expect("the issues");
    assert_eq!(issues.height(), 3, "a header and two issues");
    assert_eq!(issues.get_value((0, 0)), Some(&Data::String("问题编号".into())));
    let row = (1..3)
        .find(|r| issues.get_value((*r, 0)) == Some(&Data::String(n.clone())))
        .expect("the first issue");
    assert_eq!(issues.get_value((row, 1)), Some(&Data::String("积分兑换接口<开发>&联调".into())));
    assert!(matches!(issues.get_value((row, 7)), Some(Data::DateTime(_))), "the proposed time is a date");
    assert!(
        matches!(issues.get_value((row, 12)), Some(Data::Float(x)) if (*x - 1.0).abs() < 1e-9),
        "done is a number: 100%"
    );
    let tasks = book.worksheet_range("任务").expect("the tasks");
    assert_eq!(tasks.height(), 2);
    assert_eq!(tasks.get_value((1, 3)), Some(&Data::String("接口开发".into())));
    assert!(matches!(tasks.get_value((1, 5)), Some(Data::DateTime(_))));
    // Frozen header and an auto-filter.
    let sheet = unzip(&path, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("state=\"frozen\"") && sheet.contains("<autoFilter"));

    // CSV: UTF-8 with BOM, read back with the csv crate.
    let out = f.run(&["--lang", "zh", "list", "--csv"]);
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&out.stdout[3..]);
    assert_eq!(reader.records().count(), 2);
}

/// A template sheet: Chinese headers, two issues for RD raised by li (MKT).
fn sheet_rows() -> Vec<Vec<String>> {
    let rows = [
        [
            "问题编号",
            "标题",
            "背景",
            "具体诉求",
            "涉及部门",
            "提出部门",
            "提出人",
            "提出时间",
            "优先级",
            "状态",
            "解决方案",
            "解决时间",
        ],
        [
            "20231025-MKT-005",
            "双十一积分兑换功能",
            "双十一活动需新增用户积分兑换功能",
            "需技术部开发积分兑换接口，10月30日前交付",
            "研发部",
            "市场部",
            "李经理",
            "2023年10月25日09:30",
            "高",
            "已解决",
            "完成接口开发，通过所有测试用例",
            "2023/10/30 17:00",
        ],
        [
            "",
            "报表缺少处理时长字段",
            "客服报表缺少首次响应时长",
            "研发部在导出中增加两个字段，下周五前交付",
            "RD、QA",
            "MKT",
            "li",
            "2023.10.26",
            "中",
            "",
            "",
            "",
        ],
    ];
    rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

fn csv_text(rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).expect("a row");
    }
    String::from_utf8(w.into_inner().expect("bytes")).expect("UTF-8")
}

fn import_out(f: &Fixture, file: &std::path::Path, extra: &[&str]) -> Output {
    let mut args = vec!["import", file.to_str().expect("UTF-8")];
    args.extend_from_slice(extra);
    f.run(&args)
}

fn count(f: &Fixture) -> usize {
    f.json(&["list"]).as_array().expect("a list").len()
}

#[test]
fn csv_in_utf8_bom_and_gbk_imports_once_with_dry_run_first() {
    let text = csv_text(&sheet_rows());
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let variants: [(&str, Vec<u8>); 3] = [
        ("utf8.csv", text.clone().into_bytes()),
        ("bom.csv", [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()),
        ("gbk.csv", gbk.into_owned()),
    ];
    for (name, bytes) in variants {
        let f = Fixture::new();
        f.org();
        let file = f.path(name);
        std::fs::write(&file, &bytes).expect("the fixture");
        let before = f.snapshot();
        let out = import_out(&f, &file, &["--dry-run"]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("2 to import"), "{name}");
        assert_eq!(f.snapshot(), before, "{name}: a dry run writes nothing");
        let out = import_out(&f, &file, &[]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(count(&f), 2, "{name}");
        // The number is kept; the historical dates too; the event has the real clock.
        let r = f.json(&["show", "20231025-MKT-005"]);
        assert_eq!(r["status"], "resolved");
        assert!(r["proposed_at"].as_str().expect("a time").starts_with("2023-10-25T09:30:00"));
        assert!(r["acceptance"]["proxy"]["reason"].as_str().expect("a reason").contains("导入"));
        let event = &r["events"][0];
        assert_eq!(event["after"]["imported"]["file"], name);
        assert!(
            event["at"].as_str().expect("a time")
                >= minute(now()).replace(' ', "T").as_str().get(..10).expect("a day")
        );
        // Twice adds nothing.
        let again = f.snapshot();
        let out = import_out(&f, &file, &[]);
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("2 already there"), "{name}");
        assert_eq!(f.snapshot(), again, "{name}: a second import writes nothing");
    }
}

#[test]
fn kept_numbers_move_the_counters_past_them() {
    let f = Fixture::new();
    f.org();
    let file = f.path("s.csv");
    std::fs::write(&file, csv_text(&sheet_rows())).expect("the fixture");
    assert!(import_out(&f, &file, &[]).status.success());
    let n = f.add("li", "同一天登记的新问题需要编号", "RD", "low", Some("2023-10-25 11:00"));
    assert_eq!(n, "20231025-MKT-006");
    // A row without a number before a row that keeps the number it would have drawn.
    let mut rows = sheet_rows();
    rows[1][0] = "20231101-MKT-001".into();
    rows[1][7] = "2023-11-01 10:00".into();
    rows[1][11] = "2023-11-03 17:00".into();
    rows[2][7] = "2023-11-01 09:00".into();
    rows.swap(1, 2);
    std::fs::write(&file, csv_text(&rows)).expect("the fixture");
    let out = import_out(&f, &file, &[]);
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    assert!(f.json(&["show", "20231101-MKT-002"])["title"].as_str().is_some_and(|t| t.contains("报表")));
}

#[test]
fn an_excel_sheet_imports_with_typed_dates() {
    let f = Fixture::new();
    f.org();
    let path = f.path("sheet.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let rows = sheet_rows();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if r > 0 && c == 7 {
                let t = chrono::NaiveDate::from_ymd_opt(2023, 10, 24 + r as u32)
                    .and_then(|d| d.and_hms_opt(9, 30, 0))
                    .expect("a time");
                ws.write_datetime_with_format(r as u32, c as u16, t, &date).expect("a date");
            } else if !cell.is_empty() {
                ws.write_string(r as u32, c as u16, cell).expect("a cell");
            }
        }
    }
    book.save(&path).expect("the workbook");
    let out = import_out(&f, &path, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(&f), 2);
    let r = f.json(&["show", "20231025-MKT-005"]);
    assert!(r["proposed_at"].as_str().expect("a time").starts_with("2023-10-25T09:30"));
}

/// Runs an import that must be refused with nothing written; returns stdout and stderr.
fn refused(f: &Fixture, file: &std::path::Path, bytes: &[u8], needles: &[&str]) -> String {
    std::fs::write(file, bytes).expect("the fixture");
    let before = f.snapshot();
    let out = import_out(f, file, &[]);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{file:?} should be refused: {all}");
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1, "one line of refusal: {all}");
    for needle in needles {
        assert!(all.contains(needle), "{file:?}: should mention {needle:?}: {all}");
    }
    assert_eq!(f.snapshot(), before, "{file:?} was refused but changed the database");
    all
}

#[test]
fn malformed_files_are_refused_whole_naming_row_and_column() {
    let f = Fixture::new();
    f.org();
    let good = csv_text(&sheet_rows());
    // A wrong column count, in the middle of good rows.
    let mut lines: Vec<&str> = good.lines().collect();
    lines.insert(2, "20231025-MKT-009,缺列的一行,背景");
    refused(&f, &f.path("cols.csv"), lines.join("\n").as_bytes(), &["row 3", "3 columns", "12"]);
    // Unknown encoding (Latin-1 bytes that are neither UTF-8 nor GB18030).
    let mut latin = good.clone().into_bytes();
    latin.extend_from_slice(b"\xff\xfe\xfd,\x80\x80\n");
    refused(&f, &f.path("latin.csv"), &latin, &["encoding", "UTF-8"]);
    // A bad date, an unknown department and an unknown person: every one listed.
    let mut rows = sheet_rows();
    rows[1][7] = "25/10/2023".into();
    rows[2][4] = "法务部".into();
    rows[2][6] = "赵六".into();
    let all = refused(
        &f,
        &f.path("bad.csv"),
        csv_text(&rows).as_bytes(),
        &["row 2", "提出时间", "row 3", "法务部", "赵六"],
    );
    assert!(all.contains("2023-10-25 09:30"), "says what to write instead: {all}");
    // Not what the extension says.
    refused(&f, &f.path("fake.xlsx"), good.as_bytes(), &[".xlsx", "text (CSV)"]);
    refused(&f, &f.path("fake.csv"), b"PK\x03\x04not really", &[".csv", "Excel"]);
    // A truncated workbook and a truncated Word file.
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "标题").expect("a cell");
    let bytes = book.save_to_buffer().expect("bytes");
    refused(&f, &f.path("cut.xlsx"), &bytes[..bytes.len() / 2], &["damaged or truncated"]);
    refused(&f, &f.path("cut.docx"), &bytes[..100], &["cannot import a .docx"]);
    // A 50 MB file is refused before it is read.
    let big = f.path("big.csv");
    std::fs::File::create(&big).and_then(|file| file.set_len(50 << 20)).expect("a sparse file");
    let before = f.snapshot();
    let line = f.fail(&["import", big.to_str().expect("UTF-8")]);
    assert!(line.contains("50.0 MiB") && line.contains("split"), "{line}");
    assert_eq!(f.snapshot(), before);
    // Formulas and merged cells in a workbook.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (r, row) in sheet_rows().iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, cell).expect("a cell");
        }
    }
    ws.write_formula(1, 1, "=CONCAT(\"a\",\"b\")").expect("a formula");
    ws.merge_range(2, 2, 2, 3, "合并的背景与诉求", &rust_xlsxwriter::Format::new()).expect("a merge");
    let bytes = book.save_to_buffer().expect("bytes");
    refused(
        &f,
        &f.path("formula.xlsx"),
        &bytes,
        &["row 2", "formula", "paste it as values", "merged cells", "C3:D3"],
    );
}

#[test]
fn five_date_formats_import() {
    let f = Fixture::new();
    f.org();
    let mut rows = vec![sheet_rows()[0].clone()];
    for (i, when) in ["2023-10-25 09:30", "2023/10/25 9:30", "2023年10月25日09:30", "2023.10.25", "20231025"]
        .iter()
        .enumerate()
    {
        let mut row = sheet_rows()[2].clone();
        row[1] = format!("日期格式第{i}种的问题");
        row[7] = when.to_string();
        rows.push(row);
    }
    let file = f.path("dates.csv");
    std::fs::write(&file, csv_text(&rows)).expect("the fixture");
    let out = import_out(&f, &file, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(&f), 5);
}

/// Strips the internal ids everywhere.
fn without_ids(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter().filter(|(k, _)| k.as_str() != "id").map(|(k, x)| (k.clone(), without_ids(x))).collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_ids).collect()),
        x => x.clone(),
    }
}

#[test]
fn json_round_trip_on_demo_2000_is_exact_and_rules_are_enforced() {
    let a = Fixture::new();
    a.init();
    a.ok(&["demo", "--issues", "2000"]);
    let file = a.path("all.json");
    a.ok(&["export", "--json", "--all", file.to_str().expect("UTF-8")]);
    let b = Fixture::new();
    b.init();
    let out = import_out(&b, &file, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = b.path("again.json");
    b.ok(&["export", "--json", "--all", again.to_str().expect("UTF-8")]);
    let read = |p: &std::path::Path| -> Value {
        serde_json::from_slice(&std::fs::read(p).expect("the file")).expect("JSON")
    };
    let (x, y) = (read(&file), read(&again));
    let (xi, yi) = (x["issues"].as_array().expect("issues"), y["issues"].as_array().expect("issues"));
    assert_eq!(xi.len(), 2000);
    assert_eq!(yi.len(), 2000);
    for (p, q) in xi.iter().zip(yi) {
        assert_eq!(without_ids(p), without_ids(q), "{} differs", p["number"]);
    }
    assert!(b.ok(&["audit", "verify"]).contains("intact"));

    // A record that contradicts the rule book is refused, with the rule and its position.
    let c = Fixture::new();
    c.init();
    let mut broken = x.clone();
    let issues = broken["issues"].as_array_mut().expect("issues");
    let at = issues.iter().position(|i| i["status"] == "resolved").expect("a resolved issue");
    issues[at]["acceptance"] = Value::Null;
    let file = c.path("broken.json");
    std::fs::write(&file, serde_json::to_vec(&broken).expect("JSON")).expect("the file");
    let before = c.snapshot();
    let out = import_out(&c, &file, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text.contains(&format!("row {}", at + 1)) && text.contains("closed_without_acceptance"),
        "{text}"
    );
    assert_eq!(c.snapshot(), before);
}

#[test]
fn attachments_keep_their_bytes_limit_names_and_the_audit_covers_them() {
    let f = Fixture::new();
    let (_, archived) = full_issue(&f);
    let n = f.add("li", "附件测试：测试报告归档", "RD", "medium", None);
    let report = f.path("测试报告.pdf");
    let bytes: Vec<u8> =
        b"%PDF-1.4\n".iter().copied().chain((0..5000u32).map(|i| (i * 7 % 251) as u8)).collect();
    std::fs::write(&report, &bytes).expect("the file");
    let added = f.json(&["--as", "li", "attach", &n, report.to_str().expect("UTF-8"), "--note", "测试报告"]);
    assert_eq!(added["mime"], "application/pdf");
    assert_eq!(added["size"], bytes.len());
    let id = added["id"].as_i64().expect("an id").to_string();
    let list = f.json(&["attachments", &n]);
    assert_eq!(list[0]["sha256"], added["sha256"]);
    let out = f.path("out");
    std::fs::create_dir(&out).expect("a directory");
    f.ok(&["attachment", "save", &n, &id, out.to_str().expect("UTF-8")]);
    assert!(cli_support::same_bytes(&out.join("测试报告.pdf"), &bytes), "saved back identical");
    // The event carries the hash.
    let events = f.json(&["show", &n])["events"].clone();
    assert!(
        events
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["kind"] == "attachment_added" && e["after"]["sha256"] == added["sha256"])
    );
    // Archived issues are read-only: the rule book says so.
    f.refused(&["attach", &archived, report.to_str().expect("UTF-8")], &["archived"]);
    // The size limit.
    f.ok(&["settings", "attachment-limit", "4KiB"]);
    f.refused(&["attach", &n, report.to_str().expect("UTF-8")], &["4.0 KiB", "attachment-limit"]);
    // A stored name with a path is saved inside the chosen directory; control characters are
    // shown as placeholders.
    let conn = rusqlite::Connection::open(&f.db).expect("the database");
    conn.execute("UPDATE attachments SET name = '../../escape'||char(27)||'.txt'", []).expect("a name");
    let listed = f.ok(&["attachments", &n]);
    assert!(!listed.contains('\u{1b}') && listed.contains('␛'), "{listed}");
    f.ok(&["attachment", "save", &n, &id, out.to_str().expect("UTF-8")]);
    assert!(out.join("escape_.txt").exists());
    assert!(!f.dir.path().join("escape_.txt").exists() && !f.path("../escape_.txt").exists());
    assert!(f.ok(&["audit", "verify"]).contains("intact"));
    // A tampered attachment is found.
    conn.execute("UPDATE attachments SET content = x'00', sha256 = '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'", []).expect("tampering");
    let line = f.fail(&["audit", "verify"]);
    assert!(line.contains(&format!("attachment #{id}")) && line.contains(&n), "{line}");
}

#[test]
fn rows_without_a_number_are_matched_by_their_id_column_on_a_second_run() {
    let f = Fixture::new();
    f.org();
    let mut rows: Vec<Vec<String>> = sheet_rows().into_iter().map(|r| r[1..].to_vec()).collect();
    rows[0].insert(0, "ID".into());
    rows[1].insert(0, "A-17".into());
    rows[2].insert(0, "A-18".into());
    let file = f.path("ids.csv");
    std::fs::write(&file, csv_text(&rows)).expect("the fixture");
    assert!(import_out(&f, &file, &[]).status.success());
    assert_eq!(count(&f), 2);
    // The sheet was edited since: the titles changed, the ids did not.
    rows[1][1].push_str("（修订）");
    rows[2][1].push_str("（修订）");
    std::fs::write(&file, csv_text(&rows)).expect("the fixture");
    let out = import_out(&f, &file, &[]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("2 already there"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(count(&f), 2);
}
