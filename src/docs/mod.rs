//! Documents in and out: the filled-in form as a Word document, lists as Excel workbooks, and
//! the readers of the files companies already keep (CSV in any common encoding, Excel, liaison's
//! own JSON). No SQL and no terminal here: the store writes what these produce.

pub mod docx;
pub mod form;
pub mod import;
pub mod xlsx;
