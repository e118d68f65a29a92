//! Routes as `ip route show` and `ip route get` show them (`print_route`), in text or as
//! `ip -j`'s JSON, byte for byte (iproute2 6.1). Devices are named from a link dump, as `ip`
//! names them from its link cache.
//!
//! What `print_route` prints that is not written here (encapsulation, marks, realms, the
//! input device, a next hop's attributes other than its gateway) is reported by [`IpRoutes::unshown`] instead of
//! being dropped silently.

use nltwin_wire::nla::Attrs;
use nltwin_wire::uapi::route::{rta_cacheinfo, rtnexthop, RTA_GATEWAY};
use nltwin_wire::uapi::route::{
    RTA_CACHEINFO, RTA_DST, RTA_ENCAP, RTA_FLOW, RTA_IIF, RTA_MARK, RTA_METRICS, RTA_MULTIPATH,
    RTA_NEWDST, RTA_NH_ID, RTA_PREF, RTA_SRC, RTA_UID, RTA_VIA, RTM_F_CLONED, RTM_F_NOTIFY,
    RTM_F_OFFLOAD, RTM_F_OFFLOAD_FAILED, RTM_F_TRAP, RTNH_F_DEAD, RTNH_F_LINKDOWN, RTNH_F_OFFLOAD,
    RTNH_F_ONLINK, RTNH_F_PERVASIVE, RTNH_F_UNRESOLVED, RTN_UNICAST, RT_SCOPE_UNIVERSE,
};

use super::addr::{fmt_ip, scope_name};
use super::{push_json_str, push_u32, ByIndex, IpLinks, Out};
use crate::requests::addr::{ip_from_bytes, AF_INET, AF_INET6};
use crate::requests::route::Route;

/// `RT_TABLE_MAIN`.
const RT_TABLE_MAIN: u32 = 254;
/// `RTPROT_BOOT`.
const RTPROT_BOOT: u8 = 3;
/// `USER_HZ`: RTA_CACHEINFO's expiry is in its ticks.
const USER_HZ: i32 = 100;

/// `rtnl_rtntype_n2a`.
fn type_name(t: u8) -> String {
    const NAMES: [&str; 12] = [
        "none",
        "unicast",
        "local",
        "broadcast",
        "anycast",
        "multicast",
        "blackhole",
        "unreachable",
        "prohibit",
        "throw",
        "nat",
        "xresolve",
    ];
    NAMES
        .get(usize::from(t))
        .map_or_else(|| t.to_string(), |n| (*n).to_string())
}

/// `rtnl_rtprot_n2a` with iproute2's `rt_protos`.
fn protocol_name(p: u8) -> String {
    match p {
        0 => "unspec",
        1 => "redirect",
        2 => "kernel",
        3 => "boot",
        4 => "static",
        8 => "gated",
        9 => "ra",
        10 => "mrt",
        11 => "zebra",
        12 => "bird",
        13 => "dnrouted",
        14 => "xorp",
        15 => "ntk",
        16 => "dhcp",
        18 => "keepalived",
        42 => "babel",
        99 => "openr",
        186 => "bgp",
        187 => "isis",
        188 => "ospf",
        189 => "rip",
        192 => "eigrp",
        n => return n.to_string(),
    }
    .into()
}

/// `rtnl_rttable_n2a` with iproute2's `rt_tables`.
fn table_name(t: u32) -> String {
    match t {
        0 => "unspec".into(),
        253 => "default".into(),
        254 => "main".into(),
        255 => "local".into(),
        n => n.to_string(),
    }
}

/// `rtnl_dsfield_n2a` with iproute2's `rt_dsfield` (DSCP names; else `0x%02x`).
fn dsfield_name(tos: u8) -> String {
    const NAMES: [(u8, &str); 21] = [
        (0x00, "default"),
        (0x28, "AF11"),
        (0x30, "AF12"),
        (0x38, "AF13"),
        (0x48, "AF21"),
        (0x50, "AF22"),
        (0x58, "AF23"),
        (0x68, "AF31"),
        (0x70, "AF32"),
        (0x78, "AF33"),
        (0x88, "AF41"),
        (0x90, "AF42"),
        (0x98, "AF43"),
        (0x20, "CS1"),
        (0x40, "CS2"),
        (0x60, "CS3"),
        (0x80, "CS4"),
        (0xA0, "CS5"),
        (0xC0, "CS6"),
        (0xE0, "CS7"),
        (0xB8, "EF"),
    ];
    match NAMES.iter().find(|(v, _)| *v == tos) {
        Some((_, n)) => (*n).to_string(),
        None => format!("0x{tos:02x}"),
    }
}

/// `print_rt_flags`' words, in its order.
fn flag_words(flags: u32) -> Vec<&'static str> {
    [
        (RTNH_F_DEAD, "dead"),
        (RTNH_F_ONLINK, "onlink"),
        (RTNH_F_PERVASIVE, "pervasive"),
        (RTNH_F_OFFLOAD, "offload"),
        (RTM_F_NOTIFY, "notify"),
        (RTNH_F_LINKDOWN, "linkdown"),
        (RTNH_F_UNRESOLVED, "unresolved"),
        (RTM_F_OFFLOAD, "rt_offload"),
        (RTM_F_TRAP, "rt_trap"),
        (RTM_F_OFFLOAD_FAILED, "rt_offload_failed"),
    ]
    .into_iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, w)| w)
    .collect()
}

/// `print_cache_flags`' words (the RTCF_* bits above the low 16) and what is left unnamed.
fn cache_words(flags: u32) -> (Vec<&'static str>, u32) {
    let mut left = flags & !0xFFFF;
    let mut words = Vec::new();
    for (bit, w) in [
        (0x8000_0000, "local"),
        (0x4000_0000, "reject"),
        (0x2000_0000, "mc"),
        (0x1000_0000, "brd"),
        (0x0800_0000, "dst-nat"),
        (0x0080_0000, "src-nat"),
        (0x0040_0000, "masq"),
        (0x0002_0000, "dst-direct"),
        (0x0400_0000, "src-direct"),
        (0x0004_0000, "redirected"),
        (0x0100_0000, "redirect"),
        (0x0020_0000, "fastroute"),
        (0x0001_0000, "notify"),
        (0x0008_0000, "proxy"),
    ] {
        if left & bit != 0 {
            left &= !bit;
            words.push(w);
        }
    }
    (words, left)
}

/// `RTA_PREF`'s names.
fn pref_name(p: u8) -> String {
    match p {
        0 => "medium".into(),
        1 => "high".into(),
        3 => "low".into(),
        n => n.to_string(),
    }
}

/// `mx_names`: the metrics' names by RTAX_* number.
const METRIC_NAMES: [&str; 18] = [
    "",
    "lock",
    "mtu",
    "window",
    "rtt",
    "rttvar",
    "ssthresh",
    "cwnd",
    "advmss",
    "reordering",
    "hoplimit",
    "initcwnd",
    "features",
    "rto_min",
    "initrwnd",
    "quickack",
    "congctl",
    "fastopen_no_cookie",
];
const RTAX_LOCK: u16 = 1;
const RTAX_RTT: usize = 4;
const RTAX_RTTVAR: usize = 5;
const RTAX_HOPLIMIT: usize = 10;
const RTAX_FEATURES: usize = 12;
const RTAX_RTO_MIN: usize = 13;
const RTAX_CC_ALGO: usize = 16;
/// `RTAX_FEATURE_ECN`.
const RTAX_FEATURE_ECN: u32 = 1;

/// One metric as `print_rta_metrics` writes it.
enum Metric {
    /// A number, the same in both forms.
    Num(u32),
    /// A time in milliseconds: a number in JSON, `1.5s` or `300ms` in text.
    Millis(u32),
    /// The congestion control algorithm's name.
    Name(String),
    /// RTAX_FEATURES: `ecn` (JSON `null`) and the bits left as a hex string.
    Features(u32),
}

/// `%g` of `ms / 1000` (six significant digits, no trailing zeros), as ip writes a time of
/// a second or more.
fn seconds_g(ms: u32) -> String {
    let x = f64::from(ms) / 1e3;
    let int_digits = (x.trunc() as u64).to_string().len();
    let s = format!("{x:.*}", 6usize.saturating_sub(int_digits));
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// RTA_METRICS's entries in `print_rta_metrics`' order: (name, locked, value).
fn metrics(nest: nltwin_wire::nla::Attr<'_>) -> Vec<(&'static str, bool, Metric)> {
    let mut tb: [Option<nltwin_wire::nla::Attr<'_>>; METRIC_NAMES.len()] = Default::default();
    for a in nest.nested() {
        if let Some(slot) = tb.get_mut(usize::from(a.kind())) {
            *slot = Some(a);
        }
    }
    let lock = tb[usize::from(RTAX_LOCK)]
        .and_then(|a| a.u32())
        .unwrap_or(0);
    let mut v = Vec::new();
    for (i, name) in METRIC_NAMES.iter().enumerate().skip(2) {
        let locked = lock & (1 << i) != 0;
        if tb[i].is_none() && !locked {
            continue;
        }
        let val = tb[i]
            .filter(|_| i != RTAX_CC_ALGO)
            .and_then(|a| a.u32())
            .unwrap_or(0);
        if i == RTAX_HOPLIMIT && val as i32 == -1 {
            continue;
        }
        let m = match i {
            RTAX_RTT => Metric::Millis(val / 8),
            RTAX_RTTVAR => Metric::Millis(val / 4),
            RTAX_RTO_MIN => Metric::Millis(val),
            RTAX_FEATURES => Metric::Features(val),
            RTAX_CC_ALGO => {
                Metric::Name(tb[i].and_then(|a| a.str()).unwrap_or_default().to_string())
            }
            _ => Metric::Num(val),
        };
        v.push((*name, locked, m));
    }
    v
}

/// One route's printable parts, in `print_route`'s order, read once for both forms.
struct Shown {
    route_type: Option<String>,
    dst: String,
    /// `("from"|"src", value)`.
    from: Option<(&'static str, String)>,
    tos: Option<String>,
    gateway: Option<String>,
    dev: Option<String>,
    table: Option<String>,
    protocol: Option<String>,
    scope: Option<String>,
    prefsrc: Option<String>,
    metric: Option<u32>,
    flags: Vec<&'static str>,
    uid: Option<u32>,
    /// IPv4's route cache flags (a route get's answer is RTM_F_CLONED).
    cache: Option<(Vec<&'static str>, u32)>,
    expires: Option<i32>,
    error: Option<u32>,
    metrics: Option<Vec<(&'static str, bool, Metric)>>,
    pref: Option<String>,
    /// RTA_MULTIPATH's next hops (`print_rta_multipath`), after everything else.
    nexthops: Option<Vec<NextHop>>,
}

/// One next hop of a multipath route.
struct NextHop {
    gateway: Option<String>,
    dev: Option<String>,
    weight: u32,
    flags: Vec<&'static str>,
}

impl Shown {
    fn of(r: &Route, dev_name: &dyn Fn(u32) -> String, show_table: bool) -> Shown {
        let h = r.header();
        let host_len = if h.family == AF_INET6 { 128 } else { 32 };
        let ip = |kind: u16| -> Option<String> {
            let a = r.attrs().last(kind)?;
            Some(match ip_from_bytes(h.family, a.payload()) {
                Some(x) => fmt_ip(&x),
                None => format!("[{} bytes]", a.payload().len()),
            })
        };
        let prefix = |addr: Option<String>, len: u8| -> Option<String> {
            match addr {
                Some(a) if len != host_len => Some(format!("{a}/{len}")),
                Some(a) => Some(a),
                None if len != 0 => Some(format!("0/{len}")),
                None => None,
            }
        };
        let dst = match (ip(RTA_DST), h.dst_len) {
            (None, 0) => "default".to_string(),
            // print_route writes "0/%d " into the value itself.
            (None, len) => format!("0/{len} "),
            (a, len) => prefix(a, len).unwrap_or_default(),
        };
        let from = match ip(RTA_SRC) {
            Some(a) => Some(("from", prefix(Some(a), h.src_len).unwrap_or_default())),
            None if h.src_len != 0 => Some(("src", format!("0/{}", h.src_len))),
            None => None,
        };
        let table = r.table();
        let cloned = h.flags & RTM_F_CLONED != 0;
        let cacheinfo = r.attrs().last(RTA_CACHEINFO).map(|a| a.payload());
        Shown {
            route_type: (h.route_type != RTN_UNICAST).then(|| type_name(h.route_type)),
            dst,
            from,
            tos: (h.tos != 0).then(|| dsfield_name(h.tos)),
            gateway: ip(RTA_GATEWAY),
            dev: r.oif().map(dev_name),
            table: (table != RT_TABLE_MAIN && show_table).then(|| table_name(table)),
            protocol: (!cloned && h.protocol != RTPROT_BOOT).then(|| protocol_name(h.protocol)),
            scope: (!cloned && h.scope != RT_SCOPE_UNIVERSE).then(|| scope_name(h.scope)),
            prefsrc: ip(nltwin_wire::uapi::route::RTA_PREFSRC),
            metric: r.priority(),
            flags: flag_words(h.flags),
            uid: r.attrs().last(RTA_UID).and_then(|a| a.u32()),
            cache: (h.family == AF_INET && cloned).then(|| cache_words(h.flags)),
            expires: cacheinfo
                .and_then(rta_cacheinfo::expires)
                .filter(|&e| e != 0)
                .map(|e| e / USER_HZ),
            error: cacheinfo.and_then(rta_cacheinfo::error).filter(|&e| e != 0),
            metrics: r.attrs().last(RTA_METRICS).map(metrics),
            nexthops: r.attrs().last(RTA_MULTIPATH).map(|mp| {
                rtnexthop::walk(mp.payload())
                    .map(|nh| NextHop {
                        gateway: Attrs::new(nh.attrs).last(RTA_GATEWAY).map(
                            |a| match ip_from_bytes(h.family, a.payload()) {
                                Some(x) => fmt_ip(&x),
                                None => format!("[{} bytes]", a.payload().len()),
                            },
                        ),
                        dev: (nh.ifindex != 0).then(|| dev_name(nh.ifindex as u32)),
                        weight: u32::from(nh.hops) + 1,
                        flags: flag_words(u32::from(nh.flags)),
                    })
                    .collect()
            }),
            pref: r.attrs().last(RTA_PREF).and_then(|a| a.u8()).map(pref_name),
        }
    }

    fn json(&self, o: &mut Vec<u8>) {
        let mut first = true;
        let mut key = |o: &mut Vec<u8>, k: &str| {
            o.extend_from_slice(if first { b"{\"" } else { b",\"" });
            first = false;
            o.extend_from_slice(k.as_bytes());
            o.extend_from_slice(b"\":");
        };
        let mut string = |o: &mut Vec<u8>, k: &str, v: &Option<String>| {
            if let Some(v) = v {
                key(o, k);
                push_json_str(o, v);
            }
        };
        string(o, "type", &self.route_type);
        string(o, "dst", &Some(self.dst.clone()));
        if let Some((k, v)) = &self.from {
            string(o, k, &Some(v.clone()));
        }
        string(o, "tos", &self.tos);
        string(o, "gateway", &self.gateway);
        string(o, "dev", &self.dev);
        string(o, "table", &self.table);
        string(o, "protocol", &self.protocol);
        string(o, "scope", &self.scope);
        string(o, "prefsrc", &self.prefsrc);
        // After the strings: every object has a "dst", so the keys below are never first.
        let num = |o: &mut Vec<u8>, k: &str, v: u32| {
            o.extend_from_slice(b",\"");
            o.extend_from_slice(k.as_bytes());
            o.extend_from_slice(b"\":");
            push_u32(o, v);
        };
        let words = |o: &mut Vec<u8>, k: &str, v: &[&str], extra: Option<String>| {
            o.extend_from_slice(b",\"");
            o.extend_from_slice(k.as_bytes());
            o.extend_from_slice(b"\":[");
            for (i, w) in v.iter().enumerate() {
                if i > 0 {
                    o.push(b',');
                }
                push_json_str(o, w);
            }
            if let Some(x) = extra {
                if !v.is_empty() {
                    o.push(b',');
                }
                push_json_str(o, &x);
            }
            o.push(b']');
        };
        if let Some(m) = self.metric {
            num(o, "metric", m);
        }
        words(o, "flags", &self.flags, None);
        if let Some(u) = self.uid {
            num(o, "uid", u);
        }
        if let Some((w, left)) = &self.cache {
            words(o, "cache", w, (*left != 0).then(|| format!("{left:x}")));
        }
        if let Some(e) = self.expires {
            o.extend_from_slice(b",\"expires\":");
            o.extend_from_slice(e.to_string().as_bytes());
        }
        if let Some(e) = self.error {
            num(o, "error", e);
        }
        if let Some(ms) = &self.metrics {
            o.extend_from_slice(b",\"metrics\":[{");
            for (i, (name, _, m)) in ms.iter().enumerate() {
                if i > 0 {
                    o.push(b',');
                }
                match m {
                    Metric::Features(f) => {
                        let mut first = true;
                        if f & RTAX_FEATURE_ECN != 0 {
                            o.extend_from_slice(b"\"ecn\":null");
                            first = false;
                        }
                        if f & !RTAX_FEATURE_ECN != 0 || (*f == 0) {
                            if !first {
                                o.push(b',');
                            }
                            o.extend_from_slice(b"\"features\":");
                            push_json_str(o, &format!("{f:#x}"));
                        }
                    }
                    _ => {
                        // ip's JSON names the algorithm "congestion", its text "congctl".
                        push_json_str(
                            o,
                            if *name == "congctl" {
                                "congestion"
                            } else {
                                name
                            },
                        );
                        o.push(b':');
                        match m {
                            Metric::Num(n) | Metric::Millis(n) => push_u32(o, *n),
                            Metric::Name(s) => push_json_str(o, s),
                            Metric::Features(_) => {}
                        }
                    }
                }
            }
            o.extend_from_slice(b"}]");
        }
        if let Some(p) = &self.pref {
            o.extend_from_slice(b",\"pref\":");
            push_json_str(o, p);
        }
        if let Some(nhs) = &self.nexthops {
            o.extend_from_slice(b",\"nexthops\":[");
            for (i, nh) in nhs.iter().enumerate() {
                if i > 0 {
                    o.push(b',');
                }
                o.push(b'{');
                if let Some(g) = &nh.gateway {
                    o.extend_from_slice(b"\"gateway\":");
                    push_json_str(o, g);
                    o.push(b',');
                }
                if let Some(d) = &nh.dev {
                    o.extend_from_slice(b"\"dev\":");
                    push_json_str(o, d);
                    o.push(b',');
                }
                o.extend_from_slice(b"\"weight\":");
                push_u32(o, nh.weight);
                words(o, "flags", &nh.flags, None);
                o.push(b'}');
            }
            o.push(b']');
        }
        o.push(b'}');
    }

    fn text(&self, o: &mut Vec<u8>) {
        let mut s = String::new();
        if let Some(t) = &self.route_type {
            s.push_str(&format!("{t} "));
        }
        s.push_str(&format!("{} ", self.dst));
        if let Some((_, v)) = &self.from {
            s.push_str(&format!("from {v} "));
        }
        let mut put = |label: &str, v: &Option<String>| {
            if let Some(v) = v {
                s.push_str(&format!("{label}{v} "));
            }
        };
        put("tos ", &self.tos);
        put("via ", &self.gateway);
        put("dev ", &self.dev);
        put("table ", &self.table);
        put("proto ", &self.protocol);
        put("scope ", &self.scope);
        put("src ", &self.prefsrc);
        if let Some(m) = self.metric {
            s.push_str(&format!("metric {m} "));
        }
        for f in &self.flags {
            s.push_str(&format!("{f} "));
        }
        if let Some(u) = self.uid {
            s.push_str(&format!("uid {u} "));
        }
        if let Some((w, left)) = &self.cache {
            s.push_str("\n    cache ");
            if !w.is_empty() || *left != 0 {
                let mut all: Vec<String> = w.iter().map(|x| x.to_string()).collect();
                if *left != 0 {
                    all.push(format!("{left:x}"));
                }
                s.push_str(&format!("<{}> ", all.join(",")));
            }
        }
        if let Some(e) = self.expires {
            s.push_str(&format!("expires {e}sec "));
        }
        if let Some(e) = self.error {
            s.push_str(&format!("error {e} "));
        }
        for (name, locked, m) in self.metrics.iter().flatten() {
            s.push_str(&format!("{name} "));
            if *locked {
                s.push_str("lock ");
            }
            match m {
                Metric::Num(n) => s.push_str(&format!("{n} ")),
                Metric::Millis(n) if *n >= 1000 => s.push_str(&format!("{}s ", seconds_g(*n))),
                Metric::Millis(n) => s.push_str(&format!("{n}ms ")),
                Metric::Name(c) => s.push_str(&format!("{c} ")),
                Metric::Features(f) => {
                    if f & RTAX_FEATURE_ECN != 0 {
                        s.push_str("ecn ");
                    }
                    if f & !RTAX_FEATURE_ECN != 0 || *f == 0 {
                        s.push_str(&format!("{f:#x} "));
                    }
                }
            }
        }
        if let Some(p) = &self.pref {
            s.push_str(&format!("pref {p}"));
        }
        for nh in self.nexthops.iter().flatten() {
            s.push_str("\n\tnexthop ");
            if let Some(g) = &nh.gateway {
                s.push_str(&format!("via {g} "));
            }
            if let Some(d) = &nh.dev {
                s.push_str(&format!("dev {d} "));
            }
            s.push_str(&format!("weight {} ", nh.weight));
            for f in &nh.flags {
                s.push_str(&format!("{f} "));
            }
        }
        s.push('\n');
        o.extend_from_slice(s.as_bytes());
    }
}

/// Routes (a dump, or a route get's answer) to be shown as `ip route` shows them.
pub struct IpRoutes {
    shown: Vec<Shown>,
    unshown: Vec<String>,
}

impl IpRoutes {
    /// `routes`, their devices named from `links`. `show_table`: whether a table other than
    /// main is printed (`ip` prints it unless one table was asked for; a route get prints it).
    pub fn new(routes: &[Route], links: &IpLinks, show_table: bool) -> IpRoutes {
        let index = ByIndex::new(&links.recs);
        // ll_index_to_name: a device the dump did not have is `if<N>`.
        let dev_name = |i: u32| match index.get(i) {
            Some(r) => links.text(links.recs[r].ifname).to_owned(),
            None => format!("if{i}"),
        };
        let mut unshown = Vec::new();
        let shown = routes
            .iter()
            .filter(|r| !hidden(r))
            .map(|r| {
                let s = Shown::of(r, &dev_name, show_table);
                for (kind, name) in [
                    (RTA_ENCAP, "RTA_ENCAP"),
                    (RTA_MARK, "RTA_MARK"),
                    (RTA_FLOW, "RTA_FLOW (realms)"),
                    (RTA_IIF, "RTA_IIF"),
                    (RTA_NH_ID, "RTA_NH_ID"),
                    (RTA_VIA, "RTA_VIA"),
                    (RTA_NEWDST, "RTA_NEWDST"),
                ] {
                    if r.attrs().last(kind).is_some() {
                        unshown.push(format!(
                            "a route to {} carries {name}, which nltwin does not show yet",
                            s.dst
                        ));
                    }
                }
                if let Some(mp) = r.attrs().last(RTA_MULTIPATH) {
                    for nh in rtnexthop::walk(mp.payload()) {
                        if Attrs::new(nh.attrs).any(|a| a.kind() != RTA_GATEWAY) {
                            unshown.push(format!(
                                "a next hop of the route to {} carries attributes besides its \
                                 gateway (encapsulation, via, realms), which nltwin does not \
                                 show yet",
                                s.dst
                            ));
                        }
                    }
                }
                s
            })
            .collect();
        IpRoutes { shown, unshown }
    }

    /// What the routes carry that is not shown (one line each).
    pub fn unshown(&self) -> &[String] {
        &self.unshown
    }

    /// How many routes are shown.
    pub fn len(&self) -> usize {
        self.shown.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    /// As `ip -j route show` (or `ip -j route get`) writes them: one JSON array.
    pub fn write_json(&self, w: impl std::io::Write) -> std::io::Result<()> {
        let mut out = Out::new(w);
        out.buf.push(b'[');
        for (i, r) in self.shown.iter().enumerate() {
            if i > 0 {
                out.buf.push(b',');
            }
            r.json(&mut out.buf);
            out.flush_full()?;
        }
        out.buf.extend_from_slice(b"]\n");
        out.finish()
    }

    /// As `ip route show` (or `ip route get`) writes them: a line each.
    pub fn write_text(&self, w: impl std::io::Write) -> std::io::Result<()> {
        let mut out = Out::new(w);
        for r in &self.shown {
            r.text(&mut out.buf);
            out.flush_full()?;
        }
        out.finish()
    }
}

/// What `ip route show`'s `filter_nlmsg` leaves out whatever the filter: IPv6's default
/// unreachable route of metric 0xffffffff.
fn hidden(r: &Route) -> bool {
    let h = r.header();
    h.family == AF_INET6
        && h.dst_len == 0
        && h.route_type == nltwin_wire::uapi::route::RTN_UNREACHABLE
        && r.priority() == Some(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_flags_are_named_in_print_cache_flags_order() {
        assert_eq!(cache_words(0x9000_0200), (vec!["local", "brd"], 0));
        assert_eq!(cache_words(0x0000_0200), (vec![], 0));
        assert_eq!(cache_words(0x0200_0000), (vec![], 0x0200_0000));
    }

    /// Odd but well-formed payloads: short or oversized attributes, unknown families and
    /// types, a missing destination with a length; every writer copes, nothing panics.
    #[test]
    fn odd_routes_are_written_without_panicking() {
        use nltwin_wire::builder::NlBuf;
        let mut shapes = Vec::new();
        for family in [0u8, 2, 10, 7, 128] {
            for (dst_len, src_len, rtype, flags) in [
                (0u8, 0u8, 1u8, 0u32),
                (24, 8, 2, RTM_F_CLONED | 0x8001_0000),
                (255, 255, 99, !0),
            ] {
                let mut b = NlBuf::unlimited();
                let h = nltwin_wire::rtmsg::Repr {
                    family,
                    dst_len,
                    src_len,
                    route_type: rtype,
                    table: 7,
                    protocol: 200,
                    scope: 17,
                    flags,
                    ..Default::default()
                };
                b.put_data(&h.to_bytes()).unwrap();
                for (kind, len) in [
                    (RTA_DST, 5),
                    (RTA_SRC, 0),
                    (RTA_CACHEINFO, 3),
                    (RTA_PREF, 0),
                    (RTA_UID, 2),
                    (4, 1),
                    (6, 3),
                    (RTA_MULTIPATH, 8),
                    (RTA_IIF, 4),
                ] {
                    b.nla_put(kind, &vec![0xab; len]).unwrap();
                }
                shapes.push(Route::from_payload(b.into_vec()).unwrap());
            }
        }
        let links = IpLinks::new();
        for show_table in [false, true] {
            let r = IpRoutes::new(&shapes, &links, show_table);
            let (mut j, mut t) = (Vec::new(), Vec::new());
            r.write_json(&mut j).unwrap();
            r.write_text(&mut t).unwrap();
            assert!(!r.unshown().is_empty());
            let v: serde_json::Value = serde_json::from_slice(&j).unwrap();
            assert_eq!(v.as_array().unwrap().len(), r.len());
        }
    }

    #[test]
    fn times_are_written_as_printf_g_writes_them() {
        assert_eq!(seconds_g(1500), "1.5");
        assert_eq!(seconds_g(1000), "1");
        assert_eq!(seconds_g(12345), "12.345");
        assert_eq!(seconds_g(1234567), "1234.57");
    }

    #[test]
    fn route_flags_follow_print_rt_flags() {
        assert_eq!(
            flag_words(RTNH_F_LINKDOWN | RTNH_F_ONLINK | RTNH_F_DEAD),
            ["dead", "onlink", "linkdown"]
        );
        assert!(flag_words(RTM_F_CLONED).is_empty());
    }
}
