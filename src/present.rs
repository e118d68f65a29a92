//! Links as `ip` shows them: the fields of `ip -j link show`, in its order and spelling, taken
//! from zero-copy views so a large dump is presented without building typed messages.
//!
//! [`IpLinks`] is a whole dump in that form, compact (one record per link, every name and
//! address in two arenas) and written out as `ip -j link show` writes it, byte for byte, by
//! [`IpLinks::write_ip_json`]: the JSON is written straight into an output buffer, with no
//! intermediate values. [`IpLink`] is one link owned, with a `String` or `Vec` per field.

use crate::view::MsgView;

pub mod addr;
pub mod details;
pub mod route;

/// Which of a link's fields `print_linkinfo` writes: all for `ip link show`; `ip addr show`
/// leaves out the link mode and the alias (`do_link` is false), and with a family asked for
/// (`-4`, `-6`) the link layer too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fields {
    pub linkmode: bool,
    pub ifalias: bool,
    pub link_layer: bool,
}

impl Fields {
    /// `ip link show`'s.
    pub const LINK: Fields = Fields {
        linkmode: true,
        ifalias: true,
        link_layer: true,
    };
}
use nltwin_wire::ifinfomsg;
use nltwin_wire::uapi::if_::*;
use nltwin_wire::uapi::if_arp::{
    ARPHRD_ETHER, ARPHRD_IP6GRE, ARPHRD_IPGRE, ARPHRD_LOOPBACK, ARPHRD_NONE, ARPHRD_SIT,
    ARPHRD_TUNNEL, ARPHRD_VOID,
};
use nltwin_wire::uapi::if_link::{
    IFLA_ADDRESS, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_GROUP, IFLA_IFALIAS, IFLA_IFNAME,
    IFLA_LINK, IFLA_LINKMODE, IFLA_LINK_NETNSID, IFLA_MASTER, IFLA_MTU, IFLA_OPERSTATE,
    IFLA_PERM_ADDRESS, IFLA_PROP_LIST, IFLA_QDISC, IFLA_TXQLEN,
};

/// `IFF_*` flags in the order `ip` prints them (`print_link_flags` in iproute2), with its names.
const FLAG_NAMES: [(u32, &str); 18] = [
    (IFF_LOOPBACK, "LOOPBACK"),
    (IFF_BROADCAST, "BROADCAST"),
    (IFF_POINTOPOINT, "POINTOPOINT"),
    (IFF_MULTICAST, "MULTICAST"),
    (IFF_NOARP, "NOARP"),
    (IFF_ALLMULTI, "ALLMULTI"),
    (IFF_PROMISC, "PROMISC"),
    (IFF_MASTER, "MASTER"),
    (IFF_SLAVE, "SLAVE"),
    (IFF_DEBUG, "DEBUG"),
    (IFF_DYNAMIC, "DYNAMIC"),
    (IFF_AUTOMEDIA, "AUTOMEDIA"),
    (IFF_PORTSEL, "PORTSEL"),
    (IFF_NOTRAILERS, "NOTRAILERS"),
    (IFF_UP, "UP"),
    (IFF_LOWER_UP, "LOWER_UP"),
    (IFF_DORMANT, "DORMANT"),
    (IFF_ECHO, "ECHO"),
];

/// One link, owned and compact: what `ip link show` prints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpLink {
    /// ifindex.
    pub ifindex: u32,
    /// `IFLA_IFNAME`.
    pub ifname: String,
    /// `ifi_flags`.
    pub flags: u32,
    /// `ifi_type` (ARPHRD_*).
    pub link_type: u16,
    /// `IFLA_MTU`.
    pub mtu: Option<u32>,
    /// `IFLA_QDISC`.
    pub qdisc: Option<String>,
    /// `IFLA_MASTER`.
    pub master: Option<u32>,
    /// `IFLA_LINK` when it differs from... as the kernel sends it.
    pub link: Option<u32>,
    /// Whether `IFLA_LINK_NETNSID` is present (the peer is in another namespace).
    pub link_netnsid: Option<i32>,
    /// `IFLA_OPERSTATE`.
    pub operstate: Option<u8>,
    /// `IFLA_LINKMODE`.
    pub linkmode: Option<u8>,
    /// `IFLA_GROUP`.
    pub group: Option<u32>,
    /// `IFLA_TXQLEN`.
    pub txqlen: Option<u32>,
    /// `IFLA_ADDRESS`.
    pub address: Option<Vec<u8>>,
    /// `IFLA_BROADCAST`.
    pub broadcast: Option<Vec<u8>>,
    /// `IFLA_PERM_ADDRESS` (a device with a burnt-in address, such as a NIC).
    pub perm_address: Option<Vec<u8>>,
    /// `IFLA_IFALIAS`.
    pub ifalias: Option<String>,
    /// `IFLA_PROP_LIST` / `IFLA_ALT_IFNAME`.
    pub altnames: Vec<String>,
}

impl IpLink {
    /// Read one RTM_NEWLINK message.
    pub fn from_view(m: &MsgView<'_>) -> Option<IpLink> {
        let hdr = ifinfomsg::Packet::new_checked(m.payload()).ok()?;
        let mut l = IpLink {
            link_type: hdr.link_type(),
            ifindex: hdr.index() as u32,
            flags: hdr.flags(),
            ..IpLink::default()
        };
        for a in m.attrs(ifinfomsg::LEN) {
            match a.kind() {
                IFLA_IFNAME => l.ifname = a.str()?.to_owned(),
                IFLA_MTU => l.mtu = a.u32(),
                IFLA_QDISC => l.qdisc = a.str().map(str::to_owned),
                IFLA_MASTER => l.master = a.u32(),
                IFLA_LINK => l.link = a.u32(),
                IFLA_LINK_NETNSID => l.link_netnsid = a.u32().map(|v| v as i32),
                IFLA_OPERSTATE => l.operstate = a.u8(),
                IFLA_LINKMODE => l.linkmode = a.u8(),
                IFLA_GROUP => l.group = a.u32(),
                IFLA_TXQLEN => l.txqlen = a.u32(),
                IFLA_ADDRESS => l.address = Some(a.payload().to_vec()),
                IFLA_BROADCAST => l.broadcast = Some(a.payload().to_vec()),
                IFLA_PERM_ADDRESS => l.perm_address = Some(a.payload().to_vec()),
                IFLA_IFALIAS => l.ifalias = a.str().map(str::to_owned),
                IFLA_PROP_LIST => {
                    l.altnames = a
                        .nested()
                        .filter(|n| n.kind() == IFLA_ALT_IFNAME)
                        .filter_map(|n| n.str().map(str::to_owned))
                        .collect()
                }
                _ => {}
            }
        }
        Some(l)
    }
}

/// `ll_type_n2a` for the link types a namespace here can have (unknown: `[N]`, as ip does).
pub fn link_type_name(t: u16) -> String {
    match known_link_type(t) {
        Some(name) => name.into(),
        None => format!("[{t}]"),
    }
}

/// The name `ip` gives link type `t`, if it is one this module knows.
fn known_link_type(t: u16) -> Option<&'static str> {
    Some(match t {
        ARPHRD_ETHER => "ether",
        ARPHRD_LOOPBACK => "loopback",
        ARPHRD_TUNNEL => "ipip",
        ARPHRD_SIT => "sit",
        ARPHRD_IPGRE => "gre",
        ARPHRD_IP6GRE => "gre6",
        ARPHRD_NONE => "none",
        ARPHRD_VOID => "void",
        _ => return None,
    })
}

/// The operstate names of `ip` (`oper_states` in iproute2).
fn operstate_name(s: u8) -> &'static str {
    match s {
        IF_OPER_NOTPRESENT => "NOTPRESENT",
        IF_OPER_DOWN => "DOWN",
        IF_OPER_LOWERLAYERDOWN => "LOWERLAYERDOWN",
        IF_OPER_TESTING => "TESTING",
        IF_OPER_DORMANT => "DORMANT",
        IF_OPER_UP => "UP",
        // IF_OPER_UNKNOWN, and what ip has no name for.
        _ => "UNKNOWN",
    }
}

/// The link mode names of `ip`.
fn linkmode_name(m: u8) -> &'static str {
    if m == IF_LINK_MODE_DORMANT {
        "DORMANT"
    } else {
        "DEFAULT"
    }
}

/// A hardware address as `ip` prints it: colon-separated lowercase hex.
pub fn format_hwaddr(a: &[u8]) -> String {
    let mut s = Vec::with_capacity(a.len() * 3);
    push_hwaddr(&mut s, a);
    // Only ASCII hex digits and colons were written.
    String::from_utf8(s).unwrap_or_default()
}

/// Append `a` as `ip` prints a hardware address.
fn push_hwaddr(out: &mut Vec<u8>, a: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in a.iter().enumerate() {
        if i > 0 {
            out.push(b':');
        }
        out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
    }
}

/// The flag list of one link as `ip` prints it, with NO-CARRIER and M-DOWN (`master_down`: the
/// veth peer is down) added as `ip` adds them.
pub fn flag_list(flags: u32, master_down: bool) -> Vec<String> {
    let mut out = Vec::new();
    for_each_flag(flags, master_down, |f| out.push(f.to_string()));
    out
}

/// One flag of [`flag_list`]: a name, or the bits `ip` has no name for.
#[derive(Clone, Copy)]
enum Flag {
    Name(&'static str),
    Unnamed(u32),
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Flag::Name(n) => f.write_str(n),
            Flag::Unnamed(bits) => write!(f, "{bits:x}"),
        }
    }
}

/// Pass the flags of [`flag_list`] to `each`, in order.
fn for_each_flag(flags: u32, master_down: bool, mut each: impl FnMut(Flag)) {
    if flags & IFF_UP != 0 && flags & IFF_RUNNING == 0 {
        each(Flag::Name("NO-CARRIER"));
    }
    let mut rest = flags & !IFF_RUNNING;
    for (bit, name) in FLAG_NAMES {
        if rest & bit != 0 {
            rest &= !bit;
            each(Flag::Name(name));
        }
    }
    if rest != 0 {
        each(Flag::Unnamed(rest));
    }
    if master_down {
        each(Flag::Name("M-DOWN"));
    }
}

/// Where a string or an address lies in an [`IpLinks`] arena.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Span {
    at: u32,
    len: u32,
}

impl Span {
    fn of(arena: &[u8], at: usize) -> Option<Span> {
        Some(Span {
            at: u32::try_from(at).ok()?,
            len: u32::try_from(arena.len().checked_sub(at)?).ok()?,
        })
    }

    fn range(self) -> std::ops::Range<usize> {
        self.at as usize..self.at as usize + self.len as usize
    }
}

/// One link of an [`IpLinks`]: [`IpLink`]'s fields, its strings and addresses as spans of the
/// table's arenas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Rec {
    ifindex: u32,
    flags: u32,
    link_type: u16,
    operstate: Option<u8>,
    linkmode: Option<u8>,
    mtu: Option<u32>,
    master: Option<u32>,
    link: Option<u32>,
    link_netnsid: Option<i32>,
    group: Option<u32>,
    txqlen: Option<u32>,
    /// In `text`.
    ifname: Span,
    /// In `text`.
    qdisc: Option<Span>,
    /// In `text`.
    ifalias: Option<Span>,
    /// In `text`: each name followed by a NUL.
    altnames: Span,
    /// In `bytes`.
    address: Option<Span>,
    /// In `bytes`.
    broadcast: Option<Span>,
    /// In `bytes`.
    perm_address: Option<Span>,
}

/// A link dump in the form `ip link show` prints, compact: one fixed-size record per link and
/// two arenas for every name, alias and address (a few allocations for a whole dump instead of
/// several per link), read from the zero-copy views ([`IpLinks::push_view`], or
/// [`LinkRequests::ip_link_table`](crate::requests::link::LinkRequests::ip_link_table)) and
/// written as `ip -j link show` writes it ([`IpLinks::write_ip_json`]) or as a table.
#[derive(Clone, Debug, Default)]
pub struct IpLinks {
    recs: Vec<Rec>,
    text: String,
    bytes: Vec<u8>,
}

/// Tables are equal when their links are, wherever the arenas hold them.
impl PartialEq for IpLinks {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for IpLinks {}

/// One link of an [`IpLinks`], borrowed: [`IpLink`]'s fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpLinkRef<'a> {
    /// ifindex.
    pub ifindex: u32,
    /// `IFLA_IFNAME`.
    pub ifname: &'a str,
    /// `ifi_flags`.
    pub flags: u32,
    /// `ifi_type` (ARPHRD_*).
    pub link_type: u16,
    /// `IFLA_MTU`.
    pub mtu: Option<u32>,
    /// `IFLA_QDISC`.
    pub qdisc: Option<&'a str>,
    /// `IFLA_MASTER`.
    pub master: Option<u32>,
    /// `IFLA_LINK`.
    pub link: Option<u32>,
    /// `IFLA_LINK_NETNSID`.
    pub link_netnsid: Option<i32>,
    /// `IFLA_OPERSTATE`.
    pub operstate: Option<u8>,
    /// `IFLA_LINKMODE`.
    pub linkmode: Option<u8>,
    /// `IFLA_GROUP`.
    pub group: Option<u32>,
    /// `IFLA_TXQLEN`.
    pub txqlen: Option<u32>,
    /// `IFLA_ADDRESS`.
    pub address: Option<&'a [u8]>,
    /// `IFLA_BROADCAST`.
    pub broadcast: Option<&'a [u8]>,
    /// `IFLA_PERM_ADDRESS`.
    pub perm_address: Option<&'a [u8]>,
    /// `IFLA_IFALIAS`.
    pub ifalias: Option<&'a str>,
    /// The alternative names, each followed by a NUL.
    altnames: &'a str,
}

impl<'a> IpLinkRef<'a> {
    /// `IFLA_PROP_LIST` / `IFLA_ALT_IFNAME`, in order.
    pub fn altnames(&self) -> impl Iterator<Item = &'a str> + 'a {
        let all = self.altnames;
        all.split_terminator('\0')
    }

    /// This link, owned.
    pub fn to_owned(&self) -> IpLink {
        IpLink {
            ifindex: self.ifindex,
            ifname: self.ifname.to_owned(),
            flags: self.flags,
            link_type: self.link_type,
            mtu: self.mtu,
            qdisc: self.qdisc.map(str::to_owned),
            master: self.master,
            link: self.link,
            link_netnsid: self.link_netnsid,
            operstate: self.operstate,
            linkmode: self.linkmode,
            group: self.group,
            txqlen: self.txqlen,
            address: self.address.map(<[u8]>::to_vec),
            broadcast: self.broadcast.map(<[u8]>::to_vec),
            perm_address: self.perm_address.map(<[u8]>::to_vec),
            ifalias: self.ifalias.map(str::to_owned),
            altnames: self.altnames().map(str::to_owned).collect(),
        }
    }
}

impl IpLinks {
    /// An empty table.
    pub fn new() -> Self {
        IpLinks::default()
    }

    /// How many links the table holds.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// Whether the table holds no link.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// Add one RTM_NEWLINK message, read as [`IpLink::from_view`] reads it (the last of an
    /// attribute given twice counts). Returns `false`, adding nothing, when the message is
    /// unreadable: no `ifinfomsg`, a name that is not UTF-8, or more than the arenas' 4 GiB.
    pub fn push_view(&mut self, m: &MsgView<'_>) -> bool {
        let (text, bytes) = (self.text.len(), self.bytes.len());
        let read = self.read_view(m);
        match read {
            Some(rec) => self.recs.push(rec),
            None => {
                self.text.truncate(text);
                self.bytes.truncate(bytes);
            }
        }
        read.is_some()
    }

    /// Add `l`. Returns `false`, adding nothing, when the arenas would pass 4 GiB.
    pub fn push(&mut self, l: &IpLink) -> bool {
        let (text, bytes) = (self.text.len(), self.bytes.len());
        let rec = (|| {
            let mut r = Rec {
                ifindex: l.ifindex,
                flags: l.flags,
                link_type: l.link_type,
                operstate: l.operstate,
                linkmode: l.linkmode,
                mtu: l.mtu,
                master: l.master,
                link: l.link,
                link_netnsid: l.link_netnsid,
                group: l.group,
                txqlen: l.txqlen,
                ifname: self.put_str(&l.ifname)?,
                ..Rec::default()
            };
            r.qdisc = opt(l.qdisc.as_deref().map(|q| self.put_str(q)))?;
            r.ifalias = opt(l.ifalias.as_deref().map(|a| self.put_str(a)))?;
            let at = self.text.len();
            for n in &l.altnames {
                self.text.push_str(n);
                self.text.push('\0');
            }
            r.altnames = Span::of(self.text.as_bytes(), at)?;
            r.address = opt(l.address.as_deref().map(|a| self.put_bytes(a)))?;
            r.broadcast = opt(l.broadcast.as_deref().map(|a| self.put_bytes(a)))?;
            r.perm_address = opt(l.perm_address.as_deref().map(|a| self.put_bytes(a)))?;
            Some(r)
        })();
        match rec {
            Some(rec) => self.recs.push(rec),
            None => {
                self.text.truncate(text);
                self.bytes.truncate(bytes);
            }
        }
        rec.is_some()
    }

    fn put_str(&mut self, s: &str) -> Option<Span> {
        let at = self.text.len();
        self.text.push_str(s);
        Span::of(self.text.as_bytes(), at)
    }

    fn put_bytes(&mut self, b: &[u8]) -> Option<Span> {
        let at = self.bytes.len();
        self.bytes.extend_from_slice(b);
        Span::of(&self.bytes, at)
    }

    fn read_view(&mut self, m: &MsgView<'_>) -> Option<Rec> {
        let hdr = ifinfomsg::Packet::new_checked(m.payload()).ok()?;
        let mut r = Rec {
            ifindex: hdr.index() as u32,
            flags: hdr.flags(),
            link_type: hdr.link_type(),
            ..Rec::default()
        };
        for a in m.attrs(ifinfomsg::LEN) {
            match a.kind() {
                IFLA_IFNAME => r.ifname = self.put_str(a.str()?)?,
                IFLA_MTU => r.mtu = a.u32(),
                IFLA_QDISC => r.qdisc = opt(a.str().map(|q| self.put_str(q)))?,
                IFLA_MASTER => r.master = a.u32(),
                IFLA_LINK => r.link = a.u32(),
                IFLA_LINK_NETNSID => r.link_netnsid = a.u32().map(|v| v as i32),
                IFLA_OPERSTATE => r.operstate = a.u8(),
                IFLA_LINKMODE => r.linkmode = a.u8(),
                IFLA_GROUP => r.group = a.u32(),
                IFLA_TXQLEN => r.txqlen = a.u32(),
                IFLA_ADDRESS => r.address = Some(self.put_bytes(a.payload())?),
                IFLA_BROADCAST => r.broadcast = Some(self.put_bytes(a.payload())?),
                IFLA_PERM_ADDRESS => r.perm_address = Some(self.put_bytes(a.payload())?),
                IFLA_IFALIAS => r.ifalias = opt(a.str().map(|s| self.put_str(s)))?,
                IFLA_PROP_LIST => {
                    let at = self.text.len();
                    for n in a.nested().filter(|n| n.kind() == IFLA_ALT_IFNAME) {
                        if let Some(name) = n.str() {
                            self.text.push_str(name);
                            self.text.push('\0');
                        }
                    }
                    r.altnames = Span::of(self.text.as_bytes(), at)?;
                }
                _ => {}
            }
        }
        Some(r)
    }

    fn text(&self, s: Span) -> &str {
        self.text.get(s.range()).unwrap_or_default()
    }

    fn bytes(&self, s: Span) -> &[u8] {
        self.bytes.get(s.range()).unwrap_or_default()
    }

    fn view(&self, r: &Rec) -> IpLinkRef<'_> {
        IpLinkRef {
            ifindex: r.ifindex,
            ifname: self.text(r.ifname),
            flags: r.flags,
            link_type: r.link_type,
            mtu: r.mtu,
            qdisc: r.qdisc.map(|s| self.text(s)),
            master: r.master,
            link: r.link,
            link_netnsid: r.link_netnsid,
            operstate: r.operstate,
            linkmode: r.linkmode,
            group: r.group,
            txqlen: r.txqlen,
            address: r.address.map(|s| self.bytes(s)),
            broadcast: r.broadcast.map(|s| self.bytes(s)),
            perm_address: r.perm_address.map(|s| self.bytes(s)),
            ifalias: r.ifalias.map(|s| self.text(s)),
            altnames: self.text(r.altnames),
        }
    }

    /// The `i`th link, in the order they were added.
    pub fn get(&self, i: usize) -> Option<IpLinkRef<'_>> {
        self.recs.get(i).map(|r| self.view(r))
    }

    /// The links, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = IpLinkRef<'_>> + '_ {
        self.recs.iter().map(|r| self.view(r))
    }

    /// Write the links `show` keeps as `ip -j link show` writes them: one JSON array on one
    /// line. The names of peers and masters come from the whole table, as `ip` resolves them
    /// from the whole dump.
    pub fn write_ip_json(
        &self,
        mut show: impl FnMut(&IpLinkRef<'_>) -> bool,
        w: impl std::io::Write,
    ) -> std::io::Result<()> {
        let index = ByIndex::new(&self.recs);
        let mut out = Out::new(w);
        out.buf.push(b'[');
        let mut first = true;
        for r in &self.recs {
            let l = self.view(r);
            if !show(&l) {
                continue;
            }
            if !first {
                out.buf.push(b',');
            }
            first = false;
            self.push_json(&mut out.buf, &index, &l, Fields::LINK, |_| {}, |_| {});
            out.buf.push(b'}');
            out.flush_full()?;
        }
        out.buf.extend_from_slice(b"]\n");
        out.finish()
    }

    /// One link's object, as [`IpLinks::write_ip_json`] writes it (without its closing brace:
    /// `ip addr show` adds the addresses); `after_link` writes what
    /// `ip` puts after the link's own fields (`-d`: the details, in `details`) and
    /// `after_alias` what it puts after the alias (`-s`: the statistics).
    fn push_json(
        &self,
        o: &mut Vec<u8>,
        index: &ByIndex,
        l: &IpLinkRef<'_>,
        fields: Fields,
        after_link: impl FnOnce(&mut Vec<u8>),
        after_alias: impl FnOnce(&mut Vec<u8>),
    ) {
        let by_index = |i: u32| index.get(i).map(|r| &self.recs[r]);
        let peer = l.link.filter(|&p| p != 0);
        let (link, link_index, master_down) = match (peer, l.link_netnsid) {
            (Some(p), None) => {
                let peer = by_index(p);
                (
                    peer.map(|x| self.text(x.ifname)),
                    None,
                    peer.is_some_and(|x| x.flags & IFF_UP == 0),
                )
            }
            (Some(p), Some(_)) => (None, Some(p), false),
            _ => (None, None, false),
        };
        o.extend_from_slice(b"{\"ifindex\":");
        push_u32(o, l.ifindex);
        if let Some(link) = link {
            o.extend_from_slice(b",\"link\":");
            push_json_str(o, link);
        }
        if let Some(i) = link_index {
            o.extend_from_slice(b",\"link_index\":");
            push_u32(o, i);
        }
        o.extend_from_slice(b",\"ifname\":");
        push_json_str(o, l.ifname);
        o.extend_from_slice(b",\"flags\":[");
        let mut first = true;
        for_each_flag(l.flags, master_down, |f| {
            if !first {
                o.push(b',');
            }
            first = false;
            match f {
                Flag::Name(n) => {
                    o.push(b'"');
                    o.extend_from_slice(n.as_bytes());
                    o.push(b'"');
                }
                Flag::Unnamed(bits) => push_json_str(o, &format!("{bits:x}")),
            }
        });
        o.push(b']');
        if let Some(mtu) = l.mtu {
            o.extend_from_slice(b",\"mtu\":");
            push_u32(o, mtu);
        }
        if let Some(q) = l.qdisc {
            o.extend_from_slice(b",\"qdisc\":");
            push_json_str(o, q);
        }
        if let Some(master) = l.master.and_then(by_index) {
            o.extend_from_slice(b",\"master\":");
            push_json_str(o, self.text(master.ifname));
        }
        if let Some(s) = l.operstate {
            o.extend_from_slice(b",\"operstate\":\"");
            o.extend_from_slice(operstate_name(s).as_bytes());
            o.push(b'"');
        }
        if let Some(m) = l.linkmode.filter(|_| fields.linkmode) {
            o.extend_from_slice(b",\"linkmode\":\"");
            o.extend_from_slice(linkmode_name(m).as_bytes());
            o.push(b'"');
        }
        if let Some(g) = l.group {
            o.extend_from_slice(b",\"group\":\"");
            if g == 0 {
                o.extend_from_slice(b"default");
            } else {
                push_u32(o, g);
            }
            o.push(b'"');
        }
        // ip prints no queue length of 0 (`print_queuelen`).
        if let Some(q) = l.txqlen.filter(|&q| q != 0) {
            o.extend_from_slice(b",\"txqlen\":");
            push_u32(o, q);
        }
        if fields.link_layer {
            self.push_link_layer(o, l);
        }
        after_link(o);
        if let Some(a) = l.ifalias.filter(|_| fields.ifalias) {
            o.extend_from_slice(b",\"ifalias\":");
            push_json_str(o, a);
        }
        after_alias(o);
        let mut names = l.altnames().peekable();
        if names.peek().is_some() {
            o.extend_from_slice(b",\"altnames\":[");
            for (i, n) in names.enumerate() {
                if i > 0 {
                    o.push(b',');
                }
                push_json_str(o, n);
            }
            o.push(b']');
        }
    }

    /// What `print_linkinfo` writes only when no family is asked for: the link type, the
    /// hardware addresses, the peer's namespace.
    fn push_link_layer(&self, o: &mut Vec<u8>, l: &IpLinkRef<'_>) {
        o.extend_from_slice(b",\"link_type\":\"");
        match known_link_type(l.link_type) {
            Some(name) => o.extend_from_slice(name.as_bytes()),
            None => {
                o.push(b'[');
                push_u32(o, u32::from(l.link_type));
                o.push(b']');
            }
        }
        o.push(b'"');
        if let Some(a) = l.address {
            o.extend_from_slice(b",\"address\":\"");
            push_hwaddr(o, a);
            o.push(b'"');
        }
        if let Some(a) = l.broadcast {
            o.extend_from_slice(b",\"broadcast\":\"");
            push_hwaddr(o, a);
            o.push(b'"');
        }
        // ip shows the permanent address only where it differs from the current one.
        if let Some(p) = l.perm_address.filter(|&p| l.address != Some(p)) {
            o.extend_from_slice(b",\"permaddr\":\"");
            push_hwaddr(o, p);
            o.push(b'"');
        }
        if let Some(n) = l.link_netnsid {
            o.extend_from_slice(b",\"link_netnsid\":");
            if n < 0 {
                o.push(b'-');
            }
            push_u32(o, n.unsigned_abs());
        }
    }

    /// Write the links `show` keeps as a human table: index, name, state, MTU, type, address,
    /// master (named from the whole table).
    pub fn write_table(
        &self,
        mut show: impl FnMut(&IpLinkRef<'_>) -> bool,
        w: impl std::io::Write,
    ) -> std::io::Result<()> {
        use std::io::Write as _;
        let index = ByIndex::new(&self.recs);
        let shown: Vec<IpLinkRef<'_>> = self.iter().filter(|l| show(l)).collect();
        let name_w = shown
            .iter()
            .map(|l| l.ifname.len())
            .max()
            .unwrap_or(0)
            .max(4);
        let mut w = std::io::BufWriter::new(w);
        writeln!(
            w,
            "{:>5}  {:<name_w$}  {:<14}  {:>6}  {:<8}  {:<17}  MASTER",
            "INDEX", "NAME", "STATE", "MTU", "TYPE", "ADDRESS"
        )?;
        for l in &shown {
            writeln!(
                w,
                "{:>5}  {:<name_w$}  {:<14}  {:>6}  {:<8}  {:<17}  {}",
                l.ifindex,
                l.ifname,
                l.operstate.map(operstate_name).unwrap_or("-"),
                l.mtu.map(|m| m.to_string()).unwrap_or_else(|| "-".into()),
                link_type_name(l.link_type),
                l.address.map(format_hwaddr).unwrap_or_else(|| "-".into()),
                l.master
                    .and_then(|m| index.get(m))
                    .map(|r| self.text(self.recs[r].ifname))
                    .unwrap_or("-"),
            )?;
        }
        w.flush()
    }
}

impl<'a> FromIterator<&'a IpLink> for IpLinks {
    fn from_iter<I: IntoIterator<Item = &'a IpLink>>(iter: I) -> Self {
        let mut t = IpLinks::new();
        for l in iter {
            t.push(l);
        }
        t
    }
}

/// `Option<Option<T>>` inside out, for spans: `None` stays `None` (the field is absent),
/// `Some(None)` (the arena is full) is a failure.
fn opt<T>(v: Option<Option<T>>) -> Option<Option<T>> {
    match v {
        None => Some(None),
        Some(None) => None,
        Some(Some(t)) => Some(Some(t)),
    }
}

/// Records by ifindex: a direct table when the indexes are dense (they are within a namespace,
/// given in order from 1), else sorted pairs searched.
enum ByIndex {
    /// `dense[ifindex]` = record + 1, 0 for none.
    Dense(Vec<u32>),
    /// (ifindex, record), sorted by ifindex.
    Sorted(Vec<(u32, u32)>),
}

impl ByIndex {
    fn new(recs: &[Rec]) -> ByIndex {
        let max = recs.iter().map(|r| r.ifindex).max().unwrap_or(0) as usize;
        if max <= 4 * recs.len() + 1024 && recs.len() < u32::MAX as usize {
            let mut dense = vec![0u32; max + 1];
            for (i, r) in recs.iter().enumerate() {
                dense[r.ifindex as usize] = i as u32 + 1;
            }
            ByIndex::Dense(dense)
        } else {
            let mut sorted: Vec<(u32, u32)> = recs
                .iter()
                .enumerate()
                .map(|(i, r)| (r.ifindex, i as u32))
                .collect();
            // The last of a repeated ifindex wins, as a map built in order keeps it.
            sorted.sort_by_key(|&(ifindex, _)| ifindex);
            sorted.dedup_by(|later, earlier| {
                if later.0 == earlier.0 {
                    earlier.1 = later.1;
                    true
                } else {
                    false
                }
            });
            ByIndex::Sorted(sorted)
        }
    }

    /// The record with this ifindex.
    fn get(&self, ifindex: u32) -> Option<usize> {
        match self {
            ByIndex::Dense(d) => d
                .get(ifindex as usize)
                .and_then(|&r| r.checked_sub(1))
                .map(|r| r as usize),
            ByIndex::Sorted(s) => s
                .binary_search_by_key(&ifindex, |&(i, _)| i)
                .ok()
                .map(|at| s[at].1 as usize),
        }
    }
}

/// An output buffer written out in large pieces.
struct Out<W: std::io::Write> {
    buf: Vec<u8>,
    w: W,
}

impl<W: std::io::Write> Out<W> {
    /// Below glibc's mmap threshold, so it is not mapped afresh.
    const CHUNK: usize = 64 * 1024;

    fn new(w: W) -> Self {
        Out {
            buf: Vec::with_capacity(Self::CHUNK + 4096),
            w,
        }
    }

    /// Write the buffer out once it holds a chunk.
    fn flush_full(&mut self) -> std::io::Result<()> {
        if self.buf.len() >= Self::CHUNK {
            self.w.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.w.write_all(&self.buf)?;
        self.w.flush()
    }
}

/// Append `n` in decimal.
fn push_u32(o: &mut Vec<u8>, n: u32) {
    push_u64(o, u64::from(n));
}

/// Append `n` in decimal (also the details writer's).
pub(crate) fn push_u64(o: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    o.extend_from_slice(&digits[i..]);
}

/// Append `s` as a JSON string, escaped as `serde_json` escapes it.
fn push_json_str(o: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        // Rare (names cannot hold quotes or whitespace; aliases can): serde_json's own escape.
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *o, s);
    } else {
        o.push(b'"');
        o.extend_from_slice(s.as_bytes());
        o.push(b'"');
    }
}

/// Write `links` as `ip -j link show` does: one JSON array on one line (see
/// [`IpLinks::write_ip_json`]).
pub fn write_ip_json(links: &[IpLink], w: impl std::io::Write) -> std::io::Result<()> {
    links.iter().collect::<IpLinks>().write_ip_json(|_| true, w)
}

/// Write `links` as a human table: index, name, state, MTU, type, address, master (see
/// [`IpLinks::write_table`]).
pub fn write_table(links: &[IpLink], w: impl std::io::Write) -> std::io::Result<()> {
    links.iter().collect::<IpLinks>().write_table(|_| true, w)
}

#[cfg(test)]
mod tests {
    use nltwin_wire::uapi::if_link::IFLA_PROP_LIST;
    use nltwin_wire::MessageBuilder;
    use serde::Serialize;

    use super::*;

    /// `ip -j link show`'s object for one link, as the writer built it on serde_json.
    #[derive(Serialize)]
    struct IpJson<'a> {
        ifindex: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        link: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        link_index: Option<u32>,
        ifname: &'a str,
        flags: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        mtu: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        qdisc: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        master: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        operstate: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        linkmode: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        txqlen: Option<u32>,
        link_type: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        address: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        broadcast: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        permaddr: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        link_netnsid: Option<i32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        ifalias: Option<&'a str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        altnames: Vec<&'a str>,
    }

    /// The JSON writer as it was, on serde_json: the reference the direct writer must match
    /// byte for byte.
    fn reference_json(links: &[IpLink]) -> String {
        let by_index: std::collections::HashMap<u32, &IpLink> =
            links.iter().map(|l| (l.ifindex, l)).collect();
        let mut w = b"[".to_vec();
        for (i, l) in links.iter().enumerate() {
            if i > 0 {
                w.push(b',');
            }
            let peer = l.link.filter(|&p| p != 0);
            let (link, link_index, master_down) = match (peer, l.link_netnsid) {
                (Some(p), None) => {
                    let peer = by_index.get(&p);
                    (
                        peer.map(|x| x.ifname.as_str()),
                        None,
                        peer.is_some_and(|x| x.flags & IFF_UP == 0),
                    )
                }
                (Some(p), Some(_)) => (None, Some(p), false),
                _ => (None, None, false),
            };
            let j = IpJson {
                ifindex: l.ifindex,
                link,
                link_index,
                ifname: &l.ifname,
                flags: flag_list(l.flags, master_down),
                mtu: l.mtu,
                qdisc: l.qdisc.as_deref(),
                master: l
                    .master
                    .and_then(|m| by_index.get(&m))
                    .map(|m| m.ifname.as_str()),
                operstate: l.operstate.map(operstate_name),
                linkmode: l.linkmode.map(linkmode_name),
                group: l.group.map(|g| {
                    if g == 0 {
                        "default".to_owned()
                    } else {
                        g.to_string()
                    }
                }),
                txqlen: l.txqlen.filter(|&q| q != 0),
                link_type: link_type_name(l.link_type),
                address: l.address.as_deref().map(format_hwaddr),
                broadcast: l.broadcast.as_deref().map(format_hwaddr),
                permaddr: l
                    .perm_address
                    .as_deref()
                    .filter(|&p| l.address.as_deref() != Some(p))
                    .map(format_hwaddr),
                link_netnsid: l.link_netnsid,
                ifalias: l.ifalias.as_deref(),
                altnames: l.altnames.iter().map(String::as_str).collect(),
            };
            serde_json::to_writer(&mut w, &j).unwrap();
        }
        w.extend_from_slice(b"]\n");
        String::from_utf8(w).unwrap()
    }

    /// Links using every field, odd values included.
    fn odd_links() -> Vec<IpLink> {
        let plain = |ifindex: u32, name: &str| IpLink {
            ifindex,
            ifname: name.into(),
            flags: IFF_BROADCAST | IFF_MULTICAST,
            link_type: ARPHRD_ETHER,
            ..IpLink::default()
        };
        vec![
            IpLink {
                mtu: Some(u32::MAX),
                qdisc: Some("noqueue".into()),
                operstate: Some(IF_OPER_UP),
                linkmode: Some(IF_LINK_MODE_DORMANT),
                group: Some(42),
                txqlen: Some(0),
                address: Some(vec![0xde, 0xad, 0, 1, 0xbe, 0xef]),
                broadcast: Some(vec![0xab; 20]),
                perm_address: Some(vec![0xde, 0xad, 0, 1, 0xbe, 0xef]),
                ifalias: Some("say \"hi\" \\ \t\u{1}\u{7f} \u{e9}t\u{e9}".into()),
                altnames: vec!["alt-one".into(), "\u{105}lt\"two".into()],
                master: Some(3),
                link: Some(5),
                flags: IFF_UP | IFF_LOWER_UP | 0x0080_0000,
                ..plain(1, "va")
            },
            IpLink {
                link: Some(1),
                link_netnsid: Some(-7),
                operstate: Some(99),
                linkmode: Some(0),
                group: Some(0),
                link_type: 65534,
                address: Some(Vec::new()),
                ..plain(2, "peer\"ns")
            },
            IpLink {
                link: Some(99),
                master: Some(98),
                link_netnsid: Some(i32::MIN),
                flags: IFF_UP,
                ..plain(3, "br0")
            },
            IpLink {
                link: Some(0),
                link_type: ARPHRD_LOOPBACK,
                address: Some(vec![2, 0, 0, 0, 0, 4]),
                perm_address: Some(vec![0x52, 0x54, 0, 0x12, 0x34, 0x56]),
                ..plain(4, "x")
            },
            IpLink {
                link: Some(1),
                ..plain(5, "vb")
            },
            // An ifindex given twice: the later one names it, as a map built in order keeps.
            plain(3, "br0-again"),
        ]
    }

    #[test]
    fn permaddr_follows_broadcast_only_where_it_differs_from_the_address() {
        // What iproute2's print_linkinfo does for a NIC whose address was changed: the
        // permanent one after "broadcast"; none when they are the same.
        let nic = |address: [u8; 6]| IpLink {
            ifindex: 2,
            ifname: "eth0".into(),
            flags: IFF_BROADCAST | IFF_MULTICAST,
            link_type: ARPHRD_ETHER,
            address: Some(address.to_vec()),
            broadcast: Some(vec![0xff; 6]),
            perm_address: Some(vec![0x52, 0x54, 0, 0x12, 0x34, 0x56]),
            ..IpLink::default()
        };
        let mut out = Vec::new();
        write_ip_json(&[nic([2, 0, 0, 0, 0, 1])], &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(
            s.contains(r#""broadcast":"ff:ff:ff:ff:ff:ff","permaddr":"52:54:00:12:34:56"}"#),
            "{s}"
        );
        let mut out = Vec::new();
        write_ip_json(&[nic([0x52, 0x54, 0, 0x12, 0x34, 0x56])], &mut out).unwrap();
        assert!(!String::from_utf8(out).unwrap().contains("permaddr"));
    }

    #[test]
    fn the_direct_writer_writes_what_serde_json_wrote() {
        let odd = odd_links();
        // Indexes far apart (looked up by search, not by table).
        let sparse: Vec<IpLink> = odd
            .iter()
            .map(|l| IpLink {
                ifindex: l.ifindex << 24,
                link: l.link.map(|i| i << 24),
                master: l.master.map(|i| i << 24),
                ..l.clone()
            })
            .collect();
        // More than one output chunk.
        let many: Vec<IpLink> = (1..3000)
            .map(|i| IpLink {
                ifindex: i,
                ifname: format!("veth{i}"),
                link: Some(3000 - i),
                mtu: Some(1500),
                address: Some(vec![2, 0, 0, 0, (i >> 8) as u8, i as u8]),
                ..IpLink::default()
            })
            .collect();
        for links in [odd, sparse, many, Vec::new()] {
            let mut out = Vec::new();
            write_ip_json(&links, &mut out).unwrap();
            pretty_assertions::assert_eq!(String::from_utf8(out).unwrap(), reference_json(&links));
        }
    }

    #[test]
    fn the_table_reads_views_as_ip_link_does_and_gives_them_back() {
        let mut views = Vec::new();
        for (i, name) in ["lo", "va", "vb"].into_iter().enumerate() {
            let ifi = ifinfomsg::Repr {
                index: i as i32 + 1,
                flags: IFF_UP,
                link_type: ARPHRD_ETHER,
                ..ifinfomsg::Repr::default()
            };
            let m = MessageBuilder::new(16, 0, 1, 1)
                .header(&ifi.to_bytes())
                .str(IFLA_IFNAME, name)
                .u32(IFLA_MTU, 1500)
                .str(IFLA_QDISC, "noop")
                .str(IFLA_QDISC, "noqueue")
                .attr(IFLA_ADDRESS, &[2, 0, 0, 0, 0, i as u8])
                .u32(IFLA_LINK, 3 - i as u32)
                .nest(IFLA_PROP_LIST, |b| {
                    b.str(IFLA_ALT_IFNAME, format!("{name}-alt"))
                        .attr(IFLA_ALT_IFNAME, &[0xff, 0xfe])
                        .str(IFLA_ALT_IFNAME, "second")
                })
                .build();
            views.push(m);
        }
        let not_utf8 = MessageBuilder::new(16, 0, 1, 1)
            .header(&ifinfomsg::Repr::default().to_bytes())
            .str(IFLA_QDISC, "noop")
            .attr(IFLA_IFNAME, &[0xff, 0])
            .build();
        let short = MessageBuilder::new(16, 0, 1, 1).payload(&[0; 8]).build();
        let mut t = IpLinks::new();
        let mut owned = Vec::new();
        for m in views.iter().chain([&not_utf8, &short]) {
            let v = crate::view::Messages::new(m).next().unwrap();
            let read = IpLink::from_view(&v);
            assert_eq!(t.push_view(&v), read.is_some());
            owned.extend(read);
        }
        assert_eq!((t.len(), t.is_empty()), (3, false));
        let back: Vec<IpLink> = t.iter().map(|l| l.to_owned()).collect();
        assert_eq!(back, owned);
        assert_eq!(
            back[1].qdisc.as_deref(),
            Some("noqueue"),
            "the last one counts"
        );
        assert_eq!(back[1].altnames, ["va-alt", "second"]);
        assert_eq!(t.get(2).map(|l| l.ifname), Some("vb"));
        assert_eq!(t.get(3), None);
        assert_eq!(owned.iter().collect::<IpLinks>(), t);
        let mut json = Vec::new();
        t.write_ip_json(|l| l.ifindex == 2, &mut json).unwrap();
        let all = reference_json(&owned);
        let second = all.split("},{").nth(1).unwrap();
        assert_eq!(
            String::from_utf8(json).unwrap(),
            format!("[{{{second}}}]\n")
        );
    }

    #[test]
    fn the_human_table_names_masters_from_the_whole_dump() {
        let links = odd_links();
        let t: IpLinks = links.iter().collect();
        let mut out = Vec::new();
        t.write_table(|l| l.ifindex == 1, &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = s.lines().collect();
        assert_eq!(rows.len(), 2, "{s}");
        assert!(rows[0].starts_with("INDEX  NAME  STATE"), "{s}");
        assert!(rows[1].ends_with("de:ad:00:01:be:ef  br0-again"), "{s}");
    }

    #[test]
    fn flags_follow_ip_order_and_extras() {
        assert_eq!(flag_list(0x10049, false), ["LOOPBACK", "UP", "LOWER_UP"]);
        assert_eq!(
            flag_list(0x1002, true),
            ["BROADCAST", "MULTICAST", "M-DOWN"]
        );
        assert_eq!(
            flag_list(0x1003, false),
            ["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"]
        );
        assert_eq!(flag_list(0x0080_0000, false), ["800000"]);
    }

    #[test]
    fn json_matches_ip_for_a_veth_peer_and_a_master() {
        let lo = IpLink {
            ifindex: 1,
            ifname: "lo".into(),
            flags: 0x10049,
            link_type: 772,
            mtu: Some(65536),
            qdisc: Some("noqueue".into()),
            operstate: Some(0),
            linkmode: Some(0),
            group: Some(0),
            txqlen: Some(1000),
            address: Some(vec![0; 6]),
            broadcast: Some(vec![0; 6]),
            ..IpLink::default()
        };
        let vb = IpLink {
            ifindex: 2,
            ifname: "vb".into(),
            flags: 0x1002,
            link_type: 1,
            link: Some(3),
            master: Some(4),
            ..IpLink::default()
        };
        let va = IpLink {
            ifindex: 3,
            ifname: "va".into(),
            flags: 0x1002,
            link_type: 1,
            ..IpLink::default()
        };
        let br = IpLink {
            ifindex: 4,
            ifname: "br0".into(),
            flags: 0x1002,
            link_type: 1,
            ..IpLink::default()
        };
        let mut out = Vec::new();
        write_ip_json(&[lo, vb, va, br], &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with(r#"[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00"},"#), "{s}");
        assert!(s.contains(r#"{"ifindex":2,"link":"va","ifname":"vb","flags":["BROADCAST","MULTICAST","M-DOWN"],"master":"br0","link_type":"ether"}"#), "{s}");
    }
}
