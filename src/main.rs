//! Start-up: errors, arguments, run. Nothing else.

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
    // Before anything reads the environment or starts a thread: see `privilege`.
    liaison::privilege::harden();
    if let Err(report) = color_eyre::install() {
        eprintln!("liaison: {report}");
    }
    match liaison::cli::Cli::try_parse() {
        Ok(cli) => liaison::cli::run(cli),
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        Err(e) => {
            // One line: clap's message without its usage block.
            let text = e.render().to_string();
            let line: Vec<&str> = text
                .lines()
                .map(str::trim)
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .filter(|l| !l.is_empty())
                .collect();
            let line = line.join(" ");
            let line = line.trim_start_matches("error: ");
            match liaison::cli::argument_lang() {
                liaison::i18n::Lang::En => eprintln!("liaison: {line}; see `liaison --help`"),
                liaison::i18n::Lang::Zh => eprintln!("liaison: 参数有误:{line};请查看 `liaison --help`"),
            }
            ExitCode::from(2)
        }
    }
}
