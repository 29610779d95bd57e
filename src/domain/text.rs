//! Text that is safe to show on a terminal and that fits its columns.
//!
//! Text from the shared database was typed by anyone, so it never reaches a terminal raw:
//! [`sanitize`] (or [`sanitize_line`] for a list cell) replaces whatever a terminal would
//! interpret with a visible placeholder, and [`clean_input`] drops it before it is stored.
//! Widths are terminal columns as `unicode-width` counts them (CJK = 2), so that columns line
//! up with Chinese text. The width functions expect text that went through `sanitize`.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Tabs are expanded to the next multiple of this many columns.
pub const TAB_STOP: usize = 4;

/// Ends a truncated text.
pub const ELLIPSIS: char = '…';

/// The most characters a title may hold, an issue's or a task's: one line in a list.
pub const MAX_TITLE_CHARS: usize = 80;

/// Characters as limits count them: after trimming, each char one (a Chinese character is one
/// character, though two columns wide).
pub fn char_count(text: &str) -> usize {
    text.trim().chars().count()
}

/// Whether `text` keeps within `max` characters; if not, what to tell the person, naming the
/// field by its (English, Chinese) label.
pub fn check_length(text: &str, max: usize, label: (&str, &str)) -> Result<(), crate::i18n::Bilingual> {
    let n = char_count(text);
    if n <= max {
        return Ok(());
    }
    Err(crate::i18n::Bilingual::new(
        format!("{} is too long: {n} characters, at most {max}", label.0),
        format!("「{}」过长：{n} 个字，最多 {max} 个字", label.1),
    ))
}

/// Whether a terminal could act on `c` instead of showing it: C0 controls other than '\n' and
/// '\t', DEL, C1 controls and the bidirectional controls.
pub fn is_control(c: char) -> bool {
    (c < ' ' && c != '\n' && c != '\t')
        || c == '\u{7F}'
        || ('\u{80}'..='\u{9F}').contains(&c)
        || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    let ranges = ['\u{202A}'..='\u{202E}', '\u{2066}'..='\u{2069}', '\u{200E}'..='\u{200F}'];
    c == '\u{061C}' || ranges.iter().any(|range| range.contains(&c))
}

/// The visible stand-in for a control: a Control Pictures char for C0 and DEL, else U+FFFD.
fn placeholder(c: char) -> char {
    match c {
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

/// Replaces what a terminal would interpret: C0 controls except '\n' (and '\t', which is
/// expanded to spaces up to the next multiple of [`TAB_STOP`] columns, counted in display
/// width since the last '\n'), DEL, C1 controls and bidi controls — each by a visible
/// placeholder: C0 → its Control Pictures char (ESC → '␛', CR → '␍'), DEL → '␡', C1 and bidi →
/// '�'. Returns `Cow::Borrowed` when nothing changes.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    sanitize_with(text, None)
}

/// Same as [`sanitize`], for one line (a list cell): a newline becomes a single space.
pub fn sanitize_line(text: &str) -> Cow<'_, str> {
    sanitize_with(text, Some(' '))
}

fn sanitize_with(text: &str, newline: Option<char>) -> Cow<'_, str> {
    let changes = |c: char| is_control(c) || c == '\t' || (c == '\n' && newline.is_some());
    let Some(first) = text.find(changes) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    // Tab stops: `out[seg_start..]` begins at column `seg_col` of the current line.
    let mut seg_start = out.rfind('\n').map_or(0, |i| i + 1);
    let mut seg_col = 0;
    for c in text[first..].chars() {
        match c {
            '\n' => match newline {
                Some(replacement) => out.push(replacement),
                None => {
                    out.push('\n');
                    seg_start = out.len();
                    seg_col = 0;
                }
            },
            '\t' => {
                let col = seg_col + out[seg_start..].width();
                let spaces = TAB_STOP - col % TAB_STOP;
                out.extend(std::iter::repeat_n(' ', spaces));
                seg_start = out.len();
                seg_col = col + spaces;
            }
            c if is_control(c) => out.push(placeholder(c)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Cleans typed input before it is stored: converts "\r\n" and a lone '\r' to '\n'; drops C0
/// controls other than '\n' and '\t', DEL, C1 and bidi controls; trims trailing whitespace on
/// each line; trims the whole.
pub fn clean_input(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                kept.push('\n');
            }
            c if is_control(c) => {}
            c => kept.push(c),
        }
    }
    let lines: Vec<&str> = kept.split('\n').map(str::trim_end).collect();
    lines.join("\n").trim().to_string()
}

/// Display width in terminal columns (`unicode-width`; CJK = 2).
pub fn width(text: &str) -> usize {
    text.width()
}

/// Splits text into the pieces that must stay together: a char with the zero-width chars that
/// follow it (combining marks, variation selectors), emoji joined by ZWJ, emoji modifiers and
/// regional-indicator pairs (flags). Yields (byte offset, piece).
fn clusters(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, base) = rest.next()?;
        let mut end = start + base.len_utf8();
        let mut joined = false; // the last char was a ZWJ: the next char belongs here too
        let mut pairs_flag = is_regional_indicator(base);
        while let Some(&(i, c)) = rest.peek() {
            let belongs = joined
                || c.width() == Some(0)
                || ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
                || (pairs_flag && is_regional_indicator(c));
            if !belongs {
                break;
            }
            pairs_flag = false;
            joined = c == '\u{200D}';
            end = i + c.len_utf8();
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// Cuts to at most `max` columns, ending with '…' when cut. Never splits a character (nor a
/// base char from its combining marks); never exceeds `max`, so when the last char that would
/// fit is wide the result is one column shorter. `max = 0` gives "".
pub fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if text.width() <= max {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let budget = max - 1; // the ellipsis takes one column
    let mut end = 0;
    let mut used = 0;
    for (start, piece) in clusters(text) {
        used += piece.width();
        if used > budget {
            break;
        }
        end = start + piece.len();
    }
    // A few sequences are wider together than apart: check the whole prefix.
    let mut prefix = &text[..end];
    while prefix.width() > budget {
        let last = clusters(prefix).last().map_or(0, |(start, _)| start);
        prefix = &prefix[..last];
    }
    let prefix = prefix.trim_end();
    let mut out = String::with_capacity(prefix.len() + ELLIPSIS.len_utf8());
    out.push_str(prefix);
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// [`truncate`]s to `width` columns, then pads with spaces on the right to exactly `width`.
pub fn pad(text: &str, width: usize) -> String {
    let cut = truncate(text, width);
    let used = cut.width();
    let mut out = String::with_capacity(cut.len() + width.saturating_sub(used));
    out.push_str(&cut);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// [`truncate`]s to `width` columns, then pads with spaces on the left to exactly `width`
/// (right alignment, for numbers).
pub fn pad_left(text: &str, width: usize) -> String {
    let cut = truncate(text, width);
    let mut out: String = std::iter::repeat_n(' ', width.saturating_sub(cut.width())).collect();
    out.push_str(&cut);
    out
}

/// Punctuation that must not begin a line: it stays with what precedes it.
const NO_BREAK_BEFORE: &str = "，。、；：？！）」』》〉】〕”’…～,.;:!?)]}%";

/// Punctuation that must not end a line: it stays with what follows it.
const NO_BREAK_AFTER: &str = "（「『《〈【〔“‘([{";

/// A run of a paragraph that wrapping keeps whole: (start, end, is_space).
type Unit = (usize, usize, bool);

/// Splits a paragraph where a line may break: around runs of spaces, and on both sides of
/// each wide (CJK) char, except before closing and after opening punctuation.
fn units(paragraph: &str) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut open = false; // the last unit is a Latin word that takes more narrow chars
    let mut glue_next = false; // the last unit ends with an opening bracket
    for (start, piece) in clusters(paragraph) {
        let end = start + piece.len();
        let base = piece.chars().next().unwrap_or(' ');
        let last = units.last_mut();
        if base.is_whitespace() {
            match last {
                Some(unit) if unit.2 => unit.1 = end,
                _ => units.push((start, end, true)),
            }
            open = false;
            glue_next = false;
            continue;
        }
        let wide = piece.width() >= 2;
        match last {
            Some(unit) if !unit.2 && (glue_next || NO_BREAK_BEFORE.contains(base) || (open && !wide)) => {
                unit.1 = end
            }
            _ => units.push((start, end, false)),
        }
        open = !wide;
        glue_next = NO_BREAK_AFTER.contains(base);
    }
    units
}

/// Wraps to lines of at most `width` columns: breaks at spaces in Latin text and between any
/// two CJK chars, never inside a character; keeps each '\n'; a word longer than a line is
/// broken between chars, and a single char wider than `width` goes alone on its line. Spaces
/// where a line breaks are dropped. Always returns at least one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, width, &mut lines);
    }
    lines
}

fn wrap_paragraph(paragraph: &str, width: usize, lines: &mut Vec<String>) {
    let mut line = String::new();
    let mut used = 0;
    let mut pending = ""; // spaces before the next word, dropped if the line breaks there
    for (start, end, is_space) in units(paragraph) {
        let unit = &paragraph[start..end];
        if is_space {
            pending = unit;
            continue;
        }
        let unit_width = unit.width();
        let pending_width = pending.width();
        if used + pending_width + unit_width <= width {
            line.push_str(pending);
            line.push_str(unit);
            used += pending_width + unit_width;
        } else {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            for (_, piece) in clusters(unit) {
                let piece_width = piece.width();
                if used + piece_width > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push_str(piece);
                used += piece_width;
            }
        }
        pending = "";
    }
    lines.push(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: impl Fn(&str) -> String, cases: &[(&str, &str)]) {
        for &(input, expected) in cases {
            assert_eq!(f(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn lengths_count_characters_not_columns() {
        assert_eq!(char_count("  积分兑换 API  "), 8);
        let at_most = "积".repeat(MAX_TITLE_CHARS);
        assert!(check_length(&at_most, MAX_TITLE_CHARS, ("Title", "标题")).is_ok());
        let over = format!("{at_most}分");
        let refusal = check_length(&over, MAX_TITLE_CHARS, ("Title", "标题")).expect_err("too long");
        assert_eq!(refusal.en, "Title is too long: 81 characters, at most 80");
        assert_eq!(refusal.zh, "「标题」过长：81 个字，最多 80 个字");
    }

    #[test]
    fn sanitize_replaces_controls() {
        #[rustfmt::skip]
        check(|t| sanitize(t).into_owned(), &[
            ("plain 中文", "plain 中文"), ("a\nb", "a\nb"),
            ("\u{00A0}\u{00A9}", "\u{00A0}\u{00A9}"), ("\x1b[31mred", "␛[31mred"),
            ("\x1b]0;title\x07", "␛]0;title␇"), ("\x1bP..\x1b\\", "␛P..␛\\"), ("a\rb", "a␍b"),
            ("a\r\nb", "a␍\nb"), ("\0x\x1f", "␀x␟"), ("del\x7f", "del␡"),
            ("\u{202E}evil", "\u{FFFD}evil"),
            ("\u{2066}\u{2069}\u{200E}\u{200F}\u{061C}", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
            ("next\u{0085}line", "next\u{FFFD}line"), ("\u{009B}31m", "\u{FFFD}31m"),
        ]);
    }

    #[test]
    fn sanitize_expands_tabs_by_display_width() {
        #[rustfmt::skip]
        check(|t| sanitize(t).into_owned(), &[
            ("\tx", "    x"), ("ab\tx", "ab  x"), ("abcd\tx", "abcd    x"), ("中\tx", "中  x"),
            ("中文\tx", "中文    x"), ("中文字\tx", "中文字  x"), ("a中\t\tx", "a中     x"),
            ("中文\n中\tx", "中文\n中  x"), ("e\u{301}\tx", "e\u{301}   x"), ("\x1b\tx", "␛   x"),
        ]);
    }

    #[test]
    fn sanitize_line_flattens_newlines() {
        #[rustfmt::skip]
        check(|t| sanitize_line(t).into_owned(), &[
            ("a\nb", "a b"), ("a\r\nb", "a␍ b"), ("中\n\t文", "中  文"), ("\x1b[2J\n", "␛[2J "),
        ]);
        assert!(!sanitize_line("a\nb\rc\x1b\u{9B}").contains(['\n', '\r', '\x1b', '\u{9B}']));
    }

    #[test]
    fn sanitize_borrows_when_unchanged() {
        assert!(matches!(sanitize("安全 text\n第二行"), Cow::Borrowed(_)));
        assert!(matches!(sanitize("\x1b"), Cow::Owned(_)));
        assert!(matches!(sanitize_line("one line 一行"), Cow::Borrowed(_)));
        assert!(matches!(sanitize_line("two\nlines"), Cow::Owned(_)));
    }

    #[test]
    fn clean_input_drops_controls_and_trims() {
        #[rustfmt::skip]
        check(clean_input, &[
            ("  标题  ", "标题"), ("a\r\nb\rc\nd", "a\nb\nc\nd"),
            ("\x1b[31mred\x1b[0m", "[31mred[0m"), ("a\tb", "a\tb"),
            ("line  \t\nnext   ", "line\nnext"), ("\u{202E}evil\u{2069}", "evil"),
            ("x\u{0085}y\x7f", "xy"), ("\n\n  first\n\n", "first"),
            ("全角\u{3000}\n下一行", "全角\n下一行"), ("\r\n\r\n", ""),
        ]);
    }

    #[test]
    fn width_counts_columns() {
        #[rustfmt::skip]
        let cases = [
            ("", 0), ("abc", 3), ("中文", 4), ("a中b", 4), ("e\u{301}", 1), ("😀", 2), ("👍🏽", 2),
            ("ｆｕｌｌ", 8), ("，。", 4),
        ];
        for (input, expected) in cases {
            assert_eq!(width(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn truncate_table() {
        #[rustfmt::skip]
        let cases = [
            // "ab中文c" is 7 columns: every max, odd ones landing inside a wide char.
            ("ab中文c", 0, ""), ("ab中文c", 1, "…"), ("ab中文c", 2, "a…"), ("ab中文c", 3, "ab…"),
            ("ab中文c", 4, "ab…"), ("ab中文c", 5, "ab中…"), ("ab中文c", 6, "ab中…"),
            ("ab中文c", 7, "ab中文c"), ("ab中文c", 8, "ab中文c"), ("中文字", 4, "中…"),
            ("中文字", 5, "中文…"), ("中文字", 6, "中文字"), ("hello world", 7, "hello…"),
            ("😀😀😀", 4, "😀…"), ("😀😀😀", 3, "😀…"), ("cafe\u{301} ok", 5, "cafe\u{301}…"),
            ("e\u{301}e\u{301}e\u{301}", 2, "e\u{301}…"), ("👍🏽👍🏽", 3, "👍🏽…"), ("", 0, ""),
            ("", 3, ""),
        ];
        for (input, max, expected) in cases {
            let cut = truncate(input, max);
            assert_eq!(cut, expected, "input {input:?} max {max}");
            assert!(width(&cut) <= max, "input {input:?} max {max}");
        }
        assert!(matches!(truncate("fits", 4), Cow::Borrowed(_)));
    }

    #[test]
    fn truncate_never_exceeds_max() {
        let samples =
            ["问题描述clear清晰化😀e\u{301}x", "\u{2764}\u{FE0F}\u{2764}\u{FE0F}ab", "ｆｕｌｌ全角"];
        for sample in samples {
            for max in 0..=width(sample) + 1 {
                let cut = truncate(sample, max);
                let used = width(&cut);
                assert!(used <= max && (max < 2 || used + 1 >= max), "{sample:?} {max}: {cut:?}");
            }
        }
    }

    #[test]
    fn pad_gives_exact_widths() {
        #[rustfmt::skip]
        let cases = [
            ("ab", 4, "ab  "), ("中文", 4, "中文"), ("中文", 5, "中文 "), ("中文字", 5, "中文…"),
            ("中文字", 4, "中… "), ("技术部 Tech", 12, "技术部 Tech "),
            ("e\u{301}", 3, "e\u{301}  "), ("anything", 0, ""),
        ];
        for (input, cols, expected) in cases {
            let padded = pad(input, cols);
            assert_eq!((padded.as_str(), width(&padded)), (expected, cols), "{input:?} {cols}");
        }
        assert_eq!(pad_left("42", 5), "   42");
        assert_eq!(pad_left("中文字", 4), " 中…");
    }

    fn wrapped(text: &str, cols: usize) -> Vec<String> {
        let lines = wrap(text, cols);
        for line in &lines {
            let single = clusters(line).count() == 1;
            assert!(width(line) <= cols || single, "{line:?} is wider than {cols}");
        }
        lines
    }

    #[test]
    fn wrap_table() {
        #[rustfmt::skip]
        let cases: &[(&str, usize, &[&str])] = &[
            ("", 10, &[""]), ("the quick brown fox", 10, &["the quick", "brown fox"]),
            ("the quick brown fox", 9, &["the quick", "brown fox"]),
            ("需技术部开发积分兑换接口", 8, &["需技术部", "开发积分", "兑换接口"]),
            ("需技术部开发积分兑换接口", 7, &["需技术", "部开发", "积分兑", "换接口"]),
            ("请提供API接口文档", 8, &["请提供", "API接口", "文档"]),
            ("开发接口，提供规则。", 10, &["开发接口，", "提供规则。"]),
            ("开发「积分」接口", 6, &["开发", "「积", "分」接", "口"]),
            ("a supercalifragilistic word", 8, &["a", "supercal", "ifragili", "stic", "word"]),
            ("line one\n\nline two", 20, &["line one", "", "line two"]),
            ("  indented text", 20, &["  indented text"]),
            ("spaces    between", 8, &["spaces", "between"]), ("中文", 1, &["中", "文"]),
            ("a中b", 1, &["a", "中", "b"]), ("😀😀😀", 4, &["😀😀", "😀"]),
            ("cafe\u{301} cafe\u{301}", 4, &["cafe\u{301}", "cafe\u{301}"]),
            ("3个工作日内交付测试", 6, &["3个工", "作日内", "交付测", "试"]),
        ];
        for &(input, cols, expected) in cases {
            assert_eq!(wrapped(input, cols), expected, "input {input:?} width {cols}");
        }
    }

    #[test]
    fn wrap_keeps_all_text() {
        let text =
            "背景：用户反馈 app 的积分兑换页面 loading 很久，verylongidentifier_without_spaces 也要处理。";
        let original: String = text.split_whitespace().collect();
        for cols in 1..40 {
            let joined: String = wrapped(text, cols).concat().split_whitespace().collect();
            assert_eq!(joined, original, "width {cols}");
        }
    }
}
