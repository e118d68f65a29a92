//! Socket options: `netlink_setsockopt` / `netlink_getsockopt` (SOL_NETLINK) and the
//! `sock_setsockopt` / `sock_getsockopt` options (SOL_SOCKET) the model keeps.

use crate::errno::{Errno, SysError, SysResult};
use crate::kernel::{Kernel, SockId, TaskId};
use crate::profile::{SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF};
use crate::uapi::netlink::*;
use crate::uapi::socket::*;

use super::bind::{netlink_allowed, netlink_realloc_groups, netlink_update_subscriptions};
use super::*;

/// The `NETLINK_F_*` flag behind a boolean SOL_NETLINK option.
fn flag_of(optname: i32) -> Option<u32> {
    Some(match optname {
        NETLINK_PKTINFO => NETLINK_F_RECV_PKTINFO,
        NETLINK_BROADCAST_ERROR => NETLINK_F_BROADCAST_SEND_ERROR,
        NETLINK_NO_ENOBUFS => NETLINK_F_RECV_NO_ENOBUFS,
        NETLINK_LISTEN_ALL_NSID => NETLINK_F_LISTEN_ALL_NSID,
        NETLINK_CAP_ACK => NETLINK_F_CAP_ACK,
        NETLINK_EXT_ACK => NETLINK_F_EXT_ACK,
        NETLINK_GET_STRICT_CHK => NETLINK_F_STRICT_CHK,
        _ => return None,
    })
}

/// `setsockopt(2)` dispatch by level.
pub fn sys_setsockopt(
    k: &mut Kernel,
    task: TaskId,
    sk: SockId,
    level: i32,
    optname: i32,
    optval: &[u8],
) -> SysResult<()> {
    if level == SOL_SOCKET {
        return sock_setsockopt(k, task, sk, optname, optval);
    }
    netlink_setsockopt(k, task, sk, level, optname, optval).map_err(Into::into)
}

/// `getsockopt(2)` dispatch by level.
pub fn sys_getsockopt(
    k: &mut Kernel,
    _task: TaskId,
    sk: SockId,
    level: i32,
    optname: i32,
    optval: &mut [u8],
) -> SysResult<usize> {
    if level == SOL_SOCKET {
        return sock_getsockopt(k, sk, optname, optval);
    }
    netlink_getsockopt(k, sk, level, optname, optval).map_err(Into::into)
}

/// `netlink_setsockopt`. An option shorter than an int reads as 0.
pub fn netlink_setsockopt(
    k: &mut Kernel,
    task: TaskId,
    sk: SockId,
    level: i32,
    optname: i32,
    optval: &[u8],
) -> Result<(), Errno> {
    if level != SOL_NETLINK {
        return Err(Errno::ENOPROTOOPT);
    }
    let val = nltwin_wire::scalar::get_u32(optval).unwrap_or(0);
    match optname {
        NETLINK_ADD_MEMBERSHIP | NETLINK_DROP_MEMBERSHIP => {
            if !netlink_allowed(k, task, sk, NL_CFG_F_NONROOT_RECV) {
                return Err(Errno::EPERM);
            }
            netlink_realloc_groups(k, sk)?;
            if val == 0 || val > k.sk(sk).ngroups {
                return Err(Errno::EINVAL);
            }
            if optname == NETLINK_ADD_MEMBERSHIP {
                if let Some(hook) = k.netlink.nl_table[k.sk(sk).protocol].bind {
                    hook(k, task, k.sk(sk).net, val)?;
                }
            }
            netlink_update_socket_mc(k, sk, val, optname == NETLINK_ADD_MEMBERSHIP);
        }
        NETLINK_NO_ENOBUFS => {
            let s = k.sk_mut(sk);
            set_flag(&mut s.flags, NETLINK_F_RECV_NO_ENOBUFS, val != 0);
            if val != 0 {
                s.congested = false;
            }
        }
        NETLINK_LISTEN_ALL_NSID => {
            let user_ns = k.nets[k.sk(sk).net.0].user_ns;
            if !k.ns_capable(task, user_ns, crate::cred::CAP_NET_BROADCAST) {
                return Err(Errno::EPERM);
            }
            set_flag(&mut k.sk_mut(sk).flags, NETLINK_F_LISTEN_ALL_NSID, val != 0);
        }
        _ => match flag_of(optname) {
            Some(f) => set_flag(&mut k.sk_mut(sk).flags, f, val != 0),
            None => return Err(Errno::ENOPROTOOPT),
        },
    }
    Ok(())
}

fn set_flag(flags: &mut u32, f: u32, on: bool) {
    if on {
        *flags |= f;
    } else {
        *flags &= !f;
    }
}

/// `netlink_update_socket_mc`: join or leave one group (1-based).
pub fn netlink_update_socket_mc(k: &mut Kernel, sk: SockId, group: u32, join: bool) {
    let s = k.sk(sk);
    let old = s.in_group(group);
    let subs = s.subscriptions - u32::from(old) + u32::from(join);
    let (w, b) = (((group - 1) / 64) as usize, (group - 1) % 64);
    let s = k.sk_mut(sk);
    if join {
        s.groups[w] |= 1 << b;
    } else {
        s.groups[w] &= !(1 << b);
    }
    netlink_update_subscriptions(k, sk, subs);
}

/// `netlink_getsockopt`: returns the optlen written back.
pub fn netlink_getsockopt(
    k: &mut Kernel,
    sk: SockId,
    level: i32,
    optname: i32,
    optval: &mut [u8],
) -> Result<usize, Errno> {
    if level != SOL_NETLINK {
        return Err(Errno::ENOPROTOOPT);
    }
    let len = optval.len();
    let s = k.sk(sk);
    if optname == NETLINK_LIST_MEMBERSHIPS {
        // As many whole u32 words of the bitmap as fit; the optlen says how many there are.
        let words = s.ngroups.div_ceil(32) as usize;
        for (i, chunk) in optval.chunks_exact_mut(4).take(words).enumerate() {
            let word = (s.groups[i / 2] >> ((i % 2) * 32)) as u32;
            nltwin_wire::scalar::put_u32(chunk, word);
        }
        return Ok(s.ngroups.div_ceil(8).next_multiple_of(4) as usize);
    }
    let f = flag_of(optname).ok_or(Errno::ENOPROTOOPT)?;
    if len < 4 {
        return Err(Errno::EINVAL);
    }
    nltwin_wire::scalar::put_u32(optval, u32::from(s.test(f)));
    Ok(4)
}

/// The highest SOL_SOCKET option number the kernel knows (`SO_DEVMEM_DONTNEED` on 6.12; the
/// 6.18 profile may know a few more, which the model then reports as unimplemented rather
/// than guess).
const SO_MAX_KNOWN: i32 = 80;

/// An option the model does not keep: ENOPROTOOPT where the kernel has no such option,
/// else an honest "unimplemented".
fn unknown_sol_socket(optname: i32, what: &'static str) -> SysError {
    if !(0..=SO_MAX_KNOWN).contains(&optname) || optname == 0 {
        Errno::ENOPROTOOPT.into()
    } else {
        crate::errno::unimplemented(what)
    }
}

/// The SOL_SOCKET options of `sock_setsockopt` the model keeps: the buffer sizes, the
/// timeouts, SO_PASSCRED and the socket filter.
fn sock_setsockopt(
    k: &mut Kernel,
    task: TaskId,
    sk: SockId,
    optname: i32,
    optval: &[u8],
) -> SysResult<()> {
    let hz = k.profile.config.hz;
    match optname {
        // These read more than an int (or nothing) and come before the int check.
        SO_RCVTIMEO_OLD | SO_RCVTIMEO_NEW => {
            k.sk_mut(sk).rcvtimeo = crate::sock::sock_set_timeout(optval, hz)?;
            return Ok(());
        }
        SO_SNDTIMEO_OLD | SO_SNDTIMEO_NEW => {
            k.sk_mut(sk).sndtimeo = crate::sock::sock_set_timeout(optval, hz)?;
            return Ok(());
        }
        _ => {}
    }
    if optval.len() < 4 {
        return Err(Errno::EINVAL.into());
    }
    let val = nltwin_wire::scalar::get_i32(optval).expect("4 bytes");
    // Without FORCE a size is capped at the sysctl maximum (compared unsigned, so a negative
    // value caps too). Either way it is doubled for bookkeeping overhead, with a floor.
    let max = match optname {
        SO_SNDBUF => k.profile.host.wmem_max,
        _ => k.profile.host.rmem_max,
    };
    let capped = (val as u32).min(max) as i32;
    let doubled = |v: i32, floor: u32| (v.clamp(0, i32::MAX / 2) * 2).max(floor as i32) as u32;
    let forced = |k: &Kernel| {
        k.ns_capable(
            task,
            crate::kernel::INIT_USER_NS,
            crate::cred::CAP_NET_ADMIN,
        )
    };
    match optname {
        SO_RCVBUF => k.sk_mut(sk).rcvbuf = doubled(capped, SOCK_MIN_RCVBUF),
        SO_SNDBUF => k.sk_mut(sk).sndbuf = doubled(capped, SOCK_MIN_SNDBUF),
        SO_RCVBUFFORCE | SO_SNDBUFFORCE if !forced(k) => return Err(Errno::EPERM.into()),
        SO_RCVBUFFORCE => k.sk_mut(sk).rcvbuf = doubled(val, SOCK_MIN_RCVBUF),
        SO_SNDBUFFORCE => k.sk_mut(sk).sndbuf = doubled(val, SOCK_MIN_SNDBUF),
        SO_PASSCRED => k.sk_mut(sk).passcred = val != 0,
        SO_ATTACH_FILTER => return crate::filter::sk_attach_filter(k, sk, optval),
        SO_DETACH_FILTER => crate::filter::sk_detach_filter(k, sk)?,
        SO_LOCK_FILTER => {
            let s = k.sk_mut(sk);
            if s.filter_locked && val == 0 {
                return Err(Errno::EPERM.into());
            }
            s.filter_locked = val != 0;
        }
        _ => {
            return Err(unknown_sol_socket(
                optname,
                "sock_setsockopt: SOL_SOCKET options other than the buffer sizes",
            ))
        }
    }
    Ok(())
}

/// `sk_get_meminfo` (`net/core/sock.c`) for `SO_MEMINFO`, cut to the caller's length: a
/// netlink socket charges nothing to its send side (the kernel frees what it sends within the
/// call), has no forward allocation, option memory or backlog; what varies is the receive
/// queue's truesize, the buffer sizes and the drop counter.
fn sk_get_meminfo(s: &super::NetlinkSock, optval: &mut [u8]) -> usize {
    use nltwin_wire::uapi::socket::sk_meminfo;
    let mut mem = [0u32; sk_meminfo::VARS];
    mem[sk_meminfo::RMEM_ALLOC] = s.rmem_alloc as u32;
    mem[sk_meminfo::RCVBUF] = s.rcvbuf;
    mem[sk_meminfo::SNDBUF] = s.sndbuf;
    mem[sk_meminfo::DROPS] = s.drops;
    let n = optval.len().min(mem.len() * 4);
    for (i, chunk) in optval[..n].chunks_mut(4).enumerate() {
        let b = nltwin_wire::scalar::u32_bytes(mem[i]);
        chunk.copy_from_slice(&b[..chunk.len()]);
    }
    n
}

/// The SOL_SOCKET options of `sock_getsockopt` the model keeps: an int, cut to the caller's
/// length.
fn sock_getsockopt(
    k: &mut Kernel,
    sk: SockId,
    optname: i32,
    optval: &mut [u8],
) -> SysResult<usize> {
    let s = k.sk(sk);
    if optname == SO_MEMINFO {
        return Ok(sk_get_meminfo(s, optval));
    }
    let timeo = match optname {
        SO_RCVTIMEO_OLD | SO_RCVTIMEO_NEW => Some(s.rcvtimeo),
        SO_SNDTIMEO_OLD | SO_SNDTIMEO_NEW => Some(s.sndtimeo),
        _ => None,
    };
    if let Some(timeo) = timeo {
        let tv = crate::sock::sock_get_timeout(timeo, k.profile.config.hz);
        let n = optval.len().min(tv.len());
        optval[..n].copy_from_slice(&tv[..n]);
        return Ok(n);
    }
    let v: i32 = match optname {
        SO_RCVBUF => s.rcvbuf as i32,
        SO_SNDBUF => s.sndbuf as i32,
        SO_TYPE => s.sk_type,
        SO_PROTOCOL => s.protocol as i32,
        SO_DOMAIN => i32::from(AF_NETLINK),
        SO_PASSCRED => i32::from(s.passcred),
        _ => {
            return Err(unknown_sol_socket(
                optname,
                "sock_getsockopt: SOL_SOCKET options other than sizes and identity",
            ))
        }
    };
    let n = optval.len().min(4);
    optval[..n].copy_from_slice(&nltwin_wire::scalar::i32_bytes(v)[..n]);
    Ok(n)
}
