//! Server administration and database care: shared setup, audit, backup, restore, completions.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum AdminCmd {
    /// Root: install liaison setgid at PATH (root:GROUP, 2755), make DIR the group's directory
    /// (2770) holding DIR/liaison.db (0660) and its audit key (0640), name it in
    /// /etc/liaison/config.toml, and check it all like `doctor`
    SetupShared {
        /// The shared directory, e.g. /srv/liaison (created if needed)
        dir: PathBuf,
        /// The group that owns the database; the people who use liaison are NOT in it
        #[arg(long)]
        group: String,
        /// Where the setgid binary is installed, e.g. /usr/local/bin/liaison
        #[arg(long, value_name = "PATH")]
        binary: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Walk the history chain and report the first event that was edited, deleted or inserted
    Verify {
        /// Also check that the chain still holds this head, as printed by `audit anchor` (ID:HASH)
        #[arg(long, value_name = "ID:HASH")]
        anchor: Option<String>,
    },
    /// Print the current head of the chain as ID:HASH, for an admin to keep elsewhere
    Anchor,
    /// Hash events written without a hash (by a bulk import), in order (admins only)
    Rehash,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (a new file)
    pub file: PathBuf,
    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup written by `liaison backup`
    pub file: PathBuf,
}
