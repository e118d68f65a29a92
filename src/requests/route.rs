//! Routes: RTM_GETROUTE dumps (by family and table) and lookups (`ip route get`), and the
//! RTM_NEWROUTE / RTM_DELROUTE of a plain unicast route.
//!
//! A [`Route`] keeps the kernel's RTM_NEWROUTE payload whole and reads it through wire's views;
//! `netlink-packet-route`'s [`RouteMessage`] is built on demand ([`Route::message`]). The crate
//! is exact for what this kernel sends (parsed and emitted again, every route of
//! `tests/addr_route.rs` is the same bytes, metrics and multipath included); the bytes stay the
//! record because the presentation reads a few fields without an allocation per attribute, and
//! what a newer kernel adds would only be the crate's `Other`.

use std::net::IpAddr;

use netlink_packet_core::Parseable;
use netlink_packet_route::route::RouteMessage;
use nltwin_wire::builder::NlBuf;
use nltwin_wire::nla::Attrs;
use nltwin_wire::rtmsg;
use nltwin_wire::uapi::fib_rules::RT_TABLE_MAIN;
use nltwin_wire::uapi::netlink::{NLM_F_CREATE, NLM_F_EXCL};
use nltwin_wire::uapi::route::{
    RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PREFSRC, RTA_PRIORITY, RTA_SRC, RTA_TABLE, RTM_F_FIB_MATCH,
    RTN_UNICAST, RTPROT_BOOT, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_COMPAT,
};

use super::addr::{addr_bytes, family_of, ip_from_bytes};
use super::ROOM;
use crate::engine::{Connection, Error};
use crate::transport::Backend;
use crate::view::MsgView;

pub use nltwin_wire::uapi::rtnetlink::{RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE};

/// Which routes a dump returns: a family (0: every family) and a table (None: every table).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RouteFilter {
    /// `rtm_family`.
    pub family: u8,
    /// Only this table (RTA_TABLE in the request, as `ip route show table T` sends it, and
    /// checked again here for a kernel that does not filter).
    pub table: Option<u32>,
}

impl RouteFilter {
    /// The dump request's payload: an `rtmsg` with the family, RTA_TABLE when a table is
    /// asked for (`iproute_dump_filter`).
    pub fn payload(&self) -> Vec<u8> {
        let mut b = NlBuf::unlimited();
        let h = rtmsg::Repr {
            family: self.family,
            ..rtmsg::Repr::default()
        };
        b.put_data(&h.to_bytes()).expect(ROOM);
        if let Some(t) = self.table {
            b.nla_put_u32(RTA_TABLE, t).expect(ROOM);
        }
        b.into_vec()
    }
}

/// A route as the kernel reported it: the raw RTM_NEWROUTE payload (checked: the header is
/// there, every attribute within bounds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    raw: Vec<u8>,
    header: rtmsg::Repr,
}

impl Route {
    /// Take one RTM_NEWROUTE message.
    pub fn parse(m: &MsgView<'_>) -> Result<Route, Error> {
        if m.msg_type() != RTM_NEWROUTE {
            return Err(Error::Malformed(format!(
                "expected RTM_NEWROUTE, got type {}",
                m.msg_type()
            )));
        }
        Route::from_payload(m.payload().to_vec())
    }

    /// A route from an RTM_NEWROUTE payload (rtmsg and attributes).
    pub fn from_payload(raw: Vec<u8>) -> Result<Route, Error> {
        let header = rtmsg::Repr::parse_bytes(&raw).map_err(|_| {
            Error::Malformed(format!(
                "RTM_NEWROUTE payload of {} bytes: shorter than rtmsg",
                raw.len()
            ))
        })?;
        let mut attrs = Attrs::new(&raw[rtmsg::LEN..]);
        attrs.by_ref().for_each(drop);
        if attrs.malformed() {
            return Err(Error::Malformed(
                "RTM_NEWROUTE attribute runs past the message".into(),
            ));
        }
        Ok(Route { raw, header })
    }

    /// The payload as the kernel sent it.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The `rtmsg`.
    pub fn header(&self) -> rtmsg::Repr {
        self.header
    }

    /// The attributes.
    pub fn attrs(&self) -> Attrs<'_> {
        Attrs::new(&self.raw[rtmsg::LEN..])
    }

    fn u32_attr(&self, kind: u16) -> Option<u32> {
        self.attrs().last(kind).and_then(|a| a.u32())
    }

    fn ip(&self, kind: u16) -> Option<IpAddr> {
        let a = self.attrs().last(kind)?;
        ip_from_bytes(self.header.family, a.payload())
    }

    /// The table: RTA_TABLE where present (ids above 255), else `rtm_table`.
    pub fn table(&self) -> u32 {
        self.u32_attr(RTA_TABLE)
            .unwrap_or(u32::from(self.header.table))
    }

    /// RTA_DST.
    pub fn dst(&self) -> Option<IpAddr> {
        self.ip(RTA_DST)
    }

    /// RTA_GATEWAY.
    pub fn gateway(&self) -> Option<IpAddr> {
        self.ip(RTA_GATEWAY)
    }

    /// RTA_PREFSRC.
    pub fn prefsrc(&self) -> Option<IpAddr> {
        self.ip(RTA_PREFSRC)
    }

    /// RTA_OIF.
    pub fn oif(&self) -> Option<u32> {
        self.u32_attr(RTA_OIF)
    }

    /// RTA_PRIORITY (the metric).
    pub fn priority(&self) -> Option<u32> {
        self.u32_attr(RTA_PRIORITY)
    }

    /// The route as `netlink-packet-route` parses it.
    pub fn message(&self) -> Result<RouteMessage, String> {
        RouteMessage::parse(&self.raw[..]).map_err(|e| e.to_string())
    }
}

/// A route lookup, as `ip route get ADDR [from A] [oif DEV] [fibmatch]` asks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteQuery {
    /// The destination.
    pub dst: IpAddr,
    /// The source (RTA_SRC).
    pub src: Option<IpAddr>,
    /// The output device's ifindex (RTA_OIF).
    pub oif: Option<u32>,
    /// The FIB entry that matched rather than the resolved route (RTM_F_FIB_MATCH).
    pub fibmatch: bool,
}

impl RouteQuery {
    /// The request's payload, as `iproute_get` writes it.
    pub fn payload(&self) -> Vec<u8> {
        let bits = |a: &IpAddr| if a.is_ipv4() { 32 } else { 128 };
        let mut b = NlBuf::unlimited();
        let h = rtmsg::Repr {
            family: family_of(&self.dst),
            dst_len: bits(&self.dst),
            src_len: self.src.as_ref().map_or(0, bits),
            flags: if self.fibmatch { RTM_F_FIB_MATCH } else { 0 },
            ..rtmsg::Repr::default()
        };
        b.put_data(&h.to_bytes()).expect(ROOM);
        if let Some(s) = &self.src {
            b.nla_put(RTA_SRC, &addr_bytes(s)).expect(ROOM);
        }
        b.nla_put(RTA_DST, &addr_bytes(&self.dst)).expect(ROOM);
        if let Some(o) = self.oif {
            b.nla_put_u32(RTA_OIF, o).expect(ROOM);
        }
        b.into_vec()
    }
}

/// A unicast route to add or delete (`ip route add|del DST/PLEN [via GW] [dev DEV] [metric M]
/// [table T]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteChange {
    /// The destination prefix (`0.0.0.0/0` or `::/0`: default).
    pub dst: IpAddr,
    /// Its length.
    pub dst_len: u8,
    /// The gateway (RTA_GATEWAY).
    pub gateway: Option<IpAddr>,
    /// The output device's ifindex (RTA_OIF).
    pub oif: Option<u32>,
    /// The metric (RTA_PRIORITY).
    pub metric: Option<u32>,
    /// The table (main when None; ids above 255 go in RTA_TABLE).
    pub table: Option<u32>,
}

impl RouteChange {
    /// The request's payload: for an add, protocol boot and type unicast, scope universe
    /// through a gateway and link without one (as `ip route add` decides); for a delete, scope
    /// nowhere and no protocol or type, which match any (as `ip route del` sends).
    pub fn payload(&self, add: bool) -> Vec<u8> {
        let table = self.table.unwrap_or(RT_TABLE_MAIN);
        let mut b = NlBuf::unlimited();
        let h = rtmsg::Repr {
            family: family_of(&self.dst),
            dst_len: self.dst_len,
            table: if table > 255 {
                RT_TABLE_COMPAT
            } else {
                table as u8
            },
            protocol: if add { RTPROT_BOOT } else { 0 },
            scope: match (add, self.gateway.is_some()) {
                (false, _) => RT_SCOPE_NOWHERE,
                (true, true) => RT_SCOPE_UNIVERSE,
                (true, false) => RT_SCOPE_LINK,
            },
            route_type: if add { RTN_UNICAST } else { 0 },
            ..rtmsg::Repr::default()
        };
        b.put_data(&h.to_bytes()).expect(ROOM);
        if self.dst_len > 0 {
            b.nla_put(RTA_DST, &addr_bytes(&self.dst)).expect(ROOM);
        }
        if let Some(m) = self.metric {
            b.nla_put_u32(RTA_PRIORITY, m).expect(ROOM);
        }
        if let Some(g) = &self.gateway {
            b.nla_put(RTA_GATEWAY, &addr_bytes(g)).expect(ROOM);
        }
        if let Some(o) = self.oif {
            b.nla_put_u32(RTA_OIF, o).expect(ROOM);
        }
        if table > 255 {
            b.nla_put_u32(RTA_TABLE, table).expect(ROOM);
        }
        b.into_vec()
    }
}

/// Route requests on a NETLINK_ROUTE connection.
pub trait RouteRequests {
    /// The routes `filter` selects, in the kernel's order, without the route cache
    /// (RTM_F_CLONED), as `ip route show` lists them. Turns strict checking on (as `ip` does)
    /// so the kernel filters by table.
    fn routes(&mut self, filter: &RouteFilter) -> Result<Vec<Route>, Error>;
    /// Look a destination up (RTM_GETROUTE, not a dump): the kernel's one answer.
    fn route_get(&mut self, q: &RouteQuery) -> Result<Route, Error>;
    /// Add a route (NLM_F_CREATE | NLM_F_EXCL, as `ip route add`); waits for the ack.
    fn add_route(&mut self, r: &RouteChange) -> Result<(), Error>;
    /// Delete a route (as `ip route del`); waits for the ack.
    fn del_route(&mut self, r: &RouteChange) -> Result<(), Error>;
}

impl<B: Backend> RouteRequests for Connection<B> {
    fn routes(&mut self, filter: &RouteFilter) -> Result<Vec<Route>, Error> {
        self.set_strict_check(true)?;
        let mut all = self.dump_with(RTM_GETROUTE, &filter.payload(), Vec::new, |v, m| {
            v.push(Route::parse(&m)?);
            Ok(())
        })?;
        all.retain(|r| {
            (filter.family == 0 || r.header().family == filter.family)
                && filter.table.is_none_or(|t| r.table() == t)
                && r.header().flags & nltwin_wire::uapi::route::RTM_F_CLONED == 0
        });
        Ok(all)
    }

    fn route_get(&mut self, q: &RouteQuery) -> Result<Route, Error> {
        self.set_strict_check(true)?;
        let mut found = None;
        self.request(RTM_GETROUTE, 0, &q.payload(), |m| {
            found = Some(Route::parse(&m)?);
            Ok(())
        })?;
        found.ok_or_else(|| Error::Malformed("route get: acked without a route".into()))
    }

    fn add_route(&mut self, r: &RouteChange) -> Result<(), Error> {
        self.request(
            RTM_NEWROUTE,
            NLM_F_CREATE | NLM_F_EXCL,
            &r.payload(true),
            |_| Ok(()),
        )
    }

    fn del_route(&mut self, r: &RouteChange) -> Result<(), Error> {
        self.request(RTM_DELROUTE, 0, &r.payload(false), |_| Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_carries_what_ip_route_get_sends() {
        let q = RouteQuery {
            dst: "192.168.5.7".parse().unwrap(),
            src: Some("10.0.0.1".parse().unwrap()),
            oif: Some(3),
            fibmatch: true,
        };
        let p = q.payload();
        let h = rtmsg::Repr::parse_bytes(&p).unwrap();
        assert_eq!((h.family, h.dst_len, h.src_len), (2, 32, 32));
        assert_eq!(h.flags, RTM_F_FIB_MATCH);
        let kinds: Vec<u16> = Attrs::new(&p[rtmsg::LEN..]).map(|a| a.kind()).collect();
        assert_eq!(kinds, [RTA_SRC, RTA_DST, RTA_OIF]);
        let r = Route::from_payload(p).unwrap();
        assert_eq!(r.dst(), Some(q.dst));
        assert_eq!(r.oif(), Some(3));
    }

    #[test]
    fn a_change_names_its_table_where_the_header_cannot() {
        let mut c = RouteChange {
            dst: "2001:db8:9::".parse().unwrap(),
            dst_len: 48,
            gateway: Some("2001:db8::2".parse().unwrap()),
            oif: None,
            metric: None,
            table: Some(1000),
        };
        let r = Route::from_payload(c.payload(true)).unwrap();
        assert_eq!(r.table(), 1000);
        assert_eq!(r.header().table, RT_TABLE_COMPAT);
        assert_eq!(r.header().scope, RT_SCOPE_UNIVERSE);
        assert_eq!(r.gateway(), c.gateway);
        c.table = None;
        let r = Route::from_payload(c.payload(false)).unwrap();
        assert_eq!(r.table(), RT_TABLE_MAIN);
        assert_eq!(r.header().scope, RT_SCOPE_NOWHERE);
        assert!(r.message().is_ok());
    }
}
