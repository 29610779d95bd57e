//! Running setgid: the installed binary belongs to group `liaison` with the setgid bit, so it can
//! reach the database while the people running it cannot (they are not in the group). Here is
//! everything that mode changes, in one place:
//!
//! - at start, the process is made non-dumpable (no `ptrace`, no `/proc/PID/fd`, no core file)
//!   and the environment that SQLite or liaison would read to change behaviour is removed;
//! - files the user names or owns (configuration, drafts, the editor's file, backups) are opened
//!   and created with the effective group switched to the user's own ([`as_user`]): the files
//!   belong to the user's group, and the user cannot make liaison read or overwrite, on their
//!   behalf, a file only the group may touch;
//! - every child process drops the group for good before it runs ([`drop_group`]).
//!
//! Without the setgid bit (effective group = real group) every function here does nothing.

use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The group the process runs with, when it was started setgid: the effective group id at start
/// differs from the real one.
static GROUP: OnceLock<Option<libc::gid_t>> = OnceLock::new();

/// Serialises switches of the effective group: the switch is process-wide.
static SWITCH: Mutex<()> = Mutex::new(());

/// Environment removed at start while setgid: liaison's own variables (`LIAISON_DB`…), SQLite's
/// (`SQLITE_TMPDIR`…) and `TMPDIR`, which glibc already drops for setgid programs along with the
/// loader's variables. Children do not get them back; they are the user's to set again.
const REMOVED_PREFIXES: &[&str] = &["LIAISON_", "SQLITE_"];
const REMOVED: &[&str] = &["TMPDIR"];

/// What was found in the environment at start that setgid mode does not allow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refused {
    /// `LIAISON_DB`, when it was set.
    pub liaison_db: bool,
}

static REFUSED: OnceLock<Refused> = OnceLock::new();

fn ids() -> (libc::gid_t, libc::gid_t) {
    // SAFETY: getgid and getegid never fail.
    unsafe { (libc::getgid(), libc::getegid()) }
}

/// The group liaison runs with when it was started setgid (`None` when not).
pub fn group() -> Option<libc::gid_t> {
    *GROUP.get_or_init(|| {
        let (real, effective) = ids();
        (real != effective).then_some(effective)
    })
}

/// Whether liaison was started setgid.
pub fn is_setgid() -> bool {
    group().is_some()
}

/// What the environment held at start that setgid mode refuses.
pub fn refused() -> Refused {
    REFUSED.get().cloned().unwrap_or_default()
}

/// Call first thing in `main`, before any thread starts. While setgid: makes the process
/// non-dumpable and clears the environment SQLite and liaison would read. Without setgid: nothing.
pub fn harden() {
    if !is_setgid() {
        return;
    }
    not_dumpable();
    let mut refused = Refused::default();
    let names: Vec<std::ffi::OsString> = std::env::vars_os().map(|(k, _)| k).collect();
    for name in names {
        let text = name.to_string_lossy();
        if text == "LIAISON_DB" && std::env::var_os(&name).is_some_and(|v| !v.is_empty()) {
            refused.liaison_db = true;
        }
        if REMOVED_PREFIXES.iter().any(|p| text.starts_with(p)) || REMOVED.contains(&text.as_ref()) {
            // SAFETY: called at the start of `main`, before any other thread exists.
            unsafe { std::env::remove_var(&name) };
        }
    }
    let _ = REFUSED.set(refused);
}

/// No core dumps, no `ptrace` and no `/proc/PID/fd` for the user: the open database cannot be
/// taken from the process. The kernel also resets this on every change of credentials, so it is
/// set again after each switch.
fn not_dumpable() {
    // SAFETY: prctl with PR_SET_DUMPABLE takes plain integers.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
}

/// Runs `f` with the effective group switched to the user's own (the real group), then switches
/// back. Files `f` creates belong to the user's group, and opening a file succeeds only if the
/// user could open it without liaison. Without setgid, or inside another `as_user`, runs `f`.
pub fn as_user<T>(f: impl FnOnce() -> std::io::Result<T>) -> std::io::Result<T> {
    thread_local! {
        /// This thread is inside `as_user` already (the switch is not re-entered).
        static INSIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    let Some(group) = group() else {
        return f();
    };
    if INSIDE.get() {
        return f();
    }
    // Two switches never overlap: a second thread waits until the first has switched back.
    let _guard = SWITCH.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (real, _) = ids();
    // SAFETY: setegid to the real group is always allowed; glibc applies it to every thread.
    if unsafe { libc::setegid(real) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    INSIDE.set(true);
    let value = f();
    INSIDE.set(false);
    // SAFETY: the saved set-group-id is still `group`, so switching back is allowed.
    let back = unsafe { libc::setegid(group) };
    not_dumpable();
    if back != 0 {
        return Err(std::io::Error::last_os_error());
    }
    value
}

/// Makes `command` drop the group for good in the child, before it runs: real, effective and
/// saved group ids all become the user's real group, so the program cannot regain it. The
/// user's supplementary groups are their own (they are not in liaison's group) and stay.
/// Without setgid: nothing.
pub fn drop_group(command: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    if !is_setgid() {
        return command;
    }
    let (real, _) = ids();
    // SAFETY: the closure runs in the forked child and makes one raw system call, which is
    // async-signal-safe (the raw call changes only this thread: the child has no other).
    unsafe {
        command.pre_exec(move || {
            if libc::syscall(libc::SYS_setresgid, real, real, real) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_setgid_nothing_changes() {
        // The test binary is not installed setgid.
        assert!(!is_setgid());
        assert_eq!(group(), None);
        assert_eq!(as_user(|| Ok(7)).expect("runs"), 7);
        let out = drop_group(Command::new("sh").args(["-c", "id -g"])).output().expect("sh runs");
        let (real, _) = ids();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), real.to_string());
        harden();
        assert_eq!(refused(), Refused::default());
    }
}
