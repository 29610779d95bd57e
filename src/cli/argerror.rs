//! The command line's own errors (an unknown option, a missing argument, a bad value) in the
//! user's language, whole: clap's message is English, so each kind is said again from its parts.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::i18n::Lang;

/// One line saying what was wrong with the arguments and what to do.
pub fn message(e: &clap::Error, lang: Lang) -> String {
    let get = |kind: ContextKind| -> Option<String> {
        e.get(kind).map(|v| match v {
            ContextValue::String(s) => s.clone(),
            ContextValue::Strings(list) => list.join(lang.pick(", ", "、")),
            ContextValue::StyledStr(s) => s.to_string(),
            ContextValue::StyledStrs(list) => {
                list.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(lang.pick(", ", "、"))
            }
            ContextValue::Number(n) => n.to_string(),
            ContextValue::Bool(b) => b.to_string(),
            other => other.to_string(),
        })
    };
    let arg = get(ContextKind::InvalidArg).map(|a| option_name(&a)).unwrap_or_default();
    let value = get(ContextKind::InvalidValue).unwrap_or_default();
    let tip = |kind: ContextKind| {
        get(kind).map(|s| match lang {
            Lang::En => format!("; did you mean {s}?"),
            Lang::Zh => format!("（是否想输入 {s}？）"),
        })
    };
    let text = match (e.kind(), lang) {
        (ErrorKind::InvalidValue | ErrorKind::ValueValidation, _) => {
            let why = reason(e).or_else(|| {
                get(ContextKind::ValidValue).map(|v| format!("{} {v}", lang.pick("choose one of:", "可选：")))
            });
            let why = why.map(|w| format!("{}{w}", lang.pick(": ", "：")));
            match lang {
                Lang::En => format!("{arg} '{value}' is not valid{}", why.unwrap_or_default()),
                Lang::Zh => format!("{arg} 的值「{value}」无效{}", why.unwrap_or_default()),
            }
        }
        (ErrorKind::UnknownArgument, Lang::En) => {
            format!("there is no option {arg}{}", tip(ContextKind::SuggestedArg).unwrap_or_default())
        }
        (ErrorKind::UnknownArgument, Lang::Zh) => {
            format!("没有选项 {arg}{}", tip(ContextKind::SuggestedArg).unwrap_or_default())
        }
        (ErrorKind::InvalidSubcommand, Lang::En) => format!(
            "there is no command '{}'{}",
            get(ContextKind::InvalidSubcommand).unwrap_or_default(),
            tip(ContextKind::SuggestedSubcommand).unwrap_or_default()
        ),
        (ErrorKind::InvalidSubcommand, Lang::Zh) => format!(
            "没有命令「{}」{}",
            get(ContextKind::InvalidSubcommand).unwrap_or_default(),
            tip(ContextKind::SuggestedSubcommand).unwrap_or_default()
        ),
        (ErrorKind::MissingRequiredArgument, Lang::En) => format!("{arg} must be given"),
        (ErrorKind::MissingRequiredArgument, Lang::Zh) => format!("缺少必填参数：{arg}"),
        (ErrorKind::ArgumentConflict, Lang::En) => format!(
            "{arg} cannot be used with {}",
            get(ContextKind::PriorArg).map(|a| option_name(&a)).unwrap_or_default()
        ),
        (ErrorKind::ArgumentConflict, Lang::Zh) => format!(
            "{arg} 不能与 {} 同时使用",
            get(ContextKind::PriorArg).map(|a| option_name(&a)).unwrap_or_default()
        ),
        (ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand, Lang::En) => {
            "a command is missing".to_string()
        }
        (ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand, Lang::Zh) => {
            "缺少命令".to_string()
        }
        (ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues, Lang::En) => {
            format!("{arg} takes another number of values")
        }
        (ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues, Lang::Zh) => {
            format!("{arg} 的取值个数不对")
        }
        (ErrorKind::InvalidUtf8, Lang::En) => "an argument is not valid UTF-8".to_string(),
        (ErrorKind::InvalidUtf8, Lang::Zh) => "有参数不是有效的 UTF-8 文本".to_string(),
        (_, _) => english_line(e),
    };
    match lang {
        Lang::En => format!("{text}; see `liaison --help`"),
        Lang::Zh => format!("参数有误：{text}；请查看 `liaison --help`"),
    }
}

/// `--percent <PERCENT>` → `--percent`; a positional `<NUMBER>` stays as it is.
fn option_name(arg: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in arg.chars() {
        match ch {
            '<' if arg.starts_with('-') => depth += 1,
            '>' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ").replace(" 、", "、").replace(" ,", ",")
}

/// The value parser's own reason, which liaison's parsers write in the user's language.
fn reason(e: &clap::Error) -> Option<String> {
    use std::error::Error;
    e.source().map(|s| s.to_string()).filter(|s| !s.is_empty())
}

/// clap's message without its usage block, for kinds not said again above.
fn english_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ").trim_start_matches("error: ").to_string()
}
