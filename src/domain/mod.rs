//! Plain types and rules of the template: no SQL, no terminal, no clock.
//!
//! Every function here takes "now" and the calendar from its caller, so each rule can be
//! tested with a table of cases.

pub mod attachment;
pub mod calendar;
pub mod channel;
pub mod deadline;
pub mod lint;
pub mod model;
pub mod names;
pub mod notify;
pub mod number;
pub mod permission;
pub mod report;
pub mod risk;
pub mod rules;
pub mod status;
pub mod text;
pub mod when;

pub use attachment::Attachment;
pub use calendar::Calendar;
pub use model::*;
