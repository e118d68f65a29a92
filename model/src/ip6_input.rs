//! Receiving IPv6 packets (`net/ipv6/ip6_input.c`), as far as the modeled traffic goes: the
//! receiving device's counters, and delivery only to groups the device has joined.

use crate::errno::SysResult;
use crate::ip6_output::Ipv6Skb;
use crate::kernel::{Kernel, NetId};
use crate::uapi::ipv6::ipstats::*;

/// `ipv6_rcv` (`ip6_rcv_core`, then `ip6_mc_input` for a multicast destination): a device
/// without IPv6 counts nothing of its own (the namespace's counters are not modeled); else
/// InReceives/InOctets, InNoECTPkts (the modeled traffic is not ECN-capable) and
/// InMcastPkts/InMcastOctets; a group the device has not joined drops the packet silently
/// (`ipv6_chk_mcast_addr`). Delivery to a joined group (the neighbour discovery and MLD input
/// paths) is not modeled.
pub fn ipv6_rcv(k: &mut Kernel, net: NetId, ifindex: u32, skb: &Ipv6Skb) -> SysResult<()> {
    let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) else {
        return Ok(());
    };
    idev.stats[INPKTS] += 1;
    idev.stats[INOCTETS] += skb.len;
    idev.stats[NOECTPKTS] += 1;
    idev.stats[INMCASTPKTS] += 1;
    idev.stats[INMCASTOCTETS] += skb.len;
    if crate::mcast::ipv6_chk_mcast_addr(idev, &skb.daddr) {
        return Err(crate::errno::unimplemented(
            "IPv6 input of neighbour discovery or MLD on a device that joined the destination group",
        ));
    }
    Ok(())
}
