//! Multicast: `netlink_broadcast`, `netlink_broadcast_deliver`, `netlink_has_listeners`.

use crate::errno::Errno;
use crate::kernel::{Kernel, SockId};
use crate::skbuff::SkBuff;

use super::send::{netlink_overrun, netlink_sendskb};
use super::NETLINK_F_BROADCAST_SEND_ERROR;

/// `netlink_broadcast`: a copy of `skb` for every member of `group` (1-based) in the sender's
/// namespace, except the sender and the socket bound to `portid`. A full listener counts a
/// drop (and ENOBUFS unless NO_ENOBUFS). ESRCH when nobody got it; ENOBUFS when a listener
/// that asked for NETLINK_BROADCAST_ERROR missed it.
pub fn netlink_broadcast(
    k: &mut Kernel,
    ssk: SockId,
    mut skb: SkBuff,
    portid: u32,
    group: u32,
) -> Result<(), Errno> {
    skb.netlink_trim(&k.skb_sizing);
    let (net, protocol) = (k.sk(ssk).net, k.sk(ssk).protocol);
    let listeners: Vec<SockId> = k.netlink.nl_table[protocol].mc_list.clone();
    let (mut delivered, mut delivery_failure) = (false, false);
    for sk in listeners {
        let s = k.sk(sk);
        if sk == ssk || s.portid == portid || !s.in_group(group) || s.net != net {
            continue;
        }
        // do_one_broadcast: the listener's filter sees its own copy before delivery, and a
        // drop there is neither a delivery nor an overrun. (A copy only when there is a filter:
        // a listener that never reads costs no clone per message.)
        let mut filtered = None;
        if s.filter.is_some() {
            let mut copy = skb.clone();
            if crate::filter::sk_filter(k, sk, &mut copy) {
                continue;
            }
            filtered = Some(copy);
        }
        let s = k.sk(sk);
        let rmem = s.rmem_alloc + skb.truesize;
        if (rmem == skb.truesize || rmem <= s.rcvbuf as usize) && !s.congested {
            netlink_sendskb(k, sk, filtered.unwrap_or_else(|| skb.clone()));
            delivered = true;
        } else {
            netlink_overrun(k, sk);
            delivery_failure |= k.sk(sk).test(NETLINK_F_BROADCAST_SEND_ERROR);
        }
    }
    if delivery_failure {
        Err(Errno::ENOBUFS)
    } else if delivered {
        Ok(())
    } else {
        Err(Errno::ESRCH)
    }
}

/// `netlink_has_listeners`: does any socket in the kernel socket's namespace listen to `group`?
pub fn netlink_has_listeners(k: &Kernel, ssk: SockId, group: u32) -> bool {
    let (net, protocol) = (k.sk(ssk).net, k.sk(ssk).protocol);
    k.netlink.nl_table[protocol]
        .mc_list
        .iter()
        .any(|&s| k.sk(s).net == net && k.sk(s).in_group(group))
}
