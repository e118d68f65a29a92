//! Links: RTM_GETLINK dumps and lookups.

use std::ops::Range;

use netlink_packet_core::Parseable;
use netlink_packet_route::link::LinkMessage;
use nltwin_wire::builder::NlBuf;
use nltwin_wire::ifinfomsg;
use nltwin_wire::uapi::if_link::{
    IFLA_EXT_MASK, IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MASTER,
};

use super::ROOM;
use crate::engine::{Connection, Datagram, Error};
use crate::transport::Backend;
use crate::view::{Attrs, MsgView};

pub use nltwin_wire::uapi::rtnetlink::{RTM_GETLINK, RTM_NEWLINK};

/// Which links a dump returns, and what it leaves out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkFilter {
    /// `IFLA_EXT_MASK` bits (`RTEXT_FILTER_*`, e.g. 8 = SKIP_STATS).
    pub ext_mask: Option<u32>,
    /// Only ports of this master (`IFLA_MASTER`); `u32::MAX` (-1) = devices without a master.
    pub master: Option<u32>,
    /// Only links of this kind (`IFLA_LINKINFO` / `IFLA_INFO_KIND`, e.g. "veth").
    pub kind: Option<String>,
}

impl LinkFilter {
    /// The request payload: an `ifinfomsg` and the filter attributes.
    pub fn payload(&self, index: u32, name: Option<&str>) -> Vec<u8> {
        let mut b = link_payload(index);
        if let Some(n) = name {
            b.nla_put_string(IFLA_IFNAME, n).expect(ROOM);
        }
        if let Some(m) = self.ext_mask {
            b.nla_put_u32(IFLA_EXT_MASK, m).expect(ROOM);
        }
        if let Some(m) = self.master {
            b.nla_put_u32(IFLA_MASTER, m).expect(ROOM);
        }
        if let Some(k) = &self.kind {
            let info = b.nla_nest_start_noflag(IFLA_LINKINFO).expect(ROOM);
            b.nla_put_string(IFLA_INFO_KIND, k).expect(ROOM);
            b.nla_nest_end(info);
        }
        b.into_vec()
    }
}

/// A link request's payload so far: an `ifinfomsg` for `index` (0: none), nothing else set.
pub(crate) fn link_payload(index: u32) -> NlBuf {
    let mut b = NlBuf::unlimited();
    let header = ifinfomsg::Repr {
        index: index as i32,
        ..ifinfomsg::Repr::default()
    };
    b.put_data(&header.to_bytes()).expect(ROOM);
    b
}

/// A link as the kernel reported it: the raw RTM_NEWLINK payload, and its typed form
/// (`netlink-packet-route`'s [`LinkMessage`]) built on first use.
///
/// Why on demand: the crate's full parse allocates for every attribute (about 16 KB per link)
/// and costs four to five times the dump itself; most callers read a few fields. The payload is
/// checked when the link is made (header present, every attribute within bounds), so a link
/// that exists is walkable; the typed parse can still refuse what the crate does not accept,
/// which [`Link::message`] reports.
///
/// The links of a dump are not copied out of what the kernel wrote: each datagram of the dump
/// is received into a buffer of its own (a [`Datagram`], about 32 KiB: twenty-odd links), and
/// its links share it. A link kept alone keeps its datagram alive; [`Link::detach`] gives it a
/// buffer of its own. Once every link of a datagram is dropped, its buffer goes back to the
/// connection for the next dump (see [`Connection::dump_kept`]).
#[derive(Clone)]
pub struct Link {
    buf: Datagram,
    at: Range<usize>,
    message: std::sync::OnceLock<Result<LinkMessage, String>>,
}

impl PartialEq for Link {
    fn eq(&self, other: &Self) -> bool {
        self.raw() == other.raw()
    }
}

/// Shows the link's own payload, not the buffer it shares with the rest of its dump.
impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("index", &self.index())
            .field("name", &self.name())
            .field("raw", &self.raw())
            .finish()
    }
}

impl Eq for Link {}

/// Check an RTM_NEWLINK payload: the header is there and every attribute is within bounds.
fn check_payload(raw: &[u8]) -> Result<(), Error> {
    if raw.len() < ifinfomsg::LEN {
        return Err(Error::Malformed(format!(
            "RTM_NEWLINK payload of {} bytes: shorter than ifinfomsg",
            raw.len()
        )));
    }
    let mut attrs = Attrs::new(&raw[ifinfomsg::LEN..]);
    attrs.by_ref().for_each(drop);
    if attrs.malformed() {
        return Err(Error::Malformed(
            "RTM_NEWLINK attribute runs past the message".into(),
        ));
    }
    Ok(())
}

/// Check the attributes of the RTM_NEWLINK payloads at `ranges` of `datagram`, whose headers
/// were checked: every attribute within its payload, as [`check_payload`] checks one. Four
/// payloads are walked in lockstep: a walk is a chain of dependent loads (each length read
/// gives the next attribute's place), and four independent chains overlap, which takes about
/// half the time of four walks one after the other.
fn check_attrs(datagram: &[u8], ranges: &[Range<usize>]) -> Result<(), Error> {
    const LANES: usize = 4;
    let malformed = || Error::Malformed("RTM_NEWLINK attribute runs past the message".into());
    for group in ranges.chunks(LANES) {
        let mut walks: [Option<Attrs<'_>>; LANES] = std::array::from_fn(|_| None);
        for (walk, r) in walks.iter_mut().zip(group) {
            let attrs = datagram
                .get(r.start + ifinfomsg::LEN..r.end)
                .ok_or_else(malformed)?;
            *walk = Some(Attrs::new(attrs));
        }
        let mut live = group.len();
        while live > 0 {
            for walk in walks.iter_mut() {
                if let Some(w) = walk {
                    if w.next().is_none() {
                        if w.malformed() {
                            return Err(malformed());
                        }
                        *walk = None;
                        live -= 1;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Check that `m` is an RTM_NEWLINK with a well-formed payload.
fn check_message(m: &MsgView<'_>) -> Result<(), Error> {
    if m.msg_type() != RTM_NEWLINK {
        return Err(Error::Malformed(format!(
            "expected RTM_NEWLINK, got type {}",
            m.msg_type()
        )));
    }
    check_payload(m.payload())
}

/// Check that `m` is an RTM_NEWLINK with a payload long enough for its `ifinfomsg` (the
/// attributes are [`check_attrs`]'s).
fn check_header(m: &MsgView<'_>) -> Result<(), Error> {
    if m.msg_type() != RTM_NEWLINK {
        return Err(Error::Malformed(format!(
            "expected RTM_NEWLINK, got type {}",
            m.msg_type()
        )));
    }
    let len = m.payload().len();
    if len < ifinfomsg::LEN {
        return Err(Error::Malformed(format!(
            "RTM_NEWLINK payload of {len} bytes: shorter than ifinfomsg"
        )));
    }
    Ok(())
}

impl Link {
    /// Take one RTM_NEWLINK message: its type, header and attribute bounds are checked now.
    pub fn parse(m: &MsgView<'_>) -> Result<Link, Error> {
        check_message(m)?;
        Ok(Link::unchecked(m.payload().to_vec()))
    }

    /// A link from an RTM_NEWLINK payload (ifinfomsg and attributes).
    pub fn from_payload(raw: Vec<u8>) -> Result<Link, Error> {
        check_payload(&raw)?;
        Ok(Link::unchecked(raw))
    }

    fn unchecked(raw: Vec<u8>) -> Link {
        let at = 0..raw.len();
        Link {
            buf: Datagram::from_vec(raw),
            at,
            message: std::sync::OnceLock::new(),
        }
    }

    /// This link with a buffer of its own (see the type's note on shared buffers).
    pub fn detach(&self) -> Link {
        Link {
            buf: Datagram::from_vec(self.raw().to_vec()),
            at: 0..self.at.len(),
            message: self.message.clone(),
        }
    }

    /// The typed message, parsed on first call and kept.
    pub fn message(&self) -> Result<&LinkMessage, Error> {
        self.message
            .get_or_init(|| LinkMessage::parse(self.raw()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Malformed(e.clone()))
    }

    /// The raw RTM_NEWLINK payload (ifinfomsg and attributes), for what the crate does not keep
    /// (e.g. IFLA_PROTINFO of AF_INET6, which it re-emits with NLA_F_NESTED).
    pub fn raw(&self) -> &[u8] {
        &self.buf[self.at.clone()]
    }

    /// `ifi_index`.
    pub fn index(&self) -> u32 {
        // The payload was checked to hold an ifinfomsg when the link was made.
        ifinfomsg::Packet::new_unchecked(self.raw()).index() as u32
    }

    /// The raw attributes after the `ifinfomsg`, walked.
    pub fn attrs(&self) -> Attrs<'_> {
        Attrs::new(&self.raw()[ifinfomsg::LEN..])
    }

    /// The interface name (IFLA_IFNAME), if present, read from the raw attributes.
    pub fn name(&self) -> Option<&str> {
        self.attrs().find(IFLA_IFNAME).and_then(|a| a.str())
    }
}

/// Link requests on a NETLINK_ROUTE connection.
pub trait LinkRequests {
    /// Dump every link matching `filter`, in ascending ifindex.
    fn links(&mut self, filter: &LinkFilter) -> Result<Vec<Link>, Error>;
    /// Walk a link dump as zero-copy views, calling `each` on every RTM_NEWLINK message; returns
    /// how many there were.
    fn for_each_link(
        &mut self,
        filter: &LinkFilter,
        each: impl FnMut(MsgView<'_>),
    ) -> Result<usize, Error>;
    /// Dump links straight into the compact form `ip link show` prints, through the zero-copy
    /// path (no typed message is built).
    fn ip_links(&mut self, filter: &LinkFilter) -> Result<Vec<crate::present::IpLink>, Error>;
    /// [`LinkRequests::ip_links`] as one compact table (a record per link, every string in
    /// one arena): what a large dump is printed from (`ip -j link show`'s output,
    /// [`IpLinks::write_ip_json`](crate::present::IpLinks::write_ip_json)).
    fn ip_link_table(&mut self, filter: &LinkFilter) -> Result<crate::present::IpLinks, Error>;
    /// The link with this ifindex.
    fn link_by_index(&mut self, index: u32) -> Result<Link, Error>;
    /// The link with this name (or altname).
    fn link_by_name(&mut self, name: &str) -> Result<Link, Error>;
}

impl<B: Backend> LinkRequests for Connection<B> {
    fn links(&mut self, filter: &LinkFilter) -> Result<Vec<Link>, Error> {
        // Every message's type and header are checked on the view and its payload's place in
        // the datagram noted; once the datagram is walked, the payloads' attributes are
        // checked together and their links made, sharing it.
        type State = (Vec<Link>, Vec<Range<usize>>);
        let (links, _) = self.dump_kept(
            RTM_GETLINK,
            &filter.payload(0, None),
            State::default,
            |(_, pending): &mut State, m, at| {
                check_header(&m)?;
                let start = at + nltwin_wire::nlmsg::HEADER_LEN;
                pending.push(start..at + m.bytes().len());
                Ok(())
            },
            |(links, pending): &mut State, datagram| {
                check_attrs(&datagram, pending)?;
                links.extend(pending.drain(..).map(|at| Link {
                    buf: datagram.clone(),
                    at,
                    message: std::sync::OnceLock::new(),
                }));
                Ok(())
            },
        )?;
        Ok(links)
    }

    fn for_each_link(
        &mut self,
        filter: &LinkFilter,
        mut each: impl FnMut(MsgView<'_>),
    ) -> Result<usize, Error> {
        // On a retry after NLM_F_DUMP_INTR the views of the interrupted attempt were already
        // seen; the count returned is the final attempt's.
        self.dump_with(
            RTM_GETLINK,
            &filter.payload(0, None),
            || 0,
            |n, m| {
                each(m);
                *n += 1;
                Ok(())
            },
        )
    }

    fn ip_links(&mut self, filter: &LinkFilter) -> Result<Vec<crate::present::IpLink>, Error> {
        self.dump_with(RTM_GETLINK, &filter.payload(0, None), Vec::new, |v, m| {
            let l = crate::present::IpLink::from_view(&m).ok_or_else(|| {
                Error::Malformed(format!("unreadable RTM_NEWLINK of {} bytes", m.length()))
            })?;
            v.push(l);
            Ok(())
        })
    }

    fn ip_link_table(&mut self, filter: &LinkFilter) -> Result<crate::present::IpLinks, Error> {
        self.dump_with(
            RTM_GETLINK,
            &filter.payload(0, None),
            crate::present::IpLinks::new,
            |t, m| {
                if t.push_view(&m) {
                    Ok(())
                } else {
                    Err(Error::Malformed(format!(
                        "unreadable RTM_NEWLINK of {} bytes",
                        m.length()
                    )))
                }
            },
        )
    }

    fn link_by_index(&mut self, index: u32) -> Result<Link, Error> {
        get_one(self, &LinkFilter::default().payload(index, None))
    }

    fn link_by_name(&mut self, name: &str) -> Result<Link, Error> {
        get_one(self, &LinkFilter::default().payload(0, Some(name)))
    }
}

fn get_one<B: Backend>(c: &mut Connection<B>, payload: &[u8]) -> Result<Link, Error> {
    let mut found = None;
    c.request(RTM_GETLINK, 0, payload, |m| {
        found = Some(Link::parse(&m)?);
        Ok(())
    })?;
    found.ok_or_else(|| Error::Malformed("RTM_GETLINK acked without a link".into()))
}

#[cfg(test)]
mod tests {
    use netlink_packet_core::Emitable;
    use netlink_packet_route::link::{InfoKind, LinkAttribute, LinkExtentMask, LinkInfo};
    use nltwin_wire::uapi::if_link::IFLA_MTU;

    use super::*;

    #[test]
    fn a_link_reads_its_index_and_name_raw_and_types_on_demand() {
        let mut p = link_payload(7);
        p.nla_put_string(IFLA_IFNAME, "eth9").unwrap();
        p.nla_put_u32(IFLA_MTU, 1500).unwrap();
        let l = Link::from_payload(p.into_vec()).unwrap();
        assert_eq!((l.index(), l.name()), (7, Some("eth9")));
        let m = l.message().unwrap();
        assert_eq!(m.header.index, 7);
        assert!(m.attributes.contains(&LinkAttribute::Mtu(1500)));
        assert!(
            std::ptr::eq(m, l.message().unwrap()),
            "parsed once and kept"
        );
    }

    #[test]
    fn short_headers_and_overlong_attributes_are_refused_up_front() {
        assert!(Link::from_payload(vec![0; 15]).is_err());
        let mut overlong = link_payload(7);
        overlong.nla_put_raw(IFLA_IFNAME, b"x\0", Some(12)).unwrap();
        assert!(Link::from_payload(overlong.into_vec()).is_err());
    }

    #[test]
    fn attributes_checked_four_at_a_time_are_checked_as_one_by_one() {
        // Six payloads of 0..5 attributes side by side, as a datagram holds them (four walks
        // in lockstep, then two).
        let mut datagram = Vec::new();
        let mut ranges = Vec::new();
        for i in 0..6 {
            let mut p = link_payload(i);
            for _ in 0..i {
                p.nla_put_u32(IFLA_MTU, 1500).unwrap();
            }
            let start = datagram.len();
            datagram.extend_from_slice(&p.into_vec());
            ranges.push(start..datagram.len());
        }
        assert_eq!(check_attrs(&datagram, &ranges), Ok(()));
        // Every byte of the attributes changed to lengths that end a walk early, run past the
        // payload or land inside it: the lockstep check agrees with check_payload.
        let mut refused = 0;
        for r in &ranges {
            for at in r.start + ifinfomsg::LEN..r.end {
                for v in [0u8, 3, 4, 5, 7, 9, 200] {
                    let mut d = datagram.clone();
                    d[at] = v;
                    let one_by_one = ranges.iter().all(|r| check_payload(&d[r.clone()]).is_ok());
                    assert_eq!(check_attrs(&d, &ranges).is_ok(), one_by_one, "{at} {v}");
                    refused += usize::from(!one_by_one);
                }
            }
        }
        assert!(refused > 50, "{refused}");
        // A payload cut inside an attribute header, and a range past the datagram.
        let cut = ranges[3].start..ranges[3].end - 2;
        assert!(check_payload(&datagram[cut.clone()]).is_err());
        assert!(check_attrs(&datagram, &[ranges[0].clone(), cut]).is_err());
        let past = ranges[5].start..datagram.len() + 1;
        assert!(check_attrs(&datagram, &[ranges[0].clone(), past]).is_err());
    }

    /// What `netlink-packet-route` wrote for a filter, before requests were built with wire.
    fn crate_payload(f: &LinkFilter, index: u32, name: Option<&str>) -> Vec<u8> {
        let mut msg = LinkMessage::default();
        msg.header.index = index;
        if let Some(n) = name {
            msg.attributes.push(LinkAttribute::IfName(n.to_owned()));
        }
        if let Some(m) = f.ext_mask {
            let bits = (0..32).map(|b| 1u32 << b).filter(|b| m & b != 0);
            msg.attributes.push(LinkAttribute::ExtMask(
                bits.map(LinkExtentMask::from).collect(),
            ));
        }
        if let Some(m) = f.master {
            msg.attributes.push(LinkAttribute::Controller(m));
        }
        if let Some(k) = &f.kind {
            msg.attributes
                .push(LinkAttribute::LinkInfo(vec![LinkInfo::Kind(
                    InfoKind::from(k.as_str()),
                )]));
        }
        let mut buf = vec![0; msg.buffer_len()];
        msg.emit(&mut buf);
        buf
    }

    #[test]
    fn filter_payloads_are_the_bytes_the_typed_crate_wrote() {
        let every = LinkFilter {
            ext_mask: Some(9 | 1 << 20),
            master: Some(u32::MAX),
            kind: Some("veth".into()),
        };
        let odd_kind = LinkFilter {
            kind: Some("no-such-kind".into()),
            ..LinkFilter::default()
        };
        for f in [&LinkFilter::default(), &every, &odd_kind] {
            for (index, name) in [(0, None), (7, None), (0, Some("eth0")), (3, Some("a-b"))] {
                assert_eq!(
                    f.payload(index, name),
                    crate_payload(f, index, name),
                    "{f:?} {index} {name:?}"
                );
            }
        }
    }

    #[test]
    fn links_of_one_dump_share_buffers_yet_each_is_its_own_message() {
        use crate::requests::link_change::LinkChanges;
        let backend = crate::transport::model::ModelBackend::sandboxed(4242);
        let mut c = Connection::open(backend, 0).unwrap();
        for i in 0..40 {
            c.add_veth(&format!("a{i}"), &format!("b{i}")).unwrap();
        }
        let links = c.links(&LinkFilter::default()).unwrap();
        let mut views = Vec::new();
        c.for_each_link(&LinkFilter::default(), |m| views.push(m.payload().to_vec()))
            .unwrap();
        assert_eq!(links.len(), 81);
        assert!(links
            .iter()
            .map(Link::raw)
            .eq(views.iter().map(Vec::as_slice)));
        // 81 links of about 1.5 KB: more than one 32 KiB datagram, far fewer than 81.
        let buffers: std::collections::HashSet<*const u8> =
            links.iter().map(|l| l.buf.as_ptr()).collect();
        assert!((2..10).contains(&buffers.len()), "{}", buffers.len());
        assert!(Datagram::ptr_eq(&links[0].buf, &links[1].buf));
        let d = links[5].detach();
        assert_eq!(d, links[5]);
        assert_eq!(d.buf.len(), d.raw().len());
        // Debug shows the link, not its neighbours.
        let shown = format!("{:?}", links[5]);
        assert!(shown.len() < 8 * links[5].raw().len(), "{}", shown.len());
        let name = format!("{:?}", links[5].name().unwrap());
        assert!(shown.contains(&name), "{shown}");
    }
}
