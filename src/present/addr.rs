//! Addresses as `ip addr show` shows them: each link (its fields as `print_linkinfo` writes
//! them without `do_link`), then its addresses (`print_addrinfo`), in text or as
//! `ip -j addr show`'s JSON, byte for byte (iproute2 6.1).

use std::collections::HashMap;
use std::net::IpAddr;

use nltwin_wire::uapi::if_addr::IFA_ANYCAST;
use nltwin_wire::uapi::if_addr::{
    IFA_F_DADFAILED, IFA_F_DEPRECATED, IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN,
    IFA_F_NODAD, IFA_F_NOPREFIXROUTE, IFA_F_OPTIMISTIC, IFA_F_PERMANENT, IFA_F_SECONDARY,
    IFA_F_STABLE_PRIVACY, IFA_F_TENTATIVE, INFINITY_LIFE_TIME,
};

use super::{
    for_each_flag, known_link_type, operstate_name, push_hwaddr, push_json_str, push_u32, ByIndex,
    Fields, Flag, IpLinkRef, IpLinks, Out, IFF_UP,
};
use crate::requests::addr::{ip_from_bytes, Address, AF_INET, AF_INET6};

/// An address as `inet_ntop` writes it: Rust's form, except an IPv4-compatible IPv6 address
/// (`::a.b.c.d`), which glibc writes with its IPv4 part dotted.
pub fn fmt_ip(a: &IpAddr) -> String {
    if let IpAddr::V6(v6) = a {
        let s = v6.segments();
        if s[..6].iter().all(|&w| w == 0) && s[6] != 0 {
            let o = v6.octets();
            return format!("::{}.{}.{}.{}", o[12], o[13], o[14], o[15]);
        }
    }
    a.to_string()
}

/// `rtnl_rtscope_n2a` with iproute2's `rt_scopes`.
pub fn scope_name(s: u8) -> String {
    match s {
        0 => "global".into(),
        200 => "site".into(),
        253 => "link".into(),
        254 => "host".into(),
        255 => "nowhere".into(),
        n => n.to_string(),
    }
}

/// `ifa_flag_data`'s names in its order; IFA_F_PERMANENT is printed as `dynamic` when absent,
/// IFA_F_SECONDARY as `temporary` on IPv6.
const IFA_FLAG_NAMES: [(u32, &str); 12] = [
    (IFA_F_SECONDARY, "secondary"),
    (IFA_F_NODAD, "nodad"),
    (IFA_F_OPTIMISTIC, "optimistic"),
    (IFA_F_DADFAILED, "dadfailed"),
    (IFA_F_HOMEADDRESS, "home"),
    (IFA_F_DEPRECATED, "deprecated"),
    (IFA_F_TENTATIVE, "tentative"),
    (IFA_F_PERMANENT, "permanent"),
    (IFA_F_MANAGETEMPADDR, "mngtmpaddr"),
    (IFA_F_NOPREFIXROUTE, "noprefixroute"),
    (IFA_F_MCAUTOJOIN, "autojoin"),
    (IFA_F_STABLE_PRIVACY, "stable-privacy"),
];

/// The flag words `print_ifa_flags` writes, in order, and the bits it has no name for.
fn flag_words(family: u8, mut flags: u32) -> (Vec<&'static str>, u32) {
    let mut words = Vec::new();
    for (mask, name) in IFA_FLAG_NAMES {
        if mask == IFA_F_PERMANENT {
            if flags & mask == 0 {
                words.push("dynamic");
            }
        } else if flags & mask != 0 {
            words.push(if mask == IFA_F_SECONDARY && family == AF_INET6 {
                "temporary"
            } else {
                name
            });
        }
        flags &= !mask;
    }
    (words, flags)
}

fn family_name(f: u8) -> String {
    match f {
        AF_INET => "inet".into(),
        AF_INET6 => "inet6".into(),
        n => format!("[{n}]"),
    }
}

/// One address's printable parts, read once for both forms.
struct Shown {
    family: u8,
    local: Option<String>,
    peer: Option<String>,
    prefixlen: u8,
    metric: Option<u32>,
    broadcast: Option<String>,
    anycast: Option<String>,
    scope: String,
    flags: Vec<&'static str>,
    unnamed_flags: u32,
    label: Option<String>,
    lifetimes: Option<(u32, u32)>,
}

impl Shown {
    fn of(a: &Address) -> Shown {
        let ip = |x: Option<IpAddr>| x.as_ref().map(fmt_ip);
        // print_addrinfo: IFA_LOCAL is the address, IFA_ADDRESS the peer where it differs;
        // without IFA_LOCAL (IPv6 without a peer) IFA_ADDRESS is the address.
        let (local, peer) = match (a.local(), a.address()) {
            (Some(l), Some(p)) if l != p => (Some(fmt_ip(&l)), Some(fmt_ip(&p))),
            (Some(l), _) => (Some(fmt_ip(&l)), None),
            (None, p) => (ip(p), None),
        };
        let (flags, unnamed_flags) = flag_words(a.family(), a.flags());
        let anycast = a
            .attrs()
            .last(IFA_ANYCAST)
            .and_then(|x| ip_from_bytes(a.family(), x.payload()));
        Shown {
            family: a.family(),
            local,
            peer,
            prefixlen: a.prefix_len(),
            metric: a.rt_priority(),
            broadcast: ip(a.broadcast()),
            anycast: ip(anycast),
            scope: scope_name(a.scope()),
            flags,
            unnamed_flags,
            label: a.label().map(str::to_owned),
            lifetimes: a.lifetimes().map(|l| (l.valid, l.preferred)),
        }
    }

    fn json(&self, o: &mut Vec<u8>) {
        o.extend_from_slice(b"{\"family\":");
        push_json_str(o, &family_name(self.family));
        if let Some(l) = &self.local {
            o.extend_from_slice(b",\"local\":");
            push_json_str(o, l);
        }
        if let Some(p) = &self.peer {
            o.extend_from_slice(b",\"address\":");
            push_json_str(o, p);
        }
        o.extend_from_slice(b",\"prefixlen\":");
        push_u32(o, u32::from(self.prefixlen));
        if let Some(m) = self.metric {
            o.extend_from_slice(b",\"metric\":");
            push_u32(o, m);
        }
        if let Some(b) = &self.broadcast {
            o.extend_from_slice(b",\"broadcast\":");
            push_json_str(o, b);
        }
        if let Some(b) = &self.anycast {
            o.extend_from_slice(b",\"anycast\":");
            push_json_str(o, b);
        }
        o.extend_from_slice(b",\"scope\":");
        push_json_str(o, &self.scope);
        for f in &self.flags {
            o.extend_from_slice(b",\"");
            o.extend_from_slice(f.as_bytes());
            o.extend_from_slice(b"\":true");
        }
        if self.unnamed_flags != 0 {
            o.extend_from_slice(b",\"ifa_flags\":");
            push_json_str(o, &format!("{:02x}", self.unnamed_flags));
        }
        if let Some(l) = &self.label {
            o.extend_from_slice(b",\"label\":");
            push_json_str(o, l);
        }
        if let Some((valid, preferred)) = self.lifetimes {
            o.extend_from_slice(b",\"valid_life_time\":");
            push_u32(o, valid);
            o.extend_from_slice(b",\"preferred_life_time\":");
            push_u32(o, preferred);
        }
        o.push(b'}');
    }

    fn text(&self, o: &mut Vec<u8>) {
        let mut s = format!("    {} ", family_name(self.family));
        if let Some(l) = &self.local {
            s.push_str(l);
        }
        if let Some(p) = &self.peer {
            s.push_str(&format!(" peer {p}"));
        }
        s.push_str(&format!("/{} ", self.prefixlen));
        if let Some(m) = self.metric {
            s.push_str(&format!("metric {m} "));
        }
        if let Some(b) = &self.broadcast {
            s.push_str(&format!("brd {b} "));
        }
        if let Some(b) = &self.anycast {
            s.push_str(&format!("any {b} "));
        }
        s.push_str(&format!("scope {} ", self.scope));
        for f in &self.flags {
            s.push_str(f);
            s.push(' ');
        }
        if self.unnamed_flags != 0 {
            s.push_str(&format!("flags {:02x} ", self.unnamed_flags));
        }
        if let Some(l) = &self.label {
            s.push_str(l);
        }
        if let Some((valid, preferred)) = self.lifetimes {
            let lft = |v: u32| {
                if v == INFINITY_LIFE_TIME {
                    "forever".to_string()
                } else {
                    format!("{v}sec")
                }
            };
            s.push_str(&format!(
                "\n       valid_lft {} preferred_lft {}",
                lft(valid),
                lft(preferred)
            ));
        }
        s.push('\n');
        o.extend_from_slice(s.as_bytes());
    }
}

/// What `ip addr show` reads, owned: the link dump of the family asked for, the whole link
/// dump where that one lacks queue lengths (IPv6), the address dump
/// ([`crate::requests::addr::AddrRequests::ip_addr_dump`] makes one).
pub struct IpAddrDump {
    /// The link dump of `family`, then (named, never shown) the links of the whole dump it
    /// lacks: `ip` names a peer or master outside its dump by asking for it
    /// (`ll_index_to_name` -> `ll_link_get`), so IPv6's `va@vb` holds where vb has no IPv6.
    pub links: IpLinks,
    /// How many of `links` came from the family's dump (the ones shown).
    pub family_links: usize,
    /// The whole link dump, for IPv6's missing queue lengths.
    pub full: Option<IpLinks>,
    /// The addresses.
    pub addrs: Vec<Address>,
    /// The family asked for (0: every one).
    pub family: u8,
}

impl IpAddrDump {
    /// The dump as `ip addr show` prints it.
    pub fn shown(&self) -> IpAddrs<'_> {
        let mut s = IpAddrs::new(&self.links, &self.addrs, self.family);
        s.shown_links = self.family_links;
        match &self.full {
            Some(f) => s.with_qlens(f),
            None => s,
        }
    }
}

/// A link dump and an address dump, shown together as `ip addr show` shows them.
pub struct IpAddrs<'a> {
    links: &'a IpLinks,
    /// The addresses of each ifindex, in the dump's order.
    by_link: HashMap<u32, Vec<Shown>>,
    /// The family asked for (`-4`, `-6`; 0: every one): links without an address of it are
    /// left out, and so is the link layer line.
    family: u8,
    /// Queue lengths for links whose message has no IFLA_TXQLEN (see [`IpAddrs::with_qlens`]).
    qlens: HashMap<u32, u32>,
    /// How many of the links, from the first, are shown (the rest only name peers).
    shown_links: usize,
}

impl<'a> IpAddrs<'a> {
    /// `links` (a link dump of `family`, as `ip` asks for it) with `addrs` (an address dump).
    pub fn new(links: &'a IpLinks, addrs: &[Address], family: u8) -> IpAddrs<'a> {
        let mut by_link: HashMap<u32, Vec<Shown>> = HashMap::new();
        for a in addrs {
            if family == 0 || a.family() == family {
                by_link.entry(a.index()).or_default().push(Shown::of(a));
            }
        }
        IpAddrs {
            links,
            by_link,
            family,
            qlens: HashMap::new(),
            shown_links: links.len(),
        }
    }

    /// Take the queue length of a link whose message lacks IFLA_TXQLEN (IPv6's short link
    /// messages, `inet6_fill_ifinfo`) from `full`, a whole link dump. Why: `ip` then asks the
    /// kernel by ioctl (SIOCGIFTXQLEN, `print_queuelen`), which reads the same
    /// `dev->tx_queue_len` a full RTM_NEWLINK carries; netlink works on both backends.
    pub fn with_qlens(mut self, full: &IpLinks) -> Self {
        self.qlens = full
            .iter()
            .filter_map(|l| Some((l.ifindex, l.txqlen?)))
            .collect();
        self
    }

    /// The link as it is printed: its queue length filled in where its message had none.
    fn filled<'l>(&self, l: IpLinkRef<'l>) -> IpLinkRef<'l> {
        let mut l = l;
        if l.txqlen.is_none() {
            l.txqlen = self.qlens.get(&l.ifindex).copied();
        }
        l
    }

    fn shown(&self, l: &IpLinkRef<'_>) -> Option<&[Shown]> {
        let addrs = self.by_link.get(&l.ifindex).map(Vec::as_slice);
        match addrs {
            None if self.family != 0 => None,
            None => Some(&[]),
            Some(a) => Some(a),
        }
    }

    fn fields(&self) -> Fields {
        Fields {
            linkmode: false,
            ifalias: false,
            link_layer: self.family == 0,
        }
    }

    /// Write the links `keep` keeps, with their addresses, as `ip -j addr show` does.
    pub fn write_json(
        &self,
        mut keep: impl FnMut(&IpLinkRef<'_>) -> bool,
        w: impl std::io::Write,
    ) -> std::io::Result<()> {
        let index = ByIndex::new(&self.links.recs);
        let mut out = Out::new(w);
        out.buf.push(b'[');
        let mut first = true;
        for l in self.links.iter().take(self.shown_links) {
            let Some(addrs) = self.shown(&l).filter(|_| keep(&l)) else {
                continue;
            };
            if !first {
                out.buf.push(b',');
            }
            first = false;
            let l = self.filled(l);
            let o = &mut out.buf;
            self.links
                .push_json(o, &index, &l, self.fields(), |_| {}, |_| {});
            o.extend_from_slice(b",\"addr_info\":[");
            for (i, a) in addrs.iter().enumerate() {
                if i > 0 {
                    o.push(b',');
                }
                a.json(o);
            }
            o.extend_from_slice(b"]}");
            out.flush_full()?;
        }
        out.buf.extend_from_slice(b"]\n");
        out.finish()
    }

    /// Write the links `keep` keeps, with their addresses, as `ip addr show` does.
    pub fn write_text(
        &self,
        mut keep: impl FnMut(&IpLinkRef<'_>) -> bool,
        w: impl std::io::Write,
    ) -> std::io::Result<()> {
        let index = ByIndex::new(&self.links.recs);
        let mut out = Out::new(w);
        for l in self.links.iter().take(self.shown_links) {
            let Some(addrs) = self.shown(&l).filter(|_| keep(&l)) else {
                continue;
            };
            self.link_text(&mut out.buf, &index, &self.filled(l));
            for a in addrs {
                a.text(&mut out.buf);
            }
            out.flush_full()?;
        }
        out.finish()
    }

    /// The link's lines as `print_linkinfo` writes them for `ip addr show`.
    fn link_text(&self, o: &mut Vec<u8>, index: &ByIndex, l: &IpLinkRef<'_>) {
        let links = self.links;
        let name_of = |i: u32| match index.get(i) {
            Some(r) => links.text(links.recs[r].ifname).to_owned(),
            None => format!("if{i}"),
        };
        let mut s = format!("{}: {}", l.ifindex, l.ifname);
        let mut master_down = false;
        match (l.link, l.link_netnsid) {
            (Some(0), _) => s.push_str("@NONE"),
            (Some(p), Some(_)) => s.push_str(&format!("@if{p}")),
            (Some(p), None) => {
                s.push('@');
                s.push_str(&name_of(p));
                master_down = index
                    .get(p)
                    .is_some_and(|r| links.recs[r].flags & IFF_UP == 0);
            }
            (None, _) => {}
        }
        s.push_str(": <");
        let mut first = true;
        for_each_flag(l.flags, master_down, |f| {
            if !first {
                s.push(',');
            }
            first = false;
            match f {
                Flag::Name(n) => s.push_str(n),
                Flag::Unnamed(bits) => s.push_str(&format!("{bits:x}")),
            }
        });
        s.push_str("> ");
        if let Some(mtu) = l.mtu {
            s.push_str(&format!("mtu {mtu} "));
        }
        if let Some(q) = l.qdisc {
            s.push_str(&format!("qdisc {q} "));
        }
        if let Some(m) = l.master {
            s.push_str(&format!("master {} ", name_of(m)));
        }
        if let Some(st) = l.operstate {
            if st <= 6 {
                s.push_str(&format!("state {} ", operstate_name(st)));
            } else {
                s.push_str(&format!("state {st:#x}"));
            }
        }
        if let Some(g) = l.group {
            if g == 0 {
                s.push_str("group default ");
            } else {
                s.push_str(&format!("group {g} "));
            }
        }
        if let Some(q) = l.txqlen.filter(|&q| q != 0) {
            s.push_str(&format!("qlen {q}"));
        }
        o.extend_from_slice(s.as_bytes());
        if self.family == 0 {
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
            if let Some(n) = l.link_netnsid {
                if n >= 0 {
                    o.extend_from_slice(format!(" link-netnsid {n}").as_bytes());
                } else {
                    o.extend_from_slice(b" link-netnsid unknown");
                }
            }
        }
        for n in l.altnames() {
            o.extend_from_slice(b"\n    altname ");
            o.extend_from_slice(n.as_bytes());
        }
        o.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_written_as_inet_ntop_writes_them() {
        for (a, s) in [
            ("10.0.0.1", "10.0.0.1"),
            ("2001:db8::1", "2001:db8::1"),
            ("::1", "::1"),
            ("::", "::"),
            ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
            ("::1.2.3.4", "::1.2.3.4"),
            ("fe80::1:0:0:1", "fe80::1:0:0:1"),
        ] {
            assert_eq!(fmt_ip(&a.parse().unwrap()), s, "{a}");
        }
    }

    /// Odd but well-formed payloads: short attributes, unknown families and scopes, flags
    /// nobody names; every writer copes, nothing panics.
    #[test]
    fn odd_addresses_are_written_without_panicking() {
        use nltwin_wire::builder::NlBuf;
        use nltwin_wire::uapi::if_addr::{
            IFA_ADDRESS, IFA_CACHEINFO, IFA_FLAGS, IFA_LABEL, IFA_LOCAL,
        };
        let mut addrs = Vec::new();
        for family in [0u8, 2, 10, 99] {
            let mut b = NlBuf::unlimited();
            let h = nltwin_wire::ifaddrmsg::Repr {
                family,
                prefixlen: 200,
                flags: 0xff,
                scope: 77,
                index: 1,
            };
            b.put_data(&h.to_bytes()).unwrap();
            b.nla_put(IFA_LOCAL, &[1, 2, 3]).unwrap();
            b.nla_put(IFA_ADDRESS, &[9; 16]).unwrap();
            b.nla_put(IFA_CACHEINFO, &[1, 2]).unwrap();
            b.nla_put(IFA_FLAGS, &[0xff; 4]).unwrap();
            b.nla_put(IFA_LABEL, &[0xff, 0xfe]).unwrap();
            b.nla_put(IFA_ANYCAST, &[]).unwrap();
            addrs.push(Address::from_payload(b.into_vec()).unwrap());
        }
        let mut links = IpLinks::new();
        assert!(links.push(&crate::present::IpLink {
            ifindex: 1,
            ifname: "x\"y".into(),
            ..Default::default()
        }));
        for family in [0, AF_INET, AF_INET6] {
            let shown = IpAddrs::new(&links, &addrs, family);
            let (mut j, mut t) = (Vec::new(), Vec::new());
            shown.write_json(|_| true, &mut j).unwrap();
            shown.write_text(|_| true, &mut t).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&j).unwrap();
            assert!(v.is_array(), "{v}");
        }
    }

    #[test]
    fn flags_follow_ifa_flag_data() {
        assert_eq!(
            flag_words(AF_INET6, IFA_F_NODAD | IFA_F_NOPREFIXROUTE),
            (vec!["nodad", "dynamic", "noprefixroute"], 0)
        );
        assert_eq!(flag_words(AF_INET, IFA_F_PERMANENT), (vec![], 0));
        assert_eq!(
            flag_words(AF_INET6, IFA_F_SECONDARY | IFA_F_PERMANENT | 0x1000),
            (vec!["temporary"], 0x1000)
        );
        assert_eq!(
            flag_words(AF_INET, IFA_F_SECONDARY | IFA_F_PERMANENT),
            (vec!["secondary"], 0)
        );
    }
}
