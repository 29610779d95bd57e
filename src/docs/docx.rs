//! A small WordprocessingML writer: paragraphs, headings and tables, A4 with margins, a header
//! and page numbers, and East Asian fonts named on every run.
//!
//! Written by hand over `zip` rather than with a docx crate: the form needs a dozen elements, and
//! every run must carry `w:eastAsia` (宋体 / 黑体) beside a Latin font so that Word, WPS and
//! LibreOffice pick the same faces; writing the XML keeps that exact and adds no dependency
//! beyond the `zip` that the spreadsheet crates already bring.

use std::io::{Seek, Write};

use zip::write::SimpleFileOptions;

/// The fonts of one kind of text: a Latin face and an East Asian one.
#[derive(Debug, Clone, Copy)]
pub struct Fonts {
    pub latin: &'static str,
    pub east_asia: &'static str,
}

pub const TEXT: Fonts = Fonts { latin: "Times New Roman", east_asia: "宋体" };
pub const HEADING: Fonts = Fonts { latin: "Arial", east_asia: "黑体" };

/// A run of text with its look. Sizes are in half-points (21 = 10.5 pt, 五号).
#[derive(Debug, Clone)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub size: u32,
    pub fonts: Fonts,
}

impl Run {
    pub fn text(text: impl Into<String>) -> Run {
        Run { text: text.into(), bold: false, size: 21, fonts: TEXT }
    }
    pub fn bold(text: impl Into<String>) -> Run {
        Run { bold: true, fonts: HEADING, ..Run::text(text) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Justified, as Chinese body text is set.
    Left,
    /// Flush left, not stretched: for table cells, where justification spreads short lines.
    Start,
    Center,
    Right,
}

/// One table cell: runs, an optional grey label shading, and a span over several grid columns.
#[derive(Debug, Clone)]
pub struct Cell {
    pub runs: Vec<Run>,
    pub label: bool,
    pub span: u32,
}

impl Cell {
    pub fn label(text: impl Into<String>) -> Cell {
        Cell { runs: vec![Run::bold(text)], label: true, span: 1 }
    }
    pub fn value(text: impl Into<String>) -> Cell {
        Cell { runs: vec![Run::text(text)], label: false, span: 1 }
    }
    pub fn spanning(mut self, span: u32) -> Cell {
        self.span = span;
        self
    }
}

/// The document body being built, as XML.
#[derive(Debug, Default)]
pub struct Document {
    body: String,
}

impl Document {
    pub fn title(&mut self, text: &str) {
        let run = Run { size: 32, ..Run::bold(text) };
        self.body.push_str(&paragraph_xml(&[run], Align::Center, 240, true));
    }

    /// A section heading (一级: 14 pt 黑体) or a sub-heading (二级: 12 pt 黑体).
    pub fn heading(&mut self, level: u8, text: &str) {
        let size = if level == 1 { 28 } else { 24 };
        let run = Run { size, ..Run::bold(text) };
        // A heading stays on the page of what it heads.
        self.body.push_str(&paragraph_xml(&[run], Align::Left, 120, true));
    }

    pub fn text(&mut self, text: &str) {
        self.paragraph(&[Run::text(text)], Align::Left, 60);
    }

    pub fn paragraph(&mut self, runs: &[Run], align: Align, space_after: u32) {
        self.body.push_str(&paragraph_xml(runs, align, space_after, false));
    }

    /// A table across the text width; `widths` are the grid's column widths in twips.
    pub fn table(&mut self, widths: &[u32], rows: &[Vec<Cell>], header: bool) {
        let b = &mut self.body;
        b.push_str(
            "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblLayout w:type=\"fixed\"/><w:tblBorders>",
        );
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            b.push_str(&format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"));
        }
        b.push_str("</w:tblBorders><w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>");
        for w in widths {
            b.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        b.push_str("</w:tblGrid>");
        for (n, row) in rows.iter().enumerate() {
            b.push_str("<w:tr><w:trPr><w:cantSplit/>");
            if header && n == 0 {
                b.push_str("<w:tblHeader/>");
            }
            b.push_str("</w:trPr>");
            let mut col = 0usize;
            for cell in row {
                let span = cell.span.max(1) as usize;
                let width: u32 = widths.iter().skip(col).take(span).sum();
                col += span;
                b.push_str(&format!("<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"));
                if span > 1 {
                    b.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
                }
                if cell.label || (header && n == 0) {
                    b.push_str("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7E6E6\"/>");
                }
                b.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
                b.push_str(&paragraph_xml(&cell.runs, Align::Start, 0, false));
                b.push_str("</w:tc>");
            }
            b.push_str("</w:tr>");
        }
        b.push_str("</w:tbl>");
        // Word needs a paragraph between two tables, and it gives the next block some air.
        self.paragraph(&[], Align::Left, 60);
    }

    /// Writes the whole package: `header` goes at the top of every page, page numbers at the foot.
    pub fn write<W: Write + Seek>(
        &self,
        out: W,
        header: &str,
        footer: (&str, &str, &str),
        title: &str,
    ) -> zip::result::ZipResult<W> {
        let mut zip = zip::ZipWriter::new(out);
        let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let parts: [(&str, String); 9] = [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", ROOT_RELS.to_string()),
            ("docProps/core.xml", core(title)),
            ("docProps/app.xml", APP.to_string()),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
            ("word/styles.xml", styles()),
            ("word/settings.xml", SETTINGS.to_string()),
            ("word/header1.xml", part("hdr", &header_xml(header))),
            ("word/footer1.xml", part("ftr", &page_numbers(footer))),
        ];
        for (name, xml) in parts {
            zip.start_file(name, opts)?;
            zip.write_all(xml.as_bytes())?;
        }
        zip.start_file("word/document.xml", opts)?;
        zip.write_all(DOCUMENT_HEAD.as_bytes())?;
        zip.write_all(self.body.as_bytes())?;
        zip.write_all(SECTION.as_bytes())?;
        zip.finish()
    }

    #[cfg(test)]
    pub fn body(&self) -> &str {
        &self.body
    }
}

/// Text as XML character data: escaped, and without the characters XML 1.0 cannot hold.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn run_properties(run: &Run) -> String {
    let f = run.fonts;
    format!(
        "<w:rPr><w:rFonts w:ascii=\"{l}\" w:hAnsi=\"{l}\" w:eastAsia=\"{e}\" w:cs=\"{l}\"/>{b}<w:sz w:val=\"{s}\"/><w:szCs w:val=\"{s}\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr>",
        l = f.latin,
        e = f.east_asia,
        b = if run.bold { "<w:b/><w:bCs/>" } else { "" },
        s = run.size,
    )
}

fn paragraph_xml(runs: &[Run], align: Align, space_after: u32, keep_next: bool) -> String {
    let jc = match align {
        Align::Left => "both",
        Align::Start => "left",
        Align::Center => "center",
        Align::Right => "right",
    };
    let keep = if keep_next { "<w:keepNext/>" } else { "" };
    let mut p = format!(
        "<w:p><w:pPr>{keep}<w:spacing w:before=\"0\" w:after=\"{space_after}\"/><w:jc w:val=\"{jc}\"/>"
    );
    // The paragraph mark carries the fonts too, so an empty cell keeps the line height.
    p.push_str(&run_properties(runs.first().unwrap_or(&Run::text(""))));
    p.push_str("</w:pPr>");
    for run in runs {
        let props = run_properties(run);
        for (n, line) in run.text.split('\n').enumerate() {
            p.push_str("<w:r>");
            p.push_str(&props);
            if n > 0 {
                p.push_str("<w:br/>");
            }
            p.push_str(&format!("<w:t xml:space=\"preserve\">{}</w:t></w:r>", escape(line)));
        }
    }
    p.push_str("</w:p>");
    p
}

/// The header: the number at the right, over a thin rule.
fn header_xml(text: &str) -> String {
    paragraph_xml(&[Run { size: 18, ..Run::text(text) }], Align::Right, 0, false).replacen(
        "<w:pPr>",
        "<w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>",
        1,
    )
}

/// "第 PAGE 页，共 NUMPAGES 页" / "Page PAGE of NUMPAGES", centred.
fn page_numbers((before, middle, after): (&str, &str, &str)) -> String {
    let props = run_properties(&Run { size: 18, ..Run::text("") });
    let text = |t: &str| format!("<w:r>{props}<w:t xml:space=\"preserve\">{}</w:t></w:r>", escape(t));
    let field = |name: &str| {
        format!(
            "<w:r>{props}<w:fldChar w:fldCharType=\"begin\"/></w:r><w:r>{props}<w:instrText xml:space=\"preserve\"> {name} </w:instrText></w:r><w:r>{props}<w:fldChar w:fldCharType=\"separate\"/></w:r><w:r>{props}<w:t>1</w:t></w:r><w:r>{props}<w:fldChar w:fldCharType=\"end\"/></w:r>"
        )
    };
    format!(
        "<w:p><w:pPr><w:jc w:val=\"center\"/>{props}</w:pPr>{}{}{}{}{}</w:p>",
        text(before),
        field("PAGE"),
        text(middle),
        field("NUMPAGES"),
        text(after)
    )
}

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

fn part(root: &str, inner: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:{root} {NS}>{inner}</w:{root}>"
    )
}

fn core(title: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>liaison</dc:creator></cp:coreProperties>",
        escape(title)
    )
}

fn styles() -> String {
    let props = run_properties(&Run::text(""));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles {NS}><w:docDefaults><w:rPrDefault>{props}</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"300\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style><w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:tblPr><w:tblCellMar><w:left w:w=\"108\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style></w:styles>"
    )
}

/// A4 (11906 × 16838 twips), margins 2.54 cm top and bottom, 3.17 cm left and right (Word's
/// Chinese default), header and footer 1.5 cm from the edge.
pub const TEXT_WIDTH: u32 = 11906 - 2 * 1800;

const SECTION: &str = "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" w:right=\"1800\" w:bottom=\"1440\" w:left=\"1800\" w:header=\"851\" w:footer=\"851\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>";

const DOCUMENT_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/><Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/><Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/><Relationship Id=\"rIdHeader\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/><Relationship Id=\"rIdFooter\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/></Relationships>";

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:updateFields w:val=\"false\"/><w:defaultTabStop w:val=\"420\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>";

const APP: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>liaison</Application></Properties>";
