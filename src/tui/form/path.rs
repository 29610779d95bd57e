//! Completing a typed file path, as a shell does on Tab: the longest common continuation of the
//! names in its directory, and a `/` after a directory.

use std::path::{Path, PathBuf};

/// `~/` as the user's home.
pub fn expand(text: &str) -> PathBuf {
    match (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(text),
    }
}

/// The text completed, or None when Tab has nothing to add.
pub fn complete(text: &str) -> Option<String> {
    let (dir_text, prefix) = match text.rfind('/') {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    let dir = if dir_text.is_empty() { PathBuf::from(".") } else { expand(dir_text) };
    let entries = crate::privilege::as_user(|| std::fs::read_dir(&dir)).ok()?;
    let mut names: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_dir = e.file_type().ok()?.is_dir();
            (name.starts_with(prefix) && (prefix.starts_with('.') || !name.starts_with('.')))
                .then_some((name, is_dir))
        })
        .collect();
    names.sort();
    let completed = match names.as_slice() {
        [] => return None,
        [(name, is_dir)] => format!("{name}{}", if *is_dir { "/" } else { "" }),
        [(first, _), rest @ ..] => {
            let mut common = first.clone();
            for (name, _) in rest {
                while !name.starts_with(&common) {
                    common.pop();
                }
            }
            common
        }
    };
    (completed.len() > prefix.len()).then(|| format!("{dir_text}{completed}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_like_a_shell() {
        let dir = tempfile::tempdir().expect("a directory");
        let base = dir.path().display().to_string();
        std::fs::write(dir.path().join("测试报告.pdf"), b"x").expect("a file");
        std::fs::write(dir.path().join("测试用例.xlsx"), b"x").expect("a file");
        std::fs::create_dir(dir.path().join("scans")).expect("a directory");
        assert_eq!(complete(&format!("{base}/sc")), Some(format!("{base}/scans/")));
        assert_eq!(complete(&format!("{base}/测")), Some(format!("{base}/测试")));
        assert_eq!(complete(&format!("{base}/测试报")), Some(format!("{base}/测试报告.pdf")));
        assert_eq!(complete(&format!("{base}/测试报告.pdf")), None);
        assert_eq!(complete(&format!("{base}/nothing")), None);
    }
}
