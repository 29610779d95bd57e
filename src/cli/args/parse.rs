//! Value parsers: typed text into domain values, with errors in the language of the arguments.

use crate::domain::deadline::ResponseRule;
use crate::domain::{MeetingMode, NumberFormat, Priority, Role, Status, TaskState};
use crate::i18n::Lang;
use crate::store::SortKey;

/// A size: bytes, or with KiB/MiB/GiB (K, M, G, KB, MB and GB mean the same).
pub fn size(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let unit = t[digits.len()..].trim();
    let shift = match unit {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("`{text}` is not a size: write e.g. 20MiB / 大小应写成 20MiB")),
    };
    let n: u64 =
        digits.parse().map_err(|_| format!("`{text}` is not a size: write e.g. 20MiB / 大小应写成 20MiB"))?;
    n.checked_shl(shift)
        .filter(|v| *v > 0 && v >> shift == n)
        .ok_or_else(|| format!("`{text}` is out of range / 超出范围"))
}

/// The language argument errors are written in: `--lang` if given, else the environment's.
/// Value parsers run before `Cli` exists, so `--lang` is read from the raw arguments.
pub fn argument_lang() -> Lang {
    static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();
    *LANG.get_or_init(|| {
        let args: Vec<String> = std::env::args().collect();
        let flag = args.iter().enumerate().find_map(|(i, a)| match a.strip_prefix("--lang") {
            Some("") => args.get(i + 1).cloned(),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        });
        flag.as_deref().and_then(Lang::parse).or_else(Lang::from_env).unwrap_or_default()
    })
}

fn env_lang() -> Lang {
    argument_lang()
}

pub(super) fn dept_code(text: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_uppercase();
    if crate::domain::number::is_valid_dept_code(&code) {
        Ok(code)
    } else {
        Err(env_lang()
            .pick(
                "is not a department code: 2 to 6 letters, e.g. RD, MKT",
                "不是部门代码：应为 2 到 6 个字母，如 RD、MKT",
            )
            .to_string())
    }
}

/// Any closed vocabulary of the domain (priority, role, state…), by code or label.
pub(super) trait Vocabulary: Sized + Copy + Send + Sync + 'static {
    fn parse_word(text: &str) -> Option<Self>;
    fn all_codes() -> String;
}

macro_rules! vocabulary_arg {
    ($($t:ty),+) => {$(
        impl Vocabulary for $t {
            fn parse_word(text: &str) -> Option<Self> { <$t>::parse(text) }
            fn all_codes() -> String { <$t>::codes() }
        }
    )+};
}

vocabulary_arg!(Priority, Role, NumberFormat, MeetingMode, TaskState, Status);

pub(super) fn vocab<T: Vocabulary>(text: &str) -> Result<T, String> {
    T::parse_word(text)
        .ok_or_else(|| format!("{} {}", env_lang().pick("choose one of:", "可选："), T::all_codes()))
}

/// A whole percentage, 0 to 100.
pub(super) fn percent(text: &str) -> Result<u8, String> {
    text.trim().parse::<u8>().ok().filter(|p| *p <= 100).ok_or_else(|| {
        env_lang().pick("give a whole number from 0 to 100", "请填写 0 到 100 的整数").to_string()
    })
}

pub(super) fn rule(text: &str) -> Result<ResponseRule, String> {
    ResponseRule::parse(text).ok_or_else(|| {
        env_lang()
            .pick("write hours like 24h or working days like 3wd", "请写成小时（如 24h）或工作日（如 3wd）")
            .to_string()
    })
}

pub(super) fn sort_key(text: &str) -> Result<SortKey, String> {
    SortKey::parse(text).ok_or_else(|| {
        format!("{} deadline, priority, updated, number", env_lang().pick("choose one of:", "可选："))
    })
}
