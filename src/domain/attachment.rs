//! Files kept with an issue (a test report, a screenshot, a signed acceptance): what is known of
//! them, and the rules for their names.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::model::local_time;

/// The default size limit: 20 MiB. Admins change it in the settings.
pub const DEFAULT_LIMIT: u64 = 20 << 20;

/// One attachment, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: i64,
    /// The name as given, exact; shown through the sanitizer and saved through [`safe_file_name`].
    pub name: String,
    pub size: u64,
    /// A media type guessed from the first bytes and the extension.
    pub mime: String,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub at: NaiveDateTime,
    pub by: String,
    /// SHA-256 of the bytes, lowercase hex; the event that added the file carries it too.
    pub sha256: String,
    pub note: Option<String>,
}

/// A name that is safe to create inside a chosen directory: the last path component only, no
/// NUL or control characters, no `.`/`..`, not empty, at most 200 bytes.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut clean: String = last
        .chars()
        .map(|c| if super::text::is_control(c) || c == '\0' || c == '\t' || c == '\n' { '_' } else { c })
        .collect();
    clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        clean = "attachment".to_string();
    }
    while clean.len() > 200 {
        clean.pop();
    }
    clean
}

/// A media type from the content's magic bytes, falling back to the extension.
pub fn sniff_mime(name: &str, head: &[u8]) -> &'static str {
    let magic: &[(&[u8], &str)] = &[
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF8", "image/gif"),
        (b"\xd0\xcf\x11\xe0", "application/x-ole-storage"),
    ];
    if let Some((_, mime)) = magic.iter().find(|(m, _)| head.starts_with(m)) {
        return mime;
    }
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    if head.starts_with(b"PK\x03\x04") {
        return match ext.as_str() {
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            _ => "application/zip",
        };
    }
    match ext.as_str() {
        "txt" | "log" | "md" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        _ if std::str::from_utf8(head).is_ok() => "text/plain",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_inside_the_directory() {
        for (name, want) in [
            ("report.pdf", "report.pdf"),
            ("../../etc/passwd", "passwd"),
            ("/etc/shadow", "shadow"),
            ("..", "attachment"),
            ("a\0b.txt", "a_b.txt"),
            ("C:\\Users\\x\\测试报告.docx", "测试报告.docx"),
            ("\u{1b}[31mred", "_[31mred"),
            ("", "attachment"),
            (".hidden", "hidden"),
        ] {
            assert_eq!(safe_file_name(name), want, "{name:?}");
        }
    }

    #[test]
    fn types_from_content() {
        assert_eq!(sniff_mime("x.bin", b"%PDF-1.7"), "application/pdf");
        assert_eq!(sniff_mime("x.docx", b"PK\x03\x04rest"), sniff_mime("y.DOCX", b"PK\x03\x04"));
        assert_eq!(sniff_mime("notes.txt", b"hello"), "text/plain");
        assert_eq!(sniff_mime("x", &[0xff, 0xfe, 0x00]), "application/octet-stream");
    }
}
