//! Tamper-evident history: every event carries `prev_hash`, the hash of the event before it (in
//! id order), and `hash`, the SHA-256 of that previous hash and its own fields. Editing, deleting
//! or inserting an event breaks the chain at that point, and `verify` names the event.
//!
//! The hash has no key (every user runs the same binary, so there is nowhere to keep a secret):
//! someone who can write the file can recompute the whole chain after a change. What they cannot
//! do is keep a head that was written down elsewhere (`liaison audit anchor`) inside the chain
//! while rewriting anything before it, which `verify --anchor` checks.
//!
//! SHA-256 comes from the RustCrypto `sha2` crate: the maintained, widely reviewed pure-Rust
//! implementation (no C toolchain or system library needed, like the bundled SQLite), and
//! already in the dependency tree.
//!
//! `encode` is the canonical encoding and hash of one event, `chain` reads the stored events and
//! hashes those that have none, `verify` walks the chain and names the first break, `anchor`
//! checks a head written down elsewhere, and `history` holds the `Store` methods behind
//! `liaison audit`.

mod anchor;
mod chain;
mod encode;
mod history;
#[cfg(test)]
mod tests;
mod verify;

pub use anchor::{Anchor, AnchorCheck, AnchorState};
pub(crate) use chain::{append_hash, backfill_hashes, head_for_append};
pub(crate) use encode::{Fields, hex, keyed_hash};
pub use history::Rehash;
pub use verify::{EventRef, KeyState, Tamper, Unhashed, Verification};
