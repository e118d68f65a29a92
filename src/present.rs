//! Links as `ip` shows them: the fields of `ip -j link show`, in its order and spelling, taken
//! from zero-copy views so a large dump is presented without building typed messages.

use nltwin_wire::ifinfomsg;
use nltwin_wire::uapi::if_::*;
use nltwin_wire::uapi::if_arp::{
    ARPHRD_ETHER, ARPHRD_IP6GRE, ARPHRD_IPGRE, ARPHRD_LOOPBACK, ARPHRD_NONE, ARPHRD_SIT,
    ARPHRD_TUNNEL, ARPHRD_VOID,
};
use nltwin_wire::uapi::if_link::{
    IFLA_ADDRESS, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_GROUP, IFLA_IFALIAS, IFLA_IFNAME,
    IFLA_LINK, IFLA_LINKMODE, IFLA_LINK_NETNSID, IFLA_MASTER, IFLA_MTU, IFLA_OPERSTATE,
    IFLA_PROP_LIST, IFLA_QDISC, IFLA_TXQLEN,
};
use serde::Serialize;

use crate::view::MsgView;

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

/// `ip -j link show`'s object for one link.
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
    link_netnsid: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ifalias: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    altnames: Vec<&'a str>,
}

/// `ll_type_n2a` for the link types a namespace here can have (unknown: `[N]`, as ip does).
pub fn link_type_name(t: u16) -> String {
    match t {
        ARPHRD_ETHER => "ether".into(),
        ARPHRD_LOOPBACK => "loopback".into(),
        ARPHRD_TUNNEL => "ipip".into(),
        ARPHRD_SIT => "sit".into(),
        ARPHRD_IPGRE => "gre".into(),
        ARPHRD_IP6GRE => "gre6".into(),
        ARPHRD_NONE => "none".into(),
        ARPHRD_VOID => "void".into(),
        t => format!("[{t}]"),
    }
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

/// A hardware address as `ip` prints it: colon-separated lowercase hex.
pub fn format_hwaddr(a: &[u8]) -> String {
    let mut s = String::with_capacity(a.len() * 3);
    for (i, b) in a.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The flag list of one link as `ip` prints it, with NO-CARRIER and M-DOWN (`master_down`: the
/// veth peer is down) added as `ip` adds them.
pub fn flag_list(flags: u32, master_down: bool) -> Vec<String> {
    let mut out = Vec::new();
    if flags & IFF_UP != 0 && flags & IFF_RUNNING == 0 {
        out.push("NO-CARRIER".to_owned());
    }
    let mut rest = flags & !IFF_RUNNING;
    for (bit, name) in FLAG_NAMES {
        if rest & bit != 0 {
            rest &= !bit;
            out.push(name.to_owned());
        }
    }
    if rest != 0 {
        out.push(format!("{rest:x}"));
    }
    if master_down {
        out.push("M-DOWN".to_owned());
    }
    out
}

/// Write `links` as `ip -j link show` does: one JSON array on one line.
pub fn write_ip_json(links: &[IpLink], mut w: impl std::io::Write) -> std::io::Result<()> {
    let by_index: std::collections::HashMap<u32, &IpLink> =
        links.iter().map(|l| (l.ifindex, l)).collect();
    w.write_all(b"[")?;
    for (i, l) in links.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
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
            linkmode: l.linkmode.map(|m| {
                if m == IF_LINK_MODE_DORMANT {
                    "DORMANT"
                } else {
                    "DEFAULT"
                }
            }),
            group: l.group.map(|g| {
                if g == 0 {
                    "default".to_owned()
                } else {
                    g.to_string()
                }
            }),
            txqlen: l.txqlen,
            link_type: link_type_name(l.link_type),
            address: l.address.as_deref().map(format_hwaddr),
            broadcast: l.broadcast.as_deref().map(format_hwaddr),
            link_netnsid: l.link_netnsid,
            ifalias: l.ifalias.as_deref(),
            altnames: l.altnames.iter().map(String::as_str).collect(),
        };
        serde_json::to_writer(&mut w, &j)?;
    }
    w.write_all(b"]\n")
}

/// Write `links` as a human table: index, name, state, MTU, type, address, master.
pub fn write_table(links: &[IpLink], mut w: impl std::io::Write) -> std::io::Result<()> {
    let by_index: std::collections::HashMap<u32, &str> = links
        .iter()
        .map(|l| (l.ifindex, l.ifname.as_str()))
        .collect();
    let name_w = links
        .iter()
        .map(|l| l.ifname.len())
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(
        w,
        "{:>5}  {:<name_w$}  {:<14}  {:>6}  {:<8}  {:<17}  MASTER",
        "INDEX", "NAME", "STATE", "MTU", "TYPE", "ADDRESS"
    )?;
    for l in links {
        writeln!(
            w,
            "{:>5}  {:<name_w$}  {:<14}  {:>6}  {:<8}  {:<17}  {}",
            l.ifindex,
            l.ifname,
            l.operstate.map(operstate_name).unwrap_or("-"),
            l.mtu.map(|m| m.to_string()).unwrap_or_else(|| "-".into()),
            link_type_name(l.link_type),
            l.address
                .as_deref()
                .map(format_hwaddr)
                .unwrap_or_else(|| "-".into()),
            l.master
                .and_then(|m| by_index.get(&m).copied())
                .unwrap_or("-"),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
