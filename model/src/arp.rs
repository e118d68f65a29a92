//! The ARP table (`net/ipv4/arp.c`): `arp_tbl`, its constructor, and what device events do
//! to its entries (`arp_netdev_event`, and the FIB's `arp_ifdown` when a device goes down or
//! away). ARP packets are not modeled: entries come only from requests.

use crate::dev::{register_netdevice_notifier, NetdevEvent, NotifierBlock};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::neighbour::neightbl::*;
use crate::neighbour::{
    neigh_carrier_down, neigh_changeaddr, neigh_ifdown, NeighTable, Neighbour, NEIGH_ARP_TABLE,
    RTN_BROADCAST, RTN_MULTICAST,
};
use crate::uapi::if_::{IFF_LOOPBACK, IFF_NOARP, IFF_POINTOPOINT};
use crate::uapi::ip::IPV4_DEVCONF_ARP_EVICT_NOCARRIER;
use crate::uapi::neighbour::NUD_NOARP;

/// `arp_tbl`.
pub static ARP_TBL: NeighTable = NeighTable {
    index: NEIGH_ARP_TABLE,
    family: crate::uapi::socket::AF_INET,
    key_len: 4,
    constructor: arp_constructor,
    allow_add: None,
    id: "arp_cache",
    gc_thresh: [128, 512, 1024],
    gc_interval_ms: 30_000,
    parms: NeighParmsDefaults {
        data: {
            let mut d = [0; NEIGH_VAR_DATA_MAX];
            d[MCAST_PROBES] = 3;
            d[UCAST_PROBES] = 3;
            d[BASE_REACHABLE_TIME] = 30_000;
            d[RETRANS_TIME] = 1000;
            d[GC_STALETIME] = 60_000;
            d[QUEUE_LEN_BYTES] = SK_WMEM_MAX;
            d[PROXY_QLEN] = 64;
            d[ANYCAST_DELAY] = 1000;
            // HZ * 8 / 10 jiffies.
            d[PROXY_DELAY] = 800;
            d[LOCKTIME] = 1000;
            d[DELAY_PROBE_TIME] = 5000;
            d[INTERVAL_PROBE_TIME_MS] = 5000;
            d
        },
    },
    parms_of: |d| d.ip_ptr.as_ref().map(|i| &i.arp_parms),
    parms_of_mut: |d| d.ip_ptr.as_mut().map(|i| &mut i.arp_parms),
    parms_changed: None,
};

/// `arp_mc_map` for Ethernet (`ip_eth_mc_map`): 01:00:5e and the group's low 23 bits.
fn ip_eth_mc_map(addr: u32) -> Vec<u8> {
    let b = addr.to_be_bytes();
    vec![0x01, 0x00, 0x5e, b[1] & 0x7f, b[2], b[3]]
}

/// `arp_constructor`: loopback and point-to-point devices key every entry by 0.0.0.0; the
/// device needs its `in_device`; multicast entries map the group, NOARP and loopback devices
/// take the device's own address, broadcast ones (and point-to-point links) its broadcast
/// address, all NOARP; the rest start unresolved.
fn arp_constructor(k: &Kernel, net: NetId, n: &mut Neighbour) -> SysResult<()> {
    let Some(dev) = k.dev(net, n.ifindex) else {
        return Err(Errno::ENODEV.into());
    };
    if dev.flags & (IFF_LOOPBACK | IFF_POINTOPOINT) != 0 {
        n.key = vec![0; 4];
    }
    let addr = u32::from_be_bytes([n.key[0], n.key[1], n.key[2], n.key[3]]);
    if dev.ip_ptr.is_none() {
        return Err(Errno::EINVAL.into());
    }
    n.ntype = crate::fib::inet_addr_type_dev_table(k, net, n.ifindex, addr);
    // Every modeled device kind has Ethernet's header_ops.
    if n.ntype == RTN_MULTICAST {
        n.nud_state = NUD_NOARP;
        n.ha = if dev.ty == crate::uapi::if_arp::ARPHRD_ETHER {
            ip_eth_mc_map(addr)
        } else {
            dev.broadcast.clone()
        };
    } else if dev.flags & (IFF_NOARP | IFF_LOOPBACK) != 0 {
        n.nud_state = NUD_NOARP;
        n.ha = dev.addr.clone();
    } else if n.ntype == RTN_BROADCAST || dev.flags & IFF_POINTOPOINT != 0 {
        n.nud_state = NUD_NOARP;
        n.ha = dev.broadcast.clone();
    }
    Ok(())
}

/// `arp_netdev_event`, with the FIB's `arp_ifdown` (`fib_netdev_event` at NETDEV_DOWN): an
/// address change flushes the device's entries, as does a change of NOARP; carrier loss
/// flushes its entries but the permanent ones (when `arp_evict_nocarrier` allows); going down
/// flushes them all.
fn arp_netdev_event(k: &mut Kernel, net: NetId, ifindex: u32, event: NetdevEvent) -> SysResult<()> {
    match event {
        NetdevEvent::ChangeAddr => {
            neigh_changeaddr(k, net, &ARP_TBL, ifindex)?;
            crate::fib::route::rt_cache_flush(k, net);
            Ok(())
        }
        NetdevEvent::Change { flags_changed } => {
            if flags_changed & IFF_NOARP != 0 {
                neigh_changeaddr(k, net, &ARP_TBL, ifindex)?;
            }
            let Some(dev) = k.dev(net, ifindex) else {
                return Ok(());
            };
            let i = usize::from(IPV4_DEVCONF_ARP_EVICT_NOCARRIER) - 1;
            let evict = match &dev.ip_ptr {
                None => true,
                Some(in_dev) => in_dev.cnf[i] != 0 && k.net(net).ipv4.devconf_all[i] != 0,
            };
            if evict && !dev.carrier {
                neigh_carrier_down(k, net, &ARP_TBL, ifindex)?;
            }
            Ok(())
        }
        NetdevEvent::Down => arp_ifdown(k, net, ifindex),
        _ => Ok(()),
    }
}

/// `arp_ifdown`: the device's entries go (the FIB's `fib_disable_ip`, at NETDEV_DOWN and
/// NETDEV_UNREGISTER).
pub fn arp_ifdown(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    neigh_ifdown(k, net, &ARP_TBL, ifindex)
}

/// `arp_init`: the table (`neigh_table_init`) and the device notifier.
pub fn arp_init(k: &mut Kernel) {
    neigh_table_init(k, &ARP_TBL);
    register_netdevice_notifier(
        k,
        NotifierBlock {
            priority: 0,
            notifier_call: arp_netdev_event,
        },
    );
}
