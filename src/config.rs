//! Where the database is and which language to speak: flags, environment, configuration files.
//!
//! The database path, first found wins: `--db`, `LIAISON_DB`, the user's configuration
//! (`$XDG_CONFIG_HOME/liaison/config.toml`), the system configuration (`/etc/liaison/config.toml`),
//! then `$XDG_DATA_HOME/liaison/liaison.db` (by default `~/.local/share/liaison/liaison.db`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::Lang;

pub const SYSTEM_CONFIG: &str = "/etc/liaison/config.toml";

/// What a configuration file may say (all optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub db: Option<PathBuf>,
    pub lang: Option<String>,
    /// The console's keys: action name → keys, e.g. `quit = ["q", "ctrl-c"]`.
    #[serde(default)]
    pub keys: BTreeMap<String, Vec<String>>,
    /// Named filters the console offers in its palette.
    #[serde(default)]
    pub filters: Vec<SavedFilter>,
    /// Whether the console takes the mouse (on by default).
    pub mouse: Option<bool>,
}

/// A filter saved under a name:
///
/// ```toml
/// [[filters]]
/// name = "研发部高优先级"
/// view = "open"          # inbox, open, department, deadlines, escalated, awaiting, archived, all
/// dept = "RD"
/// priority = "high"
/// text = "接口"
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedFilter {
    pub name: String,
    pub view: Option<String>,
    pub dept: Option<String>,
    pub priority: Option<String>,
    pub text: Option<String>,
}

/// What the console takes from the configuration files.
#[derive(Debug, Clone, Default)]
pub struct ConsoleConfig {
    pub keys: BTreeMap<String, Vec<String>>,
    pub filters: Vec<SavedFilter>,
    pub mouse: bool,
}

impl FileConfig {
    /// Reads a configuration file; a missing file is an empty configuration.
    pub fn load(path: &Path) -> Result<FileConfig, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileConfig::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

fn xdg(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home().map(|h| h.join(fallback)))
}

pub fn user_config_path() -> Option<PathBuf> {
    xdg("XDG_CONFIG_HOME", ".config").map(|d| d.join("liaison").join("config.toml"))
}

pub fn default_db_path() -> PathBuf {
    xdg("XDG_DATA_HOME", ".local/share")
        .unwrap_or_else(|| PathBuf::from("."))
        .join("liaison")
        .join("liaison.db")
}

/// The resolved settings for one run.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub db: PathBuf,
    pub lang: Lang,
    pub console: ConsoleConfig,
}

/// Resolves the database and the language from the flag values and the files.
pub fn resolve(db_flag: Option<PathBuf>, lang_flag: Option<Lang>) -> Result<Resolved, String> {
    let user = match user_config_path() {
        Some(path) => FileConfig::load(&path)?,
        None => FileConfig::default(),
    };
    let system = FileConfig::load(Path::new(SYSTEM_CONFIG))?;
    let db = db_flag
        .or_else(|| std::env::var_os("LIAISON_DB").filter(|v| !v.is_empty()).map(PathBuf::from))
        .or(user.db.clone())
        .or(system.db.clone())
        .unwrap_or_else(default_db_path);
    let lang = lang_flag
        .or_else(|| user.lang.as_deref().and_then(Lang::parse))
        .or_else(|| system.lang.as_deref().and_then(Lang::parse))
        .or_else(Lang::from_env)
        .unwrap_or_default();
    // The user's keys and filters come after (and win over) the system's.
    let mut keys = system.keys;
    keys.extend(user.keys);
    let mut filters = system.filters;
    filters.extend(user.filters);
    let mouse = user.mouse.or(system.mouse).unwrap_or(true);
    Ok(Resolved { db, lang, console: ConsoleConfig { keys, filters, mouse } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_file_with_keys_and_filters() {
        let text = r#"
            lang = "zh"
            mouse = false
            [keys]
            quit = ["x"]
            [[filters]]
            name = "研发部高优先级"
            view = "open"
            dept = "RD"
            priority = "high"
        "#;
        let config: FileConfig = toml::from_str(text).expect("valid");
        assert_eq!(config.keys["quit"], vec!["x".to_string()]);
        assert_eq!(config.filters[0].dept.as_deref(), Some("RD"));
        assert_eq!(config.mouse, Some(false));
        let typo = toml::from_str::<FileConfig>("moose = true").expect_err("unknown keys are refused");
        assert!(typo.to_string().contains("moose"), "{typo}");
    }
}
