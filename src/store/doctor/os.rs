//! What the operating system says: access(2) with the right ids, user and group names, the
//! process's groups, and the kind of file system the database is on (the `filesystem` check).

use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::{CheckStatus, Diagnosis};

fn c_path(path: &Path) -> Option<CString> {
    CString::new(path.as_os_str().as_bytes()).ok()
}

/// `access(2)`: checks with the real uid, the one whose login identifies the user. While setgid,
/// with the effective ids instead: liaison reaches the files through its group, the user does not.
pub(super) fn can(path: &Path, mode: libc::c_int) -> bool {
    let flags = if crate::privilege::is_setgid() { libc::AT_EACCESS } else { 0 };
    // SAFETY: a NUL-terminated path we own.
    c_path(path).is_some_and(|p| unsafe { libc::faccessat(libc::AT_FDCWD, p.as_ptr(), mode, flags) } == 0)
}

pub(in crate::store) fn user_name(uid: u32) -> String {
    let mut buf = vec![0u8; 16384];
    // SAFETY: getpwuid_r writes only into the buffers we own and pass.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() {
        return uid.to_string();
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`.
    unsafe { CStr::from_ptr(pwd.pw_name) }.to_string_lossy().into_owned()
}

pub(in crate::store) fn group_name(gid: u32) -> String {
    let mut buf = vec![0u8; 65536];
    // SAFETY: getgrgid_r writes only into the buffers we own and pass.
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::group = std::ptr::null_mut();
    let rc = unsafe { libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() {
        return gid.to_string();
    }
    // SAFETY: on success gr_name points at a NUL-terminated string inside `buf`.
    unsafe { CStr::from_ptr(grp.gr_name) }.to_string_lossy().into_owned()
}

/// The groups of the running process.
pub(super) fn my_groups() -> Vec<u32> {
    // SAFETY: the first call asks for the count, the second fills a buffer of that size.
    let n = unsafe { libc::getgroups(0, std::ptr::null_mut()) };
    let mut groups = vec![0 as libc::gid_t; n.max(0) as usize];
    let n = unsafe { libc::getgroups(groups.len() as libc::c_int, groups.as_mut_ptr()) };
    groups.truncate(n.max(0) as usize);
    // SAFETY: getegid never fails.
    groups.push(unsafe { libc::getegid() });
    groups
}

/// The kind of file system a directory is on, and whether SQLite is unsafe there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fs {
    Local(&'static str),
    Network(&'static str),
    Fuse,
    Unknown(u32),
}

#[cfg(target_os = "linux")]
fn filesystem(dir: &Path) -> Option<Fs> {
    let p = c_path(dir)?;
    // SAFETY: statfs fills the struct we own.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statfs(p.as_ptr(), &mut st) } != 0 {
        return None;
    }
    // f_type is a signed word whose width differs between targets; its low 32 bits are the magic.
    #[allow(clippy::unnecessary_cast)]
    let magic = st.f_type as u32;
    Some(match magic {
        0x6969 => Fs::Network("NFS"),
        0x517B => Fs::Network("SMB"),
        0xFF53_4D42 => Fs::Network("CIFS"),
        0xFE53_4D42 => Fs::Network("SMB2"),
        0x6573_5546 => Fs::Fuse,
        0xEF53 => Fs::Local("ext4"),
        0x5846_5342 => Fs::Local("xfs"),
        0x9123_683E => Fs::Local("btrfs"),
        0x0102_1994 => Fs::Local("tmpfs"),
        0x794C_7630 => Fs::Local("overlayfs"),
        0x2FC1_2FC1 => Fs::Local("zfs"),
        other => Fs::Unknown(other),
    })
}

#[cfg(not(target_os = "linux"))]
fn filesystem(_dir: &Path) -> Option<Fs> {
    None
}

/// The `filesystem` check: where the directory lives.
pub(super) fn check_filesystem(d: &mut Diagnosis, dir: &Path, lz: &str) {
    use CheckStatus::*;
    match filesystem(dir) {
        Some(Fs::Network(name)) => {
            d.filesystem = Some(name.into());
            d.push(
                "filesystem",
                Problem,
                format!("{} is on a network file system ({name}): SQLite's locks and WAL shared memory do not work across machines there, which corrupts databases; keep it on a local disk", dir.display()),
                format!("{} 位于网络文件系统（{name}）上：SQLite 的锁和 WAL 共享内存在此无法跨机器工作，会损坏数据库；请放在本地磁盘", dir.display()),
                Some(format!("{lz} backup /var/lib/liaison/liaison.db")),
            );
        }
        Some(Fs::Fuse) => {
            d.filesystem = Some("fuse".into());
            d.push(
                "filesystem",
                Warning,
                format!("{} is on a FUSE file system (sshfs, a cloud drive…): locking may not work there; keep the database on a local disk", dir.display()),
                format!("{} 位于 FUSE 文件系统（sshfs、网盘等）上：锁可能无效；请把数据库放在本地磁盘", dir.display()),
                Some(format!("{lz} backup /var/lib/liaison/liaison.db")),
            );
        }
        Some(Fs::Local(name)) => {
            d.filesystem = Some(name.into());
            d.push(
                "filesystem",
                Ok,
                format!("local file system ({name})"),
                format!("本地文件系统（{name}）"),
                None,
            );
        }
        Some(Fs::Unknown(magic)) => {
            d.filesystem = Some(format!("0x{magic:X}"));
            d.push(
                "filesystem",
                Ok,
                format!("file system type 0x{magic:X} (not a network one)"),
                format!("文件系统类型 0x{magic:X}（非网络文件系统）"),
                None,
            );
        }
        None => {}
    }
}
