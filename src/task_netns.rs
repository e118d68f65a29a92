//! The network namespaces of `nltwin run --model`'s processes, followed onto their tasks.
//!
//! A program may leave the namespace it started in (`unshare(CLONE_NEWNET)`, `setns` to
//! another) and open netlink sockets there: the kernel creates each socket in the namespace
//! its creator is in at `socket()`. The server reads that namespace's identity (the inode of
//! `/proc/<pid>/ns/net`) at each `socket` request and gives the task the model namespace that
//! stands for it: the served one for the run's own namespace, a fresh one
//! (`copy_net_ns`) the first time another appears, the same one each later time.
//!
//! The process is read by pid (its main thread): a namespace entered by another thread alone
//! is not seen.

use std::collections::HashMap;

use nltwin_model::kernel::NetId;

/// The inode of `/proc/<pid>/ns/net` (`self` for this process), if readable.
pub fn net_ns_inode(pid: Option<u32>) -> Option<u64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/ns/net"),
        None => "/proc/self/ns/net".to_string(),
    };
    parse_ns_link(&std::fs::read_link(path).ok()?.to_string_lossy())
}

/// The inode of a namespace link's text, `net:[4026531840]`.
fn parse_ns_link(link: &str) -> Option<u64> {
    link.strip_prefix("net:[")?.strip_suffix(']')?.parse().ok()
}

/// The open files of process `pid` (`/proc/<pid>/fd`): each descriptor with the inode of the
/// network namespace it is a file of (`net:[ino]`), or `None` for any other file.
pub fn open_files(pid: u32) -> Vec<(i32, Option<u64>)> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    dir.filter_map(|e| {
        let e = e.ok()?;
        let fd: i32 = e.file_name().to_str()?.parse().ok()?;
        let link = std::fs::read_link(e.path()).ok()?;
        Some((fd, parse_ns_link(&link.to_string_lossy())))
    })
    .collect()
}

/// Which model namespace stands for each real one.
#[derive(Clone, Debug)]
pub struct NetnsMirror {
    nets: HashMap<u64, NetId>,
}

impl NetnsMirror {
    /// The run's namespace `run_ns` stands for the served `net`.
    pub fn new(run_ns: u64, net: NetId) -> NetnsMirror {
        NetnsMirror {
            nets: HashMap::from([(run_ns, net)]),
        }
    }

    /// The model namespace for the real namespace `ino`, made by `fresh` the first time.
    pub fn model_net(&mut self, ino: u64, fresh: impl FnOnce() -> NetId) -> NetId {
        *self.nets.entry(ino).or_insert_with(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_link_and_maps_each_namespace_once() {
        assert_eq!(parse_ns_link("net:[4026531840]"), Some(4026531840));
        assert_eq!(parse_ns_link("user:[1]"), None);
        assert!(net_ns_inode(None).is_some());
        let mut m = NetnsMirror::new(7, NetId(1));
        assert_eq!(m.model_net(7, || unreachable!()), NetId(1));
        assert_eq!(m.model_net(8, || NetId(2)), NetId(2));
        assert_eq!(m.model_net(8, || NetId(3)), NetId(2));
        let own = open_files(std::process::id());
        assert!(own.iter().any(|&(fd, ns)| fd == 0 && ns.is_none()));
    }
}
