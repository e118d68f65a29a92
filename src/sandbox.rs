//! A fresh, unprivileged user + network namespace for kernel runs.
//!
//! `unshare(CLONE_NEWUSER)` refuses a multi-threaded caller (EINVAL), and test harnesses and most
//! programs are multi-threaded. So the sandbox is entered by a fresh child: between `fork` and
//! `exec` the child is single-threaded; it unshares, maps its own uid and gid to 0 (the mapping an
//! unprivileged process may write for itself), and then execs the program. Inside, the program is
//! root of its user namespace and owns a network namespace with only `lo`, down.

use std::ffi::CString;
use std::fmt;
use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// Why the sandbox could not be entered.
#[derive(Debug)]
pub struct SandboxError {
    /// The step that failed.
    pub step: &'static str,
    /// The OS error.
    pub source: io::Error,
}

impl fmt::Display for SandboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot enter a fresh user+network namespace: {} failed: {}. \
             Check that user namespaces are available to this user: \
             `sysctl user.max_user_namespaces` must be > 0, \
             `sysctl kernel.unprivileged_userns_clone` (Debian/Ubuntu) must be 1, \
             `sysctl kernel.apparmor_restrict_unprivileged_userns` (Ubuntu 24.04+) must be 0, \
             and a container runtime's seccomp profile must allow unshare(2) \
             (try `unshare -Urn true` to test by hand)",
            self.step, self.source
        )
    }
}

impl std::error::Error for SandboxError {}

/// The /proc writes that give the child uid/gid 0 inside its new user namespace, formatted
/// before the fork so the child only makes system calls.
struct IdMaps {
    setgroups: (CString, &'static [u8]),
    uid_map: (CString, Vec<u8>),
    gid_map: (CString, Vec<u8>),
}

impl IdMaps {
    fn current() -> IdMaps {
        let uid = nix::unistd::geteuid().as_raw();
        let gid = nix::unistd::getegid().as_raw();
        IdMaps {
            setgroups: (c"/proc/self/setgroups".to_owned(), b"deny"),
            uid_map: (
                c"/proc/self/uid_map".to_owned(),
                format!("0 {uid} 1").into_bytes(),
            ),
            gid_map: (
                c"/proc/self/gid_map".to_owned(),
                format!("0 {gid} 1").into_bytes(),
            ),
        }
    }
}

/// Write `data` to `path` with raw system calls (safe between fork and exec).
fn write_proc(path: &CString, data: &[u8]) -> io::Result<()> {
    // SAFETY: plain open/write/close on a NUL-terminated path and a live buffer.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = libc::write(fd, data.as_ptr().cast(), data.len());
        let err = io::Error::last_os_error();
        libc::close(fd);
        if n != data.len() as isize {
            return Err(err);
        }
    }
    Ok(())
}

/// Make `cmd` start inside a fresh user + network namespace (uid and gid mapped to 0).
/// Spawning fails with the errno of the step that failed; see [`spawn_error`] to explain it.
pub fn enter_on_spawn(cmd: &mut Command) -> &mut Command {
    let maps = IdMaps::current();
    // SAFETY: the closure runs in the forked child before exec and only makes system calls
    // (unshare, open, write, close) on data prepared before the fork.
    unsafe {
        cmd.pre_exec(move || {
            if libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET) != 0 {
                return Err(io::Error::last_os_error());
            }
            // setgroups may be absent on old kernels; the gid_map write then decides.
            let _ = write_proc(&maps.setgroups.0, maps.setgroups.1);
            write_proc(&maps.uid_map.0, &maps.uid_map.1)?;
            write_proc(&maps.gid_map.0, &maps.gid_map.1)?;
            Ok(())
        })
    }
}

/// Explain a spawn failure of a command prepared with [`enter_on_spawn`].
pub fn spawn_error(source: io::Error) -> SandboxError {
    SandboxError {
        step: "unshare(CLONE_NEWUSER|CLONE_NEWNET) and uid/gid mapping in the child",
        source,
    }
}

/// Check that the sandbox can be entered here, by running `/bin/true` (or `true`) inside one.
pub fn check() -> Result<(), SandboxError> {
    let prog = if std::path::Path::new("/bin/true").exists() {
        "/bin/true"
    } else {
        "true"
    };
    let status = enter_on_spawn(&mut Command::new(prog))
        .status()
        .map_err(spawn_error)?;
    if status.success() {
        Ok(())
    } else {
        Err(SandboxError {
            step: "running a program inside the namespace",
            source: io::Error::other(format!("{prog} exited with {status}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_is_root_of_a_fresh_namespace_from_a_multithreaded_test() {
        // The test harness itself runs tests on threads: this is the case that forbids an
        // in-process unshare.
        let _other =
            std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(200)));
        check().expect("sandbox available");
        let out =
            enter_on_spawn(Command::new("sh").args(["-c", "id -u; cat /proc/net/dev | wc -l"]))
                .output()
                .map_err(spawn_error)
                .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        // uid 0 inside; /proc/net/dev has 2 header lines and only `lo`.
        assert_eq!(text, "0\n3\n");
    }
}
