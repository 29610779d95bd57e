//! The search terms picked out wherever text is shown: the list's titles, the record's text
//! and the timeline, all in the same style. Terms match as the search does: each
//! whitespace-separated term, ignoring the case of ASCII letters.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Theme;
use crate::domain::text::wrap;

/// The terms of a search, ready to be found in text.
pub struct Terms {
    terms: Vec<Vec<char>>,
    /// How matches look: laid over the style of the text they are in.
    style: Style,
}

impl Terms {
    pub fn new(query: &str, theme: &Theme) -> Terms {
        let terms = query.split_whitespace().map(|t| t.chars().map(fold).collect()).collect();
        Terms { terms, style: theme.search }
    }

    /// Which chars of `chars` are part of a match.
    fn marks(&self, chars: &[char]) -> Vec<bool> {
        let mut marks = vec![false; chars.len()];
        for term in self.terms.iter().filter(|t| !t.is_empty() && t.len() <= chars.len()) {
            for start in 0..=chars.len() - term.len() {
                if chars[start..start + term.len()].iter().zip(term).all(|(c, t)| fold(*c) == *t) {
                    marks[start..start + term.len()].iter_mut().for_each(|m| *m = true);
                }
            }
        }
        marks
    }

    /// One line of text in `style`, its matches picked out.
    pub fn spans(&self, text: &str, style: Style) -> Vec<Span<'static>> {
        let chars: Vec<char> = text.chars().collect();
        let marks = self.marks(&chars);
        self.split(&chars, &marks, style)
    }

    pub fn line(&self, text: &str, style: Style) -> Line<'static> {
        Line::from(self.spans(text, style))
    }

    /// Text wrapped to `width` columns, each line after `indent`: a match broken over two lines
    /// is picked out on both.
    pub fn wrapped(&self, text: &str, width: usize, indent: &str, style: Style) -> Vec<Line<'static>> {
        let source: Vec<char> = text.chars().collect();
        let marks = self.marks(&source);
        let mut at = 0;
        wrap(text, width)
            .into_iter()
            .map(|line| {
                // Wrapping only drops white space (where a line breaks, and the '\n's): follow
                // the source past it to find each char's mark.
                let chars: Vec<char> = line.chars().collect();
                let mut line_marks = Vec::with_capacity(chars.len());
                for c in &chars {
                    while at < source.len() && source[at] != *c {
                        at += 1;
                    }
                    line_marks.push(marks.get(at).copied().unwrap_or(false));
                    at += 1;
                }
                let mut spans = Vec::new();
                if !indent.is_empty() {
                    spans.push(Span::styled(indent.to_string(), style));
                }
                spans.extend(self.split(&chars, &line_marks, style));
                Line::from(spans)
            })
            .collect()
    }

    /// Runs of marked and unmarked chars as spans.
    fn split(&self, chars: &[char], marks: &[bool], style: Style) -> Vec<Span<'static>> {
        let mut spans = Vec::new();
        let mut current = String::new();
        let mut marked = false;
        for (c, mark) in chars.iter().zip(marks) {
            if *mark != marked && !current.is_empty() {
                spans.push(self.span(std::mem::take(&mut current), marked, style));
            }
            marked = *mark;
            current.push(*c);
        }
        if !current.is_empty() || spans.is_empty() {
            spans.push(self.span(current, marked, style));
        }
        spans
    }

    fn span(&self, text: String, marked: bool, style: Style) -> Span<'static> {
        Span::styled(text, if marked { style.patch(self.style) } else { style })
    }
}

/// A char as the search compares it: ASCII letters in lower case.
fn fold(c: char) -> char {
    c.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(lines: &[Line]) -> Vec<String> {
        let theme = Theme::monochrome();
        lines
            .iter()
            .flat_map(|l| l.spans.iter())
            .filter(|s| s.style == Style::new().patch(theme.search))
            .map(|s| s.content.to_string())
            .collect()
    }

    #[test]
    fn terms_are_found_ignoring_ascii_case() {
        let terms = Terms::new("api 积分", &Theme::monochrome());
        let line = terms.line("新增积分兑换 API 接口，积分", Style::new());
        assert_eq!(marked(&[line]), ["积分", "API", "积分"]);
        assert_eq!(marked(&[Terms::new("", &Theme::monochrome()).line("积分", Style::new())]), [""; 0]);
    }

    #[test]
    fn a_match_broken_over_two_lines_is_marked_on_both() {
        let terms = Terms::new("兑换接口", &Theme::monochrome());
        // Eight columns a line: 需开发积 | 分兑换接 | 口 and.
        let lines = terms.wrapped("需开发积分兑换接口 and", 8, "  ", Style::new());
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(text, ["  需开发积", "  分兑换接", "  口 and"]);
        assert_eq!(marked(&lines), ["兑换接", "口"]);
        let lines = terms.wrapped("积分兑换\n接口 兑换接", 8, "", Style::new());
        assert_eq!(marked(&lines), [""; 0], "a line break in the text is no match");
    }
}
