//! Network devices (`struct net_device`, `include/linux/netdevice.h`): the device as the
//! model keeps it, its operations (`struct net_device_ops`), the private state of its kind
//! (`netdev_priv`, one enum over the kinds that keep some), what an upper device keeps on it
//! (`rx_handler_data`: a bridge port), and the devices of a namespace.
//!
//! What happens to devices (registration, notifier chain, address and MTU changes) is in
//! `crate::dev`; up and down in `crate::dev_flags`; the kinds in `crate::drivers`.

use crate::errno::{Errno, SysResult};

pub use crate::addrconf::{IfaState, Inet6Dev, Inet6Ifaddr};
pub use crate::devinet::InDevice;
pub use crate::drivers::bridge::{BrPort, NetBridge};
pub use crate::drivers::veth::VethPriv;
pub use crate::ip6_output::Ipv6Skb;
use crate::kernel::{Kernel, NetId};
pub use crate::mcast::Ifmcaddr6;
use crate::rtnetlink::ops::RtnlLinkOps;
use crate::uapi::if_::*;

/// The IPv4 configuration of a device in a fresh namespace (`ipv4_devconf_dflt` as copied into
/// a new `in_device`), `IPV4_DEVCONF_MAX` (33) values in uapi order (IFLA_INET_CONF), as the
/// 6.18 profile reports them for a veth.
pub const IPV4_DEVCONF_FRESH: [u32; 33] = [
    0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, 1000, 0,
    0, 0, 0, 1,
];

/// `GSO_MAX_SIZE`: the largest TSO size a device can take (`netif_set_tso_max_size` caps at it).
pub const GSO_MAX_SIZE: u32 = 524280;

/// An operation on a device of a namespace (`ndo_open`, `ndo_stop`).
pub type NdoDev = fn(&mut Kernel, NetId, u32) -> SysResult<()>;
/// `ndo_set_mac_address`: the device and its new address.
pub type NdoSetMac = fn(&mut Kernel, NetId, u32, &[u8]) -> SysResult<()>;
/// `ndo_add_slave`: the upper device and the new lower one.
pub type NdoAddSlave =
    fn(&mut Kernel, NetId, u32, u32, &mut crate::af_netlink::NetlinkExtAck) -> SysResult<()>;
/// `ndo_del_slave`: the upper device and the lower one leaving.
pub type NdoDelSlave = fn(&mut Kernel, NetId, u32, u32) -> SysResult<()>;
/// `ndo_bridge_setlink` / `ndo_bridge_dellink`: (the device the request names, the request
/// message, its IFLA_BRIDGE_FLAGS, the ext-ack).
pub type NdoBridgeSetlink =
    fn(&mut Kernel, NetId, u32, &[u8], u16, &mut crate::af_netlink::NetlinkExtAck) -> SysResult<()>;

/// A device's operations (`struct net_device_ops`): what the core calls into the driver for.
/// An operation a kind does not have is `None`, as in the kernel.
#[derive(Clone, Copy, Debug, Default)]
pub struct NetDeviceOps {
    /// `ndo_open`: bring the device up (before IFF_UP is set).
    pub ndo_open: Option<NdoDev>,
    /// `ndo_stop`: bring it down.
    pub ndo_stop: Option<NdoDev>,
    /// `ndo_get_iflink`: the device it sits on (a veth's peer); none: its own ifindex.
    pub ndo_get_iflink: Option<fn(&NetDevice) -> u32>,
    /// `ndo_set_mac_address`: take a new (validated by the caller) hardware address.
    pub ndo_set_mac_address: Option<NdoSetMac>,
    /// `ndo_add_slave`: make a device a lower device of this one (a bridge port).
    pub ndo_add_slave: Option<NdoAddSlave>,
    /// `ndo_del_slave`: release a lower device.
    pub ndo_del_slave: Option<NdoDelSlave>,
    /// `ndo_bridge_setlink`: PF_BRIDGE settings of a port (as its master) or of the device.
    pub ndo_bridge_setlink: Option<NdoBridgeSetlink>,
    /// `ndo_bridge_dellink`: PF_BRIDGE removals likewise.
    pub ndo_bridge_dellink: Option<NdoBridgeSetlink>,
    /// Whether the device needs no qdisc (`IFF_NO_QUEUE`): `noqueue` once up, else the
    /// host's default qdisc.
    pub no_queue: bool,
    /// `ndo_start_xmit`: send a frame (an IPv6 packet with its link-layer header); a kind
    /// without it sends nothing the model knows how to follow (answered `unimplemented`).
    pub ndo_start_xmit: Option<NdoStartXmit>,
    /// `ndo_get_stats64`: the link counters (a veth counts what its peer sent as received);
    /// none: the core's own counters.
    pub ndo_get_stats64: Option<fn(&NetDevice) -> RtnlLinkStats64>,
    /// `ndo_fdb_add`: a forwarding entry on a port of this device (a bridge) or on itself.
    pub ndo_fdb_add: Option<crate::rtnetlink::fdb::NdoFdbAdd>,
    /// `ndo_fdb_del`: likewise removed.
    pub ndo_fdb_del: Option<crate::rtnetlink::fdb::NdoFdbDel>,
    /// `ndo_fdb_dump`: its forwarding entries; none: its address lists
    /// (`ndo_dflt_fdb_dump`).
    pub ndo_fdb_dump: Option<crate::rtnetlink::fdb::NdoFdbDump>,
    /// `ndo_mdb_add`: a multicast database entry on this device (a bridge) or its port.
    pub ndo_mdb_add: Option<crate::rtnetlink::mdb::NdoMdbAdd>,
    /// `ndo_mdb_del`: likewise removed.
    pub ndo_mdb_del: Option<crate::rtnetlink::mdb::NdoMdbDel>,
    /// `ndo_mdb_del_bulk`: the entries a filter matches removed.
    pub ndo_mdb_del_bulk: Option<crate::rtnetlink::mdb::NdoMdbDel>,
    /// `ndo_mdb_dump`: the device's multicast database message.
    pub ndo_mdb_dump: Option<crate::rtnetlink::mdb::NdoMdbDump>,
    /// `ndo_mdb_get`: one entry.
    pub ndo_mdb_get: Option<crate::rtnetlink::mdb::NdoMdbGet>,
    /// Whether the driver has `ndo_siocdevprivate` (a bridge: the old `brctl` ioctls). The
    /// model runs none (`unimplemented`); a device without it answers SIOCDEVPRIVATE with
    /// EOPNOTSUPP. No modeled kind has `ndo_eth_ioctl`, `ndo_siocbond` or `ndo_siocwandev`.
    pub ndo_siocdevprivate: bool,
}

/// `ndo_start_xmit`: the device and the frame.
pub type NdoStartXmit = fn(&mut Kernel, NetId, u32, &Frame) -> SysResult<()>;

/// A frame on its way through a device (`struct sk_buff` as far as the modeled traffic needs
/// it): the kinds the model sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// An IPv6 packet (the neighbour layer puts its Ethernet header in front).
    Ipv6(Ipv6Skb),
    /// An 802.3 frame with an LLC header (the spanning tree's BPDUs).
    Llc(crate::ethernet::LlcFrame),
    /// An IPv4 packet (IGMP reports).
    Ipv4(Ipv4Skb),
}

/// An IPv4 packet on its way out, as far as the modeled traffic needs it: its destination,
/// its length from the IPv4 header on, and whether it is an IGMP membership report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4Skb {
    /// The destination address (a multicast group for all the modeled traffic).
    pub daddr: [u8; 4],
    /// `skb->len` at the IPv4 layer: header, options and payload.
    pub len: u64,
    /// Whether it carries an IGMP membership report (what bridges snoop).
    pub igmp_report: bool,
    /// Whether every group the report names is link-local (224.0.0.0/24: not snooped).
    pub igmp_link_local_only: bool,
}

impl Frame {
    /// `skb->len` at the device: the link-layer header included.
    pub fn len(&self) -> u64 {
        match self {
            Frame::Ipv6(skb) => skb.len + crate::ip6_output::ETH_HLEN,
            Frame::Llc(f) => f.len(),
            Frame::Ipv4(skb) => skb.len + crate::ip6_output::ETH_HLEN,
        }
    }

    /// Whether the frame is empty (never: it has its headers).
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// `struct rtnl_link_stats64` (IFLA_STATS64; IFLA_STATS is its first 24 counters, 32 bits
/// each), the counters the model moves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RtnlLinkStats64 {
    /// `rx_packets`.
    pub rx_packets: u64,
    /// `tx_packets`.
    pub tx_packets: u64,
    /// `rx_bytes`.
    pub rx_bytes: u64,
    /// `tx_bytes`.
    pub tx_bytes: u64,
    /// `tx_dropped`.
    pub tx_dropped: u64,
    /// `multicast`: multicast frames received.
    pub multicast: u64,
}

impl RtnlLinkStats64 {
    /// The 25 counters in uapi order.
    pub fn to_array(&self) -> [u64; 25] {
        let mut a = [0u64; 25];
        a[0] = self.rx_packets;
        a[1] = self.tx_packets;
        a[2] = self.rx_bytes;
        a[3] = self.tx_bytes;
        a[7] = self.tx_dropped;
        a[8] = self.multicast;
        a
    }
}

/// What a device counted itself: frames and bytes sent (`tstats`/`lstats`), frames dropped on
/// the way out (a veth's `priv->dropped`, the core's `tx_dropped`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TxStats {
    /// Frames sent.
    pub packets: u64,
    /// Bytes sent (link-layer header included).
    pub bytes: u64,
    /// Frames dropped by the driver (a veth whose peer is down).
    pub dropped: u64,
    /// Frames dropped before the driver (`dev_core_stats_tx_dropped_inc`: the noop qdisc of a
    /// device without carrier).
    pub core_dropped: u64,
}

impl NetDeviceOps {
    /// A device with no operations of its own.
    pub const NONE: NetDeviceOps = NetDeviceOps {
        ndo_open: None,
        ndo_stop: None,
        ndo_get_iflink: None,
        ndo_set_mac_address: None,
        ndo_add_slave: None,
        ndo_del_slave: None,
        ndo_bridge_setlink: None,
        ndo_bridge_dellink: None,
        no_queue: false,
        ndo_start_xmit: None,
        ndo_get_stats64: None,
        ndo_fdb_add: None,
        ndo_fdb_del: None,
        ndo_fdb_dump: None,
        ndo_mdb_add: None,
        ndo_mdb_del: None,
        ndo_mdb_del_bulk: None,
        ndo_mdb_dump: None,
        ndo_mdb_get: None,
        ndo_siocdevprivate: false,
    };
}

/// The private state of a device's kind (`netdev_priv(dev)`), for the kinds that keep some.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum DevPriv {
    /// Nothing beyond the core's fields (`lo`, ifb).
    #[default]
    None,
    /// `struct veth_priv`.
    Veth(crate::drivers::veth::VethPriv),
    /// `struct net_bridge` (boxed: it is large).
    Bridge(Box<crate::drivers::bridge::NetBridge>),
}

/// What an upper device keeps on a lower one (`dev->rx_handler_data`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RxHandlerData {
    /// `struct net_bridge_port`: the device is a bridge port.
    BridgePort(crate::drivers::bridge::BrPort),
}

/// A network device.
#[derive(Clone, Debug)]
pub struct NetDevice {
    /// `ifindex`.
    pub ifindex: u32,
    /// `name`: the kernel keeps bytes, not text; the model holds them one byte per `char`
    /// (see [`ifname_from_bytes`]) so any byte string round-trips.
    pub name: String,
    /// `type` (ARPHRD_*).
    pub ty: u16,
    /// `flags` as `dev_get_flags` reports them.
    pub flags: u32,
    /// `tx_queue_len`.
    pub txqlen: u32,
    /// `operstate` as the device holds it (RFC 2863, kept by link watch); a device that is
    /// not running reports IF_OPER_DOWN whatever it holds (see [`NetDevice::reported_operstate`]).
    pub operstate: u8,
    /// `link_mode`.
    pub link_mode: u8,
    /// `netns_immutable`.
    pub netns_immutable: bool,
    /// `mtu`, `min_mtu`, `max_mtu`.
    pub mtu: u32,
    /// See `mtu`.
    pub min_mtu: u32,
    /// See `mtu`.
    pub max_mtu: u32,
    /// `group`.
    pub group: u32,
    /// Whether the device has ever been up: from then on its address lists (`dev->mc`) follow
    /// IPv4, MLD and the bridge in ways the model does not keep.
    pub been_up: bool,
    /// `promiscuity`, `allmulti`.
    pub promiscuity: u32,
    /// See `promiscuity`.
    pub allmulti: u32,
    /// `gflags`: IFF_PROMISC and IFF_ALLMULTI as the user asked for them (what `ifi_flags`
    /// reports; the counters above also count the kernel's own users, e.g. a bridge).
    pub gflags: u32,
    /// `num_tx_queues`, `num_rx_queues`.
    pub num_tx_queues: u32,
    /// See `num_tx_queues`.
    pub num_rx_queues: u32,
    /// `gso_max_segs`, `gso_max_size`, `gro_max_size`, `gso_ipv4_max_size`,
    /// `gro_ipv4_max_size`, `tso_max_size`, `tso_max_segs`.
    pub gso_max_segs: u32,
    /// See `gso_max_segs`.
    pub gso_max_size: u32,
    /// See `gso_max_segs`.
    pub gro_max_size: u32,
    /// See `gso_max_segs`.
    pub gso_ipv4_max_size: u32,
    /// See `gso_max_segs`.
    pub gro_ipv4_max_size: u32,
    /// See `gso_max_segs`.
    pub tso_max_size: u32,
    /// See `gso_max_segs`.
    pub tso_max_segs: u32,
    /// `max_pacing_offload_horizon` (ns).
    pub max_pacing_offload_horizon: u64,
    /// Carrier on (`netif_carrier_ok`).
    pub carrier: bool,
    /// `carrier_up_count`, `carrier_down_count`.
    pub carrier_up_count: u32,
    /// See `carrier_up_count`.
    pub carrier_down_count: u32,
    /// `needed_headroom`, `needed_tailroom`.
    pub headroom: u16,
    /// See `headroom`.
    pub tailroom: u16,
    /// `proto_down`.
    pub proto_down: bool,
    /// `dev_addr` (length `addr_len`) and `broadcast`.
    pub addr: Vec<u8>,
    /// See `addr`.
    pub broadcast: Vec<u8>,
    /// `addr_assign_type == NET_ADDR_SET`: the address was given by the user (at creation or
    /// by `dev_set_mac_address`), so a bridge keeps it when its ports change.
    pub addr_set: bool,
    /// The root qdisc's name (`dev->qdisc`, each queue's `qdisc_sleeping`).
    pub qdisc: &'static str,
    /// The queues send through the root qdisc (`dev_activate` ran with carrier); otherwise
    /// through `noop_qdisc`, waiting for it (`qdisc_tx_changing` once a root qdisc is
    /// attached).
    pub qdisc_tx_active: bool,
    /// `__LINK_STATE_START` (`netif_running`): set just before `ndo_open` and cleared just
    /// before `ndo_stop`, so it leads IFF_UP when a device opens and goes first when it closes.
    pub running: bool,
    /// `ip_ptr`: the device's IPv4 side (`struct in_device`), attached at NETDEV_REGISTER
    /// (`inetdev_event`) and released at NETDEV_UNREGISTER.
    pub ip_ptr: Option<InDevice>,
    /// `ip6_ptr`: the device's IPv6 side (`struct inet6_dev`), attached by `ipv6_add_dev`
    /// (NETDEV_REGISTER, and later events, only with an MTU of at least IPV6_MIN_MTU) and
    /// released by `addrconf_ifdown` (NETDEV_UNREGISTER, or an MTU below IPV6_MIN_MTU).
    pub ip6_ptr: Option<Inet6Dev>,
    /// `netdev_ops`.
    pub netdev_ops: &'static NetDeviceOps,
    /// `rtnl_link_ops`: the kind (IFLA_INFO_KIND) a device created by rtnetlink has; `None`
    /// for `lo`.
    pub rtnl_link_ops: Option<&'static RtnlLinkOps>,
    /// `netdev_priv`: the kind's own state.
    pub priv_: DevPriv,
    /// `ifalias` (IFLA_IFALIAS), empty for none.
    pub ifalias: Vec<u8>,
    /// Alternative names (`name_node->list`), in the order they were added.
    pub altnames: Vec<String>,
    /// The master device (`netdev_master_upper_dev_get`), by ifindex: a bridge for its ports.
    pub master: Option<u32>,
    /// `rx_handler_data`: what the master keeps on this device (a bridge port).
    pub rx_handler_data: Option<RxHandlerData>,
    /// What the device counted of its own traffic.
    pub tx_stats: TxStats,
    /// `rtnl_link_state == RTNL_LINK_INITIALIZED`: the link was configured and announced; a
    /// device with link ops that never was goes without an RTM_DELLINK.
    pub rtnl_link_initialized: bool,
}

impl NetDevice {
    /// `alloc_netdev_mqs`: a device with the core's defaults and `queues` queues in each
    /// direction, not registered (ifindex 0), before its type's setup.
    pub fn alloc(name: &str, queues: u32, netdev_ops: &'static NetDeviceOps) -> NetDevice {
        NetDevice {
            ifindex: 0,
            name: name.into(),
            ty: 0,
            flags: 0,
            txqlen: 1000,
            operstate: IF_OPER_UNKNOWN,
            link_mode: 0,
            netns_immutable: false,
            mtu: 0,
            min_mtu: 0,
            max_mtu: 0,
            group: 0,
            been_up: false,
            promiscuity: 0,
            allmulti: 0,
            gflags: 0,
            num_tx_queues: queues,
            num_rx_queues: queues,
            gso_max_segs: 65535,
            gso_max_size: 65536,
            gro_max_size: 65536,
            gso_ipv4_max_size: 65536,
            gro_ipv4_max_size: 65536,
            // TSO_LEGACY_MAX_SIZE; drivers that can do more raise it (netif_set_tso_max_size).
            tso_max_size: 65536,
            tso_max_segs: 65535,
            max_pacing_offload_horizon: 0,
            carrier: true,
            carrier_up_count: 0,
            carrier_down_count: 0,
            headroom: 0,
            tailroom: 0,
            proto_down: false,
            addr: vec![0; crate::uapi::if_ether::ETH_ALEN],
            broadcast: vec![0; crate::uapi::if_ether::ETH_ALEN],
            addr_set: false,
            qdisc: "noop",
            qdisc_tx_active: false,
            running: false,
            ip_ptr: None,
            ip6_ptr: None,
            netdev_ops,
            rtnl_link_ops: None,
            priv_: DevPriv::None,
            ifalias: Vec::new(),
            altnames: Vec::new(),
            master: None,
            rx_handler_data: None,
            tx_stats: TxStats::default(),
            rtnl_link_initialized: false,
        }
    }

    /// Set the MTU a new device starts with (IPv6 takes it over when it attaches).
    pub fn set_initial_mtu(&mut self, mtu: u32) {
        self.mtu = mtu;
    }

    /// The kind's name (IFLA_INFO_KIND), if the device has link ops.
    pub fn kind(&self) -> Option<&'static str> {
        self.rtnl_link_ops.map(|o| o.kind)
    }

    /// `dev_get_iflink`: what `ndo_get_iflink` says (a veth's peer, 0 while unpaired), else
    /// the device's own ifindex.
    pub fn dev_get_iflink(&self) -> u32 {
        match self.netdev_ops.ndo_get_iflink {
            Some(get) => get(self),
            None => self.ifindex,
        }
    }

    /// `netif_is_bridge_master`.
    pub fn is_bridge_master(&self) -> bool {
        matches!(self.priv_, DevPriv::Bridge(_))
    }

    /// The bridge's state, when the device is a bridge.
    pub fn br(&self) -> Option<&crate::drivers::bridge::NetBridge> {
        match &self.priv_ {
            DevPriv::Bridge(b) => Some(b),
            _ => None,
        }
    }

    /// The bridge's state, mutably.
    pub fn br_mut(&mut self) -> Option<&mut crate::drivers::bridge::NetBridge> {
        match &mut self.priv_ {
            DevPriv::Bridge(b) => Some(b),
            _ => None,
        }
    }

    /// `br_port_get_rtnl`: the port, when the device is a bridge port.
    pub fn br_port(&self) -> Option<&crate::drivers::bridge::BrPort> {
        match &self.rx_handler_data {
            Some(RxHandlerData::BridgePort(p)) => Some(p),
            None => None,
        }
    }

    /// The port, mutably.
    pub fn br_port_mut(&mut self) -> Option<&mut crate::drivers::bridge::BrPort> {
        match &mut self.rx_handler_data {
            Some(RxHandlerData::BridgePort(p)) => Some(p),
            None => None,
        }
    }

    /// `dev_validate_mtu`: within the device's limits (0 means no upper limit). The kernel's
    /// `new_mtu` is an `int`: a u32 from IFLA_MTU of 2^31 or more is negative there, and
    /// "less than device minimum" (`new_mtu < 0`), not greater than the maximum.
    pub fn dev_validate_mtu(&self, mtu: u32) -> Result<(), (Errno, &'static str)> {
        if (mtu as i32) < 0 || mtu < self.min_mtu {
            return Err((Errno::EINVAL, "mtu less than device minimum"));
        }
        if self.max_mtu > 0 && mtu > self.max_mtu {
            return Err((Errno::EINVAL, "mtu greater than device maximum"));
        }
        Ok(())
    }

    /// Whether the device is up (`IFF_UP`; `netif_running` but while it opens or closes).
    pub fn is_up(&self) -> bool {
        self.flags & IFF_UP != 0
    }

    /// `netif_running`: `__LINK_STATE_START`, set from just before `ndo_open` to just before
    /// `ndo_stop`.
    pub fn netif_running(&self) -> bool {
        self.running
    }

    /// The operstate `rtnl_fill_ifinfo` reports: the device's own while it runs, else
    /// IF_OPER_DOWN.
    pub fn reported_operstate(&self) -> u8 {
        if self.is_up() {
            self.operstate
        } else {
            IF_OPER_DOWN
        }
    }

    /// `netif_oper_up`: the operstate is UP or UNKNOWN (whether or not the device runs).
    pub fn netif_oper_up(&self) -> bool {
        matches!(self.operstate, IF_OPER_UNKNOWN | IF_OPER_UP)
    }

    /// `dev_get_stats`: the driver's counters (`ndo_get_stats64`), else the device's own,
    /// with the core's drops added.
    pub fn dev_get_stats(&self) -> RtnlLinkStats64 {
        let mut s = match self.netdev_ops.ndo_get_stats64 {
            Some(get) => get(self),
            None => RtnlLinkStats64 {
                tx_packets: self.tx_stats.packets,
                tx_bytes: self.tx_stats.bytes,
                tx_dropped: self.tx_stats.dropped,
                ..Default::default()
            },
        };
        s.tx_dropped += self.tx_stats.core_dropped;
        s
    }

    /// `netif_running(dev) && netif_oper_up(dev)`.
    pub fn running_and_oper_up(&self) -> bool {
        self.is_up() && self.netif_oper_up()
    }

    /// `dev_get_flags`: the flags userspace sees: PROMISC and ALLMULTI as the user asked,
    /// RUNNING while up with an operstate that is UP or UNKNOWN (`netif_oper_up`), LOWER_UP
    /// while up with carrier.
    pub fn dev_get_flags(&self) -> u32 {
        const USER_GFLAGS: u32 = IFF_PROMISC | IFF_ALLMULTI;
        let mut f = (self.flags & !(IFF_RUNNING | IFF_LOWER_UP | USER_GFLAGS))
            | (self.gflags & USER_GFLAGS);
        if self.is_up() {
            if self.netif_oper_up() {
                f |= IFF_RUNNING;
            }
            if self.carrier {
                f |= IFF_LOWER_UP;
            }
        }
        f
    }
}

/// The devices of one namespace, by ifindex and by name, and the generation counter dumps
/// check (`dev_base_seq`).
///
/// A device's `name` and `altnames` change only through [`NetDevices::rename`],
/// [`NetDevices::add_altname`] and [`NetDevices::remove_altname`], which keep the name hash.
#[derive(Clone, Debug, Default)]
pub struct NetDevices {
    /// Devices in ascending ifindex (`dev_index_head`).
    pub(crate) devs: std::collections::BTreeMap<u32, NetDevice>,
    /// `dev_name_head`: every name and alternative name, to its device's ifindex.
    names: std::collections::HashMap<String, u32>,
    /// `dev_base_head`: the ifindexes in the order the devices were listed (what
    /// `for_each_netdev` walks; dumps walk `dev_by_index` instead).
    base: Vec<u32>,
    /// `dev_base_seq`: bumped on every device list change.
    pub dev_base_seq: u32,
    /// `net->ifindex`: where the cyclic ifindex allocation resumes.
    pub ifindex_next: u32,
}

impl NetDevices {
    /// `__dev_get_by_index`.
    pub fn by_index(&self, ifindex: u32) -> Option<&NetDevice> {
        self.devs.get(&ifindex)
    }

    /// `__dev_get_by_index`, to change the device (not its names).
    pub fn by_index_mut(&mut self, ifindex: u32) -> Option<&mut NetDevice> {
        self.devs.get_mut(&ifindex)
    }

    /// `__dev_get_by_name` (`netdev_name_node_lookup`): by name or alternative name.
    pub fn by_name(&self, name: &str) -> Option<&NetDevice> {
        self.devs.get(self.names.get(name)?)
    }

    /// The devices in ascending ifindex.
    pub fn iter(&self) -> impl Iterator<Item = &NetDevice> {
        self.devs.values()
    }

    /// `for_each_netdev`: the devices in the order they were listed.
    pub fn for_each_netdev(&self) -> impl Iterator<Item = &NetDevice> {
        self.base.iter().filter_map(|i| self.devs.get(i))
    }

    /// `dev_change_name`'s rename: the device takes `name` (free, checked by the caller).
    pub fn rename(&mut self, ifindex: u32, name: String) {
        let Some(dev) = self.devs.get_mut(&ifindex) else {
            return;
        };
        self.names.remove(&dev.name);
        self.names.insert(name.clone(), ifindex);
        dev.name = name;
    }

    /// `netdev_name_node_alt_create`: another name for the device (free, checked by the
    /// caller).
    pub fn add_altname(&mut self, ifindex: u32, name: String) {
        if let Some(dev) = self.devs.get_mut(&ifindex) {
            self.names.insert(name.clone(), ifindex);
            dev.altnames.push(name);
        }
    }

    /// `netdev_name_node_alt_destroy`: the device loses an alternative name.
    pub fn remove_altname(&mut self, ifindex: u32, name: &str) {
        if let Some(dev) = self.devs.get_mut(&ifindex) {
            self.names.remove(name);
            dev.altnames.retain(|a| a != name);
        }
    }

    /// `dev_index_reserve`: a given ifindex if free (EBUSY if taken), else the next free one
    /// from `net->ifindex` on, cyclically over [1, INT_MAX] (deleted indices are not reused
    /// until the counter wraps).
    pub fn dev_index_reserve(&mut self, ifindex: u32) -> Result<u32, Errno> {
        if ifindex > i32::MAX as u32 {
            return Err(Errno::EINVAL);
        }
        if ifindex != 0 {
            return match self.devs.contains_key(&ifindex) {
                true => Err(Errno::EBUSY),
                false => Ok(ifindex),
            };
        }
        let start = self.ifindex_next.max(1);
        let free = (start..=i32::MAX as u32)
            .chain(1..start)
            .find(|i| !self.devs.contains_key(i))
            .ok_or(Errno::EBUSY)?;
        self.ifindex_next = free.wrapping_add(1);
        Ok(free)
    }

    /// `dev_alloc_name` / `dev_get_valid_name`: a name without `%` must be valid and free
    /// (EEXIST); a pattern with one `%d` takes the lowest free number.
    pub fn dev_get_valid_name(&self, name: &str) -> Result<String, Errno> {
        if !dev_valid_name(name) {
            return Err(Errno::EINVAL);
        }
        let Some(at) = name.find('%') else {
            return match self.by_name(name) {
                Some(_) => Err(Errno::EEXIST),
                None => Ok(name.to_string()),
            };
        };
        let (head, tail) = (&name[..at], &name[at + 1..]);
        if !tail.starts_with('d') || tail[1..].contains('%') {
            return Err(Errno::EINVAL);
        }
        (0..32768)
            .map(|n| format!("{head}{n}{}", &tail[1..]))
            .find(|cand| cand.chars().count() < IFNAMSIZ && self.by_name(cand).is_none())
            .ok_or(Errno::ENFILE)
    }

    /// `list_netdevice`: link a registered device into the namespace's lists.
    pub fn list_netdevice(&mut self, dev: NetDevice) {
        for name in std::iter::once(&dev.name).chain(&dev.altnames) {
            self.names.insert(name.clone(), dev.ifindex);
        }
        self.base.push(dev.ifindex);
        self.devs.insert(dev.ifindex, dev);
        self.dev_base_seq = self.dev_base_seq.wrapping_add(1);
    }

    /// `unlist_netdevice`: take a device out of the lists.
    pub fn unlist_netdevice(&mut self, ifindex: u32) -> Option<NetDevice> {
        let dev = self.devs.remove(&ifindex)?;
        self.base.retain(|&i| i != ifindex);
        for name in std::iter::once(&dev.name).chain(&dev.altnames) {
            self.names.remove(name);
        }
        self.dev_base_seq = self.dev_base_seq.wrapping_add(1);
        Some(dev)
    }
}

/// A device name from its bytes, one `char` per byte (Latin-1), so names that are not UTF-8
/// survive exactly.
pub fn ifname_from_bytes(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

/// The bytes of a name made by [`ifname_from_bytes`] (ASCII names are their own bytes, not
/// copied).
pub fn ifname_bytes(name: &str) -> std::borrow::Cow<'_, [u8]> {
    if name.is_ascii() {
        return std::borrow::Cow::Borrowed(name.as_bytes());
    }
    name.chars().map(|c| u32::from(c).min(0xff) as u8).collect()
}

/// `dev_valid_name`: 1..15 bytes, not `.` or `..`, no `/`, `:` or whitespace.
pub fn dev_valid_name(name: &str) -> bool {
    let b = ifname_bytes(name);
    !b.is_empty()
        && b.len() < IFNAMSIZ
        && name != "."
        && name != ".."
        && !b
            .iter()
            .any(|c| matches!(c, b'/' | b':' | b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_lo() -> NetDevices {
        let mut d = NetDevices::default();
        let (mut k, _) = crate::Kernel::sandboxed(1);
        d.list_netdevice(crate::drivers::loopback::loopback_dev(&mut k, 1));
        d.ifindex_next = 2;
        d
    }

    #[test]
    fn ifindex_allocation_is_cyclic_and_explicit_indices_must_be_free() {
        let mut d = with_lo();
        assert_eq!(d.dev_index_reserve(0), Ok(2));
        assert_eq!(d.dev_index_reserve(0), Ok(3));
        assert_eq!(d.dev_index_reserve(1), Err(Errno::EBUSY));
        assert_eq!(d.dev_index_reserve(40), Ok(40));
        // Nothing was listed at 2 or 3, yet the counter has moved on.
        assert_eq!(d.dev_index_reserve(0), Ok(4));
        d.ifindex_next = i32::MAX as u32;
        assert_eq!(d.dev_index_reserve(0), Ok(i32::MAX as u32));
        assert_eq!(
            d.dev_index_reserve(0),
            Ok(2),
            "wraps to the lowest free index"
        );
    }

    #[test]
    fn an_mtu_negative_as_the_kernels_int_is_less_than_the_minimum() {
        // Found by `nltwin fuzz` (seed 1): IFLA_MTU 0xffff010a on a veth.
        let mut v = NetDevice::alloc("v", 1, &NetDeviceOps::NONE);
        crate::ethernet::ether_setup(&mut v);
        v.max_mtu = 65535;
        let less = Err((Errno::EINVAL, "mtu less than device minimum"));
        let greater = Err((Errno::EINVAL, "mtu greater than device maximum"));
        assert_eq!(v.dev_validate_mtu(0xffff_010a), less);
        assert_eq!(v.dev_validate_mtu(0x8000_0000), less);
        assert_eq!(v.dev_validate_mtu(0x7fff_ffff), greater);
        assert_eq!(v.dev_validate_mtu(65536), greater);
        assert_eq!(v.dev_validate_mtu(67), less);
        assert_eq!(v.dev_validate_mtu(1500), Ok(()));
    }

    #[test]
    fn names_take_the_lowest_free_number_and_invalid_ones_are_einval() {
        let mut d = with_lo();
        assert_eq!(d.dev_get_valid_name("veth%d").as_deref(), Ok("veth0"));
        let mut v = NetDevice::alloc("veth0", 1, &NetDeviceOps::NONE);
        crate::ethernet::ether_setup(&mut v);
        v.ifindex = 2;
        d.list_netdevice(v);
        assert_eq!(d.dev_get_valid_name("veth%d").as_deref(), Ok("veth1"));
        assert_eq!(d.dev_get_valid_name("lo"), Err(Errno::EEXIST));
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a:b",
            "a b",
            "sixteen-chars-xx",
            "a%s",
            "%d%d",
        ] {
            assert_eq!(d.dev_get_valid_name(bad), Err(Errno::EINVAL), "{bad:?}");
        }
        assert_eq!(d.dev_base_seq, 2);
    }
}
