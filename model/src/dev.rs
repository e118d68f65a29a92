//! The device core (`net/core/dev.c`): registering and unregistering devices, the netdevice
//! notifier chain that subsystems register on, and the changes of a device that each send a
//! netdevice event (address, MTU, name, queue length, state).
//!
//! Up and down are in [`crate::dev_flags`]. Who hears the events: whoever registered with
//! [`register_netdevice_notifier`], in the kernel's order (priority, then registration):
//! rtnetlink (`rtnetlink_event`), IPv6 (`addrconf_notify`), the bridge (`br_device_event`).

use crate::af_netlink::NetlinkExtAck;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::rtnetlink::notify::{
    rtmsg_ifinfo_build_skb, rtmsg_ifinfo_event, rtmsg_ifinfo_send, Report,
};
use crate::uapi::rtnetlink::RTM_DELLINK;

/// The netdevice events (`NETDEV_*`) the model's devices raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetdevEvent {
    /// `NETDEV_UP`: the device was opened.
    Up,
    /// `NETDEV_DOWN`: the device was closed.
    Down,
    /// `NETDEV_CHANGE`: its state changed (link watch, `netdev_state_change`), or flags
    /// other than UP, PROMISC and ALLMULTI changed on a device that is up
    /// (`netdev_notifier_change_info.flags_changed`).
    Change {
        /// The flags that changed (0 for a state change).
        flags_changed: u32,
    },
    /// `NETDEV_CHANGEADDR`: its hardware or broadcast address was set.
    ChangeAddr,
    /// `NETDEV_CHANGEMTU`.
    ChangeMtu,
    /// `NETDEV_CHANGENAME`.
    ChangeName,
    /// `NETDEV_CHANGE_TX_QUEUE_LEN`.
    ChangeTxQueueLen,
    /// `NETDEV_FEAT_CHANGE`: its features changed.
    FeatChange,
    /// `NETDEV_CHANGEUPPER`: it was linked to or unlinked from an upper device (a bridge).
    ChangeUpper,
}

/// A netdevice notifier (`struct notifier_block` on `netdev_chain`).
#[derive(Clone, Copy, Debug)]
pub struct NotifierBlock {
    /// `priority`: higher runs first; equal priorities run in registration order.
    pub priority: i32,
    /// `notifier_call`.
    pub notifier_call: fn(&mut Kernel, NetId, u32, NetdevEvent) -> SysResult<()>,
}

/// `register_netdevice_notifier`: add `nb` to the chain, after those of the same priority.
pub fn register_netdevice_notifier(k: &mut Kernel, nb: NotifierBlock) {
    let chain = &mut k.registry.netdev_chain;
    let at = chain
        .iter()
        .position(|n| n.priority < nb.priority)
        .unwrap_or(chain.len());
    chain.insert(at, nb);
}

/// `call_netdevice_notifiers`: every notifier in chain order; the first error stops the
/// chain (`notifier_from_errno`).
pub fn call_netdevice_notifiers(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    event: NetdevEvent,
) -> SysResult<()> {
    for i in 0..k.registry.netdev_chain.len() {
        let call = k.registry.netdev_chain[i].notifier_call;
        call(k, net, ifindex, event)?;
    }
    Ok(())
}

/// `register_netdevice`: settle the name (a `%d` pattern takes the lowest free number; a taken
/// name is EEXIST), reserve the ifindex, attach the IPv4/IPv6 devices (`NETDEV_REGISTER`: the
/// neighbour table draws the reachable time at random in [15000, 45000) ms), settle the
/// operstate of a device registered without carrier (`linkwatch_init_dev`) and list it.
/// No notification yet: the link is still initializing. Returns the ifindex.
pub fn register_netdevice(
    k: &mut Kernel,
    net: NetId,
    mut dev: NetDevice,
) -> crate::errno::SysResult<u32> {
    let devs = &mut k.net_mut(net).devices;
    dev.name = devs.dev_get_valid_name(&dev.name)?;
    dev.ifindex = devs.dev_index_reserve(dev.ifindex)?;
    // NETDEV_REGISTER: the IPv4 and IPv6 devices attach (IPv6 only with an MTU of at
    // least IPV6_MIN_MTU).
    crate::devinet::inetdev_event_register(k, &mut dev);
    crate::addrconf::addrconf_notify_register(k, &mut dev);
    crate::link_watch::linkwatch_init_dev(k.features, &k.net(net).devices, &mut dev);
    let ifindex = dev.ifindex;
    k.net_mut(net).devices.list_netdevice(dev);
    // Each family's attaching is announced to its netconf group (the kernel lists the device
    // before NETDEV_REGISTER; nothing else there is seen).
    crate::devinet::netconf::devinet_sysctl_register(k, net, ifindex);
    crate::addrconf::netconf::addrconf_sysctl_register(k, net, ifindex);
    // ipv6_add_dev's joins, once its inet6_dev is attached (RTNLGRP_IPV6_MCADDR).
    crate::mcast::ipv6_add_dev_joined(k, net, ifindex)?;
    // NETDEV_REGISTER: rules naming the device take it (`fib_rules_event`).
    crate::fib_rules::fib_rules_attach(k, net, ifindex);
    Ok(ifindex)
}

/// `unregister_netdevice_many_notify`: close the running devices of `list` (`dev_close_many`),
/// then unlist every device, drop its link watch event, release its address families
/// (`NETDEV_UNREGISTER`) and qdisc (`dev_shutdown`), and send each one's RTM_DELLINK
/// (change ~0) in list order.
pub fn unregister_netdevice_many(
    k: &mut Kernel,
    net: NetId,
    list: &[u32],
    report: Option<Report<'_>>,
) -> SysResult<()> {
    // If a device is running, it is closed first.
    crate::dev_flags::dev_close_many(k, net, list)?;
    for &ifindex in list {
        crate::link_watch::linkwatch_forget_dev(k, net, ifindex);
        // NETDEV_UNREGISTER, in chain order: the address families let go of the device
        // (their netconf goes), then the bridge (`br_device_event`): a lower device leaves
        // its upper device.
        crate::devinet::inetdev_destroy(k, net, ifindex)?;
        crate::fib::fib_netdev_unregister(k, net, ifindex);
        // The FIB lets go of the device (`fib_disable_ip`: `arp_ifdown`); IPv6's
        // `addrconf_ifdown` flushes the NDISC entries.
        crate::arp::arp_ifdown(k, net, ifindex)?;
        crate::addrconf::addrconf_unregister(k, net, ifindex)?;
        let master = k.dev(net, ifindex).and_then(|d| d.master);
        if let Some(upper) = master {
            let upper_going = list.contains(&upper);
            crate::drivers::bridge::br_if::br_del_if(k, net, upper, ifindex, upper_going, true)?;
        }
        // A bridge drops its own VLAN (`br_device_event`), then uninitialises (`ndo_uninit`).
        crate::drivers::bridge::br_dev_unregister(k, net, ifindex)?;
        crate::rtnetlink::fill::rtnl_link_netnsid_alloc(k, net, net, ifindex)?;
        let Some(mut dev) = k.net_mut(net).devices.unlist_netdevice(ifindex) else {
            continue;
        };
        // NETDEV_UNREGISTER: rules on the device let go of it (`fib_rules_event`).
        crate::fib_rules::fib_rules_detach(k, net, ifindex);
        // dev_shutdown: the qdisc goes back to noop.
        dev.qdisc = "noop";
        if dev.rtnl_link_ops.is_some() && !dev.rtnl_link_initialized {
            continue;
        }
        if !crate::rtnetlink::notify::rtnl_link_notify_wanted(k, net, report) {
            continue;
        }
        let skb = rtmsg_ifinfo_build_skb(
            crate::rtnetlink::fill::FillCtx::of(k, net, &dev),
            &dev,
            RTM_DELLINK,
            !0,
            0,
            report,
        )?;
        rtmsg_ifinfo_send(k, net, skb, report)?;
    }
    Ok(())
}

/// `netdev_state_change`: for a device that is up, NETDEV_CHANGE (IPv6 may become ready) and
/// an RTM_NEWLINK.
pub fn netdev_state_change(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    if k.dev(net, ifindex).is_some_and(NetDevice::is_up) {
        call_netdevice_notifiers(k, net, ifindex, NetdevEvent::Change { flags_changed: 0 })?;
        rtmsg_ifinfo_event(k, net, ifindex, 0, 0, None)?;
    }
    Ok(())
}

/// `dev_set_mac_address`: a valid unicast address (EADDRNOTAVAIL otherwise) when it differs,
/// taken by the driver (`ndo_set_mac_address`, `eth_mac_addr` by default); the address now
/// counts as set by the user; NETDEV_CHANGEADDR is sent even when it did not differ.
pub fn dev_set_mac_address(k: &mut Kernel, net: NetId, ifindex: u32, addr: &[u8]) -> SysResult<()> {
    let dev = k.dev(net, ifindex).expect("looked up");
    let n = dev.addr.len();
    if dev.addr[..] != addr[..n] {
        if !crate::ethernet::is_valid_ether_addr(&addr[..n]) {
            return Err(Errno::EADDRNOTAVAIL.into());
        }
        match dev.netdev_ops.ndo_set_mac_address {
            Some(set) => set(k, net, ifindex, &addr[..n])?,
            None => k.dev_mut(net, ifindex).expect("looked up").addr = addr[..n].to_vec(),
        }
    }
    k.dev_mut(net, ifindex).expect("looked up").addr_set = true;
    call_netdevice_notifiers(k, net, ifindex, NetdevEvent::ChangeAddr)
}

/// `dev_set_mtu_ext`: nothing for the same MTU; the device's limits (with their ext-ack
/// messages); then NETDEV_CHANGEMTU.
pub fn dev_set_mtu_ext(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    mtu: u32,
    extack: &mut crate::af_netlink::NetlinkExtAck,
) -> SysResult<()> {
    let dev = k.dev_mut(net, ifindex).expect("looked up");
    if dev.mtu == mtu {
        return Ok(());
    }
    if let Err((e, msg)) = dev.dev_validate_mtu(mtu) {
        extack.msg = Some(msg.into());
        return Err(e.into());
    }
    dev.mtu = mtu;
    call_netdevice_notifiers(k, net, ifindex, NetdevEvent::ChangeMtu)
}

/// `dev_change_name`: EBUSY for a running device on releases before live renaming; nothing
/// for the same name; EEXIST for a taken one; NETDEV_CHANGENAME.
pub fn dev_change_name(k: &mut Kernel, net: NetId, ifindex: u32, name: &str) -> SysResult<()> {
    let live_rename = k.has(crate::profile::Feature::DevLiveRename);
    let devs = &k.net(net).devices;
    if !live_rename
        && devs
            .by_index(ifindex)
            .is_some_and(|d| d.flags & crate::uapi::if_::IFF_UP != 0)
    {
        return Err(Errno::EBUSY.into());
    }
    if devs.by_index(ifindex).is_some_and(|d| d.name == name) {
        return Ok(());
    }
    let name = devs.dev_get_valid_name(name)?;
    k.net_mut(net).devices.rename(ifindex, name);
    call_netdevice_notifiers(k, net, ifindex, NetdevEvent::ChangeName)
}

/// `dev_change_tx_queue_len`: a new length is NETDEV_CHANGE_TX_QUEUE_LEN.
pub fn dev_change_tx_queue_len(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    len: u32,
) -> SysResult<()> {
    let dev = k.dev_mut(net, ifindex).expect("looked up");
    if dev.txqlen == len {
        return Ok(());
    }
    dev.txqlen = len;
    call_netdevice_notifiers(k, net, ifindex, NetdevEvent::ChangeTxQueueLen)
}

/// `dev_set_broadcast` as `do_setlink` does it: the new broadcast address, then
/// NETDEV_CHANGEADDR.
pub fn dev_set_broadcast(k: &mut Kernel, net: NetId, ifindex: u32, b: &[u8]) -> SysResult<()> {
    let dev = k.dev_mut(net, ifindex).expect("looked up");
    let n = dev.broadcast.len();
    dev.broadcast = b[..n].to_vec();
    call_netdevice_notifiers(k, net, ifindex, NetdevEvent::ChangeAddr)
}

/// `netif_rx`: a frame a device received (a veth's peer sent it) waits on the CPU's backlog
/// for the receive softirq ([`process_backlog`]), which runs after the timers of the tick
/// that sent it, or when the sender's context enables bottom halves again.
pub fn netif_rx(k: &mut Kernel, net: NetId, ifindex: u32, frame: crate::netdevice::Frame) {
    k.backlog.push_back((net, ifindex, frame));
}

/// `process_backlog` (`net_rx_action`): the frames waiting on the backlog are received in
/// order (`__netif_receive_skb`), those their reception sends included.
pub fn process_backlog(k: &mut Kernel) -> SysResult<()> {
    while let Some((net, ifindex, frame)) = k.backlog.pop_front() {
        netif_receive_skb(k, net, ifindex, &frame)?;
    }
    Ok(())
}

/// `__netif_receive_skb_core` for a frame from the backlog: a bridge port's frames go to the
/// bridge (`br_handle_frame`, its rx_handler), which may pass them on; an LLC frame is then
/// the LLC layer's (`llc_rcv`), which hands a BPDU to the spanning tree (`stp_pdu_rcv` ->
/// `br_stp_rcv`: dropped on a device that is no bridge port, no counter moving).
pub(crate) fn netif_receive_skb(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    frame: &crate::netdevice::Frame,
) -> SysResult<()> {
    use crate::netdevice::Frame;
    let Some(dev) = k.dev(net, ifindex) else {
        return Ok(());
    };
    if dev.br_port().is_some() {
        let pass = crate::drivers::bridge::br_input::br_handle_frame(k, net, ifindex, frame)?;
        if !pass {
            return Ok(());
        }
    }
    match frame {
        Frame::Llc(f) if f.dsap == crate::ethernet::LLC_SAP_BSPAN => {
            crate::drivers::bridge::br_stp_bpdu::br_stp_rcv(k, net, ifindex, f)
        }
        Frame::Llc(_) => Ok(()),
        Frame::Ipv6(skb) => crate::ip6_input::ipv6_rcv(k, net, ifindex, skb),
        Frame::Ipv4(skb) => ip_rcv(k, net, ifindex, skb),
    }
}

/// `ip_rcv` for the modeled IPv4 traffic (IGMP reports to 224.0.0.22): the namespace's
/// counters it moves are not modeled (netlink does not show them); a group the device has not
/// joined drops it (`ip_check_mc_rcu`); delivery to one it joined (`igmp_rcv`) is not modeled.
fn ip_rcv(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    skb: &crate::netdevice::Ipv4Skb,
) -> SysResult<()> {
    let joined = k
        .dev(net, ifindex)
        .and_then(|d| d.ip_ptr.as_ref())
        .is_some_and(|i| i.mc_list.iter().any(|im| im.multiaddr == skb.daddr));
    if joined {
        return Err(crate::errno::unimplemented(
            "IPv4 input of an IGMP report on a device that joined its destination group",
        ));
    }
    Ok(())
}

/// `NET_XMIT_CN`: what `noop_enqueue` answers.
pub const NET_XMIT_CN: i32 = 2;

/// `dev_queue_xmit` for a frame of the modeled IPv6 traffic, with its result (`NET_XMIT_*`):
/// a device whose queues wait for their qdisc (no carrier: `noop_qdisc`) drops it
/// (`noop_enqueue`: NET_XMIT_CN, counted in the core's tx_dropped where the release does); else the driver sends it
/// (`ndo_start_xmit`, NETDEV_TX_OK whatever became of it; a kind without one in the model
/// answers `unimplemented`).
pub fn dev_queue_xmit(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    skb: &crate::netdevice::Frame,
) -> SysResult<i32> {
    let counts_drops = k.has(crate::profile::Feature::NoopQdiscCountsTxDropped);
    let Some(dev) = k.dev_mut(net, ifindex) else {
        return Ok(0);
    };
    if !dev.qdisc_tx_active {
        if counts_drops {
            dev.tx_stats.core_dropped += 1;
        }
        return Ok(NET_XMIT_CN);
    }
    match dev.netdev_ops.ndo_start_xmit {
        Some(xmit) => xmit(k, net, ifindex, skb).map(|()| 0),
        None => Err(crate::errno::unimplemented(
            "transmitting on this kind of device (only veth's and the bridge's transmit paths are modeled)",
        )),
    }
}

/// `unregister_netdevice_many` over devices of several namespaces (a veth and its peer moved
/// elsewhere): each namespace's devices together, the requester's first. Listeners hear only
/// their own namespace, so each hears what the kernel's single pass tells it, in its order. An
/// echo asked for a device in another namespace would go to a socket of that namespace with
/// the requester's portid: not modeled.
pub fn unregister_netdevice_many_nets(
    k: &mut Kernel,
    net: NetId,
    list: &[(NetId, u32)],
    report: Option<Report<'_>>,
) -> SysResult<()> {
    let mut nets = vec![net];
    for &(n, _) in list {
        if !nets.contains(&n) {
            nets.push(n);
        }
    }
    if nets.len() > 1
        && report.is_some_and(|r| r.nlh.flags() & crate::uapi::netlink::NLM_F_ECHO != 0)
    {
        return Err(crate::errno::unimplemented(
            "an echo of a deletion that takes a device of another namespace along",
        ));
    }
    for n in nets {
        let devs: Vec<u32> = list.iter().filter(|d| d.0 == n).map(|d| d.1).collect();
        if devs.is_empty() {
            continue;
        }
        let report = if n == net { report } else { None };
        unregister_netdevice_many(k, n, &devs, report)?;
    }
    Ok(())
}

/// Why `__dev_change_net_namespace` refuses, in the extended ack where the release explains.
fn netns_refuse(
    k: &Kernel,
    extack: &mut NetlinkExtAck,
    errno: Errno,
    msg: String,
) -> SysResult<u32> {
    if k.has(crate::profile::Feature::DevChangeNetNamespaceExtack) {
        extack.msg = Some(msg);
    }
    Err(errno.into())
}

/// `__dev_change_net_namespace`: move the device `ifindex` of `net` to `tgt`. Refused for a
/// namespace-local device (EINVAL), a name taken there without a usable pattern `pat`
/// (EEXIST), a taken alternative name (EEXIST), a taken `new_ifindex` (EBUSY); without
/// `new_ifindex` it keeps its index if free there, else takes the next free one. On the way it
/// is closed (`dev_close`), let go by every protocol as if unregistered (NETDEV_UNREGISTER:
/// addresses, routes, neighbours, netconf, a bridge port's membership), announced gone in
/// `net` (RTM_DELLINK carrying IFLA_NEW_NETNSID, the id `net` gives `tgt`, and
/// IFLA_NEW_IFINDEX), then listed in `tgt`, taken up by the protocols there
/// (NETDEV_REGISTER) and announced (RTM_NEWLINK). Returns its ifindex in `tgt`.
pub fn __dev_change_net_namespace(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    tgt: NetId,
    pat: Option<&str>,
    new_ifindex: u32,
    extack: &mut NetlinkExtAck,
) -> SysResult<u32> {
    let dev = k.dev(net, ifindex).expect("looked up by the caller");
    if dev.netns_immutable {
        return netns_refuse(
            k,
            extack,
            Errno::EINVAL,
            "The interface netns is immutable".into(),
        );
    }
    if net == tgt {
        return Ok(ifindex);
    }
    let ops = dev.rtnl_link_ops;
    let tgt_devs = &k.net(tgt).devices;
    let mut new_name = None;
    if tgt_devs.by_name(&dev.name).is_some() {
        let Some(pat) = pat else {
            return netns_refuse(
                k,
                extack,
                Errno::EEXIST,
                "An interface with the same name exists in the target netns".into(),
            );
        };
        // dev_prep_valid_name: the pattern must be valid and free there.
        match tgt_devs.dev_get_valid_name(pat) {
            Ok(name) => new_name = Some(name),
            Err(e) => {
                return netns_refuse(
                    k,
                    extack,
                    e,
                    format!("Unable to use '{pat}' for the new interface name in the target netns"),
                )
            }
        }
    }
    if let Some(alt) = dev.altnames.iter().find(|a| tgt_devs.by_name(a).is_some()) {
        let msg = format!("An interface with the altname {alt} exists in the target netns");
        return netns_refuse(k, extack, Errno::EEXIST, msg);
    }
    let tgt_devs = &mut k.net_mut(tgt).devices;
    let new_ifindex = if new_ifindex != 0 {
        match tgt_devs.dev_index_reserve(new_ifindex) {
            Ok(i) => i,
            Err(e) => {
                let msg = format!("The ifindex {new_ifindex} is not available in the target netns");
                return netns_refuse(k, extack, e, msg);
            }
        }
    } else {
        match tgt_devs.dev_index_reserve(ifindex) {
            Err(Errno::EBUSY) => match tgt_devs.dev_index_reserve(0) {
                Ok(i) => i,
                Err(e) => {
                    let msg = "Unable to allocate a new ifindex in the target netns".to_string();
                    return netns_refuse(k, extack, e, msg);
                }
            },
            Ok(i) => i,
            Err(e) => {
                let msg = "Unable to allocate a new ifindex in the target netns".to_string();
                return netns_refuse(k, extack, e, msg);
            }
        }
    };

    // The unregistering half: closed, let go by the protocols, unlisted.
    crate::dev_flags::dev_close_many(k, net, &[ifindex])?;
    crate::devinet::inetdev_destroy(k, net, ifindex)?;
    crate::fib::fib_netdev_unregister(k, net, ifindex);
    crate::arp::arp_ifdown(k, net, ifindex)?;
    crate::addrconf::addrconf_unregister(k, net, ifindex)?;
    // A moving device stays registered (NETREG_REGISTERED): unlike an unregistered one, it is
    // announced as it leaves its bridge (promiscuity, the upper link gone).
    if let Some(upper) = k.dev(net, ifindex).and_then(|d| d.master) {
        crate::drivers::bridge::br_if::br_del_if(k, net, upper, ifindex, false, false)?;
    }
    let mut dev = k
        .net_mut(net)
        .devices
        .unlist_netdevice(ifindex)
        .expect("listed");
    crate::fib_rules::fib_rules_detach(k, net, ifindex);
    // dev_shutdown: the qdisc goes back to noop.
    dev.qdisc = "noop";
    let new_nsid = crate::net_namespace::peernet2id_alloc(k, net, tgt)?;
    // The message is filled with the device still of `net` (its link's id there too).
    if let Some(link_net) = ops.and_then(|o| o.get_link_net).map(|f| f(&dev, net)) {
        if link_net != net {
            crate::net_namespace::peernet2id_alloc(k, net, link_net)?;
        }
    }
    if crate::rtnetlink::notify::rtnl_link_notify_wanted(k, net, None) {
        let mut ctx = crate::rtnetlink::fill::FillCtx::of(k, net, &dev);
        ctx.new_net = Some((new_nsid, new_ifindex as i32));
        let skb = rtmsg_ifinfo_build_skb(ctx, &dev, RTM_DELLINK, !0, 0, None)?;
        rtmsg_ifinfo_send(k, net, skb, None)?;
    }

    // The registering half, in the new namespace.
    dev.ifindex = new_ifindex;
    if let Some(name) = new_name {
        dev.name = name;
    }
    crate::devinet::inetdev_event_register(k, &mut dev);
    crate::addrconf::addrconf_notify_register(k, &mut dev);
    k.net_mut(tgt).devices.list_netdevice(dev);
    if let Some(moved) = ops.and_then(|o| o.dev_moved) {
        moved(k, (net, ifindex), (tgt, new_ifindex));
    }
    crate::link_watch::linkwatch_dev_moved(k, (net, ifindex), (tgt, new_ifindex));
    crate::devinet::netconf::devinet_sysctl_register(k, tgt, new_ifindex);
    crate::addrconf::netconf::addrconf_sysctl_register(k, tgt, new_ifindex);
    crate::mcast::ipv6_add_dev_joined(k, tgt, new_ifindex)?;
    crate::fib_rules::fib_rules_attach(k, tgt, new_ifindex);
    // The announcement's fill gives the link's namespace an id in the new one first
    // (`rtnl_fill_link_netnsid`), whether or not anyone listens.
    rtmsg_ifinfo_event(k, tgt, new_ifindex, !0, 0, None)?;
    Ok(new_ifindex)
}
