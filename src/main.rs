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
            // One line, in the user's language, without clap's usage block.
            eprintln!("liaison: {}", liaison::cli::argerror::message(&e, liaison::cli::argument_lang()));
            ExitCode::from(2)
        }
    }
}
