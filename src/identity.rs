//! Who is running the program: the real user id's passwd entry, never the environment.

use std::ffi::CStr;

/// The login name of the real user id, from the passwd database. `USER` and `LOGNAME` are
/// ignored on purpose: anyone can set them.
pub fn os_login() -> Result<String, String> {
    // SAFETY: getuid never fails; getpwuid_r writes only into the buffers we own and give it.
    let uid = unsafe { libc::getuid() };
    let mut buf = vec![0u8; 4096];
    loop {
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || result.is_null() {
            return Err(format!("user id {uid} has no entry in the passwd database"));
        }
        // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`.
        let name = unsafe { CStr::from_ptr(pwd.pw_name) };
        return Ok(name.to_string_lossy().into_owned());
    }
}

/// The display name from the passwd entry's GECOS field, if it has one.
pub fn os_display_name() -> Option<String> {
    let uid = unsafe { libc::getuid() };
    let mut buf = vec![0u8; 16384];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_gecos.is_null() {
        return None;
    }
    // SAFETY: as above.
    let gecos = unsafe { CStr::from_ptr(pwd.pw_gecos) }.to_string_lossy().into_owned();
    let name = gecos.split(',').next().unwrap_or("").trim().to_string();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_running_user_has_a_login() {
        let login = os_login().expect("the test user has a passwd entry");
        assert!(!login.is_empty());
    }
}
