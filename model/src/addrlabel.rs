//! IPv6 address labels (`net/ipv6/addrlabel.c`): each namespace's policy table of RFC 6724
//! (prefix, optional device, label), which source address selection
//! ([`crate::addrconf::saddr`]) compares, and `ip addrlabel`'s RTM_NEWADDRLABEL,
//! RTM_DELADDRLABEL and RTM_GETADDRLABEL (dump and get).

use crate::addrconf::ifaddr::{ipv6_addr_type, IPV6_ADDR_LOOPBACK, IPV6_ADDR_MAPPED};
use crate::af_netlink::send::nlmsg_unicast;
use crate::af_netlink::{
    netlink_strict_get_check, skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr,
};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Tb, Validate};
use crate::profile::Feature;
use crate::rtnetlink::rtnl_register;
use crate::skbuff::SkBuff;
use crate::uapi::netlink::{NETLINK_ROUTE, NLMSG_HDRLEN, NLM_F_MULTI, NLM_F_REPLACE};
use crate::uapi::rtnetlink::*;

/// `IPV6_ADDR_COMPATv4`.
const IPV6_ADDR_COMPATV4: u32 = 0x80;
/// `IPV6_ADDR_LABEL_DEFAULT`: what an address no entry matches gets (never a label one sets).
pub const IPV6_ADDR_LABEL_DEFAULT: u32 = 0xffff_ffff;
/// `sizeof(struct ifaddrlblmsg)`: family, reserved, prefix length, flags, index, seq.
const IFADDRLBLMSG_LEN: usize = 12;
/// `IFAL_ADDRESS`, `IFAL_LABEL`.
const IFAL_ADDRESS: u16 = 1;
const IFAL_LABEL: u16 = 2;
/// `PF_INET6`.
const PF_INET6: u8 = 10;

/// `struct ip6addrlbl_entry`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ip6AddrlblEntry {
    /// `prefix` (the bits past `prefixlen` cleared).
    pub prefix: [u8; 16],
    /// `prefixlen`.
    pub prefixlen: u8,
    /// `ifindex` (0: any device).
    pub ifindex: i32,
    /// `addrtype`: MAPPED, COMPATv4 or LOOPBACK when the prefix is exactly one of those.
    pub addrtype: u32,
    /// `label`.
    pub label: u32,
}

/// `net->ipv6.ip6addrlbl_table`: the entries, most specific first, and the generation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ip6AddrlblTable {
    /// `head`.
    pub entries: Vec<Ip6AddrlblEntry>,
    /// `seq`: bumped by every entry added.
    pub seq: u32,
}

impl Default for Ip6AddrlblTable {
    /// `ip6addrlbl_net_init`: the RFC 6724 defaults, added one by one.
    fn default() -> Self {
        const INIT: [([u8; 4], u8, u32, Special); 10] = [
            ([0, 0, 0, 0], 0, 1, Special::None),
            ([0xfc, 0, 0, 0], 7, 5, Special::None),
            ([0xfe, 0xc0, 0, 0], 10, 11, Special::None),
            ([0x20, 0x02, 0, 0], 16, 2, Special::None),
            ([0x3f, 0xfe, 0, 0], 16, 12, Special::None),
            ([0x20, 0x01, 0, 0], 32, 6, Special::None),
            ([0x20, 0x01, 0x00, 0x10], 28, 7, Special::None),
            ([0, 0, 0, 0], 96, 4, Special::Mapped),
            ([0, 0, 0, 0], 96, 3, Special::None),
            ([0, 0, 0, 0], 128, 0, Special::Loopback),
        ];
        let mut t = Ip6AddrlblTable {
            entries: Vec::new(),
            seq: 0,
        };
        for (head, len, label, special) in INIT {
            let mut prefix = [0u8; 16];
            prefix[..4].copy_from_slice(&head);
            match special {
                Special::Mapped => prefix[10..12].copy_from_slice(&[0xff, 0xff]),
                Special::Loopback => prefix[15] = 1,
                Special::None => {}
            }
            let e = ip6addrlbl_alloc(&prefix, len, 0, label).expect("valid defaults");
            t.ip6addrlbl_add(e, false).expect("distinct defaults");
        }
        t
    }
}

/// The default entries whose prefix is not just leading bytes.
#[derive(Clone, Copy)]
enum Special {
    None,
    Mapped,
    Loopback,
}

/// `ipv6_addr_prefix`: `a` with the bits past `len` cleared.
fn ipv6_addr_prefix(a: &[u8; 16], len: u8) -> [u8; 16] {
    let mut p = [0u8; 16];
    let len = usize::from(len.min(128));
    p[..len / 8].copy_from_slice(&a[..len / 8]);
    if len % 8 != 0 {
        p[len / 8] = a[len / 8] & (0xffu8 << (8 - len % 8));
    }
    p
}

/// `ipv6_prefix_equal`.
fn ipv6_prefix_equal(a: &[u8; 16], b: &[u8; 16], len: u8) -> bool {
    ipv6_addr_prefix(a, len) == ipv6_addr_prefix(b, len)
}

/// `ip6addrlbl_alloc`: the entry's prefix cut to its length and its special address type.
fn ip6addrlbl_alloc(
    prefix: &[u8; 16],
    prefixlen: u8,
    ifindex: i32,
    label: u32,
) -> Result<Ip6AddrlblEntry, Errno> {
    let mut addrtype = (ipv6_addr_type(prefix) & 0xffff)
        & (IPV6_ADDR_MAPPED | IPV6_ADDR_COMPATV4 | IPV6_ADDR_LOOPBACK);
    match addrtype {
        IPV6_ADDR_MAPPED => {
            if prefixlen > 96 {
                return Err(Errno::EINVAL);
            }
            if prefixlen < 96 {
                addrtype = 0;
            }
        }
        IPV6_ADDR_COMPATV4 if prefixlen != 96 => addrtype = 0,
        IPV6_ADDR_LOOPBACK if prefixlen != 128 => addrtype = 0,
        _ => {}
    }
    Ok(Ip6AddrlblEntry {
        prefix: ipv6_addr_prefix(prefix, prefixlen),
        prefixlen,
        ifindex,
        addrtype,
        label,
    })
}

impl Ip6AddrlblTable {
    /// `__ip6addrlbl_add`: before the first entry of a shorter prefix or of the same length
    /// for any device; an equal entry is EEXIST unless replacing.
    fn ip6addrlbl_add(&mut self, new: Ip6AddrlblEntry, replace: bool) -> Result<(), Errno> {
        let mut at = self.entries.len();
        for (i, p) in self.entries.iter().enumerate() {
            if p.prefixlen == new.prefixlen && p.ifindex == new.ifindex && p.prefix == new.prefix {
                if !replace {
                    return Err(Errno::EEXIST);
                }
                self.entries[i] = new;
                self.seq = self.seq.wrapping_add(1);
                return Ok(());
            }
            if (p.prefixlen == new.prefixlen && p.ifindex == 0) || p.prefixlen < new.prefixlen {
                at = i;
                break;
            }
        }
        self.entries.insert(at, new);
        self.seq = self.seq.wrapping_add(1);
        Ok(())
    }

    /// `__ip6addrlbl_del`: ESRCH when no entry is that prefix, length and device.
    fn ip6addrlbl_del(
        &mut self,
        prefix: &[u8; 16],
        prefixlen: u8,
        ifindex: i32,
    ) -> Result<(), Errno> {
        let prefix = ipv6_addr_prefix(prefix, prefixlen);
        let i = self
            .entries
            .iter()
            .position(|p| p.prefixlen == prefixlen && p.ifindex == ifindex && p.prefix == prefix)
            .ok_or(Errno::ESRCH)?;
        self.entries.remove(i);
        Ok(())
    }

    /// `__ipv6_addr_label`: the first entry matching `addr` (its device, its special type,
    /// its prefix).
    fn lookup(&self, addr: &[u8; 16], addrtype: u32, ifindex: i32) -> Option<&Ip6AddrlblEntry> {
        self.entries.iter().find(|p| {
            (p.ifindex == 0 || p.ifindex == ifindex)
                && (p.addrtype == 0 || p.addrtype == addrtype)
                && ipv6_prefix_equal(addr, &p.prefix, p.prefixlen)
        })
    }
}

/// `ipv6_addr_label`: the label of `addr` (of address type `ty`, `__ipv6_addr_type`'s) sent
/// through device `ifindex`.
pub fn ipv6_addr_label(k: &Kernel, net: NetId, addr: &[u8; 16], ty: u32, ifindex: i32) -> u32 {
    let ty = ty & (IPV6_ADDR_MAPPED | IPV6_ADDR_COMPATV4 | IPV6_ADDR_LOOPBACK);
    k.net(net)
        .ipv6
        .addrlabel
        .lookup(addr, ty, ifindex)
        .map_or(IPV6_ADDR_LABEL_DEFAULT, |p| p.label)
}

/// `ipv6_addr_label_rtnl_register`.
pub fn ipv6_addr_label_rtnl_register(k: &mut Kernel) {
    rtnl_register(
        k,
        PF_INET6,
        RTM_NEWADDRLABEL,
        Some(ip6addrlbl_newdel),
        None,
        0,
    );
    rtnl_register(
        k,
        PF_INET6,
        RTM_DELADDRLABEL,
        Some(ip6addrlbl_newdel),
        None,
        0,
    );
    rtnl_register(
        k,
        PF_INET6,
        RTM_GETADDRLABEL,
        Some(ip6addrlbl_get),
        Some(ip6addrlbl_dump),
        0,
    );
}

/// `ifal_policy`: the address at least 16 bytes, the label at least 4.
fn ifal_policy() -> [NlaPolicy; 3] {
    let mut p = [NlaPolicy::of(NlaType::Unspec); 3];
    p[usize::from(IFAL_ADDRESS)] = NlaPolicy::with_len(NlaType::Unspec, 16);
    p[usize::from(IFAL_LABEL)] = NlaPolicy::with_len(NlaType::Unspec, 4);
    p
}

/// The request's `struct ifaddrlblmsg`: (family, reserved, prefixlen, flags, index, seq).
fn ifaddrlblmsg(msg: &[u8]) -> (u8, u8, u8, u8, i32, u32) {
    let h = &msg[NLMSG_HDRLEN..NLMSG_HDRLEN + IFADDRLBLMSG_LEN];
    (
        h[0],
        h[1],
        h[2],
        h[3],
        i32::from_ne_bytes([h[4], h[5], h[6], h[7]]),
        u32::from_ne_bytes([h[8], h[9], h[10], h[11]]),
    )
}

/// The 16 bytes of an attribute the policy made at least that long.
fn in6_at(msg: &[u8], tb: &Tb, ty: u16) -> Option<[u8; 16]> {
    let r = tb[usize::from(ty)].as_ref()?;
    msg[r.start..r.start + 16].try_into().ok()
}

/// `nlmsg_parse_deprecated` (or `_strict`) of an address label request.
fn parse(msg: &[u8], validate: Validate, extack: &mut NetlinkExtAck) -> Result<Tb, Errno> {
    if msg.len() < NLMSG_HDRLEN + IFADDRLBLMSG_LEN {
        extack.msg = Some("Invalid header length".into());
        return Err(Errno::EINVAL);
    }
    nla_parse(
        msg,
        NLMSG_HDRLEN + IFADDRLBLMSG_LEN,
        msg.len(),
        &ifal_policy(),
        validate,
        extack,
    )
}

/// `ip6addrlbl_newdel`: RTM_NEWADDRLABEL (an existing entry is EEXIST without NLM_F_REPLACE;
/// a device that does not exist EINVAL) and RTM_DELADDRLABEL (none: ESRCH).
fn ip6addrlbl_newdel(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = nlh.bytes();
    let tb = parse(msg, Validate::Liberal, extack)?;
    let (family, _, prefixlen, _, index, _) = ifaddrlblmsg(msg);
    if family != PF_INET6 || prefixlen > 128 {
        return Err(Errno::EINVAL.into());
    }
    let pfx = in6_at(msg, &tb, IFAL_ADDRESS).ok_or(Errno::EINVAL)?;
    let label = tb[usize::from(IFAL_LABEL)]
        .as_ref()
        .map(|r| u32::from_ne_bytes(msg[r.start..r.start + 4].try_into().expect("4 bytes")))
        .ok_or(Errno::EINVAL)?;
    if label == IPV6_ADDR_LABEL_DEFAULT {
        return Err(Errno::EINVAL.into());
    }
    if nlh.msg_type() == RTM_NEWADDRLABEL {
        if index != 0
            && u32::try_from(index)
                .ok()
                .and_then(|i| k.dev(net, i))
                .is_none()
        {
            return Err(Errno::EINVAL.into());
        }
        let e = ip6addrlbl_alloc(&pfx, prefixlen, index, label)?;
        let replace = nlh.flags() & NLM_F_REPLACE != 0;
        k.net_mut(net).ipv6.addrlabel.ip6addrlbl_add(e, replace)?;
    } else {
        k.net_mut(net)
            .ipv6
            .addrlabel
            .ip6addrlbl_del(&pfx, prefixlen, index)?;
    }
    Ok(())
}

/// `ip6addrlbl_fill`: one entry as RTM_NEWADDRLABEL, with the table's generation.
fn ip6addrlbl_fill(
    skb: &mut SkBuff,
    p: &Ip6AddrlblEntry,
    lseq: u32,
    portid: u32,
    seq: u32,
    flags: u16,
) -> Result<(), Errno> {
    let mark = skb.len();
    let at = skb.nlmsg_put(portid, seq, RTM_NEWADDRLABEL, IFADDRLBLMSG_LEN, flags)?;
    {
        let h = skb.nlmsg_data_mut(at);
        h[0] = PF_INET6;
        h[1] = 0;
        h[2] = p.prefixlen;
        h[3] = 0;
        h[4..8].copy_from_slice(&p.ifindex.to_ne_bytes());
        h[8..12].copy_from_slice(&lseq.to_ne_bytes());
    }
    let filled = skb
        .nla_put(IFAL_ADDRESS, &p.prefix)
        .and_then(|()| skb.nla_put_u32(IFAL_LABEL, p.label));
    match filled {
        Ok(()) => {
            skb.nlmsg_end(at);
            Ok(())
        }
        Err(e) => {
            skb.trim(mark);
            Err(e)
        }
    }
}

/// The ext-ack message of a request error, with the module's prefix (`NL_SET_ERR_MSG_MOD`).
fn einval(extack: &mut NetlinkExtAck, msg: &str) -> Errno {
    extack.msg = Some(format!("ipv6: {msg}"));
    Errno::EINVAL
}

/// `ip6addrlbl_valid_dump_req` (strict checking): a whole header, all zero but the family,
/// no attributes.
fn ip6addrlbl_valid_dump_req(msg: &[u8], extack: &mut NetlinkExtAck) -> Result<(), Errno> {
    if msg.len() < NLMSG_HDRLEN + IFADDRLBLMSG_LEN {
        return Err(einval(
            extack,
            "Invalid header for address label dump request",
        ));
    }
    let (_, reserved, prefixlen, flags, index, seq) = ifaddrlblmsg(msg);
    if reserved != 0 || prefixlen != 0 || flags != 0 || index != 0 || seq != 0 {
        return Err(einval(
            extack,
            "Invalid values in header for address label dump request",
        ));
    }
    if msg.len() > NLMSG_HDRLEN + IFADDRLBLMSG_LEN {
        return Err(einval(
            extack,
            "Invalid data after header for address label dump request",
        ));
    }
    Ok(())
}

/// `ip6addrlbl_dump`: every entry in table order, resumed at `args[0]`; the chunk's length
/// before `Ip6AddrlblDumpRcu` (so NLMSG_DONE comes alone), its error after.
fn ip6addrlbl_dump(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    if cb.strict_check {
        let msg = cb.nlh.clone();
        // The dump's error, in NLMSG_DONE with its ext-ack.
        if let Err(e) = ip6addrlbl_valid_dump_req(&msg, &mut cb.extack) {
            return Ok(e.as_neg());
        }
    }
    let table = &k.net(cb.net).ipv6.addrlabel;
    let seq = cb.request().seq();
    let s_idx = cb.args[0] as usize;
    let mut idx = s_idx;
    let mut err = 0;
    for p in table.entries.iter().skip(s_idx) {
        if let Err(e) = ip6addrlbl_fill(skb, p, table.seq, cb.portid, seq, NLM_F_MULTI) {
            err = e.as_neg();
            break;
        }
        idx += 1;
    }
    cb.args[0] = idx as i64;
    if !k.has(Feature::Ip6AddrlblDumpRcu) {
        return Ok(skb.len() as i32);
    }
    Ok(err)
}

/// `ip6addrlbl_valid_get_req`: the header's length; with strict checking no reserved bits,
/// flags or generation and no attribute but IFAL_ADDRESS.
fn ip6addrlbl_valid_get_req(
    k: &Kernel,
    skb: &SkBuff,
    msg: &[u8],
    extack: &mut NetlinkExtAck,
) -> Result<Tb, Errno> {
    if msg.len() < NLMSG_HDRLEN + IFADDRLBLMSG_LEN {
        return Err(einval(extack, "Invalid header for addrlabel get request"));
    }
    if !netlink_strict_get_check(k, skb) {
        return parse(msg, Validate::Liberal, extack);
    }
    let (_, reserved, _, flags, _, seq) = ifaddrlblmsg(msg);
    if reserved != 0 || flags != 0 || seq != 0 {
        return Err(einval(
            extack,
            "Invalid values in header for addrlabel get request",
        ));
    }
    let tb = parse(msg, Validate::DeprecatedStrict, extack)?;
    if tb[usize::from(IFAL_LABEL)].is_some() {
        return Err(einval(
            extack,
            "Unsupported attribute in addrlabel get request",
        ));
    }
    Ok(tb)
}

/// `ip6addrlbl_get`: the entry a /128 address matches (its whole address type compared, as
/// the kernel does here), or ESRCH.
fn ip6addrlbl_get(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let net = skb_net(k, skb);
    let msg = nlh.bytes();
    let tb = ip6addrlbl_valid_get_req(k, skb, msg, extack)?;
    let (family, _, prefixlen, _, index, _) = ifaddrlblmsg(msg);
    if family != PF_INET6 || prefixlen != 128 {
        return Err(Errno::EINVAL.into());
    }
    if index != 0
        && u32::try_from(index)
            .ok()
            .and_then(|i| k.dev(net, i))
            .is_none()
    {
        return Err(Errno::EINVAL.into());
    }
    let addr = in6_at(msg, &tb, IFAL_ADDRESS).ok_or(Errno::EINVAL)?;
    let table = &k.net(net).ipv6.addrlabel;
    let ty = ipv6_addr_type(&addr) & 0xffff;
    let p = table
        .lookup(&addr, ty, index)
        .cloned()
        .ok_or(Errno::ESRCH)?;
    let mut reply = SkBuff::alloc_skb(NLMSG_HDRLEN + IFADDRLBLMSG_LEN + 20 + 8);
    ip6addrlbl_fill(&mut reply, &p, table.seq, skb.cb.portid, nlh.seq(), 0)?;
    let ksk = k.net(net).kernel_sock[NETLINK_ROUTE as usize].expect("rtnl socket");
    nlmsg_unicast(k, ksk, reply, skb.cb.portid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> [u8; 16] {
        s.parse::<std::net::Ipv6Addr>().unwrap().octets()
    }

    #[test]
    fn the_defaults_are_in_the_kernels_order_with_their_generation() {
        let t = Ip6AddrlblTable::default();
        let order: Vec<(u8, u32)> = t.entries.iter().map(|e| (e.prefixlen, e.label)).collect();
        assert_eq!(
            order,
            [
                (128, 0),
                (96, 3),
                (96, 4),
                (32, 6),
                (28, 7),
                (16, 12),
                (16, 2),
                (10, 11),
                (7, 5),
                (0, 1)
            ]
        );
        assert_eq!(t.seq, 10);
    }

    #[test]
    fn labels_follow_rfc_6724() {
        let t = Ip6AddrlblTable::default();
        let label = |s: &str| {
            let x = a(s);
            let ty =
                ipv6_addr_type(&x) & (IPV6_ADDR_MAPPED | IPV6_ADDR_COMPATV4 | IPV6_ADDR_LOOPBACK);
            t.lookup(&x, ty, 0).map(|p| p.label)
        };
        assert_eq!(label("::1"), Some(0));
        assert_eq!(label("::ffff:10.0.0.1"), Some(4));
        assert_eq!(label("2001:0:5ef5::1"), Some(6)); // Teredo
        assert_eq!(label("2001:db8::1"), Some(1));
        assert_eq!(label("2001:10::1"), Some(7));
        assert_eq!(label("fd00::1"), Some(5));
        assert_eq!(label("fe80::1"), Some(1));
        assert_eq!(label("2a00::1"), Some(1));
    }
}
