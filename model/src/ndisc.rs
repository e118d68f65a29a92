//! Neighbour discovery's sending side (`net/ipv6/ndisc.c`) as the modeled IPv6 bring-up uses
//! it: duplicate address detection's neighbour solicitations and router solicitations, their
//! sizes from the headers the kernel builds, and the counters `ndisc_send_skb` moves; and the
//! NDISC neighbour table (`nd_tbl`, its constructor, `ndisc_netdev_event`).

use crate::af_netlink::NetlinkExtAck;
use crate::dev::{register_netdevice_notifier, NetdevEvent, NotifierBlock};
use crate::errno::{unimplemented, Errno, SysResult};
use crate::ip6_output::{ip6_count_out_request, ip6_finish_output2, Ipv6Skb};
use crate::kernel::{Kernel, NetId};
use crate::neighbour::{
    neigh_carrier_down, neigh_changeaddr, neigh_ifdown, NeighTable, Neighbour, NEIGH_ND_TABLE,
    RTN_LOCAL, RTN_MULTICAST, RTN_UNICAST,
};
use crate::uapi::if_::{IFF_LOOPBACK, IFF_NOARP, IFF_POINTOPOINT};
use crate::uapi::ipv6::ICMP6_MIB_OUTMSGS;
use crate::uapi::neighbour::NUD_NOARP;

/// `sizeof(struct ipv6hdr)`.
pub const IPV6_HDR_LEN: u64 = 40;
/// `sizeof(struct nd_msg)`: the ICMPv6 header and the target address.
const ND_MSG_LEN: u64 = 8 + 16;
/// `sizeof(struct rs_msg)`: the ICMPv6 header and the reserved word.
const RS_MSG_LEN: u64 = 8;
/// `ff02::2`, all routers (`in6addr_linklocal_allrouters`).
pub const ALL_ROUTERS: [u8; 16] = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/// `ndisc_opt_addr_space`: a link-layer address option for an address of `addr_len` bytes,
/// padded to 8 (`NDISC_OPT_SPACE`).
fn ndisc_opt_addr_space(addr_len: usize) -> u64 {
    (addr_len as u64 + 2).div_ceil(8) * 8
}

/// `ndisc_send_ns` as duplicate address detection sends it: from the unspecified address (no
/// source link-layer address option) to the solicited-node group of `target`, with the nonce
/// option when enhanced DAD drew a nonce.
pub fn ndisc_send_ns(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    daddr: [u8; 16],
    nonce: u64,
) -> SysResult<()> {
    let mut optlen = 0;
    if nonce != 0 {
        optlen += 8;
    }
    let len = IPV6_HDR_LEN + ND_MSG_LEN + optlen;
    ndisc_send_skb(k, net, ifindex, Ipv6Skb { daddr, len })
}

/// `ndisc_send_rs` from a link-local address to all routers, with the source link-layer
/// address option.
pub fn ndisc_send_rs(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let addr_len = k.dev(net, ifindex).map_or(0, |d| d.addr.len());
    let len = IPV6_HDR_LEN + RS_MSG_LEN + ndisc_opt_addr_space(addr_len);
    ndisc_send_skb(
        k,
        net,
        ifindex,
        Ipv6Skb {
            daddr: ALL_ROUTERS,
            len,
        },
    )
}

/// `ndisc_send_skb`: OutRequests, the output path, then, if that went without error, the
/// ICMPv6 message counted sent (`ICMP6_MIB_OUTMSGS`; the per-type counters are not in
/// IFLA_INET6_ICMP6STATS).
fn ndisc_send_skb(k: &mut Kernel, net: NetId, ifindex: u32, skb: Ipv6Skb) -> SysResult<()> {
    ip6_count_out_request(k, net, ifindex, skb.len);
    let err = ip6_finish_output2(k, net, ifindex, skb)?;
    if let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) {
        if err == 0 {
            idev.icmp6[ICMP6_MIB_OUTMSGS] += 1;
        }
    }
    Ok(())
}

/// `nd_tbl`.
pub static ND_TBL: NeighTable = NeighTable {
    index: NEIGH_ND_TABLE,
    family: crate::uapi::socket::AF_INET6,
    key_len: 16,
    constructor: ndisc_constructor,
    allow_add: Some(ndisc_allow_add),
    id: "ndisc_cache",
    gc_thresh: [128, 512, 1024],
    gc_interval_ms: 30_000,
    // As ARP's but without a lock time.
    parms: crate::neighbour::neightbl::NeighParmsDefaults {
        data: {
            use crate::neighbour::neightbl::*;
            let mut d = [0; NEIGH_VAR_DATA_MAX];
            d[MCAST_PROBES] = 3;
            d[UCAST_PROBES] = 3;
            d[BASE_REACHABLE_TIME] = 30_000;
            d[RETRANS_TIME] = 1000;
            d[GC_STALETIME] = 60_000;
            d[QUEUE_LEN_BYTES] = SK_WMEM_MAX;
            d[PROXY_QLEN] = 64;
            d[ANYCAST_DELAY] = 1000;
            d[PROXY_DELAY] = 800;
            d[DELAY_PROBE_TIME] = 5000;
            d[INTERVAL_PROBE_TIME_MS] = 5000;
            d
        },
    },
    parms_of: |d| d.ip6_ptr.as_ref().map(|i| &i.nd_parms),
    parms_of_mut: |d| d.ip6_ptr.as_mut().map(|i| &mut i.nd_parms),
    parms_changed: Some(|d, hz| {
        if let Some(idev) = d.ip6_ptr.as_mut() {
            crate::addrconf::nd_parms_changed(idev, hz);
        }
    }),
};

/// `ndisc_mc_map` for Ethernet (`ipv6_eth_mc_map`): 33:33 and the group's last four bytes;
/// other device types take their broadcast address.
pub(crate) fn ndisc_mc_map(dev: &crate::netdevice::NetDevice, addr: &[u8]) -> Vec<u8> {
    if dev.ty == crate::uapi::if_arp::ARPHRD_ETHER {
        vec![0x33, 0x33, addr[12], addr[13], addr[14], addr[15]]
    } else {
        dev.broadcast.clone()
    }
}

/// `ndisc_constructor`: the device needs its `inet6_dev`; multicast entries map the group,
/// NOARP and loopback devices take the device's own address (local on loopback),
/// point-to-point links their broadcast address, all NOARP; the rest start unresolved.
fn ndisc_constructor(k: &Kernel, net: NetId, n: &mut Neighbour) -> SysResult<()> {
    let Some(dev) = k.dev(net, n.ifindex) else {
        return Err(Errno::ENODEV.into());
    };
    if dev.ip6_ptr.is_none() {
        return Err(Errno::EINVAL.into());
    }
    let is_multicast = n.key[0] == 0xff;
    n.ntype = if is_multicast {
        RTN_MULTICAST
    } else {
        RTN_UNICAST
    };
    // Every modeled device kind has Ethernet's header_ops.
    if is_multicast {
        n.nud_state = NUD_NOARP;
        n.ha = ndisc_mc_map(dev, &n.key);
    } else if dev.flags & (IFF_NOARP | IFF_LOOPBACK) != 0 {
        n.nud_state = NUD_NOARP;
        n.ha = dev.addr.clone();
        if dev.flags & IFF_LOOPBACK != 0 {
            n.ntype = RTN_LOCAL;
        }
    } else if dev.flags & IFF_POINTOPOINT != 0 {
        n.nud_state = NUD_NOARP;
        n.ha = dev.broadcast.clone();
    }
    Ok(())
}

/// `ndisc_allow_add`: not on a device without IPv6 or with IPv6 disabled.
fn ndisc_allow_add(k: &Kernel, net: NetId, ifindex: u32, extack: &mut NetlinkExtAck) -> bool {
    let idev = k.dev(net, ifindex).and_then(|d| d.ip6_ptr.as_ref());
    if idev.is_none_or(|i| i.devconf[crate::uapi::ipv6::DEVCONF_DISABLE_IPV6] != 0) {
        extack.msg = Some("IPv6 is disabled on this device".into());
        return false;
    }
    true
}

/// `ndisc_netdev_event`: an address change flushes the device's entries, as does a change of
/// NOARP; carrier loss flushes its entries but the permanent ones (when
/// `ndisc_evict_nocarrier` allows, on the device and in `all`); going down flushes them all.
/// (Unsolicited neighbour advertisements, `ndisc_notify`, are off in a fresh namespace; their
/// sending is not modeled.)
fn ndisc_netdev_event(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    event: NetdevEvent,
) -> SysResult<()> {
    use crate::uapi::ipv6::{DEVCONF_NDISC_EVICT_NOCARRIER, DEVCONF_NDISC_NOTIFY};
    let notify_on = |k: &Kernel| {
        let idev = k.dev(net, ifindex).and_then(|d| d.ip6_ptr.as_ref());
        idev.is_some_and(|i| {
            i.devconf[DEVCONF_NDISC_NOTIFY] != 0
                || k.net(net).ipv6.devconf_all[DEVCONF_NDISC_NOTIFY] != 0
        })
    };
    match event {
        NetdevEvent::ChangeAddr | NetdevEvent::Up => {
            if event == NetdevEvent::ChangeAddr {
                neigh_changeaddr(k, net, &ND_TBL, ifindex)?;
            }
            if notify_on(k) {
                return Err(unimplemented(
                    "unsolicited neighbour advertisements (ndisc_notify)",
                ));
            }
            Ok(())
        }
        NetdevEvent::Change { flags_changed } => {
            let Some(dev) = k.dev(net, ifindex) else {
                return Ok(());
            };
            let evict = match &dev.ip6_ptr {
                None => true,
                Some(i) => {
                    i.devconf[DEVCONF_NDISC_EVICT_NOCARRIER] != 0
                        && k.net(net).ipv6.devconf_all[DEVCONF_NDISC_EVICT_NOCARRIER] != 0
                }
            };
            let carrier = dev.carrier;
            if flags_changed & IFF_NOARP != 0 {
                neigh_changeaddr(k, net, &ND_TBL, ifindex)?;
            }
            if evict && !carrier {
                neigh_carrier_down(k, net, &ND_TBL, ifindex)?;
            }
            Ok(())
        }
        NetdevEvent::Down => neigh_ifdown(k, net, &ND_TBL, ifindex),
        _ => Ok(()),
    }
}

/// `ndisc_late_init`: the device notifier, after addrconf's (`ADDRCONF_NOTIFY_PRIORITY - 5`).
pub fn ndisc_late_init(k: &mut Kernel) {
    // ndisc_init: the table (before any namespace has a device).
    crate::neighbour::neightbl::neigh_table_init(k, &ND_TBL);
    register_netdevice_notifier(
        k,
        NotifierBlock {
            priority: -5,
            notifier_call: ndisc_netdev_event,
        },
    );
}
