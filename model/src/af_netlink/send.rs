//! Sending: `netlink_sendmsg`, `netlink_unicast`, `netlink_unicast_kernel`,
//! `netlink_attachskb`, `netlink_sendskb`, `netlink_overrun`, `netlink_getsockbyportid`.

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, SockId, TaskId};
use crate::skbuff::{SkBuff, NETLINK_SKB_DST};
use crate::uapi::netlink::{SockaddrNl, AF_NETLINK};
use crate::uapi::socket::{MSG_DONTWAIT, MSG_OOB};

use super::bind::{ffs, netlink_allowed};
use super::broadcast::netlink_broadcast;
use super::table::{netlink_autobind, netlink_lookup};
use super::{NETLINK_F_RECV_NO_ENOBUFS, NL_CFG_F_NONROOT_SEND};

/// `netlink_sendmsg`: check the destination and permissions, autobind, copy the datagram into
/// an skb and deliver it (to a group with `netlink_broadcast`, to a port with
/// `netlink_unicast`). The model never blocks: a full receiver is EAGAIN as with MSG_DONTWAIT.
pub fn netlink_sendmsg(
    k: &mut Kernel,
    task: TaskId,
    sk: SockId,
    buf: &[u8],
    flags: i32,
    to: Option<&[u8]>,
) -> SysResult<usize> {
    if flags & MSG_OOB != 0 {
        return Err(Errno::EOPNOTSUPP.into());
    }
    if buf.is_empty() {
        return Err(Errno::ENODATA.into());
    }
    let mut skb_flags = 0;
    let (dst_portid, dst_group) = match to {
        Some(addr) if !addr.is_empty() => {
            let Some(a) = SockaddrNl::parse(addr).filter(|a| a.family == AF_NETLINK) else {
                return Err(Errno::EINVAL.into());
            };
            let (pid, group) = (a.pid, ffs(a.groups));
            if (group != 0 || pid != 0) && !netlink_allowed(k, task, sk, NL_CFG_F_NONROOT_SEND) {
                return Err(Errno::EPERM.into());
            }
            skb_flags |= NETLINK_SKB_DST;
            (pid, group)
        }
        _ => (k.sk(sk).dst_portid, k.sk(sk).dst_group),
    };
    if !k.sk(sk).bound {
        netlink_autobind(k, task, sk)?;
    }
    if buf.len() > (k.sk(sk).sndbuf as usize).saturating_sub(32) {
        return Err(Errno::EMSGSIZE.into());
    }
    let mut skb = netlink_alloc_large_skb(buf.len(), dst_group != 0);
    skb.put_data(buf).expect("sized for the datagram");
    skb.cb.portid = k.sk(sk).portid;
    skb.cb.dst_group = dst_group;
    skb.cb.flags = skb_flags;
    skb.cb.sender = Some(task);
    skb.cb.creds = crate::scm::scm_set_cred(k, task);
    if dst_group != 0 {
        // Group delivery failures are reported to the listeners, not to the sender.
        let _ = netlink_broadcast(k, sk, skb.clone(), dst_portid, dst_group);
    }
    netlink_unicast(k, sk, skb, dst_portid, flags & MSG_DONTWAIT != 0)
}

/// `netlink_alloc_large_skb`: the skb a send copies into. (Heads over a page come from
/// vmalloc in the kernel, charged without slab rounding.)
pub fn netlink_alloc_large_skb(size: usize, broadcast: bool) -> SkBuff {
    use crate::profile::{skb_data_align, PAGE_SIZE, SIZEOF_SKB_SHARED_INFO};
    let head = skb_data_align(size) + skb_data_align(SIZEOF_SKB_SHARED_INFO);
    if head <= PAGE_SIZE || broadcast {
        return SkBuff::alloc_skb(size);
    }
    let end = head - skb_data_align(SIZEOF_SKB_SHARED_INFO);
    SkBuff::from_parts(
        Vec::with_capacity(size),
        end,
        crate::skbuff::skb_truesize(end),
    )
}

/// `netlink_getsockbyportid`: the destination socket, refusing one connected to someone else.
fn netlink_getsockbyportid(k: &Kernel, ssk: SockId, portid: u32) -> Result<SockId, Errno> {
    let s = k.sk(ssk);
    let dst = netlink_lookup(k, s.net, s.protocol, portid).ok_or(Errno::ECONNREFUSED)?;
    let d = k.sk(dst);
    if d.connected && d.dst_portid != s.portid {
        return Err(Errno::ECONNREFUSED);
    }
    Ok(dst)
}

/// `netlink_unicast`: deliver `skb` from `ssk` to `portid`: into a kernel socket's input, or
/// onto a user socket's receive queue. Returns the length delivered.
pub fn netlink_unicast(
    k: &mut Kernel,
    ssk: SockId,
    mut skb: SkBuff,
    portid: u32,
    _nonblock: bool,
) -> SysResult<usize> {
    skb.netlink_trim(&k.skb_sizing);
    let dst = netlink_getsockbyportid(k, ssk, portid)?;
    if k.sk(dst).is_kernel() {
        return netlink_unicast_kernel(k, dst, skb, ssk);
    }
    // A datagram the receiver's filter drops counts as sent, whole.
    if crate::filter::sk_filter(k, dst, &mut skb) {
        return Ok(skb.len());
    }
    netlink_attachskb(k, dst, &skb, ssk)?;
    Ok(netlink_sendskb(k, dst, skb))
}

/// `netlink_unicast_kernel`: hand the skb to the kernel socket's input, synchronously.
fn netlink_unicast_kernel(
    k: &mut Kernel,
    dst: SockId,
    mut skb: SkBuff,
    ssk: SockId,
) -> SysResult<usize> {
    let Some(input) = k.sk(dst).netlink_rcv else {
        return Err(Errno::ECONNREFUSED.into());
    };
    let len = skb.len();
    skb.sk = Some(ssk);
    input(k, skb)?;
    Ok(len)
}

/// `netlink_attachskb` without waiting: admit `skb` to `sk`'s queue if the first skb into an
/// empty queue, or if it fits in the receive buffer and the socket is not congested; otherwise
/// EAGAIN (with an overrun when the sender is the kernel).
pub fn netlink_attachskb(
    k: &mut Kernel,
    sk: SockId,
    skb: &SkBuff,
    ssk: SockId,
) -> Result<(), Errno> {
    let s = k.sk(sk);
    let rmem = s.rmem_alloc + skb.truesize;
    if (rmem == skb.truesize || rmem <= s.rcvbuf as usize) && !s.congested {
        return Ok(());
    }
    if k.sk(ssk).is_kernel() {
        netlink_overrun(k, sk);
    }
    Err(Errno::EAGAIN)
}

/// `netlink_sendskb`: queue an admitted skb, charging its truesize.
pub fn netlink_sendskb(k: &mut Kernel, sk: SockId, skb: SkBuff) -> usize {
    let len = skb.len();
    let s = k.sk_mut(sk);
    s.rmem_alloc += skb.truesize;
    s.receive_queue.push_back(skb);
    len
}

/// `netlink_overrun`: a drop. Unless NO_ENOBUFS, the first drop of a congestion episode sets
/// ENOBUFS for the next receive to report.
pub fn netlink_overrun(k: &mut Kernel, sk: SockId) {
    let s = k.sk_mut(sk);
    if !s.test(NETLINK_F_RECV_NO_ENOBUFS) && !s.congested {
        s.congested = true;
        s.sk_err = Errno::ENOBUFS.0;
    }
    s.drops += 1;
}

/// `nlmsg_unicast`: a reply from the kernel socket `ksk` to `portid`; a full queue counts as an
/// overrun on the receiver (done in `netlink_attachskb`).
pub fn nlmsg_unicast(k: &mut Kernel, ksk: SockId, skb: SkBuff, portid: u32) -> SysResult<()> {
    match netlink_unicast(k, ksk, skb, portid, true) {
        Ok(_) | Err(crate::errno::SysError::Errno(_)) => Ok(()),
        Err(e) => Err(e),
    }
}
