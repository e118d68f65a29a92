//! Addresses and groups: `netlink_bind`, `netlink_connect`, `netlink_getname`,
//! `netlink_realloc_groups`, `netlink_update_subscriptions`.

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, SockId, TaskId};
use crate::uapi::netlink::{SockaddrNl, AF_NETLINK};

use super::table::{netlink_autobind, netlink_insert};
use super::{NL_CFG_F_NONROOT_RECV, NL_CFG_F_NONROOT_SEND};

/// Read a `sockaddr_nl` from the bytes a caller passed (missing bytes read as zero).
fn sockaddr_nl(addr: &[u8]) -> SockaddrNl {
    let mut b = [0u8; 12];
    let n = addr.len().min(12);
    b[..n].copy_from_slice(&addr[..n]);
    SockaddrNl::parse(&b).expect("12 bytes")
}

/// `netlink_allowed`: the protocol grants `flag` to everyone, or the caller has CAP_NET_ADMIN
/// over the socket's namespace.
pub fn netlink_allowed(k: &Kernel, task: TaskId, sk: SockId, flag: u32) -> bool {
    let s = k.sk(sk);
    k.netlink.nl_table[s.protocol].flags & flag != 0
        || k.ns_capable(task, k.net(s.net).user_ns, crate::cred::CAP_NET_ADMIN)
}

/// `netlink_realloc_groups`: grow the socket's group bitmap to the protocol's group count.
pub fn netlink_realloc_groups(k: &mut Kernel, sk: SockId) -> Result<(), Errno> {
    let t = &k.netlink.nl_table[k.sk(sk).protocol];
    if !t.registered {
        return Err(Errno::ENOENT);
    }
    let groups = t.groups;
    let s = k.sk_mut(sk);
    if s.ngroups < groups {
        s.groups.resize(groups.div_ceil(64) as usize, 0);
        s.ngroups = groups;
    }
    Ok(())
}

/// `netlink_update_subscriptions`: keep the protocol's multicast list in step with whether
/// the socket belongs to any group.
pub fn netlink_update_subscriptions(k: &mut Kernel, sk: SockId, subscriptions: u32) {
    let (protocol, had) = (k.sk(sk).protocol, k.sk(sk).subscriptions);
    let mc = &mut k.netlink.nl_table[protocol].mc_list;
    if had != 0 && subscriptions == 0 {
        mc.retain(|&m| m != sk);
    } else if had == 0 && subscriptions != 0 {
        mc.push(sk);
    }
    k.sk_mut(sk).subscriptions = subscriptions;
}

/// Run the protocol's bind hook for every group set in `groups` (bits 0..32 = groups 1..33).
fn bind_hooks(k: &Kernel, task: TaskId, sk: SockId, groups: u64) -> Result<(), Errno> {
    let s = k.sk(sk);
    let Some(hook) = k.netlink.nl_table[s.protocol].bind else {
        return Ok(());
    };
    for bit in 0..32 {
        if groups >> bit & 1 != 0 {
            hook(k, task, s.net, bit + 1)?;
        }
    }
    Ok(())
}

/// `netlink_bind`.
pub fn netlink_bind(k: &mut Kernel, task: TaskId, sk: SockId, addr: &[u8]) -> SysResult<()> {
    if addr.len() < SockaddrNl::LEN {
        return Err(Errno::EINVAL.into());
    }
    let a = sockaddr_nl(addr);
    if a.family != AF_NETLINK {
        return Err(Errno::EINVAL.into());
    }
    let mut groups = u64::from(a.groups);
    if groups != 0 {
        if !netlink_allowed(k, task, sk, NL_CFG_F_NONROOT_RECV) {
            return Err(Errno::EPERM.into());
        }
        netlink_realloc_groups(k, sk)?;
    }
    let ngroups = k.sk(sk).ngroups;
    if ngroups < 64 {
        groups &= (1u64 << ngroups) - 1;
    }
    let bound = k.sk(sk).bound;
    if bound && a.pid != k.sk(sk).portid {
        return Err(Errno::EINVAL.into());
    }
    bind_hooks(k, task, sk, groups)?;
    if !bound {
        if a.pid != 0 {
            netlink_insert(k, sk, a.pid)?;
        } else {
            netlink_autobind(k, task, sk)?;
        }
    }
    let s = k.sk(sk);
    if groups == 0 && s.groups.first().is_none_or(|g| *g as u32 == 0) {
        return Ok(());
    }
    let old = s.groups_low32();
    let subs = s.subscriptions + (groups as u32).count_ones() - old.count_ones();
    netlink_update_subscriptions(k, sk, subs);
    let s = k.sk_mut(sk);
    s.groups[0] = (s.groups[0] & !0xffff_ffff) | groups;
    Ok(())
}

/// `netlink_connect`: AF_UNSPEC disconnects; otherwise set the default destination, autobinding
/// first.
pub fn netlink_connect(k: &mut Kernel, task: TaskId, sk: SockId, addr: &[u8]) -> SysResult<()> {
    if addr.len() < 2 {
        return Err(Errno::EINVAL.into());
    }
    let a = sockaddr_nl(addr);
    if a.family == 0 {
        let s = k.sk_mut(sk);
        (s.connected, s.dst_portid, s.dst_group) = (false, 0, 0);
        return Ok(());
    }
    if a.family != AF_NETLINK || addr.len() < SockaddrNl::LEN {
        return Err(Errno::EINVAL.into());
    }
    if (a.groups != 0 || a.pid != 0) && !netlink_allowed(k, task, sk, NL_CFG_F_NONROOT_SEND) {
        return Err(Errno::EPERM.into());
    }
    if !k.sk(sk).bound {
        netlink_autobind(k, task, sk)?;
    }
    let s = k.sk_mut(sk);
    s.connected = true;
    s.dst_portid = a.pid;
    s.dst_group = ffs(a.groups);
    Ok(())
}

/// `ffs`: 1-based index of the lowest set bit, 0 for none.
pub fn ffs(v: u32) -> u32 {
    if v == 0 {
        0
    } else {
        v.trailing_zeros() + 1
    }
}

/// `netlink_group_mask`: the bit of a 1-based group, 0 for none.
pub fn netlink_group_mask(group: u32) -> u32 {
    if group == 0 || group > 32 {
        0
    } else {
        1 << (group - 1)
    }
}

/// `netlink_getname`: the socket's own address (portid, first 32 group bits), or with `peer`
/// the connected destination.
pub fn netlink_getname(k: &mut Kernel, sk: SockId, peer: bool) -> SysResult<SockaddrNl> {
    let s = k.sk(sk);
    Ok(if peer {
        SockaddrNl::new(s.dst_portid, netlink_group_mask(s.dst_group))
    } else {
        SockaddrNl::new(s.portid, s.groups_low32())
    })
}
