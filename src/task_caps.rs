//! The capabilities a process of `nltwin run --model` gives up, mirrored onto its model task.
//!
//! The kernel side of `nltwin run` runs the command as root of a fresh user namespace, with
//! every capability there; the model side gives each process's task the same. What a program
//! does to its own capabilities (a test that drops CAP_NET_ADMIN with `capset` to check that
//! the kernel then refuses it) must reach the model too: a capability the run itself holds
//! (`nltwin run`'s own effective set, the baseline) and the process no longer holds is
//! dropped from its task. A run without capabilities (an unprivileged user) has nothing to
//! drop, so its tasks keep the full set, as its kernel-side twin does in its namespace.
//!
//! A process that entered a user namespace of its own (`unshare(CLONE_NEWUSER)`) holds its
//! capabilities there, not in the run's: its task moves to a model user namespace made for it
//! below its old one (as the kernel's `create_user_ns`: owned by the task's euid, nothing
//! mapped, so its ids read as the overflow id), holding there what the process holds.

use std::path::Path;

/// The inode of `/proc/<pid>/ns/user` (`self` for this process), if readable.
pub fn user_ns_inode(pid: Option<u32>) -> Option<u64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/ns/user"),
        None => "/proc/self/ns/user".to_string(),
    };
    let link = std::fs::read_link(path).ok()?;
    link.to_string_lossy()
        .strip_prefix("user:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// The `CapEff` line of `/proc/<pid>/status` (`self` for this process), if readable.
pub fn cap_eff(pid: Option<u32>) -> Option<u64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/status"),
        None => "/proc/self/status".to_string(),
    };
    parse_cap_eff(&std::fs::read_to_string(Path::new(&path)).ok()?)
}

/// The `CapEff:` value of a status file's text.
fn parse_cap_eff(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("CapEff:"))?;
    u64::from_str_radix(line["CapEff:".len()..].trim(), 16).ok()
}

/// The model task's effective set: `full` less what the run had (`baseline`) and the process
/// (`now`) has not.
pub fn mirrored(full: u64, baseline: u64, now: u64) -> u64 {
    full & !(baseline & !now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_capability_is_dropped_and_nothing_else() {
        let full = (1u64 << 41) - 1;
        let net_admin = 1u64 << 12;
        assert_eq!(mirrored(full, full, full), full);
        assert_eq!(mirrored(full, full, full & !net_admin), full & !net_admin);
        // An unprivileged run has nothing to drop.
        assert_eq!(mirrored(full, 0, 0), full);
    }

    #[test]
    fn reads_the_status_line() {
        let s = "Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffefff\n";
        assert_eq!(parse_cap_eff(s), Some(0x1ff_ffff_efff));
        assert_eq!(parse_cap_eff("Name: x\n"), None);
        assert!(cap_eff(None).is_some());
    }
}
