//! Socket creation and release: `netlink_create` and `netlink_release`.

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, SockId, TaskId};
use crate::uapi::netlink::MAX_LINKS;
use crate::uapi::socket::{
    SOCK_CLOEXEC, SOCK_DGRAM, SOCK_MAX, SOCK_NONBLOCK, SOCK_RAW, SOCK_TYPE_MASK,
};

use super::table::netlink_remove;
use super::NetlinkSock;

/// `__sys_socket(AF_NETLINK, ty, protocol)`: socket(2)'s own checks of the type argument, then
/// `netlink_create`, then the lowest free descriptor (from 3: a process with stdio open).
pub fn sys_socket(k: &mut Kernel, task: TaskId, ty: i32, protocol: i32) -> SysResult<i32> {
    // socket(2) strips the flag bits and refuses unknown flags and types out of range.
    let flags = ty & !SOCK_TYPE_MASK;
    if flags & !(SOCK_CLOEXEC | SOCK_NONBLOCK) != 0 {
        return Err(Errno::EINVAL.into());
    }
    let sock_type = ty & SOCK_TYPE_MASK;
    if !(0..SOCK_MAX).contains(&sock_type) {
        return Err(Errno::EINVAL.into());
    }
    let sk = netlink_create(k, task, sock_type, protocol)?;
    let files = &mut k.tasks[task.0].files;
    let fd = (3..)
        .find(|fd| !files.contains_key(fd))
        .expect("a free descriptor");
    files.insert(fd, sk);
    Ok(fd)
}

/// `netlink_create`: only SOCK_RAW and SOCK_DGRAM (checked first), then a protocol in range and
/// registered.
pub fn netlink_create(
    k: &mut Kernel,
    task: TaskId,
    sock_type: i32,
    protocol: i32,
) -> Result<SockId, Errno> {
    if sock_type != SOCK_RAW && sock_type != SOCK_DGRAM {
        return Err(Errno::ESOCKTNOSUPPORT);
    }
    if protocol < 0 || protocol as usize >= MAX_LINKS {
        return Err(Errno::EPROTONOSUPPORT);
    }
    // The kernel would try to load a module here; the profile's protocols are all built in.
    if !k.netlink.nl_table[protocol as usize].registered {
        return Err(Errno::EPROTONOSUPPORT);
    }
    let t = &k.tasks[task.0];
    let mut sk = NetlinkSock::new(protocol as usize, t.net, Some(t.cred.clone()));
    sk.sk_type = sock_type;
    Ok(k.sock_alloc(sk))
}

/// `netlink_release`: unhash the socket (its portid is free again), end a running dump and
/// drop everything queued.
pub fn netlink_release(k: &mut Kernel, sk: SockId) -> SysResult<()> {
    netlink_remove(k, sk);
    if let Some(mut cb) = k.sk_mut(sk).cb.take() {
        if let Some(done) = cb.done {
            done(k, &mut cb);
        }
    }
    k.netlink.socks[sk.0] = None;
    Ok(())
}
