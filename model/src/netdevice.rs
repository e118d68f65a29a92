//! Network devices (`struct net_device`, `net/core/dev.c`) and the per-device IPv4/IPv6
//! configuration a fresh namespace gives them (`net/ipv4/devinet.c`, `net/ipv6/addrconf.c`).
//!
//! `lo` comes from `loopback_net_init`; veth pairs from [`crate::drivers::veth`], bridges from
//! [`crate::drivers::bridge`]. The device
//! list functions (`dev_index_reserve`, `dev_alloc_name`, `register_netdevice`,
//! `unregister_netdevice_many`) and the change functions (`dev_set_mtu_ext`,
//! `dev_change_name`, `dev_set_mac_address`) live here; their notifications are sent by the
//! rtnetlink caller, which plays the part of `rtnetlink_event`.

use crate::errno::Errno;
use crate::kernel::{Kernel, NetId};

/// `IFNAMSIZ`: names are at most 15 bytes.
pub const IFNAMSIZ: usize = 16;
/// `ETH_MIN_MTU`.
pub const ETH_MIN_MTU: u32 = 68;
/// `ETH_MAX_MTU`.
pub const ETH_MAX_MTU: u32 = 65535;
/// `ETH_ALEN`.
pub const ETH_ALEN: usize = 6;

/// `IFF_UP`.
pub const IFF_UP: u32 = 0x1;
/// `IFF_BROADCAST`.
pub const IFF_BROADCAST: u32 = 0x2;
/// `IFF_LOOPBACK`.
pub const IFF_LOOPBACK: u32 = 0x8;
/// `IFF_NOARP`.
pub const IFF_NOARP: u32 = 0x80;
/// `IFF_PROMISC`.
pub const IFF_PROMISC: u32 = 0x100;
/// `IFF_ALLMULTI`.
pub const IFF_ALLMULTI: u32 = 0x200;
/// `IFF_MULTICAST`.
pub const IFF_MULTICAST: u32 = 0x1000;
/// `IFF_RUNNING`.
pub const IFF_RUNNING: u32 = 0x40;
/// `IFF_LOWER_UP`.
pub const IFF_LOWER_UP: u32 = 0x10000;
/// `ARPHRD_ETHER`.
pub const ARPHRD_ETHER: u16 = 1;
/// `ARPHRD_LOOPBACK`.
pub const ARPHRD_LOOPBACK: u16 = 772;
/// `IF_OPER_UNKNOWN`.
pub const IF_OPER_UNKNOWN: u8 = 0;
/// `IF_OPER_DOWN`.
pub const IF_OPER_DOWN: u8 = 2;
/// `IF_OPER_LOWERLAYERDOWN`.
pub const IF_OPER_LOWERLAYERDOWN: u8 = 3;
/// `IF_OPER_TESTING`.
pub const IF_OPER_TESTING: u8 = 4;
/// `IF_OPER_DORMANT`.
pub const IF_OPER_DORMANT: u8 = 5;
/// `IF_OPER_UP`.
pub const IF_OPER_UP: u8 = 6;

/// The IPv4 configuration of a device in a fresh namespace (`ipv4_devconf_dflt` as copied into
/// a new `in_device`), `IPV4_DEVCONF_MAX` (33) values in uapi order (IFLA_INET_CONF), as the
/// 6.18 profile reports them for a veth.
pub const IPV4_DEVCONF_FRESH: [u32; 33] = [
    0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, 1000, 0,
    0, 0, 0, 1,
];
/// `IPV4_DEVCONF_NOXFRM` and `IPV4_DEVCONF_NOPOLICY` (0-based here): `inetdev_init` sets both
/// on the loopback device.
pub const IPV4_DEVCONF_LOOPBACK_ONLY: [usize; 2] = [14, 15];

/// The IPv6 configuration of a device in a fresh namespace (`ipv6_devconf_dflt`), `DEVCONF_MAX`
/// (60 on 6.18) values in uapi order (IFLA_INET6_CONF); index [`DEVCONF_MTU6`] follows the
/// device's MTU.
pub const IPV6_DEVCONF_FRESH: [i32; 60] = [
    0, 64, 1280, 1, 1, 1, 1, -1, 4000, 1000, 0, 604800, 86400, 3, 600, 16, 0, 1, 1, 1, 60000, 0, 0,
    0, 0, 0, 0, 1, 0, 0, 10000, 1000, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 3600000, 0, 0, 1, 0, 0, 0,
    0, 0, 1024, 0, 65535, -1, 1, 0, 0, 0,
];
/// `DEVCONF_USE_TEMPADDR` and `DEVCONF_ACCEPT_DAD`: `ipv6_add_dev` sets both to -1 on the
/// loopback device.
pub const IPV6_DEVCONF_LOOPBACK_OFF: [usize; 2] = [10, 27];
/// `DEVCONF_ADDR_GEN_MODE`: the address generation mode (also IFLA_INET6_ADDR_GEN_MODE).
pub const DEVCONF_ADDR_GEN_MODE: usize = 47;
/// `DEVCONF_MTU6`: the IPv6 MTU, set from the device's MTU.
pub const DEVCONF_MTU6: usize = 2;
/// `IPSTATS_MIB_MAX`: IPv6 statistics counters (IFLA_INET6_STATS), the count first.
pub const IPSTATS_MIB_MAX: usize = 38;
/// `ICMP6_MIB_MAX`: ICMPv6 statistics counters (IFLA_INET6_ICMP6STATS), the count first.
pub const ICMP6_MIB_MAX: usize = 7;
/// `IF_READY`: IPv6 is ready on the device (set once it is up).
pub const IF_READY: u32 = 0x8000_0000;

/// A device's IPv6 state (`struct inet6_dev`), as far as RTM_NEWLINK shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inet6Dev {
    /// `if_flags` (IFLA_INET6_FLAGS).
    pub if_flags: u32,
    /// `cnf` (IFLA_INET6_CONF).
    pub devconf: [i32; 60],
    /// `cstamp` in jiffies-derived hundredths of a second since boot (IFLA_INET6_CACHEINFO
    /// tstamp): volatile, normalized by the harness.
    pub tstamp: u32,
    /// `nd_parms` reachable time in ms (randomised per device): volatile.
    pub reachable_time: u32,
    /// `nd_parms` retransmit time in ms.
    pub retrans_time: u32,
    /// `token` (IFLA_INET6_TOKEN): only its interface identifier (bytes 8..16) is ever set.
    pub token: [u8; 16],
}

/// A device's bridge port (`struct net_bridge_port`), as far as the model keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BrPort {
    /// `port_no`: the lowest free number from 1 on.
    pub port_no: u16,
    /// The bridge's id (priority and address), which a lone bridge also holds as root.
    pub bridge_id: [u8; 8],
    /// `state` (`BR_STATE_*`): disabled while the bridge or the port is not running.
    pub state: u8,
    /// `forward_delay_timer` as IFLA_BRPORT_FORWARD_DELAY_TIMER reports it: the time left in
    /// USER_HZ ticks, frozen at its start (the model has no clock; the harness masks it).
    pub forward_delay_timer: u64,
    /// Where the port sits in `port_list` (the kernel adds at the head): higher comes first.
    pub list_seq: u64,
}

/// A bridge's own state (`struct net_bridge`), as far as the model keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetBridge {
    /// `bridge_id`: priority, then an address that is all zeros until one is chosen (given at
    /// creation or by `IFLA_ADDRESS`, or taken from the lowest port address).
    pub bridge_id: [u8; 8],
    /// `gc_work` as IFLA_BR_GC_TIMER reports it: the time left in USER_HZ ticks, frozen at its
    /// start (0 while the bridge is down).
    pub gc_timer: u64,
    /// BROPT_MULTICAST_ENABLED (IFLA_BR_MCAST_SNOOPING).
    pub mcast_snooping: bool,
    /// The next `list_seq` a new port gets.
    pub next_port_seq: u64,
}

/// A network device.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// The root qdisc's name.
    pub qdisc: &'static str,
    /// IPv4 configuration (IFLA_INET_CONF).
    pub ipv4_devconf: [u32; 33],
    /// IPv6 state.
    pub inet6: Inet6Dev,
    /// `rtnl_link_ops->kind` (IFLA_INFO_KIND): `None` for `lo`.
    pub kind: Option<&'static str>,
    /// A veth's peer (`veth_priv.peer`) by ifindex: `dev_get_iflink` reports it (0 while
    /// unset).
    pub peer: Option<u32>,
    /// `ifalias` (IFLA_IFALIAS), empty for none.
    pub ifalias: Vec<u8>,
    /// Alternative names (`name_node->list`), in the order they were added.
    pub altnames: Vec<String>,
    /// The master device (`netdev_master_upper_dev_get`), by ifindex: a bridge for its ports.
    pub master: Option<u32>,
    /// Bridge port state when the device is a port of a bridge (`struct net_bridge_port`).
    pub brport: Option<BrPort>,
    /// The bridge's state when the device is a bridge.
    pub br: Option<NetBridge>,
    /// `in_device` and `inet6_dev` are attached (false once `NETDEV_UNREGISTER` released
    /// them: IFLA_AF_SPEC is then empty).
    pub af_attached: bool,
    /// `rtnl_link_state == RTNL_LINK_INITIALIZED`: the link was configured and announced; a
    /// device with link ops that never was goes without an RTM_DELLINK.
    pub rtnl_link_initialized: bool,
}

impl NetDevice {
    /// `loopback_setup` and `loopback_dev_init` in a fresh namespace: `lo`, down, ifindex 1.
    pub fn loopback(ifindex: u32) -> NetDevice {
        let mtu = 65536;
        let mut devconf = IPV6_DEVCONF_FRESH;
        devconf[DEVCONF_MTU6] = mtu as i32;
        for i in IPV6_DEVCONF_LOOPBACK_OFF {
            devconf[i] = -1;
        }
        let mut ipv4_devconf = IPV4_DEVCONF_FRESH;
        for i in IPV4_DEVCONF_LOOPBACK_ONLY {
            ipv4_devconf[i] = 1;
        }
        NetDevice {
            ifindex,
            name: "lo".into(),
            ty: ARPHRD_LOOPBACK,
            flags: IFF_LOOPBACK,
            txqlen: 1000,
            operstate: IF_OPER_UNKNOWN,
            link_mode: 0,
            netns_immutable: true,
            mtu,
            min_mtu: 0,
            max_mtu: 0,
            group: 0,
            promiscuity: 0,
            allmulti: 0,
            gflags: 0,
            num_tx_queues: 1,
            num_rx_queues: 1,
            gso_max_segs: 65535,
            gso_max_size: 65536,
            gro_max_size: 65536,
            gso_ipv4_max_size: 65536,
            gro_ipv4_max_size: 65536,
            tso_max_size: 524280,
            tso_max_segs: 65535,
            max_pacing_offload_horizon: 0,
            carrier: true,
            carrier_up_count: 0,
            carrier_down_count: 0,
            headroom: 0,
            tailroom: 0,
            proto_down: false,
            addr: vec![0; 6],
            broadcast: vec![0; 6],
            addr_set: false,
            qdisc: "noop",
            ipv4_devconf,
            inet6: Inet6Dev {
                if_flags: 0,
                devconf,
                tstamp: 0,
                reachable_time: 30000,
                retrans_time: 1000,
                token: [0; 16],
            },
            kind: None,
            peer: None,
            ifalias: Vec::new(),
            altnames: Vec::new(),
            master: None,
            brport: None,
            br: None,
            af_attached: true,
            rtnl_link_initialized: true,
        }
    }

    /// `ether_setup` as a fresh namespace's `in_device`/`inet6_dev` see it: an Ethernet device,
    /// down, broadcast address all ones, MTU 1500 within [68, 65535] (`ETH_MIN_MTU`,
    /// `ETH_MAX_MTU`), not yet registered (ifindex 0).
    pub fn ether_setup(name: &str, queues: u32) -> NetDevice {
        let mtu = 1500;
        let mut lo = NetDevice::loopback(0);
        lo.inet6.devconf = IPV6_DEVCONF_FRESH;
        lo.inet6.devconf[DEVCONF_MTU6] = mtu as i32;
        NetDevice {
            name: name.into(),
            ty: ARPHRD_ETHER,
            flags: IFF_BROADCAST | IFF_MULTICAST,
            netns_immutable: false,
            mtu,
            min_mtu: ETH_MIN_MTU,
            max_mtu: ETH_MAX_MTU,
            num_tx_queues: queues,
            num_rx_queues: queues,
            addr: vec![0; 6],
            broadcast: vec![0xff; 6],
            ipv4_devconf: IPV4_DEVCONF_FRESH,
            // No in_device or inet6_dev before registration.
            af_attached: false,
            rtnl_link_initialized: false,
            ..lo
        }
    }

    /// `dev_get_iflink`: the peer's ifindex for a veth (`veth_get_iflink`, 0 when unpaired),
    /// else the device's own.
    pub fn dev_get_iflink(&self) -> u32 {
        match self.kind {
            Some("veth") => self.peer.unwrap_or(0),
            _ => self.ifindex,
        }
    }

    /// `dev_validate_mtu`: within the device's limits (0 means no upper limit).
    pub fn dev_validate_mtu(&self, mtu: u32) -> Result<(), (Errno, &'static str)> {
        if mtu < self.min_mtu {
            return Err((Errno::EINVAL, "mtu less than device minimum"));
        }
        if self.max_mtu > 0 && mtu > self.max_mtu {
            return Err((Errno::EINVAL, "mtu greater than device maximum"));
        }
        Ok(())
    }

    /// The operstate `rtnl_fill_ifinfo` reports: the device's own while it runs, else
    /// IF_OPER_DOWN.
    pub fn reported_operstate(&self) -> u8 {
        if self.flags & IFF_UP != 0 {
            self.operstate
        } else {
            IF_OPER_DOWN
        }
    }

    /// `netif_oper_up`: the operstate is UP or UNKNOWN (whether or not the device runs).
    pub fn netif_oper_up(&self) -> bool {
        matches!(self.operstate, IF_OPER_UNKNOWN | IF_OPER_UP)
    }

    /// `netif_running(dev) && netif_oper_up(dev)`.
    pub fn running_and_oper_up(&self) -> bool {
        self.flags & IFF_UP != 0 && self.netif_oper_up()
    }

    /// `dev_get_flags`: the flags userspace sees: PROMISC and ALLMULTI as the user asked,
    /// RUNNING while up with an operstate that is UP or UNKNOWN (`netif_oper_up`), LOWER_UP
    /// while up with carrier.
    pub fn dev_get_flags(&self) -> u32 {
        const USER_GFLAGS: u32 = IFF_PROMISC | IFF_ALLMULTI;
        let mut f = (self.flags & !(IFF_RUNNING | IFF_LOWER_UP | USER_GFLAGS))
            | (self.gflags & USER_GFLAGS);
        if self.flags & IFF_UP != 0 {
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

/// The devices of one namespace, by ifindex, and the generation counter dumps check
/// (`dev_base_seq`).
#[derive(Clone, Debug, Default)]
pub struct NetDevices {
    /// Devices in ascending ifindex.
    pub devs: std::collections::BTreeMap<u32, NetDevice>,
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

    /// `__dev_get_by_name` (`netdev_name_node_lookup`): by name or alternative name.
    pub fn by_name(&self, name: &str) -> Option<&NetDevice> {
        self.devs
            .values()
            .find(|d| d.name == name || d.altnames.iter().any(|a| a == name))
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
        self.devs.insert(dev.ifindex, dev);
        self.dev_base_seq = self.dev_base_seq.wrapping_add(1);
    }

    /// `unlist_netdevice`: take a device out of the lists.
    pub fn unlist_netdevice(&mut self, ifindex: u32) -> Option<NetDevice> {
        let dev = self.devs.remove(&ifindex)?;
        self.dev_base_seq = self.dev_base_seq.wrapping_add(1);
        Some(dev)
    }
}

/// A device name from its bytes, one `char` per byte (Latin-1), so names that are not UTF-8
/// survive exactly.
pub fn ifname_from_bytes(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

/// The bytes of a name made by [`ifname_from_bytes`] (ASCII names are their own bytes).
pub fn ifname_bytes(name: &str) -> Vec<u8> {
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

/// `loopback_net_init`: every namespace starts with `lo` at ifindex 1.
pub fn loopback_net_init(k: &mut Kernel, net: NetId) {
    let devs = &mut k.nets[net.0].devices;
    devs.devs.insert(1, NetDevice::loopback(1));
    devs.dev_base_seq = 1;
    devs.ifindex_next = 2;
}

/// `register_netdevice`: settle the name (a `%d` pattern takes the lowest free number; a taken
/// name is EEXIST), reserve the ifindex, attach the IPv4/IPv6 devices (`NETDEV_REGISTER`: the
/// neighbour table draws the reachable time at random in [15000, 45000) ms) and list it.
/// No notification yet: the link is still initializing. Returns the ifindex.
pub fn register_netdevice(k: &mut Kernel, net: NetId, mut dev: NetDevice) -> Result<u32, Errno> {
    let devs = &mut k.nets[net.0].devices;
    dev.name = devs.dev_get_valid_name(&dev.name)?;
    dev.ifindex = devs.dev_index_reserve(dev.ifindex)?;
    dev.af_attached = true;
    dev.inet6.reachable_time = 15000 + k.random.get_random_u32_below(30000);
    let ifindex = dev.ifindex;
    k.nets[net.0].devices.list_netdevice(dev);
    Ok(ifindex)
}

/// The netdevice events the model's notifiers follow (`NETDEV_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetdevEvent {
    /// `NETDEV_UP`: the device was opened.
    Up,
    /// `NETDEV_DOWN`: the device was closed.
    Down,
    /// `NETDEV_CHANGE`: its state changed (link watch, `netdev_state_change`).
    Change,
    /// `NETDEV_CHANGEADDR`: its hardware address was set.
    ChangeAddr,
}

/// `call_netdevice_notifiers` for the notifiers behind rtnetlink's own (which callers send
/// themselves, first, as the kernel registers it first): IPv6 (`addrconf_notify`), then a
/// port's bridge (`br_device_event`).
pub fn call_netdevice_notifiers(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    event: NetdevEvent,
) -> crate::errno::SysResult<()> {
    crate::addrconf::addrconf_notify(k, net, ifindex, event);
    crate::drivers::bridge::br_device_event(k, net, ifindex, event)
}

/// `unregister_netdevice_many_notify`: close the running devices of `list` (`dev_close_many`),
/// then unlist every device, drop its link watch event, release its address families
/// (`NETDEV_UNREGISTER`) and qdisc (`dev_shutdown`), and send each one's RTM_DELLINK
/// (change ~0) in list order.
pub fn unregister_netdevice_many(
    k: &mut Kernel,
    net: NetId,
    list: &[u32],
    report: Option<crate::rtnetlink::notify::Report<'_>>,
) -> crate::errno::SysResult<()> {
    use crate::rtnetlink::notify::{rtmsg_ifinfo_build_skb, rtmsg_ifinfo_send};
    // If a device is running, it is closed first.
    crate::dev_flags::dev_close_many(k, net, list)?;
    for &ifindex in list {
        crate::link_watch::linkwatch_forget_dev(k, net, ifindex);
        // NETDEV_UNREGISTER: a bridge port leaves its bridge first (`br_device_event`).
        let master = k.nets[net.0]
            .devices
            .by_index(ifindex)
            .and_then(|d| d.master);
        if let Some(br) = master {
            let bridge_going = list.contains(&br);
            crate::drivers::bridge::br_del_if(k, net, br, ifindex, bridge_going, true)?;
        }
        let Some(mut dev) = k.nets[net.0].devices.unlist_netdevice(ifindex) else {
            continue;
        };
        dev.af_attached = false;
        // dev_shutdown: the qdisc goes back to noop.
        dev.qdisc = "noop";
        if dev.kind.is_some() && !dev.rtnl_link_initialized {
            continue;
        }
        let skb = rtmsg_ifinfo_build_skb(&dev, crate::uapi::rtnetlink::RTM_DELLINK, !0, 0, report)?;
        rtmsg_ifinfo_send(k, net, skb, report)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_lo() -> NetDevices {
        let mut d = NetDevices::default();
        d.devs.insert(1, NetDevice::loopback(1));
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
    fn names_take_the_lowest_free_number_and_invalid_ones_are_einval() {
        let mut d = with_lo();
        assert_eq!(d.dev_get_valid_name("veth%d").as_deref(), Ok("veth0"));
        let mut v = NetDevice::ether_setup("veth0", 1);
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
        assert_eq!(d.dev_base_seq, 1);
    }
}
