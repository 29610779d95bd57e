//! Reports and alerts, and moving issues out and in: export and import.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use super::issue::ListFilters;
use super::parse::{dept_code, vocab};
use crate::domain::Priority;

#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// Only my tasks
    #[arg(long)]
    pub mine: bool,
    /// Only this department's tasks
    #[arg(long, value_parser = dept_code)]
    pub dept: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day of the period (registration day) [default: the Monday eleven weeks before this week's]
    #[arg(long = "from", value_name = "DATE")]
    pub from_text: Option<String>,
    /// Last day of the period [default: today]
    #[arg(long = "to", value_name = "DATE")]
    pub to_text: Option<String>,
    /// `--from` as read with the store's calendar (see [`ReportArgs::read_dates`]).
    #[arg(skip)]
    pub from: Option<NaiveDate>,
    /// `--to` as read with the store's calendar.
    #[arg(skip)]
    pub to: Option<NaiveDate>,
    /// Only this department: the issues it is involved in, the tasks it owns
    #[arg(long, value_parser = dept_code)]
    pub dept: Option<String>,
    /// Only issues of this priority: high, medium or low
    #[arg(long, value_parser = vocab::<Priority>)]
    pub priority: Option<Priority>,
    /// Every figure as CSV rows (section, group, key, measure, value), UTF-8 with BOM
    #[arg(long, conflicts_with_all = ["json", "html"])]
    pub csv: bool,
    /// Write one self-contained HTML page with charts (prints on A4) to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// With --docx: the issue's number (or none for every issue the filters select, into a
    /// directory). With --json: the output file (`-` for standard output), after the number if one.
    pub items: Vec<String>,
    /// The filled-in form as a Word document: a file for one issue, a directory for many
    #[arg(long, value_name = "PATH")]
    pub docx: Option<PathBuf>,
    /// Every issue (with --json); without it the list filters select
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub filters: ListFilters,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A .csv, .xlsx, .xls or .json file
    pub file: PathBuf,
    /// Check every row and list what is wrong; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The worksheet to read (default: the first)
    #[arg(long)]
    pub sheet: Option<String>,
}
