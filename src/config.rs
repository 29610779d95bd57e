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
    /// The console's keys: action name → keys, e.g. `quit = ["q", "ctrl-c"]` for the main
    /// screen, and a table per overlay: `[keys.form]` `submit = ["ctrl-x"]`.
    #[serde(default, deserialize_with = "keys_table")]
    pub keys: BTreeMap<String, Vec<String>>,
    /// Named filters the console offers in its palette.
    #[serde(default)]
    pub filters: Vec<SavedFilter>,
    /// Whether the console takes the mouse (on by default).
    pub mouse: Option<bool>,
}

/// One entry of `[keys]`: an action's keys (one or a list), or a table of an overlay's actions.
#[derive(Deserialize)]
#[serde(untagged)]
enum KeysEntry {
    One(String),
    Many(Vec<String>),
    Table(BTreeMap<String, KeysEntry>),
}

/// Reads `[keys]` into names as the keymap knows them: `quit`, `form.submit`.
fn keys_table<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Vec<String>>, D::Error> {
    fn flatten(prefix: &str, entries: BTreeMap<String, KeysEntry>, out: &mut BTreeMap<String, Vec<String>>) {
        for (name, entry) in entries {
            let name = if prefix.is_empty() { name } else { format!("{prefix}.{name}") };
            match entry {
                KeysEntry::One(key) => {
                    out.insert(name, vec![key]);
                }
                KeysEntry::Many(keys) => {
                    out.insert(name, keys);
                }
                KeysEntry::Table(table) => flatten(&name, table, out),
            }
        }
    }
    let entries = BTreeMap::<String, KeysEntry>::deserialize(d)?;
    let mut out = BTreeMap::new();
    flatten("", entries, &mut out);
    Ok(out)
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

/// Why the configuration could not be resolved, in both languages.
pub type ConfigError = crate::i18n::Bilingual;

fn file_error(e: String) -> ConfigError {
    ConfigError::new(format!("configuration: {e}"), format!("配置文件错误：{e}"))
}

/// Where a database path came from, for the refusal while setgid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSources {
    pub flag: Option<PathBuf>,
    /// `LIAISON_DB` was set (setgid mode removes it from the environment at start).
    pub env: Option<PathBuf>,
    pub user: Option<PathBuf>,
    pub system: Option<PathBuf>,
}

/// The database to use. Normally the first of `--db`, `LIAISON_DB`, the user's configuration,
/// the system's, then the default. While setgid only the system configuration counts: anything
/// else would let a user point liaison's group at a file of their choosing, or at none.
pub fn pick_db(setgid: bool, sources: DbSources) -> Result<PathBuf, ConfigError> {
    if !setgid {
        return Ok(sources
            .flag
            .or(sources.env)
            .or(sources.user)
            .or(sources.system)
            .unwrap_or_else(default_db_path));
    }
    let refuse = |what_en: &str, what_zh: &str| {
        ConfigError::new(
            format!(
                "{what_en} is refused: this liaison is installed setgid for a shared database and \
                 takes it only from {SYSTEM_CONFIG}, so that nobody can point it at another file; \
                 remove {what_en}"
            ),
            format!(
                "拒绝使用{what_zh}：本 liaison 以 setgid 方式为共享数据库安装，只从 {SYSTEM_CONFIG} \
                 读取数据库路径，以免有人将其指向别的文件；请去掉{what_zh}"
            ),
        )
    };
    if sources.flag.is_some() {
        return Err(refuse("--db", " --db"));
    }
    if sources.env.is_some() {
        return Err(refuse("LIAISON_DB", " LIAISON_DB"));
    }
    if sources.user.is_some() {
        let path = user_config_path().map(|p| p.display().to_string()).unwrap_or_default();
        return Err(refuse(
            &format!("`db =` in your configuration {path}"),
            &format!("你的配置文件 {path} 中的 `db =`"),
        ));
    }
    sources.system.ok_or_else(|| {
        ConfigError::new(
            format!(
                "this liaison is installed setgid but {SYSTEM_CONFIG} names no database; an \
                 administrator runs `liaison admin setup-shared DIR --group GROUP --binary PATH`"
            ),
            format!(
                "本 liaison 以 setgid 方式安装，但 {SYSTEM_CONFIG} 中没有指定数据库；请管理员运行 \
                 `liaison admin setup-shared 目录 --group 组 --binary 路径`"
            ),
        )
    })
}

/// Resolves the database and the language from the flag values and the files. The user's own
/// configuration is read with the user's own group (see `privilege::as_user`).
pub fn resolve(db_flag: Option<PathBuf>, lang_flag: Option<Lang>) -> Result<Resolved, ConfigError> {
    let user = match user_config_path() {
        Some(path) => crate::privilege::as_user(|| Ok(FileConfig::load(&path)))
            .map_err(|e| file_error(format!("{}: {e}", path.display())))?
            .map_err(file_error)?,
        None => FileConfig::default(),
    };
    let system = FileConfig::load(Path::new(SYSTEM_CONFIG)).map_err(file_error)?;
    let setgid = crate::privilege::is_setgid();
    // While setgid, `privilege::harden` has removed LIAISON_DB and noted that it was set.
    let env = std::env::var_os("LIAISON_DB")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| crate::privilege::refused().liaison_db.then(|| PathBuf::from("LIAISON_DB")));
    let db =
        pick_db(setgid, DbSources { flag: db_flag, env, user: user.db.clone(), system: system.db.clone() })?;
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
            search = "F3"
            [keys.form]
            submit = ["ctrl-x"]
            [[filters]]
            name = "研发部高优先级"
            view = "open"
            dept = "RD"
            priority = "high"
        "#;
        let config: FileConfig = toml::from_str(text).expect("valid");
        assert_eq!(config.keys["quit"], vec!["x".to_string()]);
        assert_eq!(config.keys["search"], vec!["F3".to_string()]);
        assert_eq!(config.keys["form.submit"], vec!["ctrl-x".to_string()]);
        assert_eq!(config.filters[0].dept.as_deref(), Some("RD"));
        assert_eq!(config.mouse, Some(false));
        let typo = toml::from_str::<FileConfig>("moose = true").expect_err("unknown keys are refused");
        assert!(typo.to_string().contains("moose"), "{typo}");
    }

    #[test]
    fn while_setgid_only_the_system_configuration_names_the_database() {
        let p = |s: &str| Some(PathBuf::from(s));
        let all = DbSources { flag: p("/a"), env: p("/b"), user: p("/c"), system: p("/srv/l.db") };
        assert_eq!(pick_db(false, all.clone()), Ok(PathBuf::from("/a")));
        let env = DbSources { flag: None, ..all.clone() };
        assert_eq!(pick_db(false, env.clone()), Ok(PathBuf::from("/b")));
        let user = DbSources { env: None, ..env.clone() };
        assert_eq!(pick_db(false, user.clone()), Ok(PathBuf::from("/c")));
        let system = DbSources { user: None, ..user.clone() };
        assert_eq!(pick_db(true, system.clone()), Ok(PathBuf::from("/srv/l.db")));

        for (sources, names) in [(all, "--db"), (env, "LIAISON_DB"), (user, "`db =`")] {
            let e = pick_db(true, sources).expect_err("refused while setgid");
            assert!(e.en.contains(names) && e.en.contains(SYSTEM_CONFIG), "{}", e.en);
            assert!(e.zh.contains(names.trim_matches('`')) && e.zh.contains("setgid"), "{}", e.zh);
        }
        let none = pick_db(true, DbSources { system: None, ..system });
        assert!(none.expect_err("no database").en.contains("names no database"));
    }
}
