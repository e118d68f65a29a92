//! Links: RTM_GETLINK dumps and lookups.

use std::ops::Range;
use std::sync::Arc;

use netlink_packet_core::Parseable;
use netlink_packet_route::link::LinkMessage;
use nltwin_wire::builder::NlBuf;
use nltwin_wire::ifinfomsg;
use nltwin_wire::uapi::if_link::{
    IFLA_EXT_MASK, IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MASTER,
};

use super::ROOM;
use crate::engine::{Connection, Error};
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
/// The links of one dump share 64 KiB buffers holding their payloads (one allocation per
/// forty-odd links instead of one each: a 4001-link dump is 6 MB). A link kept alone keeps its
/// buffer alive; [`Link::detach`] gives it one of its own.
#[derive(Clone)]
pub struct Link {
    buf: Arc<Vec<u8>>,
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

/// The size of the buffers a dump's links share: below glibc's mmap threshold (128 KiB), so
/// freed buffers are reused by the next dump instead of being mapped afresh.
const LINK_CHUNK: usize = 64 * 1024;

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
            buf: Arc::new(raw),
            at,
            message: std::sync::OnceLock::new(),
        }
    }

    /// This link with a buffer of its own (see the type's note on shared buffers).
    pub fn detach(&self) -> Link {
        Link {
            buf: Arc::new(self.raw().to_vec()),
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
    /// The link with this ifindex.
    fn link_by_index(&mut self, index: u32) -> Result<Link, Error>;
    /// The link with this name (or altname).
    fn link_by_name(&mut self, name: &str) -> Result<Link, Error>;
}

impl<B: Backend> LinkRequests for Connection<B> {
    fn links(&mut self, filter: &LinkFilter) -> Result<Vec<Link>, Error> {
        // Every payload is checked on the view and appended to a buffer of LINK_CHUNK bytes
        // (a new one when it is full, so nothing already there is copied again); the links
        // share their buffer.
        type Chunks = (Vec<Vec<u8>>, Vec<(usize, Range<usize>)>);
        let (chunks, ranges) = self.dump_with(
            RTM_GETLINK,
            &filter.payload(0, None),
            Chunks::default,
            |(chunks, ranges): &mut Chunks, m| {
                check_message(&m)?;
                let p = m.payload();
                if chunks
                    .last()
                    .is_none_or(|c| c.capacity() - c.len() < p.len())
                {
                    chunks.push(Vec::with_capacity(LINK_CHUNK.max(p.len())));
                }
                let n = chunks.len() - 1;
                let c = &mut chunks[n];
                let start = c.len();
                c.extend_from_slice(p);
                ranges.push((n, start..c.len()));
                Ok(())
            },
        )?;
        let chunks: Vec<Arc<Vec<u8>>> = chunks.into_iter().map(Arc::new).collect();
        Ok(ranges
            .into_iter()
            .map(|(c, at)| Link {
                buf: chunks[c].clone(),
                at,
                message: std::sync::OnceLock::new(),
            })
            .collect())
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
        // 81 links of about 1.5 KB: more than one 64 KiB buffer, far fewer than 81.
        let buffers: std::collections::HashSet<*const Vec<u8>> =
            links.iter().map(|l| Arc::as_ptr(&l.buf)).collect();
        assert!((2..10).contains(&buffers.len()), "{}", buffers.len());
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
