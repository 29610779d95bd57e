//! liaison: cross-department collaboration records and issue feedback (多部门协作沟通记录与问题反馈).
//!
//! `domain` holds the template's rules as plain functions, `store` is the only place with SQL,
//! `cli` is the command line; the console builds on the same library.

#![deny(clippy::unwrap_used)]

pub mod cli;
pub mod config;
pub mod demo;
pub mod docs;
pub mod domain;
pub mod i18n;
pub mod identity;
pub mod notify;
pub mod privilege;
pub mod store;
pub mod tui;
