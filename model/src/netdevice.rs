//! Network devices (`struct net_device`, `net/core/dev.c`) and the per-device IPv4/IPv6
//! configuration a fresh namespace gives them (`net/ipv4/devinet.c`, `net/ipv6/addrconf.c`).
//!
//! The model has the devices a fresh namespace has: `lo`, created by `loopback_net_init`.
//! Other link types (veth, bridge) are not modeled yet.

use crate::kernel::{Kernel, NetId};

/// `IFF_UP`.
pub const IFF_UP: u32 = 0x1;
/// `IFF_LOOPBACK`.
pub const IFF_LOOPBACK: u32 = 0x8;
/// `IFF_RUNNING`.
pub const IFF_RUNNING: u32 = 0x40;
/// `IFF_LOWER_UP`.
pub const IFF_LOWER_UP: u32 = 0x10000;
/// `ARPHRD_LOOPBACK`.
pub const ARPHRD_LOOPBACK: u16 = 772;
/// `IF_OPER_UNKNOWN`.
pub const IF_OPER_UNKNOWN: u8 = 0;
/// `IF_OPER_DOWN`.
pub const IF_OPER_DOWN: u8 = 2;

/// The IPv4 configuration of a device in a fresh namespace (`ipv4_devconf_dflt` as copied into
/// a new `in_device`), `IPV4_DEVCONF_MAX` (33) values in uapi order, as the 6.18 profile
/// reports them for `lo` (IFLA_INET_CONF).
pub const IPV4_DEVCONF_FRESH: [u32; 33] = [
    0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, 1000, 0,
    0, 0, 0, 1,
];

/// The IPv6 configuration of a device in a fresh namespace (`ipv6_devconf_dflt`), `DEVCONF_MAX`
/// (60 on 6.18) values in uapi order (IFLA_INET6_CONF); index [`DEVCONF_MTU6`] follows the
/// device's MTU.
pub const IPV6_DEVCONF_FRESH: [i32; 60] = [
    0, 64, 1280, 1, 1, 1, 1, -1, 4000, 1000, -1, 604800, 86400, 3, 600, 16, 0, 1, 1, 1, 60000, 0,
    0, 0, 0, 0, 0, -1, 0, 0, 10000, 1000, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 3600000, 0, 0, 1, 0, 0,
    0, 0, 0, 1024, 0, 65535, -1, 1, 0, 0, 0,
];
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
    /// `addr_gen_mode` (IFLA_INET6_ADDR_GEN_MODE).
    pub addr_gen_mode: u8,
}

/// A network device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetDevice {
    /// `ifindex`.
    pub ifindex: u32,
    /// `name`.
    pub name: String,
    /// `type` (ARPHRD_*).
    pub ty: u16,
    /// `flags` as `dev_get_flags` reports them.
    pub flags: u32,
    /// `tx_queue_len`.
    pub txqlen: u32,
    /// `operstate`.
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
    /// The root qdisc's name.
    pub qdisc: &'static str,
    /// IPv4 configuration (IFLA_INET_CONF).
    pub ipv4_devconf: [u32; 33],
    /// IPv6 state.
    pub inet6: Inet6Dev,
}

impl NetDevice {
    /// `loopback_setup` and `loopback_dev_init` in a fresh namespace: `lo`, down, ifindex 1.
    pub fn loopback(ifindex: u32) -> NetDevice {
        let mtu = 65536;
        let mut devconf = IPV6_DEVCONF_FRESH;
        devconf[DEVCONF_MTU6] = mtu as i32;
        NetDevice {
            ifindex,
            name: "lo".into(),
            ty: ARPHRD_LOOPBACK,
            flags: IFF_LOOPBACK,
            txqlen: 1000,
            operstate: IF_OPER_DOWN,
            link_mode: 0,
            netns_immutable: true,
            mtu,
            min_mtu: 0,
            max_mtu: 0,
            group: 0,
            promiscuity: 0,
            allmulti: 0,
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
            qdisc: "noop",
            ipv4_devconf: IPV4_DEVCONF_FRESH,
            inet6: Inet6Dev {
                if_flags: 0,
                devconf,
                tstamp: 0,
                reachable_time: 30000,
                retrans_time: 1000,
                addr_gen_mode: 0,
            },
        }
    }

    /// `dev_get_flags`: the flags userspace sees (RUNNING and LOWER_UP follow the carrier of an
    /// up device).
    pub fn dev_get_flags(&self) -> u32 {
        let mut f = self.flags & !(IFF_RUNNING | IFF_LOWER_UP);
        if self.flags & IFF_UP != 0 && self.carrier {
            f |= IFF_RUNNING | IFF_LOWER_UP;
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
}

impl NetDevices {
    /// `__dev_get_by_index`.
    pub fn by_index(&self, ifindex: u32) -> Option<&NetDevice> {
        self.devs.get(&ifindex)
    }

    /// `__dev_get_by_name` (altnames not modeled yet).
    pub fn by_name(&self, name: &str) -> Option<&NetDevice> {
        self.devs.values().find(|d| d.name == name)
    }
}

/// `loopback_net_init`: every namespace starts with `lo` at ifindex 1.
pub fn loopback_net_init(k: &mut Kernel, net: NetId) {
    let devs = &mut k.nets[net.0].devices;
    devs.devs.insert(1, NetDevice::loopback(1));
    devs.dev_base_seq = 1;
}
