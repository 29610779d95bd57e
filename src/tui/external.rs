//! What the console hands to the world outside it: the user's own editor for long text, and the
//! clipboard of the terminal on the user's side (OSC 52, which travels over SSH).

use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::process::Command;

/// The escape sequence that asks the terminal to put `text` on its clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The editor to run: `$VISUAL`, then `$EDITOR`, then `vi`.
fn editor() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Writes `text` to a private file, runs the editor on it (through the shell, so `EDITOR="code
/// --wait"` works) and reads it back. The terminal must be in its normal mode meanwhile. The file
/// is the user's and the editor runs without liaison's group (see `privilege`).
pub fn edit(text: &str) -> io::Result<String> {
    let path = crate::privilege::as_user(|| write_private(text))?;
    let status = crate::privilege::drop_group(
        Command::new("sh").arg("-c").arg(format!("{} \"$1\"", editor())).arg("liaison-editor").arg(&path),
    )
    .status();
    crate::privilege::as_user(|| {
        let result = match status {
            Ok(s) if s.success() => std::fs::read_to_string(&path),
            Ok(s) => Err(io::Error::other(format!("{} exited with {s}", editor()))),
            Err(e) => Err(e),
        };
        let _ = std::fs::remove_file(&path);
        result
    })
}

/// A new file only the user can read, holding `text`.
fn write_private(text: &str) -> io::Result<PathBuf> {
    let dir = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let path = dir.join(format!("liaison-edit-{}-{}.txt", std::process::id(), nanos()));
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?;
    file.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        file.write_all(b"\n")?;
    }
    drop(file);
    Ok(path)
}

fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_the_terminal_reads_it() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("编号".as_bytes()), "57yW5Y+3");
        assert_eq!(osc52("RD-1"), "\x1b]52;c;UkQtMQ==\x07");
    }
}
