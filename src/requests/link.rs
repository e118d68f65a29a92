//! Links: RTM_GETLINK dumps and lookups.

use netlink_packet_core::{Emitable, Parseable};
use netlink_packet_route::link::{InfoKind, LinkAttribute, LinkExtentMask, LinkInfo, LinkMessage};

use crate::engine::{Connection, Error};
use crate::transport::Backend;
use crate::view::MsgView;

/// `RTM_NEWLINK`.
pub const RTM_NEWLINK: u16 = 16;
/// `RTM_GETLINK`.
pub const RTM_GETLINK: u16 = 18;

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
        let mut msg = LinkMessage::default();
        msg.header.index = index;
        if let Some(n) = name {
            msg.attributes.push(LinkAttribute::IfName(n.to_owned()));
        }
        if let Some(m) = self.ext_mask {
            let bits = (0..32).map(|b| 1u32 << b).filter(|b| m & b != 0);
            msg.attributes.push(LinkAttribute::ExtMask(
                bits.map(LinkExtentMask::from).collect(),
            ));
        }
        if let Some(m) = self.master {
            msg.attributes.push(LinkAttribute::Controller(m));
        }
        if let Some(k) = &self.kind {
            msg.attributes
                .push(LinkAttribute::LinkInfo(vec![LinkInfo::Kind(
                    InfoKind::from(k.as_str()),
                )]));
        }
        let mut buf = vec![0; msg.buffer_len()];
        msg.emit(&mut buf);
        buf
    }
}

/// A link as the kernel reported it: the typed message and the raw payload it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The typed message.
    pub message: LinkMessage,
    /// The raw RTM_NEWLINK payload (ifinfomsg and attributes), for what the crate does not keep.
    pub raw: Vec<u8>,
}

impl Link {
    /// Parse one RTM_NEWLINK message.
    pub fn parse(m: &MsgView<'_>) -> Result<Link, Error> {
        if m.ty() != RTM_NEWLINK {
            return Err(Error::Malformed(format!(
                "expected RTM_NEWLINK, got type {}",
                m.ty()
            )));
        }
        let message =
            LinkMessage::parse(m.payload()).map_err(|e| Error::Malformed(e.to_string()))?;
        Ok(Link {
            message,
            raw: m.payload().to_vec(),
        })
    }

    /// The interface name, if present.
    pub fn name(&self) -> Option<&str> {
        self.message.attributes.iter().find_map(|a| match a {
            LinkAttribute::IfName(n) => Some(n.as_str()),
            _ => None,
        })
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
        self.dump_with(RTM_GETLINK, &filter.payload(0, None), Vec::new, |v, m| {
            v.push(Link::parse(&m)?);
            Ok(())
        })
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
                Error::Malformed(format!("unreadable RTM_NEWLINK of {} bytes", m.len()))
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
