//! Links with details and statistics, as `ip -d -s link show` shows them: the link's own
//! fields ([`IpLinks`]), then what `-d` adds (promiscuity, MTU range, the kind and its data,
//! the port's data, the IPv6 address generation mode, queue counts, GSO/TSO/GRO sizes) and
//! what `-s` adds (the counters), in `ip`'s order and spelling (iproute2 6.1:
//! `print_linkinfo`, `print_linktype`, `print_af_spec` and `print_stats64` in
//! `ip/ipaddress.c`, `bridge_print_opt` in `ip/iplink_bridge.c`, `bridge_slave_print_opt` in
//! `ip/iplink_bridge_slave.c`).
//!
//! The JSON is `ip -d -s -j link show`'s, byte for byte, for the kinds decoded here (bridge,
//! bridge port, and the kinds `ip` prints no data for: veth, ifb, loopback and every kind
//! outside `IP_PRINTS_DATA`). What `ip` would print and this module does not decode (the data of
//! another kind `ip` knows, XDP programs, VFs, protodown reasons) is left out and named by
//! [`IpLinkDetails::undecoded`], never guessed.

use std::collections::BTreeSet;

use nltwin_wire::ifla_bridge_id;
use nltwin_wire::link_stats;
use nltwin_wire::nla::Attr;
use nltwin_wire::uapi::if_bridge::{
    BR_BOOLOPT_MCAST_VLAN_SNOOPING, BR_BOOLOPT_NO_LL_LEARN, BR_STATE_BLOCKING,
};
use nltwin_wire::uapi::if_link::*;
use nltwin_wire::NlBuf;

use super::{
    for_each_flag, known_link_type, linkmode_name, operstate_name, push_hwaddr, push_json_str,
    push_u32, push_u64, ByIndex, Flag, IpLinkRef, IpLinks, Out, Span,
};
use crate::view::{Attrs, MsgView};

/// What to show beyond the link's own fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Show {
    /// `-d`: details.
    pub details: bool,
    /// `-s`: statistics.
    pub stats: bool,
}

/// The kinds (and `<kind>_slave` kinds) `ip` 6.1 has a `print_opt` for: it prints their
/// `info_data` / `info_slave_data`. Of these only `bridge` and `bridge_slave` are decoded here.
const IP_PRINTS_DATA: &[&str] = &[
    "amt",
    "bareudp",
    "bond",
    "bond_slave",
    "bridge",
    "bridge_slave",
    "can",
    "dsa",
    "erspan",
    "geneve",
    "gre",
    "gretap",
    "gtp",
    "hsr",
    "ip6erspan",
    "ip6gre",
    "ip6gretap",
    "ip6tnl",
    "ipip",
    "ipoib",
    "ipvlan",
    "ipvtap",
    "macsec",
    "macvlan",
    "macvtap",
    "rmnet",
    "sit",
    "tun",
    "vlan",
    "vrf",
    "vrf_slave",
    "vti",
    "vti6",
    "vxlan",
    "wwan",
    "xfrm",
];

/// The top-level attributes kept for the details and statistics (besides what [`IpLinks`]
/// keeps), copied per link into the table's arena as attributes.
const KEPT: &[u16] = &[
    IFLA_ADDRESS,
    IFLA_PERM_ADDRESS,
    IFLA_PROTO_DOWN,
    IFLA_PROTO_DOWN_REASON,
    IFLA_PROMISCUITY,
    IFLA_ALLMULTI,
    IFLA_MIN_MTU,
    IFLA_MAX_MTU,
    IFLA_LINKINFO,
    IFLA_NUM_TX_QUEUES,
    IFLA_NUM_RX_QUEUES,
    IFLA_GSO_MAX_SIZE,
    IFLA_GSO_MAX_SEGS,
    IFLA_TSO_MAX_SIZE,
    IFLA_TSO_MAX_SEGS,
    IFLA_GRO_MAX_SIZE,
    IFLA_PHYS_PORT_NAME,
    IFLA_PHYS_PORT_ID,
    IFLA_PHYS_SWITCH_ID,
    IFLA_PARENT_DEV_BUS_NAME,
    IFLA_PARENT_DEV_NAME,
    IFLA_STATS,
    IFLA_STATS64,
    IFLA_XDP,
    IFLA_VFINFO_LIST,
    IFLA_NUM_VF,
];

/// The u32 details before the link info, in `ip`'s order: attribute, JSON key, text.
const BEFORE_KIND: [(u16, &str, &str); 4] = [
    (IFLA_PROMISCUITY, "promiscuity", " promiscuity "),
    (IFLA_ALLMULTI, "allmulti", " allmulti "),
    (IFLA_MIN_MTU, "min_mtu", "minmtu "),
    (IFLA_MAX_MTU, "max_mtu", "maxmtu "),
];

/// The u32 details after the IPv6 link info, in `ip`'s order.
const AFTER_KIND: [(u16, &str, &str); 7] = [
    (IFLA_NUM_TX_QUEUES, "num_tx_queues", "numtxqueues "),
    (IFLA_NUM_RX_QUEUES, "num_rx_queues", "numrxqueues "),
    (IFLA_GSO_MAX_SIZE, "gso_max_size", "gso_max_size "),
    (IFLA_GSO_MAX_SEGS, "gso_max_segs", "gso_max_segs "),
    (IFLA_TSO_MAX_SIZE, "tso_max_size", "tso_max_size "),
    (IFLA_TSO_MAX_SEGS, "tso_max_segs", "tso_max_segs "),
    (IFLA_GRO_MAX_SIZE, "gro_max_size", "gro_max_size "),
];

/// One link's details: its kept attributes in the arena, and its IPv6 address generation mode
/// (read out of IFLA_AF_SPEC, which is large and otherwise unused).
#[derive(Clone, Copy, Debug, Default)]
struct DRec {
    attrs: Span,
    addr_gen_mode: Option<u8>,
}

/// A link dump with what `ip -d -s link show` prints: [`IpLinks`] and, per link, the
/// attributes its details and statistics come from.
#[derive(Clone, Debug, Default)]
pub struct IpLinkDetails {
    links: IpLinks,
    recs: Vec<DRec>,
    arena: Vec<u8>,
    undecoded: BTreeSet<String>,
}

/// The attributes of one link by type, the last of a type counting (`parse_rtattr`).
struct Tb<'a, const N: usize>([Option<Attr<'a>>; N]);

impl<'a, const N: usize> Tb<'a, N> {
    fn new(attrs: Attrs<'a>) -> Self {
        let mut tb = [None; N];
        for a in attrs {
            if let Some(slot) = tb.get_mut(usize::from(a.kind())) {
                *slot = Some(a);
            }
        }
        Tb(tb)
    }

    fn get(&self, kind: u16) -> Option<Attr<'a>> {
        self.0.get(usize::from(kind)).copied().flatten()
    }

    fn u8(&self, kind: u16) -> Option<u8> {
        self.get(kind).and_then(|a| a.u8())
    }

    fn u16(&self, kind: u16) -> Option<u16> {
        self.get(kind).and_then(|a| a.u16())
    }

    fn u32(&self, kind: u16) -> Option<u32> {
        self.get(kind).and_then(|a| a.u32())
    }

    fn u64(&self, kind: u16) -> Option<u64> {
        self.get(kind).and_then(|a| a.u64())
    }

    fn str(&self, kind: u16) -> Option<&'a str> {
        self.get(kind).and_then(|a| a.str())
    }
}

/// `ip`'s output in either form: the JSON writer's key and value, or the text's label.
trait Sink {
    /// `print_uint`/`print_lluint`: `"key":v` or `text v `.
    fn uint(&mut self, key: &str, text: &str, v: u64);
    /// `print_int`.
    fn int(&mut self, key: &str, text: &str, v: i64);
    /// `print_string`.
    fn string(&mut self, key: &str, text: &str, v: &str);
    /// `print_on_off`: a JSON boolean, or `on`/`off`.
    fn on_off(&mut self, key: &str, text: &str, v: bool);
    /// `print_0xhex`: `%#llx`, a string in JSON.
    fn hex0x(&mut self, key: &str, text: &str, v: u64);
    /// The bridge timers: seconds with two decimals, a bare number in JSON, `%4i.%.2i` after
    /// the key in text.
    fn timer(&mut self, key: &str, centis: u64);
    /// Text only.
    fn text(&mut self, s: &str);
    /// JSON only: a string member.
    fn json_string(&mut self, key: &str, v: &str);
    /// JSON only: a `true` member.
    fn json_true(&mut self, key: &str);
    /// JSON only: an integer member.
    fn json_int(&mut self, key: &str, v: i64);
    /// Open a JSON object (nothing in text).
    fn open(&mut self, key: &str);
    /// Close it.
    fn close(&mut self);
}

/// `%#llx`: `0` for zero, else `0x` and lowercase hex.
fn hex0x(v: u64) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

/// The bridge timers' value (`__jiffies_to_tv`: hundredths of a second, USER_HZ).
fn timer_parts(centis: u64) -> (i32, i32) {
    ((centis / 100) as i32, (centis % 100) as i32)
}

/// JSON into a buffer, commas placed as `ip`'s json writer places them.
struct Json<'o> {
    o: &'o mut Vec<u8>,
    /// Whether the object being written has no member yet.
    first: bool,
}

impl Json<'_> {
    /// A member's key (the keys here are plain ASCII names: no escaping).
    fn key(&mut self, key: &str) {
        if !self.first {
            self.o.push(b',');
        }
        self.first = false;
        self.o.push(b'"');
        self.o.extend_from_slice(key.as_bytes());
        self.o.extend_from_slice(b"\":");
    }
}

impl Sink for Json<'_> {
    fn uint(&mut self, key: &str, _: &str, v: u64) {
        self.key(key);
        push_u64(self.o, v);
    }
    fn int(&mut self, key: &str, _: &str, v: i64) {
        self.key(key);
        if v < 0 {
            self.o.push(b'-');
        }
        push_u64(self.o, v.unsigned_abs());
    }
    fn string(&mut self, key: &str, _: &str, v: &str) {
        self.key(key);
        push_json_str(self.o, v);
    }
    fn on_off(&mut self, key: &str, _: &str, v: bool) {
        self.key(key);
        self.o
            .extend_from_slice(if v { b"true" as &[u8] } else { b"false" });
    }
    fn hex0x(&mut self, key: &str, _: &str, v: u64) {
        self.key(key);
        push_json_str(self.o, &hex0x(v));
    }
    fn timer(&mut self, key: &str, centis: u64) {
        self.key(key);
        let (s, c) = timer_parts(centis);
        self.o.extend_from_slice(format!("{s}.{c:02}").as_bytes());
    }
    fn text(&mut self, _: &str) {}
    fn json_string(&mut self, key: &str, v: &str) {
        self.string(key, "", v);
    }
    fn json_true(&mut self, key: &str) {
        self.on_off(key, "", true);
    }
    fn json_int(&mut self, key: &str, v: i64) {
        self.int(key, "", v);
    }
    fn open(&mut self, key: &str) {
        self.key(key);
        self.o.push(b'{');
        self.first = true;
    }
    fn close(&mut self) {
        self.o.push(b'}');
        self.first = false;
    }
}

/// `ip`'s text into a buffer.
struct Text<'o>(&'o mut Vec<u8>);

impl Sink for Text<'_> {
    fn uint(&mut self, _: &str, text: &str, v: u64) {
        self.0.extend_from_slice(format!("{text} {v} ").as_bytes());
    }
    fn int(&mut self, _: &str, text: &str, v: i64) {
        self.0.extend_from_slice(format!("{text} {v} ").as_bytes());
    }
    fn string(&mut self, _: &str, text: &str, v: &str) {
        self.0.extend_from_slice(format!("{text} {v} ").as_bytes());
    }
    fn on_off(&mut self, _: &str, text: &str, v: bool) {
        let v = if v { "on" } else { "off" };
        self.0.extend_from_slice(format!("{text} {v} ").as_bytes());
    }
    fn hex0x(&mut self, _: &str, text: &str, v: u64) {
        self.0
            .extend_from_slice(format!("{text} {} ", hex0x(v)).as_bytes());
    }
    fn timer(&mut self, key: &str, centis: u64) {
        let (s, c) = timer_parts(centis);
        self.0
            .extend_from_slice(format!("{key} {s:4}.{c:02} ").as_bytes());
    }
    fn text(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }
    fn json_string(&mut self, _: &str, _: &str) {}
    fn json_true(&mut self, _: &str) {}
    fn json_int(&mut self, _: &str, _: i64) {}
    fn open(&mut self, _: &str) {}
    fn close(&mut self) {}
}

/// `br_dump_bridge_id`: the priority's two bytes in hex, a dot, the address as
/// `ether_ntoa` writes it (no leading zeros).
fn bridge_id(a: &Attr<'_>) -> Option<String> {
    let id = ifla_bridge_id::Repr::parse_bytes(a.payload()).ok()?;
    let addr: Vec<String> = id.addr.iter().map(|b| format!("{b:x}")).collect();
    Some(format!(
        "{:02x}{:02x}.{}",
        id.prio[0],
        id.prio[1],
        addr.join(":")
    ))
}

/// `ll_proto_n2a` for a bridge's VLAN protocol (sent in network order).
fn vlan_protocol(a: &Attr<'_>) -> Option<String> {
    // Sent in network order; ip reads it as it lies and turns it (`ntohs`).
    Some(match u16::from_be(a.u16()?) {
        0x8100 => "802.1Q".into(),
        0x88a8 => "802.1ad".into(),
        id => format!("[{id}]"),
    })
}

/// `bridge_print_opt` (iproute2 6.1).
fn bridge_opts(s: &mut dyn Sink, tb: &Tb<'_, 64>) {
    for (attr, key, text) in [
        (IFLA_BR_FORWARD_DELAY, "forward_delay", "forward_delay"),
        (IFLA_BR_HELLO_TIME, "hello_time", "hello_time"),
        (IFLA_BR_MAX_AGE, "max_age", "max_age"),
        (IFLA_BR_AGEING_TIME, "ageing_time", "ageing_time"),
        (IFLA_BR_STP_STATE, "stp_state", "stp_state"),
    ] {
        if let Some(v) = tb.u32(attr) {
            s.uint(key, text, v.into());
        }
    }
    if let Some(v) = tb.u16(IFLA_BR_PRIORITY) {
        s.uint("priority", "priority", v.into());
    }
    if let Some(v) = tb.u8(IFLA_BR_VLAN_FILTERING) {
        s.uint("vlan_filtering", "vlan_filtering", v.into());
    }
    if let Some(p) = tb
        .get(IFLA_BR_VLAN_PROTOCOL)
        .and_then(|a| vlan_protocol(&a))
    {
        s.string("vlan_protocol", "vlan_protocol", &p);
    }
    let br_id = tb.get(IFLA_BR_BRIDGE_ID).and_then(|a| bridge_id(&a));
    if let Some(id) = &br_id {
        s.string("bridge_id", "bridge_id", id);
    }
    if tb.get(IFLA_BR_ROOT_ID).is_some() {
        // ip 6.1 prints the bridge id here, not the root id (a bug it has).
        if let Some(id) = &br_id {
            s.string("root_id", "designated_root", id);
        }
    }
    if let Some(v) = tb.u16(IFLA_BR_ROOT_PORT) {
        s.uint("root_port", "root_port", v.into());
    }
    if let Some(v) = tb.u32(IFLA_BR_ROOT_PATH_COST) {
        s.uint("root_path_cost", "root_path_cost", v.into());
    }
    if let Some(v) = tb.u8(IFLA_BR_TOPOLOGY_CHANGE) {
        s.uint("topology_change", "topology_change", v.into());
    }
    if let Some(v) = tb.u8(IFLA_BR_TOPOLOGY_CHANGE_DETECTED) {
        s.uint(
            "topology_change_detected",
            "topology_change_detected",
            v.into(),
        );
    }
    for (attr, key) in [
        (IFLA_BR_HELLO_TIMER, "hello_timer"),
        (IFLA_BR_TCN_TIMER, "tcn_timer"),
        (IFLA_BR_TOPOLOGY_CHANGE_TIMER, "topology_change_timer"),
        (IFLA_BR_GC_TIMER, "gc_timer"),
    ] {
        if let Some(v) = tb.u64(attr) {
            s.timer(key, v);
        }
    }
    if let Some(v) = tb.u16(IFLA_BR_VLAN_DEFAULT_PVID) {
        s.uint("vlan_default_pvid", "vlan_default_pvid", v.into());
    }
    if let Some(v) = tb.u8(IFLA_BR_VLAN_STATS_ENABLED) {
        s.uint("vlan_stats_enabled", "vlan_stats_enabled", v.into());
    }
    if let Some(v) = tb.u8(IFLA_BR_VLAN_STATS_PER_PORT) {
        s.uint("vlan_stats_per_port", "vlan_stats_per_port", v.into());
    }
    if let Some(v) = tb.u16(IFLA_BR_GROUP_FWD_MASK) {
        s.hex0x("group_fwd_mask", "group_fwd_mask", v.into());
    }
    if let Some(a) = tb.get(IFLA_BR_GROUP_ADDR) {
        let mut mac = Vec::new();
        push_hwaddr(&mut mac, a.payload());
        s.string(
            "group_addr",
            "group_address",
            std::str::from_utf8(&mac).unwrap_or_default(),
        );
    }
    if let Some(v) = tb.u8(IFLA_BR_MCAST_SNOOPING) {
        s.uint("mcast_snooping", "mcast_snooping", v.into());
    }
    if let Some(bm) = tb
        .get(IFLA_BR_MULTI_BOOLOPT)
        .and_then(|a| ifla_bridge_id::BooloptMulti::parse_bytes(a.payload()).ok())
    {
        for (bit, key) in [
            (BR_BOOLOPT_NO_LL_LEARN, "no_linklocal_learn"),
            (BR_BOOLOPT_MCAST_VLAN_SNOOPING, "mcast_vlan_snooping"),
        ] {
            let bit = 1u32 << bit;
            if bm.optmask & bit != 0 {
                s.uint(key, key, u64::from(bm.optval & bit != 0));
            }
        }
    }
    for (attr, key, text) in [
        (IFLA_BR_MCAST_ROUTER, "mcast_router", "mcast_router"),
        (
            IFLA_BR_MCAST_QUERY_USE_IFADDR,
            "mcast_query_use_ifaddr",
            "mcast_query_use_ifaddr",
        ),
        (IFLA_BR_MCAST_QUERIER, "mcast_querier", "mcast_querier"),
    ] {
        if let Some(v) = tb.u8(attr) {
            s.uint(key, text, v.into());
        }
    }
    for (attr, key, text) in [
        (
            IFLA_BR_MCAST_HASH_ELASTICITY,
            "mcast_hash_elasticity",
            "mcast_hash_elasticity",
        ),
        (IFLA_BR_MCAST_HASH_MAX, "mcast_hash_max", "mcast_hash_max"),
        (
            IFLA_BR_MCAST_LAST_MEMBER_CNT,
            "mcast_last_member_cnt",
            "mcast_last_member_count",
        ),
        (
            IFLA_BR_MCAST_STARTUP_QUERY_CNT,
            "mcast_startup_query_cnt",
            "mcast_startup_query_count",
        ),
    ] {
        if let Some(v) = tb.u32(attr) {
            s.uint(key, text, v.into());
        }
    }
    for (attr, key, text) in [
        (
            IFLA_BR_MCAST_LAST_MEMBER_INTVL,
            "mcast_last_member_intvl",
            "mcast_last_member_interval",
        ),
        (
            IFLA_BR_MCAST_MEMBERSHIP_INTVL,
            "mcast_membership_intvl",
            "mcast_membership_interval",
        ),
        (
            IFLA_BR_MCAST_QUERIER_INTVL,
            "mcast_querier_intvl",
            "mcast_querier_interval",
        ),
        (
            IFLA_BR_MCAST_QUERY_INTVL,
            "mcast_query_intvl",
            "mcast_query_interval",
        ),
        (
            IFLA_BR_MCAST_QUERY_RESPONSE_INTVL,
            "mcast_query_response_intvl",
            "mcast_query_response_interval",
        ),
        (
            IFLA_BR_MCAST_STARTUP_QUERY_INTVL,
            "mcast_startup_query_intvl",
            "mcast_startup_query_interval",
        ),
    ] {
        if let Some(v) = tb.u64(attr) {
            s.uint(key, text, v);
        }
    }
    for (attr, key) in [
        (IFLA_BR_MCAST_STATS_ENABLED, "mcast_stats_enabled"),
        (IFLA_BR_MCAST_IGMP_VERSION, "mcast_igmp_version"),
        (IFLA_BR_MCAST_MLD_VERSION, "mcast_mld_version"),
        (IFLA_BR_NF_CALL_IPTABLES, "nf_call_iptables"),
        (IFLA_BR_NF_CALL_IP6TABLES, "nf_call_ip6tables"),
        (IFLA_BR_NF_CALL_ARPTABLES, "nf_call_arptables"),
    ] {
        if let Some(v) = tb.u8(attr) {
            s.uint(key, key, v.into());
        }
    }
}

/// `bridge_slave_print_opt` (iproute2 6.1); `name` names a backup port.
fn bridge_port_opts(s: &mut dyn Sink, tb: &Tb<'_, 64>, name: &dyn Fn(u32) -> String) {
    const STATES: [&str; 5] = [
        "disabled",
        "listening",
        "learning",
        "forwarding",
        "blocking",
    ];
    if let Some(st) = tb.u8(IFLA_BRPORT_STATE) {
        if st <= BR_STATE_BLOCKING {
            s.string("state", "state", STATES[usize::from(st)]);
        } else {
            s.json_int("state_index", st.into());
            s.text(&format!("state ({st}) "));
        }
    }
    if let Some(v) = tb.u16(IFLA_BRPORT_PRIORITY) {
        s.int("priority", "priority", v.into());
    }
    if let Some(v) = tb.u32(IFLA_BRPORT_COST) {
        s.int("cost", "cost", i64::from(v as i32));
    }
    let on_off = |s: &mut dyn Sink, attr: u16, key: &str| {
        if let Some(v) = tb.u8(attr) {
            s.on_off(key, key, v != 0);
        }
    };
    on_off(s, IFLA_BRPORT_MODE, "hairpin");
    on_off(s, IFLA_BRPORT_GUARD, "guard");
    on_off(s, IFLA_BRPORT_PROTECT, "root_block");
    on_off(s, IFLA_BRPORT_FAST_LEAVE, "fastleave");
    on_off(s, IFLA_BRPORT_LEARNING, "learning");
    on_off(s, IFLA_BRPORT_UNICAST_FLOOD, "flood");
    if let Some(v) = tb.u16(IFLA_BRPORT_ID) {
        s.hex0x("id", "port_id", v.into());
    }
    if let Some(v) = tb.u16(IFLA_BRPORT_NO) {
        s.hex0x("no", "port_no", v.into());
    }
    if let Some(v) = tb.u16(IFLA_BRPORT_DESIGNATED_PORT) {
        s.uint("designated_port", "designated_port", v.into());
    }
    if let Some(v) = tb.u16(IFLA_BRPORT_DESIGNATED_COST) {
        s.uint("designated_cost", "designated_cost", v.into());
    }
    if let Some(id) = tb.get(IFLA_BRPORT_BRIDGE_ID).and_then(|a| bridge_id(&a)) {
        s.string("bridge_id", "designated_bridge", &id);
    }
    if let Some(id) = tb.get(IFLA_BRPORT_ROOT_ID).and_then(|a| bridge_id(&a)) {
        s.string("root_id", "designated_root", &id);
    }
    for (attr, key) in [
        (IFLA_BRPORT_HOLD_TIMER, "hold_timer"),
        (IFLA_BRPORT_MESSAGE_AGE_TIMER, "message_age_timer"),
        (IFLA_BRPORT_FORWARD_DELAY_TIMER, "forward_delay_timer"),
    ] {
        if let Some(v) = tb.u64(attr) {
            s.timer(key, v);
        }
    }
    for (attr, key) in [
        (IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, "topology_change_ack"),
        (IFLA_BRPORT_CONFIG_PENDING, "config_pending"),
    ] {
        if let Some(v) = tb.u8(attr) {
            s.uint(key, key, v.into());
        }
    }
    on_off(s, IFLA_BRPORT_PROXYARP, "proxy_arp");
    on_off(s, IFLA_BRPORT_PROXYARP_WIFI, "proxy_arp_wifi");
    if let Some(v) = tb.u8(IFLA_BRPORT_MULTICAST_ROUTER) {
        s.uint("multicast_router", "mcast_router", v.into());
    }
    if let Some(v) = tb.u8(IFLA_BRPORT_FAST_LEAVE) {
        // Text only: the JSON has it as "fastleave" already.
        s.text(if v != 0 {
            "mcast_fast_leave on "
        } else {
            "mcast_fast_leave off "
        });
    }
    on_off(s, IFLA_BRPORT_MCAST_FLOOD, "mcast_flood");
    on_off(s, IFLA_BRPORT_BCAST_FLOOD, "bcast_flood");
    on_off(s, IFLA_BRPORT_MCAST_TO_UCAST, "mcast_to_unicast");
    on_off(s, IFLA_BRPORT_NEIGH_SUPPRESS, "neigh_suppress");
    if let Some(mask) = tb.u16(IFLA_BRPORT_GROUP_FWD_MASK) {
        s.hex0x("group_fwd_mask", "group_fwd_mask", mask.into());
        // _bitmask2str with fwd_mask_tbl.
        let parts: Vec<String> = (0..16)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| match i {
                0 => "stp".into(),
                2 => "lacp".into(),
                14 => "lldp".into(),
                _ => format!("0x{:x}", 1u32 << i),
            })
            .collect();
        let s_mask = if parts.is_empty() {
            "0x0".into()
        } else {
            parts.join(",")
        };
        s.string("group_fwd_mask_str", "group_fwd_mask_str", &s_mask);
    }
    on_off(s, IFLA_BRPORT_VLAN_TUNNEL, "vlan_tunnel");
    on_off(s, IFLA_BRPORT_ISOLATED, "isolated");
    on_off(s, IFLA_BRPORT_LOCKED, "locked");
    if let Some(p) = tb.u32(IFLA_BRPORT_BACKUP_PORT) {
        s.string("backup_port", "backup_port", &name(p));
    }
}

/// `print_af_spec`: the IPv6 address generation mode's name.
fn addr_gen_mode_name(mode: u8) -> String {
    match mode {
        IN6_ADDR_GEN_MODE_EUI64 => "eui64".into(),
        IN6_ADDR_GEN_MODE_NONE => "none".into(),
        IN6_ADDR_GEN_MODE_STABLE_PRIVACY => "stable_secret".into(),
        IN6_ADDR_GEN_MODE_RANDOM => "random".into(),
        m => format!("{m:#04x}"),
    }
}

/// The counters of one link as `ip -s` reads them: IFLA_STATS64, else IFLA_STATS, with the
/// JSON key `ip` gives each.
fn link_stats(tb: &Tb<'_, 72>) -> Option<(link_stats::Repr, &'static str)> {
    if let Some(a) = tb.get(IFLA_STATS64) {
        Some((link_stats::Repr::parse_stats64(a.payload()), "stats64"))
    } else {
        tb.get(IFLA_STATS)
            .map(|a| (link_stats::Repr::parse_stats32(a.payload()), "stats"))
    }
}

/// `print_stats64` in JSON, one `-s`.
fn stats_json(o: &mut Vec<u8>, s: &link_stats::Repr, key: &str) {
    let mut j = Json { o, first: false };
    j.open(key);
    j.open("rx");
    for (k, v) in [
        ("bytes", s.rx_bytes),
        ("packets", s.rx_packets),
        ("errors", s.rx_errors),
        ("dropped", s.rx_dropped),
        ("over_errors", s.rx_over_errors),
        ("multicast", s.multicast),
    ] {
        j.uint(k, "", v);
    }
    if s.rx_compressed != 0 {
        j.uint("compressed", "", s.rx_compressed);
    }
    j.close();
    j.open("tx");
    for (k, v) in [
        ("bytes", s.tx_bytes),
        ("packets", s.tx_packets),
        ("errors", s.tx_errors),
        ("dropped", s.tx_dropped),
        ("carrier_errors", s.tx_carrier_errors),
        ("collisions", s.collisions),
    ] {
        j.uint(k, "", v);
    }
    if s.tx_compressed != 0 {
        j.uint("compressed", "", s.tx_compressed);
    }
    j.close();
    j.close();
}

/// `print_stats64` in text, one `-s`: two headed rows of columns sized to fit.
fn stats_text(o: &mut Vec<u8>, s: &link_stats::Repr) {
    let mut cols = [
        "*X errors:".len(),
        "packets".len(),
        "errors".len(),
        "dropped".len(),
        "heartbt".len(),
        "overrun".len(),
        "compressed".len(),
        "otherhost".len(),
    ];
    let rx = [
        s.rx_bytes,
        s.rx_packets,
        s.rx_errors,
        s.rx_dropped,
        s.rx_missed_errors,
        s.multicast,
        s.rx_compressed,
        0,
    ];
    let tx = [
        s.tx_bytes,
        s.tx_packets,
        s.tx_errors,
        s.tx_dropped,
        s.tx_carrier_errors,
        s.collisions,
        s.tx_compressed,
        0,
    ];
    for row in [rx, tx] {
        for (c, v) in cols.iter_mut().zip(row) {
            *c = (*c).max(v.to_string().len());
        }
    }
    let head = |o: &mut Vec<u8>, dir: &str, names: [&str; 6], compressed: bool| {
        o.extend_from_slice(
            format!(
                "    {dir}: {:>w0$} {:>w1$} {:>w2$} {:>w3$} {:>w4$} {:>w5$} {:>w6$}\n",
                "bytes",
                names[1],
                names[2],
                names[3],
                names[4],
                names[5],
                if compressed { "compressed" } else { "" },
                w0 = cols[0] - 4,
                w1 = cols[1],
                w2 = cols[2],
                w3 = cols[3],
                w4 = cols[4],
                w5 = cols[5],
                w6 = cols[6],
            )
            .as_bytes(),
        );
    };
    let row = |o: &mut Vec<u8>, values: [u64; 8]| {
        o.extend_from_slice(b"    ");
        let n = if values[6] != 0 { 7 } else { 6 };
        for (v, w) in values.iter().zip(cols).take(n) {
            o.extend_from_slice(format!("{v:>w$} ").as_bytes());
        }
    };
    let names = ["bytes", "packets", "errors", "dropped", "missed", "mcast"];
    head(o, "RX", names, s.rx_compressed != 0);
    row(o, rx);
    o.push(b'\n');
    let names = [
        "bytes", "packets", "errors", "dropped", "carrier", "collsns",
    ];
    head(o, "TX", names, s.tx_compressed != 0);
    row(o, tx);
}

impl IpLinkDetails {
    /// An empty table.
    pub fn new() -> Self {
        IpLinkDetails::default()
    }

    /// The links' own fields (what `ip link show` prints without `-d`/`-s`).
    pub fn links(&self) -> &IpLinks {
        &self.links
    }

    /// How many links the table holds.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// Whether the table holds no link.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// What `ip -d` would print for these links and this table leaves out, one line each
    /// (e.g. the data of a kind not decoded here).
    pub fn undecoded(&self) -> impl Iterator<Item = &str> + '_ {
        self.undecoded.iter().map(String::as_str)
    }

    /// Add one RTM_NEWLINK message. Returns `false`, adding nothing, when [`IpLinks`] cannot
    /// read it.
    pub fn push_view(&mut self, m: &MsgView<'_>) -> bool {
        if !self.links.push_view(m) {
            return false;
        }
        let attrs = m
            .payload()
            .get(nltwin_wire::ifinfomsg::LEN..)
            .unwrap_or_default();
        let at = self.arena.len();
        let mut b = NlBuf::from_vec(std::mem::take(&mut self.arena), usize::MAX);
        let mut rec = DRec::default();
        for a in Attrs::new(attrs) {
            let kind = a.kind();
            if kind == IFLA_AF_SPEC {
                if let Some(inet6) = a.nested().last(AF_INET6_SPEC) {
                    if let Some(mode) = inet6.nested().last(IFLA_INET6_ADDR_GEN_MODE) {
                        rec.addr_gen_mode = mode.u8();
                    }
                }
            } else if KEPT.contains(&kind) {
                // An unlimited buffer has room.
                let _ = b.nla_put(kind, a.payload());
                self.note(kind, &a);
            }
        }
        self.arena = b.into_vec();
        rec.attrs = Span::of(&self.arena, at).unwrap_or_default();
        self.recs.push(rec);
        true
    }

    /// Note what `ip -d` would print of `a` that is not decoded here.
    fn note(&mut self, kind: u16, a: &Attr<'_>) {
        match kind {
            IFLA_LINKINFO => {
                let info = Tb::<6>::new(a.nested());
                for (k, data, slave) in [
                    (IFLA_INFO_KIND, IFLA_INFO_DATA, ""),
                    (IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA, "_slave"),
                ] {
                    let Some(name) = info.str(k) else { continue };
                    let full = format!("{name}{slave}");
                    if IP_PRINTS_DATA.contains(&full.as_str())
                        && full != "bridge"
                        && full != "bridge_slave"
                        && info.get(data).is_some()
                    {
                        self.undecoded.insert(format!(
                            "the data of kind {full} (IFLA_INFO_{}DATA): not decoded, left out",
                            if slave.is_empty() { "" } else { "SLAVE_" }
                        ));
                    }
                }
            }
            IFLA_XDP if Tb::<9>::new(a.nested()).u8(IFLA_XDP_ATTACHED).unwrap_or(0) != 0 => {
                self.undecoded
                    .insert("attached XDP programs (IFLA_XDP): not decoded, left out".into());
            }
            IFLA_VFINFO_LIST => {
                self.undecoded
                    .insert("VF information (IFLA_VFINFO_LIST): not decoded, left out".into());
            }
            IFLA_PROTO_DOWN_REASON => {
                self.undecoded.insert(
                    "protodown reasons (IFLA_PROTO_DOWN_REASON): not decoded, left out".into(),
                );
            }
            _ => {}
        }
    }

    fn tb(&self, i: usize) -> Tb<'_, 72> {
        let span = self.recs[i].attrs;
        Tb::new(Attrs::new(self.arena.get(span.range()).unwrap_or_default()))
    }

    /// The name `ip` gives ifindex `i`: the link's, or `if<i>`.
    fn name_of(&self, index: &ByIndex, i: u32) -> String {
        match index.get(i) {
            Some(r) => self.links.text(self.links.recs[r].ifname).to_owned(),
            None => format!("if{i}"),
        }
    }

    /// Write the links `keep` keeps as `ip -j link show` with `show`'s options writes them
    /// (`-d`, `-s`): one JSON array on one line.
    pub fn write_ip_json(
        &self,
        show: Show,
        mut keep: impl FnMut(&IpLinkRef<'_>) -> bool,
        w: impl std::io::Write,
    ) -> std::io::Result<()> {
        let index = ByIndex::new(&self.links.recs);
        let mut out = Out::new(w);
        out.buf.push(b'[');
        let mut first = true;
        for (i, r) in self.links.recs.iter().enumerate() {
            let l = self.links.view(r);
            if !keep(&l) {
                continue;
            }
            if !first {
                out.buf.push(b',');
            }
            first = false;
            let tb = self.tb(i);
            let rec = self.recs[i];
            self.links.push_json(
                &mut out.buf,
                &index,
                &l,
                super::Fields::LINK,
                |o| {
                    let mut j = Json { o, first: false };
                    self.link_details(&mut j, &tb, rec, &index, show.details);
                },
                |o| {
                    if show.stats {
                        if let Some((s, key)) = link_stats(&tb) {
                            stats_json(o, &s, key);
                        }
                    }
                },
            );
            out.buf.push(b'}');
            out.flush_full()?;
        }
        out.buf.extend_from_slice(b"]\n");
        out.finish()
    }

    /// What follows the link's own fields: protodown (always), then with `details` what
    /// `ip -d` prints, in its order.
    fn link_details(
        &self,
        s: &mut dyn Sink,
        tb: &Tb<'_, 72>,
        rec: DRec,
        index: &ByIndex,
        details: bool,
    ) {
        if tb.u8(IFLA_PROTO_DOWN).unwrap_or(0) != 0 {
            s.json_true("proto_down");
        }
        if !details {
            return;
        }
        for (attr, key, text) in BEFORE_KIND {
            if let Some(v) = tb.u32(attr) {
                s.uint(key, text.trim_end(), v.into());
            }
        }
        if let Some(info) = tb.get(IFLA_LINKINFO) {
            self.link_kind(s, &info, index);
        }
        if let Some(mode) = rec.addr_gen_mode {
            s.string(
                "inet6_addr_gen_mode",
                "addrgenmode",
                &addr_gen_mode_name(mode),
            );
        }
        for (attr, key, text) in AFTER_KIND {
            if let Some(v) = tb.u32(attr) {
                s.uint(key, text.trim_end(), v.into());
            }
        }
        if let Some(n) = tb.str(IFLA_PHYS_PORT_NAME) {
            s.string("phys_port_name", "portname", n);
        }
        for (attr, key, text) in [
            (IFLA_PHYS_PORT_ID, "phys_port_id", "portid"),
            (IFLA_PHYS_SWITCH_ID, "phys_switch_id", "switchid"),
        ] {
            if let Some(a) = tb.get(attr) {
                let hex: String = a.payload().iter().map(|b| format!("{b:02x}")).collect();
                s.string(key, text, &hex);
            }
        }
        if let Some(n) = tb.str(IFLA_PARENT_DEV_BUS_NAME) {
            s.string("parentbus", "parentbus", n);
        }
        if let Some(n) = tb.str(IFLA_PARENT_DEV_NAME) {
            s.string("parentdev", "parentdev", n);
        }
    }

    /// `print_linktype`: the kind and its data, the port's kind and its data.
    fn link_kind(&self, s: &mut dyn Sink, info: &Attr<'_>, index: &ByIndex) {
        let info = Tb::<6>::new(info.nested());
        s.open("linkinfo");
        if let Some(kind) = info.str(IFLA_INFO_KIND) {
            s.json_string("info_kind", kind);
            s.text(&format!("\n    {kind} "));
            if IP_PRINTS_DATA.contains(&kind) {
                if kind == "bridge" {
                    s.open("info_data");
                    if let Some(d) = info.get(IFLA_INFO_DATA) {
                        bridge_opts(s, &Tb::new(d.nested()));
                    }
                    s.close();
                } else if info.get(IFLA_INFO_DATA).is_none() {
                    s.open("info_data");
                    s.close();
                }
            }
        }
        if let Some(kind) = info.str(IFLA_INFO_SLAVE_KIND) {
            s.json_string("info_slave_kind", kind);
            s.text(&format!("\n    {kind}_slave "));
            let full = format!("{kind}_slave");
            if IP_PRINTS_DATA.contains(&full.as_str()) {
                if kind == "bridge" {
                    s.open("info_slave_data");
                    if let Some(d) = info.get(IFLA_INFO_SLAVE_DATA) {
                        let name = |i: u32| self.name_of(index, i);
                        bridge_port_opts(s, &Tb::new(d.nested()), &name);
                    }
                    s.close();
                } else if info.get(IFLA_INFO_SLAVE_DATA).is_none() {
                    s.open("info_slave_data");
                    s.close();
                }
            }
        }
        s.close();
    }

    /// Write the links `keep` keeps as `ip link show` with `show`'s options (`-d`, `-s`)
    /// writes them.
    pub fn write_ip_text(
        &self,
        show: Show,
        mut keep: impl FnMut(&IpLinkRef<'_>) -> bool,
        w: impl std::io::Write,
    ) -> std::io::Result<()> {
        let index = ByIndex::new(&self.links.recs);
        let mut out = Out::new(w);
        for (i, r) in self.links.recs.iter().enumerate() {
            let l = self.links.view(r);
            if !keep(&l) {
                continue;
            }
            self.push_text(&mut out.buf, &index, i, &l, show);
            out.flush_full()?;
        }
        out.finish()
    }

    /// One link as `print_linkinfo` writes it in text.
    fn push_text(&self, o: &mut Vec<u8>, index: &ByIndex, i: usize, l: &IpLinkRef<'_>, show: Show) {
        let tb = self.tb(i);
        push_u32(o, l.ifindex);
        o.extend_from_slice(b": ");
        o.extend_from_slice(l.ifname.as_bytes());
        let mut master_down = false;
        match (l.link, l.link_netnsid) {
            (Some(0), _) => o.extend_from_slice(b"@NONE"),
            (Some(p), Some(_)) => o.extend_from_slice(format!("@if{p}").as_bytes()),
            (Some(p), None) => {
                o.push(b'@');
                o.extend_from_slice(self.name_of(index, p).as_bytes());
                master_down = index
                    .get(p)
                    .is_some_and(|r| self.links.recs[r].flags & super::IFF_UP == 0);
            }
            (None, _) => {}
        }
        o.extend_from_slice(b": <");
        let mut first = true;
        for_each_flag(l.flags, master_down, |f| {
            if !first {
                o.push(b',');
            }
            first = false;
            match f {
                Flag::Name(n) => o.extend_from_slice(n.as_bytes()),
                Flag::Unnamed(bits) => o.extend_from_slice(format!("{bits:x}").as_bytes()),
            }
        });
        o.extend_from_slice(b"> ");
        if let Some(mtu) = l.mtu {
            o.extend_from_slice(format!("mtu {mtu} ").as_bytes());
        }
        if let Some(q) = l.qdisc {
            o.extend_from_slice(format!("qdisc {q} ").as_bytes());
        }
        if let Some(m) = l.master {
            o.extend_from_slice(format!("master {} ", self.name_of(index, m)).as_bytes());
        }
        if let Some(st) = l.operstate {
            if st <= 6 {
                o.extend_from_slice(format!("state {} ", operstate_name(st)).as_bytes());
            } else {
                o.extend_from_slice(format!("state {}", hex0x(st.into())).as_bytes());
            }
        }
        if let Some(m) = l.linkmode {
            if m <= 1 {
                o.extend_from_slice(format!("mode {} ", linkmode_name(m)).as_bytes());
            } else {
                o.extend_from_slice(format!("mode {m} ").as_bytes());
            }
        }
        if let Some(g) = l.group {
            if g == 0 {
                o.extend_from_slice(b"group default ");
            } else {
                o.extend_from_slice(format!("group {g} ").as_bytes());
            }
        }
        if let Some(q) = l.txqlen.filter(|&q| q != 0) {
            o.extend_from_slice(format!("qlen {q}").as_bytes());
        }
        o.extend_from_slice(b"\n    link/");
        match known_link_type(l.link_type) {
            Some(t) => o.extend_from_slice(t.as_bytes()),
            None => o.extend_from_slice(format!("[{}]", l.link_type).as_bytes()),
        }
        o.push(b' ');
        if let Some(a) = l.address {
            push_hwaddr(o, a);
        }
        if let Some(b) = l.broadcast {
            if l.flags & super::IFF_POINTOPOINT != 0 {
                o.extend_from_slice(b" peer ");
            } else {
                o.extend_from_slice(b" brd ");
            }
            push_hwaddr(o, b);
        }
        if let Some(p) = tb.get(IFLA_PERM_ADDRESS) {
            if l.address != Some(p.payload()) {
                o.extend_from_slice(b" permaddr ");
                push_hwaddr(o, p.payload());
            }
        }
        if let Some(n) = l.link_netnsid {
            if n >= 0 {
                o.extend_from_slice(format!(" link-netnsid {n}").as_bytes());
            } else {
                o.extend_from_slice(b" link-netnsid unknown");
            }
        }
        if tb.u8(IFLA_PROTO_DOWN).unwrap_or(0) != 0 {
            o.extend_from_slice(b" protodown on ");
        }
        if show.details {
            let mut t = Text(o);
            self.link_details(&mut t, &tb, self.recs[i], index, true);
        }
        if let Some(a) = l.ifalias {
            o.extend_from_slice(format!("\n    alias {a}").as_bytes());
        }
        if show.stats {
            o.push(b'\n');
            if let Some((s, _)) = link_stats(&tb) {
                stats_text(o, &s);
            }
        }
        for n in l.altnames() {
            o.extend_from_slice(b"\n    altname ");
            o.extend_from_slice(n.as_bytes());
        }
        o.push(b'\n');
    }
}

/// IFLA_AF_SPEC's nest for AF_INET6.
const AF_INET6_SPEC: u16 = nltwin_wire::uapi::socket::AF_INET6 as u16;

#[cfg(test)]
mod tests {
    use nltwin_wire::uapi::if_link::{IFLA_IFNAME, IFLA_STATS};
    use nltwin_wire::MessageBuilder;

    use super::*;

    fn table(msgs: &[Vec<u8>]) -> IpLinkDetails {
        let mut t = IpLinkDetails::new();
        for m in msgs {
            let v = crate::view::Messages::new(m).next().unwrap();
            assert!(t.push_view(&v));
        }
        t
    }

    fn link(index: i32, name: &str, f: impl FnOnce(MessageBuilder) -> MessageBuilder) -> Vec<u8> {
        let ifi = nltwin_wire::ifinfomsg::Repr {
            index,
            link_type: 1,
            ..Default::default()
        };
        f(MessageBuilder::new(16, 0, 1, 1)
            .header(&ifi.to_bytes())
            .str(IFLA_IFNAME, name))
        .build()
    }

    fn json(t: &IpLinkDetails, show: Show) -> String {
        let mut o = Vec::new();
        t.write_ip_json(show, |_| true, &mut o).unwrap();
        String::from_utf8(o).unwrap()
    }

    fn text(t: &IpLinkDetails, show: Show) -> String {
        let mut o = Vec::new();
        t.write_ip_text(show, |_| true, &mut o).unwrap();
        String::from_utf8(o).unwrap()
    }

    #[test]
    fn old_stats_are_stats_and_wide_counters_widen_their_columns() {
        let mut s32 = Vec::new();
        for i in 0..24u32 {
            s32.extend_from_slice(&(i * 1000).to_ne_bytes());
        }
        let mut s64 = vec![0u8; RTNL_LINK_STATS64_LEN];
        s64[16..24].copy_from_slice(&123_456_789_012u64.to_ne_bytes()); // rx_bytes
        s64[168..176].copy_from_slice(&5u64.to_ne_bytes()); // rx_compressed
        let t = table(&[
            link(1, "a", |b| b.attr(IFLA_STATS, &s32)),
            link(2, "b", |b| b.attr(IFLA_STATS64, &s64)),
        ]);
        let stats = Show {
            details: false,
            stats: true,
        };
        let j = json(&t, stats);
        assert!(
            j.contains(r#""stats":{"rx":{"bytes":2000,"packets":0,"errors":4000,"dropped":6000,"over_errors":11000,"multicast":8000,"compressed":21000},"tx":{"bytes":3000,"packets":1000,"errors":5000,"dropped":7000,"carrier_errors":17000,"collisions":9000,"compressed":22000}}"#),
            "{j}"
        );
        assert!(j.contains(r#""stats64":{"rx":{"bytes":123456789012,"packets":0,"errors":0,"dropped":0,"over_errors":0,"multicast":0,"compressed":5},"tx":{"#), "{j}");
        let x = text(&t, stats);
        let b = x.split("2: b: ").nth(1).unwrap();
        assert_eq!(
            b.lines().skip(2).collect::<Vec<_>>(),
            [
                "    RX:    bytes packets errors dropped  missed   mcast compressed",
                "    123456789012       0      0       0       0       0          5 ",
                "    TX:    bytes packets errors dropped carrier collsns           ",
                "               0       0      0       0       0       0 ",
            ]
        );
    }

    #[test]
    fn kinds_ip_decodes_and_nltwin_does_not_are_left_out_and_named() {
        let kind = |k: &'static str, data: bool| {
            move |b: MessageBuilder| {
                b.nest(IFLA_LINKINFO, |b| {
                    let b = b.str(IFLA_INFO_KIND, k);
                    if data {
                        b.nest(IFLA_INFO_DATA, |b| b.u32(1, 42))
                    } else {
                        b
                    }
                })
            }
        };
        let t = table(&[
            link(1, "vx", kind("vxlan", true)),
            link(2, "bo", kind("bond", false)),
            link(3, "du", kind("dummy", true)),
        ]);
        let details = Show {
            details: true,
            stats: false,
        };
        let j = json(&t, details);
        assert!(j.contains(r#""linkinfo":{"info_kind":"vxlan"}"#), "{j}");
        assert!(
            j.contains(r#""linkinfo":{"info_kind":"bond","info_data":{}}"#),
            "{j}"
        );
        assert!(j.contains(r#""linkinfo":{"info_kind":"dummy"}"#), "{j}");
        assert_eq!(
            t.undecoded().collect::<Vec<_>>(),
            ["the data of kind vxlan (IFLA_INFO_DATA): not decoded, left out"]
        );
    }
}
