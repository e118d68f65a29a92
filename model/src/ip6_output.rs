//! Sending IPv6 packets (`net/ipv6/ip6_output.c`): what the modeled IPv6 control traffic
//! (neighbour discovery, MLD) does once built: the device's IPv6 counters, then the device.

use crate::errno::SysResult;
use crate::kernel::{Kernel, NetId};
use crate::profile::Feature;
use crate::uapi::ipv6::ipstats::*;

/// `ETH_HLEN`: the link-layer header `ip6_finish_output2` has the neighbour layer put in front
/// (the modeled devices that send are Ethernet devices).
pub const ETH_HLEN: u64 = 14;

/// An IPv6 packet on its way out (`struct sk_buff` as far as the counters see it): its
/// destination and its length from the IPv6 header on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv6Skb {
    /// The destination address (a multicast group for all the modeled traffic).
    pub daddr: [u8; 16],
    /// `skb->len` at the IPv6 layer: IPv6 header, extension headers and payload.
    pub len: u64,
}

/// `ip6_finish_output2` for a multicast destination: OutMcastPkts/OutMcastOctets, and from the
/// release that has it OutTransmits/OutOctets (before, the sender counted OutOctets with its
/// OutRequests); then the neighbour layer (the destination's entry, made NOARP for a group
/// when missing: `__neigh_create`) and `dev_queue_xmit`, whose result it returns.
pub fn ip6_finish_output2(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    skb: Ipv6Skb,
) -> SysResult<i32> {
    let out_transmits = k.has(Feature::Ipv6OutTransmits);
    if let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) {
        idev.stats[OUTMCASTPKTS] += 1;
        idev.stats[OUTMCASTOCTETS] += skb.len;
        if out_transmits {
            idev.stats[OUTPKTS] += 1;
            idev.stats[OUTOCTETS] += skb.len;
        }
    }
    crate::neighbour::neigh_output(k, net, &crate::ndisc::ND_TBL, ifindex, &skb.daddr)?;
    crate::dev::dev_queue_xmit(k, net, ifindex, &crate::netdevice::Frame::Ipv6(skb))
}

/// The sender's own count of a packet it built (`ndisc_send_skb`, `mld_sendpack`):
/// OutRequests, with OutOctets before the release that counts OutTransmits
/// (`IPSTATS_MIB_OUT`).
pub fn ip6_count_out_request(k: &mut Kernel, net: NetId, ifindex: u32, len: u64) {
    let out_transmits = k.has(Feature::Ipv6OutTransmits);
    if let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) {
        idev.stats[OUTREQUESTS] += 1;
        if !out_transmits {
            idev.stats[OUTOCTETS] += len;
        }
    }
}
