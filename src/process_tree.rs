//! Who a process descends from, read from `/proc`: how `nltwin run`'s model server tells the
//! processes of the command it started from any other process that reaches its socket.

use std::path::Path;

/// The parent of process `pid` (`/proc/PID/stat`'s fourth field), if it exists.
pub fn parent_of(pid: u32) -> Option<u32> {
    parent_in(Path::new("/proc"), pid)
}

/// [`parent_of`] under another `/proc` (tests).
fn parent_in(proc_root: &Path, pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(proc_root.join(pid.to_string()).join("stat")).ok()?;
    // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so the fields after
    // it are found from the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Whether `pid` is a descendant of `ancestor` (not `ancestor` itself). The walk stops at
/// init (0 or 1) and after 4096 steps (a loop would be a /proc read across a pid reuse).
pub fn descends_from(pid: u32, ancestor: u32) -> bool {
    descends_in(Path::new("/proc"), pid, ancestor)
}

fn descends_in(proc_root: &Path, pid: u32, ancestor: u32) -> bool {
    let mut p = pid;
    for _ in 0..4096 {
        match parent_in(proc_root, p) {
            Some(pp) if pp == ancestor => return true,
            Some(pp) if pp > 1 && pp != p => p = pp,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_descends_from_this_process_and_this_process_not_from_it() {
        let me = std::process::id();
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .expect("sleep runs");
        assert_eq!(parent_of(child.id()), Some(me));
        assert!(descends_from(child.id(), me));
        assert!(!descends_from(me, child.id()));
        assert!(
            !descends_from(me, me),
            "a process is not its own descendant"
        );
        assert!(!descends_from(u32::MAX, me), "no such process");
        let _ = child.kill();
        let _ = child.wait();
    }

    #[test]
    fn a_command_name_with_spaces_and_parentheses_is_skipped_whole() {
        let dir = std::env::temp_dir().join(format!("nltwin-proc-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("42")).unwrap();
        std::fs::write(dir.join("42/stat"), "42 (a) b (c)) S 17 42 42 0").unwrap();
        assert_eq!(parent_in(&dir, 42), Some(17));
        assert!(descends_in(&dir, 42, 17));
        assert!(!descends_in(&dir, 42, 18));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
