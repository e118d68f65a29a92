//! The device core (`net/core/dev.c`): registering and unregistering devices, the netdevice
//! notifier chain that subsystems register on, and the changes of a device that each send a
//! netdevice event (address, MTU, name, queue length, state).
//!
//! Up and down are in [`crate::dev_flags`]. Who hears the events: whoever registered with
//! [`register_netdevice_notifier`], in the kernel's order (priority, then registration):
//! rtnetlink (`rtnetlink_event`), IPv6 (`addrconf_notify`), the bridge (`br_device_event`).

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
    skb: &crate::ip6_output::Ipv6Skb,
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
            "transmitting on this kind of device (only veth's transmit path is modeled)",
        )),
    }
}
