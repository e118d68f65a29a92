//! The processes of a run still alive when its command exits. `nltwin run` is a child
//! subreaper on both sides, so a process of the command whose parent exited is still its
//! descendant; when the command's main process exits, every such leftover is killed (SIGKILL:
//! it prints nothing more) and reaped, on the kernel side as on the model side, as the end
//! of a sandbox's pid namespace would. Before this the kernel side left them running in the
//! abandoned namespace and the model side stopped its server under them, so that they
//! printed the preload's "server is gone" message where the kernel side printed nothing.

use std::time::{Duration, Instant};

/// Make this process a child subreaper (orphans of the command are reparented here).
pub fn become_subreaper() -> std::io::Result<()> {
    // SAFETY: prctl with integer arguments.
    if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// This process's descendants, read from /proc.
fn descendants() -> Vec<u32> {
    let me = std::process::id();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&p| p != me && nltwin::process_tree::descends_from(p, me))
        .collect()
}

/// Kill every remaining descendant and reap it (within 5 s); the command's main process must
/// have been waited for already.
pub fn end_leftovers() {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        // No child left means no descendant left (a subreaper's descendants all hang from
        // its children): the common case costs one system call, not a walk of /proc.
        let mut status = 0;
        // SAFETY: waitpid with a valid status pointer.
        let r = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if r < 0 {
            return;
        }
        let left = descendants();
        for &p in &left {
            // SAFETY: a signal to a descendant of this process.
            unsafe { libc::kill(p as i32, libc::SIGKILL) };
        }
        // Reap whatever has ended (our children, the reparented orphans included).
        loop {
            let mut status = 0;
            // SAFETY: waitpid with a valid status pointer.
            let r = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
            if r <= 0 {
                break;
            }
        }
        if left.is_empty() || Instant::now() > deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
