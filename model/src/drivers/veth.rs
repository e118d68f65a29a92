//! veth (`drivers/net/veth.c`): a pair of Ethernet devices. `veth_newlink` creates and
//! registers the peer first (so it takes the lower ifindex and notifies first, still unpaired),
//! then the device; `veth_dellink` takes the peer down with it.

use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::IFF_UP;
use crate::netdevice::{register_netdevice, unregister_netdevice_many};
use crate::netdevice::{NetDevice, ETH_ALEN, ETH_MAX_MTU, ETH_MIN_MTU};
use crate::rtnetlink::newlink::{
    eth_hw_addr_random, rtnl_configure_link, rtnl_create_link, rtnl_nla_parse_ifinfomsg, IfAttrs,
    RtnlLinkOps, RtnlNewlinkParams,
};
use crate::sch_generic::{netif_carrier_off, netif_carrier_on};
use crate::uapi::if_link::*;
use crate::uapi::veth::*;

/// `veth_link_ops`.
pub const VETH_LINK_OPS: RtnlLinkOps = RtnlLinkOps {
    kind: "veth",
    maxtype: VETH_INFO_PEER,
    setup: veth_setup,
    validate: Some(veth_validate),
    newlink: veth_newlink,
    dellink: veth_dellink,
    get_num_queues: Some(veth_get_num_queues),
    has_changelink: false,
    peer_type: Some(VETH_INFO_PEER),
    fill_info: None,
};

/// `veth_setup`: an Ethernet device with the noop qdisc until it is up.
fn veth_setup(name: &str, queues: u32) -> NetDevice {
    NetDevice {
        kind: Some("veth"),
        ..NetDevice::ether_setup(name, queues)
    }
}

/// `veth_get_num_queues`: one queue per possible CPU, at most 4096.
fn veth_get_num_queues(k: &Kernel) -> u32 {
    k.profile.num_possible_cpus.min(4096)
}

/// `is_valid_ether_addr`: not multicast and not all zeros.
pub fn is_valid_ether_addr(addr: &[u8]) -> bool {
    addr.len() == ETH_ALEN && addr[0] & 1 == 0 && addr.iter().any(|&b| b != 0)
}

/// `veth_validate`: a 6-byte unicast address and an MTU within Ethernet's limits; no ext-ack
/// message.
fn veth_validate(tb: &IfAttrs<'_>) -> Result<(), Errno> {
    if let Some(addr) = tb.get(IFLA_ADDRESS) {
        if addr.len() != ETH_ALEN {
            return Err(Errno::EINVAL);
        }
        if !is_valid_ether_addr(addr) {
            return Err(Errno::EADDRNOTAVAIL);
        }
    }
    if let Some(mtu) = tb.u32(IFLA_MTU) {
        if !(ETH_MIN_MTU..=ETH_MAX_MTU).contains(&mtu) {
            return Err(Errno::EINVAL);
        }
    }
    Ok(())
}

/// `veth_newlink`: parse and validate the peer's part of the request, create and register the
/// peer (carrier off, notified unpaired), then register `dev` and tie the two together.
/// Returns `dev`'s ifindex.
fn veth_newlink(k: &mut Kernel, p: &mut RtnlNewlinkParams<'_>, dev: NetDevice) -> SysResult<u32> {
    let net = p.net;
    // rtnl_newlink already parsed and validated the peer's part (rtnl_get_peer_net).
    let (peer_ifm, peer_tb) = match p.data.as_ref().and_then(|d| d.range(VETH_INFO_PEER)) {
        Some(r) => {
            let ifm = crate::rtnetlink::newlink::ifinfomsg(&p.msg[r.clone()]);
            (Some(ifm), rtnl_nla_parse_ifinfomsg(p.msg, r, p.extack)?)
        }
        None => (None, p.tb.clone()),
    };
    if [IFLA_NET_NS_PID, IFLA_NET_NS_FD, IFLA_TARGET_NETNSID]
        .iter()
        .any(|&t| peer_tb.has(t))
    {
        return Err(crate::errno::unimplemented(
            "veth peer in another namespace",
        ));
    }
    let ifname = match (&peer_ifm, peer_tb.string(IFLA_IFNAME)) {
        (Some(_), Some(name)) => name,
        _ => "veth%d".to_string(),
    };
    let mut peer = rtnl_create_link(k, &VETH_LINK_OPS, &ifname, &peer_tb, p.extack)?;
    if peer_ifm.is_none() || !peer_tb.has(IFLA_ADDRESS) {
        peer.addr = eth_hw_addr_random(k);
    }
    if let Some(ifm) = &peer_ifm {
        if dev.ifindex != 0 {
            peer.ifindex = ifm.index as u32;
        }
    }
    let peer_index = register_netdevice(k, net, peer)?;
    netif_carrier_off(k, net, peer_index);
    if let Err(e) = rtnl_configure_link(k, net, peer_index, peer_ifm.as_ref(), None) {
        // err_configure_peer: the peer goes again, never announced.
        unregister_netdevice_many(k, net, &[peer_index], None)?;
        return Err(e);
    }

    let mut dev = dev;
    if !p.tb.has(IFLA_ADDRESS) {
        dev.addr = eth_hw_addr_random(k);
    }
    dev.name = p.tb.string(IFLA_IFNAME).unwrap_or_else(|| "veth%d".into());
    let dev_index = match register_netdevice(k, net, dev) {
        Ok(i) => i,
        Err(e) => {
            unregister_netdevice_many(k, net, &[peer_index], None)?;
            return Err(e.into());
        }
    };
    netif_carrier_off(k, net, dev_index);
    let devs = &mut k.nets[net.0].devices.devs;
    if let Some(d) = devs.get_mut(&dev_index) {
        d.peer = Some(peer_index);
    }
    if let Some(d) = devs.get_mut(&peer_index) {
        d.peer = Some(dev_index);
    }
    // Both carriers went off after registration: link watch will settle their operstate
    // (LOWERLAYERDOWN: the peer has no carrier either), invisibly while they are down.
    Ok(dev_index)
}

/// `veth_open`: ENOTCONN before the pair is joined (the peer being configured while it is
/// created); with the peer up, both carriers come on.
pub fn veth_open(k: &mut Kernel, net: NetId, ifindex: u32) -> Result<(), Errno> {
    let devs = &k.nets[net.0].devices;
    let Some(peer) = devs.by_index(ifindex).and_then(|d| d.peer) else {
        return Err(Errno::ENOTCONN);
    };
    if devs.by_index(peer).is_some_and(|p| p.flags & IFF_UP != 0) {
        netif_carrier_on(k, net, ifindex);
        netif_carrier_on(k, net, peer);
    }
    Ok(())
}

/// `veth_close`: both carriers go off.
pub fn veth_close(k: &mut Kernel, net: NetId, ifindex: u32) {
    netif_carrier_off(k, net, ifindex);
    if let Some(peer) = k.nets[net.0].devices.by_index(ifindex).and_then(|d| d.peer) {
        netif_carrier_off(k, net, peer);
    }
}

/// `veth_dellink`: the device and its peer, both unpaired first.
pub fn veth_dellink(k: &mut Kernel, net: NetId, ifindex: u32) -> Vec<u32> {
    let devs = &mut k.nets[net.0].devices.devs;
    let peer = devs.get_mut(&ifindex).and_then(|d| d.peer.take());
    let mut list = vec![ifindex];
    if let Some(p) = peer {
        if let Some(d) = devs.get_mut(&p) {
            d.peer = None;
        }
        list.push(p);
    }
    list
}
