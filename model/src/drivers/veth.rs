//! veth (`drivers/net/veth.c`): a pair of Ethernet devices. `veth_newlink` creates and
//! registers the peer first (so it takes the lower ifindex and notifies first, still unpaired),
//! then the device; `veth_dellink` takes the peer down with it.

use crate::dev::{register_netdevice, unregister_netdevice_many};
use crate::errno::{Errno, SysResult};
use crate::ethernet::{eth_random_addr, eth_validate_addr_attr, ether_setup};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::{DevPriv, Frame, NetDevice, NetDeviceOps, RtnlLinkStats64};
use crate::profile::FeatureSet;
use crate::random::RandomSource;
use crate::rtnetlink::newlink::{
    ifinfomsg, rtnl_configure_link, rtnl_create_link, rtnl_nla_parse_ifinfomsg, IfAttrs,
    RtnlNewlinkParams,
};
use crate::rtnetlink::ops::{rtnl_link_register, RtnlLinkOps};
use crate::sch_generic::{netif_carrier_off, netif_carrier_on};
use crate::uapi::if_ether::{ETH_MAX_MTU, ETH_MIN_MTU};
use crate::uapi::if_link::*;
use crate::uapi::veth::VETH_INFO_PEER;

/// `struct veth_priv`: the peer, by namespace and ifindex (none until the pair is joined, and
/// again while it is being taken apart).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VethPriv {
    /// `peer`: its namespace (the pair's ends may live in different ones) and ifindex.
    pub peer: Option<(NetId, u32)>,
    /// What the peer sent it, packets and bytes: the peer's own counters, which
    /// `veth_get_stats64` reads as this device's received ones; kept here as the peer counts
    /// them, so reading them needs no lookup of the peer.
    pub peer_sent: (u64, u64),
}

/// `veth_link_ops`.
pub static VETH_LINK_OPS: RtnlLinkOps = RtnlLinkOps {
    kind: "veth",
    maxtype: VETH_INFO_PEER,
    setup: veth_setup,
    validate: Some(veth_validate),
    newlink: Some(veth_newlink),
    dellink: Some(veth_dellink),
    get_num_queues: Some(veth_get_num_queues),
    policy: None,
    changelink: None,
    peer_type: Some(VETH_INFO_PEER),
    fill_info: None,
    fill_slave_info: None,
    slave_policy: None,
    slave_changelink: None,
    get_size: None,
    get_slave_size: None,
    get_link_net: Some(veth_get_link_net),
    dev_moved: Some(veth_dev_moved),
};

/// `veth_netdev_ops`; veths need no qdisc (`IFF_NO_QUEUE`).
static VETH_NETDEV_OPS: NetDeviceOps = NetDeviceOps {
    ndo_open: Some(veth_open),
    ndo_stop: Some(veth_close),
    ndo_get_iflink: Some(veth_get_iflink),
    no_queue: true,
    ndo_start_xmit: Some(veth_xmit),
    ndo_get_stats64: Some(veth_get_stats64),
    ..NetDeviceOps::NONE
};

/// `veth_xmit`: the frame goes to the peer (`veth_forward_skb`): a peer that is not up
/// refuses it (`is_skb_forwardable`) and the sender counts a drop (`priv->dropped`); else the
/// sender counts it sent (`dev_sw_netstats_tx_add`, the link-layer header included) and the
/// peer receives it (`netif_rx`): an IPv6 packet at once (`eth_type_trans` -> `ipv6_rcv`, the
/// modeled IPv6 traffic never meets another frame on its way), any other frame (BPDUs, IGMP
/// reports) through the backlog ([`crate::dev::netif_rx`]).
fn veth_xmit(k: &mut Kernel, net: NetId, ifindex: u32, frame: &Frame) -> SysResult<()> {
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    let peer = peer_of(dev).filter(|&(pn, p)| k.dev(pn, p).is_some_and(NetDevice::is_up));
    let dev = k.dev_mut(net, ifindex).expect("present");
    let Some((peer_net, peer)) = peer else {
        dev.tx_stats.dropped += 1;
        return Ok(());
    };
    let dev = k.dev_mut(net, ifindex).expect("present");
    let bytes = frame.len();
    dev.tx_stats.packets += 1;
    dev.tx_stats.bytes += bytes;
    if let Some(DevPriv::Veth(v)) = k.dev_mut(peer_net, peer).map(|d| &mut d.priv_) {
        v.peer_sent.0 += 1;
        v.peer_sent.1 += bytes;
    }
    let skb = match frame {
        Frame::Ipv6(skb) => skb,
        Frame::Llc(_) | Frame::Ipv4(_) => {
            crate::dev::netif_rx(k, peer_net, peer, frame.clone());
            return Ok(());
        }
    };
    // A bridge port's frames go to its rx_handler (`__netif_receive_skb_core` ->
    // `br_handle_frame`), never to its own IPv6 input (found by `nltwin fuzz`: the kernel's
    // port counted the frame received and no Ip6InReceives), through the backlog as the
    // kernel's `netif_rx` does: what the bridge does with it (learning, snooping, flooding,
    // passing it up) may send more.
    if k.dev(peer_net, peer).and_then(NetDevice::br_port).is_some() {
        crate::dev::netif_rx(k, peer_net, peer, frame.clone());
        return Ok(());
    }
    crate::ip6_input::ipv6_rcv(k, peer_net, peer, skb)
}

/// `veth_get_stats64`: what the device sent and dropped, and as received what its peer sent.
fn veth_get_stats64(dev: &NetDevice) -> RtnlLinkStats64 {
    let mut s = RtnlLinkStats64 {
        tx_packets: dev.tx_stats.packets,
        tx_bytes: dev.tx_stats.bytes,
        tx_dropped: dev.tx_stats.dropped,
        ..Default::default()
    };
    if let DevPriv::Veth(v) = &dev.priv_ {
        (s.rx_packets, s.rx_bytes) = v.peer_sent;
    }
    s
}

/// `veth_init`: the kind.
pub fn veth_init(k: &mut Kernel) {
    rtnl_link_register(k, &VETH_LINK_OPS);
}

/// The peer of a veth: its namespace and ifindex.
fn peer_of(dev: &NetDevice) -> Option<(NetId, u32)> {
    match &dev.priv_ {
        DevPriv::Veth(v) => v.peer,
        _ => None,
    }
}

fn set_peer(k: &mut Kernel, net: NetId, ifindex: u32, peer: Option<(NetId, u32)>) {
    if let Some(DevPriv::Veth(v)) = k.dev_mut(net, ifindex).map(|d| &mut d.priv_) {
        v.peer = peer;
    }
}

/// `veth_setup`: an Ethernet device with the noop qdisc until it is up.
fn veth_setup(
    dev: &mut NetDevice,
    _random: &mut dyn RandomSource,
    _features: FeatureSet,
    _config: &crate::profile::Config,
) {
    ether_setup(dev);
    dev.netdev_ops = &VETH_NETDEV_OPS;
    dev.tso_max_size = crate::netdevice::GSO_MAX_SIZE;
    dev.priv_ = DevPriv::Veth(VethPriv::default());
}

/// `veth_get_iflink`: the peer's ifindex, 0 while unpaired.
fn veth_get_iflink(dev: &NetDevice) -> u32 {
    peer_of(dev).map_or(0, |(_, p)| p)
}

/// `veth_get_link_net`: the peer's namespace, the device's own while unpaired.
fn veth_get_link_net(dev: &NetDevice, net: NetId) -> NetId {
    peer_of(dev).map_or(net, |(pn, _)| pn)
}

/// The pointer to a moved veth, followed: its peer names it where it now is.
fn veth_dev_moved(k: &mut Kernel, from: (NetId, u32), to: (NetId, u32)) {
    let Some((pn, p)) = k.dev(to.0, to.1).and_then(peer_of) else {
        return;
    };
    // A peer in the namespace the device left is still there; one in the device's new
    // namespace was named relative to nothing else (the pair is named by namespace).
    if k.dev(pn, p).and_then(peer_of) == Some(from) {
        set_peer(k, pn, p, Some(to));
    }
}

/// `veth_get_num_queues`: one queue per possible CPU, at most 4096.
fn veth_get_num_queues(k: &Kernel) -> u32 {
    k.profile.host.num_possible_cpus.min(4096)
}

/// `veth_validate`: a 6-byte unicast address and an MTU within Ethernet's limits; no ext-ack
/// message.
fn veth_validate(
    tb: &IfAttrs<'_>,
    _data: Option<&IfAttrs<'_>>,
    _config: &crate::profile::Config,
) -> Result<(), Errno> {
    eth_validate_addr_attr(tb)?;
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
            let ifm = ifinfomsg(&p.msg[r.clone()]);
            (
                Some(ifm),
                rtnl_nla_parse_ifinfomsg(
                    p.msg,
                    r,
                    crate::rtnetlink::link::ifla_policy(k),
                    p.extack,
                )?,
            )
        }
        None => (None, p.tb.clone()),
    };
    // rtnl_newlink_peer_net: the namespace the request named for the peer, else the
    // requester's.
    let peer_net = p.peer_net.unwrap_or(p.src_net);
    let ifname = match (&peer_ifm, peer_tb.string(IFLA_IFNAME)) {
        (Some(_), Some(name)) => name,
        _ => "veth%d".to_string(),
    };
    let mut peer = rtnl_create_link(k, &VETH_LINK_OPS, &ifname, &peer_tb, p.extack)?;
    if peer_ifm.is_none() || !peer_tb.has(IFLA_ADDRESS) {
        peer.addr = eth_random_addr(k.random.as_mut());
    }
    if let Some(ifm) = &peer_ifm {
        if dev.ifindex != 0 {
            peer.ifindex = ifm.index as u32;
        }
    }
    let peer_index = register_netdevice(k, peer_net, peer)?;
    netif_carrier_off(k, peer_net, peer_index);
    if let Err(e) = rtnl_configure_link(k, peer_net, peer_index, peer_ifm.as_ref(), None) {
        // err_configure_peer: the peer goes again, never announced.
        unregister_netdevice_many(k, peer_net, &[peer_index], None)?;
        return Err(e);
    }

    let mut dev = dev;
    if !p.tb.has(IFLA_ADDRESS) {
        dev.addr = eth_random_addr(k.random.as_mut());
    }
    dev.name = p.tb.string(IFLA_IFNAME).unwrap_or_else(|| "veth%d".into());
    let dev_index = match register_netdevice(k, net, dev) {
        Ok(i) => i,
        Err(e) => {
            unregister_netdevice_many(k, peer_net, &[peer_index], None)?;
            return Err(e);
        }
    };
    netif_carrier_off(k, net, dev_index);
    set_peer(k, net, dev_index, Some((peer_net, peer_index)));
    set_peer(k, peer_net, peer_index, Some((net, dev_index)));
    // Both carriers went off after registration: link watch will settle their operstate
    // (LOWERLAYERDOWN: the peer has no carrier either), invisibly while they are down.
    Ok(dev_index)
}

/// `veth_open`: ENOTCONN before the pair is joined (the peer being configured while it is
/// created); with the peer up, both carriers come on.
fn veth_open(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let Some((peer_net, peer)) = k.dev(net, ifindex).and_then(peer_of) else {
        return Err(Errno::ENOTCONN.into());
    };
    if k.dev(peer_net, peer).is_some_and(NetDevice::is_up) {
        netif_carrier_on(k, net, ifindex);
        netif_carrier_on(k, peer_net, peer);
    }
    Ok(())
}

/// `veth_close`: both carriers go off.
fn veth_close(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    netif_carrier_off(k, net, ifindex);
    if let Some((peer_net, peer)) = k.dev(net, ifindex).and_then(peer_of) {
        netif_carrier_off(k, peer_net, peer);
    }
    Ok(())
}

/// `veth_dellink`: the device and its peer (wherever it lives), both unpaired first.
fn veth_dellink(k: &mut Kernel, net: NetId, ifindex: u32) -> Vec<(NetId, u32)> {
    let peer = k.dev(net, ifindex).and_then(peer_of);
    set_peer(k, net, ifindex, None);
    let mut list = vec![(net, ifindex)];
    if let Some((pn, p)) = peer {
        set_peer(k, pn, p, None);
        list.push((pn, p));
    }
    list
}
