//! `nltwin monitor`: notifications decoded as they arrive, on either backend.
//!
//! - `link`: RTNLGRP_LINK's RTM_NEWLINK / RTM_DELLINK, one event each, written as `ip monitor
//!   link` writes them (two lines, `Deleted ` before a removal), or one JSON object;
//! - `genl FAMILY:GROUP`: a generic netlink family's multicast group, the family and group
//!   resolved through nlctrl; nlctrl's own notifications decoded as family records, others as
//!   their command and attributes.
//!
//! An overrun (the socket's queue was full, the kernel dropped notifications: ENOBUFS, which
//! stays on since NETLINK_NO_ENOBUFS is left off) is an event of its own, with how many were
//! lost when the backend keeps the socket's drop counter (`SO_MEMINFO`'s `SK_MEMINFO_DROPS`),
//! else "at least one". The monitor's sockets share one backend, so on the model a trace can
//! be run on the same kernel while they listen ([`Monitor::with_backend`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use nltwin::engine::{Connection, Error};
use nltwin::requests::family::Family;
use nltwin::requests::family_info::FamilyInfo;
use nltwin::requests::link::{LinkFilter, LinkRequests};
use nltwin::transport::{
    Backend, BackendInfo, BindAddr, Errno, Fd, RecvMeta, SockaddrNl, TResult, TransportError,
};
use nltwin::view::{Messages, MsgView};
use nltwin::wire::ifinfomsg;
use nltwin::wire::uapi::genetlink::{CtrlCmd, GENL_ID_CTRL};
use nltwin::wire::uapi::if_::IFF_UP;
use nltwin::wire::uapi::if_link::{
    IFLA_ADDRESS, IFLA_BROADCAST, IFLA_EVENT, IFLA_GROUP, IFLA_IFNAME, IFLA_LINK, IFLA_LINKMODE,
    IFLA_LINK_NETNSID, IFLA_MASTER, IFLA_MTU, IFLA_OPERSTATE, IFLA_QDISC,
};
use nltwin::wire::uapi::rtnetlink::{RTM_DELLINK, RTM_NEWLINK, RTNLGRP_LINK};
use nltwin::wire::uapi::socket::{
    sk_meminfo, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, SOL_SOCKET, SO_MEMINFO,
};
use serde_json::{json, Value};

use crate::cli_error::{errno_of, CliError, EXIT_FAILURE, EXIT_NOT_FOUND};

/// One backend shared by several connections (and a trace run beside them).
#[derive(Clone)]
pub struct Shared(pub Rc<RefCell<Box<dyn Backend>>>);

impl Backend for Shared {
    fn info(&self) -> BackendInfo {
        self.0.borrow().info()
    }
    fn socket(&mut self, protocol: i32, ty: i32) -> TResult<Fd> {
        self.0.borrow_mut().socket(protocol, ty)
    }
    fn bind(&mut self, fd: Fd, addr: BindAddr) -> TResult<()> {
        self.0.borrow_mut().bind(fd, addr)
    }
    fn connect(&mut self, fd: Fd, addr: BindAddr) -> TResult<()> {
        self.0.borrow_mut().connect(fd, addr)
    }
    fn getsockname(&mut self, fd: Fd) -> TResult<SockaddrNl> {
        self.0.borrow_mut().getsockname(fd)
    }
    fn getpeername(&mut self, fd: Fd) -> TResult<SockaddrNl> {
        self.0.borrow_mut().getpeername(fd)
    }
    fn setsockopt(&mut self, fd: Fd, level: i32, name: i32, value: &[u8]) -> TResult<()> {
        self.0.borrow_mut().setsockopt(fd, level, name, value)
    }
    fn getsockopt(&mut self, fd: Fd, level: i32, name: i32, buf: &mut [u8]) -> TResult<usize> {
        self.0.borrow_mut().getsockopt(fd, level, name, buf)
    }
    fn sendto(
        &mut self,
        fd: Fd,
        data: &[u8],
        flags: i32,
        to: Option<SockaddrNl>,
    ) -> TResult<usize> {
        self.0.borrow_mut().sendto(fd, data, flags, to)
    }
    fn recvfrom(&mut self, fd: Fd, buf: &mut [u8], flags: i32) -> TResult<RecvMeta> {
        self.0.borrow_mut().recvfrom(fd, buf, flags)
    }
    fn close(&mut self, fd: Fd) -> TResult<()> {
        self.0.borrow_mut().close(fd)
    }
    fn sleep(&mut self, time: Duration) -> TResult<()> {
        self.0.borrow_mut().sleep(time)
    }
}

/// What to listen to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// RTNLGRP_LINK.
    pub link: bool,
    /// Generic netlink groups, as (family, group) names.
    pub genl: Vec<(String, String)>,
    /// SO_RCVBUF to ask for before joining (None: the engine's 1 MiB).
    pub rcvbuf: Option<i32>,
}

impl Spec {
    /// Parse the command line's objects: `link`, `genl FAMILY:GROUP...` (a `FAMILY:GROUP` is
    /// also accepted without `genl` before it). None: `link`.
    pub fn parse(objects: &[String]) -> Result<Spec, String> {
        let mut s = Spec::default();
        for o in objects {
            match o.as_str() {
                "link" => s.link = true,
                "genl" => {}
                _ => match o.split_once(':') {
                    Some((f, g)) if !f.is_empty() && !g.is_empty() => {
                        s.genl.push((f.to_string(), g.to_string()))
                    }
                    _ => {
                        return Err(format!(
                            "\"{o}\": expected `link`, `genl` or FAMILY:GROUP (e.g. nlctrl:notify)"
                        ))
                    }
                },
            }
        }
        if objects.iter().any(|o| o == "genl") && s.genl.is_empty() {
            return Err("`genl` needs at least one FAMILY:GROUP (e.g. nlctrl:notify)".into());
        }
        if !s.link && s.genl.is_empty() {
            s.link = true;
        }
        Ok(s)
    }
}

/// One thing the monitor saw.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A link notification: the text `ip monitor link` prints and its JSON object.
    Link {
        /// Two lines, as `ip monitor link`.
        text: String,
        /// The JSON object.
        json: Value,
    },
    /// A generic netlink notification.
    Genl {
        /// One line.
        text: String,
        /// The JSON object.
        json: Value,
    },
    /// The kernel dropped notifications for this socket.
    Overrun {
        /// Which subscription (`link`, or the genl family).
        what: String,
        /// How many, from the drop counter; None when the backend keeps none.
        lost: Option<u64>,
    },
}

impl Event {
    /// The text: one event, ending with a newline.
    pub fn text(&self) -> String {
        match self {
            Event::Link { text, .. } | Event::Genl { text, .. } => text.clone(),
            Event::Overrun { what, lost } => match lost {
                Some(n) => format!(
                    "overrun ({what}): the receive queue was full (ENOBUFS), {n} notifications \
                     lost; what follows comes after the gap\n"
                ),
                None => format!(
                    "overrun ({what}): the receive queue was full (ENOBUFS), at least one \
                     notification lost (this backend has no drop counter); what follows comes \
                     after the gap\n"
                ),
            },
        }
    }

    /// The JSON object.
    pub fn json(&self) -> Value {
        match self {
            Event::Link { json, .. } | Event::Genl { json, .. } => json.clone(),
            Event::Overrun { what, lost } => {
                json!({"event": "overrun", "subscription": what, "lost": lost, "lost_at_least": lost.unwrap_or(1)})
            }
        }
    }

    /// Whether it is a notification (not an overrun).
    pub fn is_notification(&self) -> bool {
        !matches!(self, Event::Overrun { .. })
    }
}

/// The generic families listened to, by id: (name, record, the groups joined: id, name).
type GenlSubs = HashMap<u16, (String, FamilyInfo, Vec<(u32, String)>)>;

/// A subscribed socket.
struct Sub {
    conn: Connection<Shared>,
    /// `link`, or the generic families by id: (name, its record, the groups joined).
    genl: GenlSubs,
    /// The drop counter when last read.
    drops: Option<u64>,
}

/// The monitor: its sockets and what it remembers of links (names and flags, as `ip` caches
/// them to name peers and masters).
pub struct Monitor {
    backend: Shared,
    route: Option<Sub>,
    generic: Option<Sub>,
    links: HashMap<u32, (String, u32)>,
    buf: Vec<u8>,
}

fn sub_drops(conn: &mut Connection<Shared>) -> Option<u64> {
    let fd = conn.fd();
    let mut b = [0u8; sk_meminfo::VARS * 4];
    let n = conn
        .backend_mut()
        .getsockopt(fd, SOL_SOCKET, SO_MEMINFO, &mut b)
        .ok()?;
    let at = sk_meminfo::DROPS * 4;
    if n < at + 4 {
        return None;
    }
    nltwin::wire::scalar::get_u32(&b[at..at + 4]).map(u64::from)
}

impl Monitor {
    /// Open the sockets `spec` asks for on `backend` and join their groups.
    pub fn open(backend: Box<dyn Backend>, spec: &Spec) -> Result<Monitor, CliError> {
        let backend = Shared(Rc::new(RefCell::new(backend)));
        let mut m = Monitor {
            backend: backend.clone(),
            route: None,
            generic: None,
            links: HashMap::new(),
            buf: vec![0; 64 * 1024],
        };
        let req = |what: &str| {
            let what = what.to_string();
            move |e: Error| CliError::request(&what, &e)
        };
        if spec.link {
            let mut c =
                Connection::open(backend.clone(), 0).map_err(req("NETLINK_ROUTE socket"))?;
            // The names and flags of the links there are now, to name peers and masters.
            for l in c
                .ip_link_table(&LinkFilter::default())
                .map_err(req("listing the links"))?
                .iter()
            {
                m.links.insert(l.ifindex, (l.ifname.to_string(), l.flags));
            }
            if let Some(b) = spec.rcvbuf {
                c.set_recv_queue(b).map_err(req("SO_RCVBUF"))?;
            }
            c.add_membership(RTNLGRP_LINK)
                .map_err(req("joining RTNLGRP_LINK"))?;
            let drops = sub_drops(&mut c);
            m.route = Some(Sub {
                conn: c,
                genl: HashMap::new(),
                drops,
            });
        }
        if !spec.genl.is_empty() {
            let mut c =
                Connection::open(backend.clone(), 16).map_err(req("NETLINK_GENERIC socket"))?;
            if let Some(b) = spec.rcvbuf {
                c.set_recv_queue(b).map_err(req("SO_RCVBUF"))?;
            }
            let mut genl: GenlSubs = HashMap::new();
            for (fam, grp) in &spec.genl {
                let f: Family = crate::cmd_genl::get_family(&mut c, fam)?;
                let info = f.info();
                let id = info.id.unwrap_or(0);
                let Some(g) = info.group(grp).cloned() else {
                    let known: Vec<&str> =
                        info.mcast_groups.iter().map(|g| g.name.as_str()).collect();
                    return Err(CliError::new(
                        EXIT_NOT_FOUND,
                        format!(
                            "family \"{fam}\" has no multicast group \"{grp}\" (its groups: {})",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    ));
                };
                c.add_membership(g.id)
                    .map_err(req(&format!("joining {fam}:{grp} (group {})", g.id)))?;
                let e = genl
                    .entry(id)
                    .or_insert_with(|| (fam.clone(), info.clone(), Vec::new()));
                e.2.push((g.id, g.name.clone()));
            }
            let drops = sub_drops(&mut c);
            m.generic = Some(Sub {
                conn: c,
                genl,
                drops,
            });
        }
        Ok(m)
    }

    /// Run `f` on the backend the monitor listens on (a trace on the same model kernel).
    pub fn with_backend<T>(&self, f: impl FnOnce(&mut dyn Backend) -> T) -> T {
        let mut b = self.backend.0.borrow_mut();
        f(&mut **b)
    }

    /// What the monitor listens to: `link`, `FAMILY:GROUP`.
    pub fn subscriptions(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.route.is_some() {
            v.push("link".to_string());
        }
        if let Some(g) = &self.generic {
            let mut fams: Vec<_> = g.genl.values().collect();
            fams.sort_by(|a, b| a.0.cmp(&b.0));
            for (f, _, groups) in fams {
                v.extend(groups.iter().map(|(_, n)| format!("{f}:{n}")));
            }
        }
        v
    }

    /// The file descriptors to wait on (the kernel backend's are the sockets').
    pub fn fds(&self) -> Vec<i32> {
        [&self.route, &self.generic]
            .into_iter()
            .flatten()
            .map(|s| s.conn.fd().0)
            .collect()
    }

    /// Receive whatever is queued now, without blocking, and pass each event to `each` (which
    /// returns false to stop). Returns the number of notifications passed.
    pub fn drain(&mut self, each: &mut dyn FnMut(&Event) -> bool) -> Result<usize, CliError> {
        let mut n = 0;
        for which in [0, 1] {
            loop {
                let (events, more) = self.recv_one(which)?;
                for e in &events {
                    if e.is_notification() {
                        n += 1;
                    }
                    if !each(e) {
                        return Ok(n);
                    }
                }
                if !more {
                    break;
                }
            }
        }
        Ok(n)
    }

    /// One datagram from socket `which` (0 route, 1 generic): its events and whether there may
    /// be more.
    fn recv_one(&mut self, which: usize) -> Result<(Vec<Event>, bool), CliError> {
        let sub = match which {
            0 => self.route.as_mut(),
            _ => self.generic.as_mut(),
        };
        let Some(sub) = sub else {
            return Ok((Vec::new(), false));
        };
        let fd = sub.conn.fd();
        let what = if which == 0 {
            "link".to_string()
        } else {
            sub.genl
                .values()
                .map(|(f, _, gs)| {
                    gs.iter()
                        .map(|(_, g)| format!("{f}:{g}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let peek =
            sub.conn
                .backend_mut()
                .recvfrom(fd, &mut [], MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        let len = match peek {
            Ok(meta) => meta.ret,
            Err(TransportError::Errno(Errno::EAGAIN)) => return Ok((Vec::new(), false)),
            Err(TransportError::Errno(Errno::EINTR)) => return Ok((Vec::new(), false)),
            Err(TransportError::Errno(Errno::ENOBUFS)) => {
                let now = sub_drops(&mut sub.conn);
                let lost = match (sub.drops, now) {
                    (Some(a), Some(b)) if b > a => Some(b - a),
                    _ => None,
                };
                sub.drops = now;
                return Ok((vec![Event::Overrun { what, lost }], true));
            }
            Err(e) => {
                return Err(CliError::new(
                    EXIT_FAILURE,
                    format!("receiving notifications ({what}): {e}"),
                ))
            }
        };
        if self.buf.len() < len {
            self.buf.resize(len, 0);
        }
        let meta = sub
            .conn
            .backend_mut()
            .recvfrom(fd, &mut self.buf[..len], MSG_DONTWAIT)
            .map_err(|e| {
                CliError::new(
                    EXIT_FAILURE,
                    format!("receiving notifications ({what}): {e}"),
                )
            })?;
        let n = meta.copied(len);
        let bytes = self.buf[..n].to_vec();
        let mut events = Vec::new();
        for m in Messages::new(&bytes) {
            let e = if which == 0 {
                self.link_event(&m)
            } else {
                let genl = &self.generic.as_ref().expect("generic socket").genl;
                genl_event(genl, &m, meta.from.groups)
            };
            events.extend(e);
        }
        Ok((events, true))
    }

    /// An RTM_NEWLINK / RTM_DELLINK as `ip monitor link` prints it.
    fn link_event(&mut self, m: &MsgView<'_>) -> Option<Event> {
        let ty = m.msg_type();
        if ty != RTM_NEWLINK && ty != RTM_DELLINK {
            return None;
        }
        let hdr = ifinfomsg::Packet::new_checked(m.payload()).ok()?;
        let index = hdr.index() as u32;
        let flags = hdr.flags();
        let mut name = String::new();
        let (mut mtu, mut qdisc, mut master, mut link, mut netnsid) =
            (None, None, None, None, None);
        let (mut oper, mut mode, mut group, mut event) = (None, None, None, None);
        let (mut addr, mut brd) = (None, None);
        for a in m.attrs(ifinfomsg::LEN) {
            match a.kind() {
                IFLA_IFNAME => name = a.str().unwrap_or_default().to_string(),
                IFLA_MTU => mtu = a.u32(),
                IFLA_QDISC => qdisc = a.str().map(str::to_string),
                IFLA_MASTER => master = a.u32(),
                IFLA_LINK => link = a.u32(),
                IFLA_LINK_NETNSID => netnsid = a.i32(),
                IFLA_OPERSTATE => oper = a.u8(),
                IFLA_LINKMODE => mode = a.u8(),
                IFLA_GROUP => group = a.u32(),
                IFLA_EVENT => event = a.u32(),
                IFLA_ADDRESS => addr = Some(a.payload().to_vec()),
                IFLA_BROADCAST => brd = Some(a.payload().to_vec()),
                _ => {}
            }
        }
        let name_of = |links: &HashMap<u32, (String, u32)>, i: u32| {
            links
                .get(&i)
                .map(|(n, _)| n.clone())
                .unwrap_or_else(|| format!("if{i}"))
        };
        // ip: the peer or lower device by name, `if N` in another namespace, NONE for 0.
        let link_name = link.map(|l| match (l, netnsid) {
            (0, _) => "NONE".to_string(),
            (l, Some(_)) => format!("if{l}"),
            (l, None) => name_of(&self.links, l),
        });
        let mdown = match (link, netnsid) {
            (Some(l), None) if l != 0 => self.links.get(&l).is_some_and(|(_, f)| f & IFF_UP == 0),
            _ => false,
        };
        let flag_names = nltwin::present::flag_list(flags, mdown);
        let master_name = master.map(|i| name_of(&self.links, i));
        let oper_name = oper.map(operstate_name);
        let event_name = event.filter(|&e| e != 0).map(event_name);
        let group_name = group.map(|g| {
            if g == 0 {
                "default".to_string()
            } else {
                g.to_string()
            }
        });
        let mut t = String::new();
        if ty == RTM_DELLINK {
            t += "Deleted ";
        }
        t += &format!("{index}: {name}");
        if let Some(l) = &link_name {
            t += &format!("@{l}");
        }
        t += &format!(": <{}>", flag_names.join(","));
        if let Some(v) = mtu {
            t += &format!(" mtu {v}");
        }
        if let Some(q) = &qdisc {
            t += &format!(" qdisc {q}");
        }
        if let Some(mn) = &master_name {
            t += &format!(" master {mn}");
        }
        if let Some(o) = oper_name {
            t += &format!(" state {o}");
        }
        if let Some(md) = mode.filter(|&m| m != 0) {
            t += &format!(" mode {}", if md == 1 { "DORMANT" } else { "?" });
        }
        if let Some(g) = &group_name {
            t += &format!(" group {g}");
        }
        if let Some(e) = &event_name {
            t += &format!(" event {e}");
        }
        t += " \n    link/";
        t += &nltwin::present::link_type_name(hdr.link_type());
        if let Some(a) = &addr {
            t += &format!(" {}", nltwin::present::format_hwaddr(a));
        }
        if let Some(b) = &brd {
            t += &format!(" brd {}", nltwin::present::format_hwaddr(b));
        }
        t += "\n";
        let json = json!({
            "event": if ty == RTM_DELLINK { "RTM_DELLINK" } else { "RTM_NEWLINK" },
            "family": hdr.family(),
            "ifindex": index,
            "ifname": name,
            "link": link_name,
            "link_index": link,
            "link_netnsid": netnsid,
            "flags": flag_names,
            "flags_raw": flags,
            "mtu": mtu,
            "qdisc": qdisc,
            "master": master_name,
            "master_index": master,
            "operstate": oper_name,
            "linkmode": mode,
            "group": group_name,
            "link_event": event_name,
            "link_type": nltwin::present::link_type_name(hdr.link_type()),
            "address": addr.as_deref().map(nltwin::present::format_hwaddr),
            "broadcast": brd.as_deref().map(nltwin::present::format_hwaddr),
        });
        // Remember names and flags as ip does (a deleted link is forgotten).
        if ty == RTM_DELLINK {
            self.links.remove(&index);
        } else if !name.is_empty() {
            self.links.insert(index, (name, flags));
        }
        Some(Event::Link { text: t, json })
    }
}

/// `ip`'s names of operational states.
fn operstate_name(s: u8) -> &'static str {
    match s {
        1 => "NOTPRESENT",
        2 => "DOWN",
        3 => "LOWERLAYERDOWN",
        4 => "TESTING",
        5 => "DORMANT",
        6 => "UP",
        _ => "UNKNOWN",
    }
}

/// `ip`'s names of IFLA_EVENT values.
fn event_name(e: u32) -> String {
    match e {
        1 => "REBOOT".into(),
        2 => "FEATURE CHANGE".into(),
        3 => "BONDING FAILOVER".into(),
        4 => "NOTIFY PEERS".into(),
        5 => "RESEND IGMP".into(),
        6 => "BONDING OPTION".into(),
        n => n.to_string(),
    }
}

/// A generic netlink notification: nlctrl's decoded as family records, others as their
/// command and raw attributes.
fn genl_event(genl: &GenlSubs, m: &MsgView<'_>, groups: u32) -> Option<Event> {
    let ty = m.msg_type();
    let (fam, _, joined) = genl.get(&ty)?;
    let p = m.payload();
    let hdr = nltwin::wire::genlmsghdr::Repr::parse_bytes(p).ok()?;
    // The group: from the sender's address when it fits the first 32 bits, else the one
    // joined of this family if only one.
    let group = joined
        .iter()
        .find(|(id, _)| *id >= 1 && *id <= 32 && groups == 1 << (id - 1))
        .or_else(|| (joined.len() == 1).then(|| &joined[0]))
        .map(|(_, g)| g.clone());
    let sub = format!("{fam}:{}", group.as_deref().unwrap_or("?"));
    let mut json = json!({
        "event": "genl",
        "family": fam,
        "family_id": ty,
        "group": group,
        "cmd": hdr.cmd,
        "version": hdr.version,
    });
    let text = if ty == GENL_ID_CTRL {
        let f = Family::parse(m).ok()?;
        let info = f.info();
        let cmd = CtrlCmd::from(hdr.cmd)
            .name()
            .map(|n| n.trim_start_matches("CTRL_CMD_").to_string())
            .unwrap_or_else(|| hdr.cmd.to_string());
        json["cmd_name"] = json!(cmd);
        json["record"] = crate::cmd_genl::family_json(&f);
        format!(
            "[{sub}] {cmd} {} id {:#x}{}\n",
            info.name.as_deref().unwrap_or("?"),
            info.id.unwrap_or(0),
            info.mcast_groups
                .iter()
                .map(|g| format!(" group {} {:#x}", g.name, g.id))
                .collect::<String>()
        )
    } else {
        let attrs: Vec<Value> = m
            .attrs(nltwin::wire::genlmsghdr::LEN)
            .map(|a| json!({"type": a.kind(), "nested": a.is_nested_flag(), "hex": hex::encode(a.payload())}))
            .collect();
        let text_attrs: String = m
            .attrs(nltwin::wire::genlmsghdr::LEN)
            .map(|a| format!(" attr[{}]={}", a.kind(), hex::encode(a.payload())))
            .collect();
        json["attrs"] = Value::Array(attrs);
        format!(
            "[{sub}] cmd {} version {}{text_attrs}\n",
            hdr.cmd, hdr.version
        )
    };
    Some(Event::Genl { text, json })
}

/// Wait until one of `fds` is readable or `timeout` passes (the kernel backend). False when
/// interrupted by a signal.
pub fn wait_readable(fds: &[i32], timeout: Duration) -> bool {
    let mut p: Vec<libc::pollfd> = fds
        .iter()
        .map(|&fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    // SAFETY: `p` is a live array of pollfd of the length passed.
    let r = unsafe {
        libc::poll(
            p.as_mut_ptr(),
            p.len() as libc::nfds_t,
            timeout.as_millis().min(i32::MAX as u128) as i32,
        )
    };
    r >= 0
}

/// Whether an error is "the family does not exist".
pub fn is_not_found(e: &Error) -> bool {
    errno_of(e) == Some(Errno::ENOENT)
}

#[cfg(test)]
mod tests {
    use nltwin::engine::Connection;
    use nltwin::transport::model::ModelBackend;
    use nltwin::wire::builder::NlBuf;
    use nltwin::wire::genlmsghdr;
    use nltwin::wire::uapi::genetlink::{CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY};

    use super::*;

    /// nlctrl's NEWFAMILY record for itself, as the model sends it (a notification has the
    /// same shape).
    fn nlctrl_newfamily() -> Vec<u8> {
        let mut c = Connection::open(ModelBackend::sandboxed(4242), 16).unwrap();
        let mut p = NlBuf::unlimited();
        let h = genlmsghdr::Repr {
            cmd: CTRL_CMD_GETFAMILY,
            version: 1,
            reserved: 0,
        };
        p.put_data(&h.to_bytes()).unwrap();
        p.nla_put_string(CTRL_ATTR_FAMILY_NAME, "nlctrl").unwrap();
        let mut msg = Vec::new();
        c.request(GENL_ID_CTRL, 0, &p.into_vec(), |m| {
            msg = m.into_inner().to_vec();
            Ok(())
        })
        .unwrap();
        msg
    }

    #[test]
    fn nlctrl_notifications_are_decoded_as_family_records() {
        let bytes = nlctrl_newfamily();
        let m = Messages::new(&bytes).next().unwrap();
        let f = Family::parse(&m).unwrap();
        let mut subs = GenlSubs::new();
        subs.insert(
            GENL_ID_CTRL,
            ("nlctrl".into(), f.info(), vec![(16, "notify".into())]),
        );
        let Some(Event::Genl { text, json }) = genl_event(&subs, &m, 0) else {
            panic!("no event");
        };
        assert_eq!(
            text,
            "[nlctrl:notify] NEWFAMILY nlctrl id 0x10 group notify 0x10\n"
        );
        assert_eq!(json["cmd_name"], "NEWFAMILY");
        assert_eq!(json["record"]["name"], "nlctrl");
        assert_eq!(json["record"]["mcast_groups"][0]["id"], 16);
        // Another family's message: its command and raw attributes.
        let mut other = GenlSubs::new();
        let mut bytes2 = bytes.clone();
        // Not nlctrl: renumber the message's type to a family id of its own.
        nltwin::wire::nlmsg::Packet::new_checked(&mut bytes2[..])
            .unwrap()
            .set_msg_type(0x20);
        let m2 = Messages::new(&bytes2).next().unwrap();
        other.insert(
            0x20,
            (
                "fam".into(),
                FamilyInfo::default(),
                vec![(40, "grp".into())],
            ),
        );
        let Some(Event::Genl { text, json }) = genl_event(&other, &m2, 0) else {
            panic!("no event");
        };
        assert!(
            text.starts_with("[fam:grp] cmd 1 version 2 attr[2]=6e6c6374726c00"),
            "{text}"
        );
        assert_eq!(json["attrs"][0]["type"], 2);
    }

    #[test]
    fn objects_parse() {
        let p = |v: &[&str]| Spec::parse(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert!(p(&[]).unwrap().link);
        let s = p(&["genl", "nlctrl:notify", "netdev:mgmt"]).unwrap();
        assert!(!s.link);
        assert_eq!(s.genl.len(), 2);
        assert!(p(&["link", "genl"]).is_err());
        assert!(p(&["addr"]).is_err());
    }
}
