//! RTM_NEWLINK: `rtnl_newlink` (`__rtnl_newlink`), creation (`rtnl_newlink_create`,
//! `rtnl_create_link`, `rtnl_configure_link`) and the `rtnl_link_ops` registry
//! (`rtnl_link_ops_get`). Changes to an existing device go to `super::setlink::do_setlink`.

use crate::profile::Feature;
use std::ops::Range;

use crate::af_netlink::{skb_net, NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::{NetDevice, NetDevices};
use crate::nlattr::{nla_parse, NlaPolicy, NlaType, Tb, Validate};
use crate::skbuff::SkBuff;
use crate::uapi::if_link::*;
use crate::uapi::netlink::{NLA_HDRLEN, NLMSG_HDRLEN, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use crate::uapi::rtnetlink::*;

use super::link::ifla_policy;
use super::notify::Report;
use super::ops::{rtnl_link_ops_get, RtnlLinkOps};
use super::setlink::{do_setlink, validate_linkmsg, validate_linkmsg_dev};

/// The `ifinfomsg` header of a link request (`nltwin_wire::ifinfomsg::Repr`).
pub use nltwin_wire::ifinfomsg::Repr as IfInfoMsg;

/// The `ifinfomsg` at the start of `b` (the caller checked the length).
pub fn ifinfomsg(b: &[u8]) -> IfInfoMsg {
    IfInfoMsg::parse_bytes(b).expect("an ifinfomsg's length")
}

/// A parsed attribute table over the request bytes it points into.
#[derive(Clone, Debug)]
pub struct IfAttrs<'a> {
    /// The whole request message.
    pub msg: &'a [u8],
    /// Attribute payload ranges within `msg`, by type.
    pub tb: Tb,
}

impl<'a> IfAttrs<'a> {
    /// The payload range of attribute `ty`, if present.
    pub fn range(&self, ty: u16) -> Option<Range<usize>> {
        self.tb.get(ty as usize)?.clone()
    }

    /// Whether attribute `ty` is present.
    pub fn has(&self, ty: u16) -> bool {
        self.range(ty).is_some()
    }

    /// The payload of attribute `ty`.
    pub fn get(&self, ty: u16) -> Option<&'a [u8]> {
        self.range(ty).map(|r| &self.msg[r])
    }

    /// `nla_get_u32` (a short payload reads as zeros, as the policies rule it out).
    pub fn u32(&self, ty: u16) -> Option<u32> {
        self.get(ty).map(|b| {
            let mut v = [0u8; 4];
            let n = b.len().min(4);
            v[..n].copy_from_slice(&b[..n]);
            nltwin_wire::scalar::get_u32(&v).expect("4 bytes")
        })
    }

    /// `nla_get_u8` (the policy checked the length).
    pub fn u8(&self, ty: u16) -> Option<u8> {
        self.get(ty).map(|b| b.first().copied().unwrap_or(0))
    }

    /// `nla_get_u16` (a short payload reads as zeros).
    pub fn u16(&self, ty: u16) -> Option<u16> {
        self.get(ty).map(|b| {
            let mut v = [0u8; 2];
            let n = b.len().min(2);
            v[..n].copy_from_slice(&b[..n]);
            nltwin_wire::scalar::get_u16(&v).expect("2 bytes")
        })
    }

    /// `nla_get_u64` (a short payload reads as zeros).
    pub fn u64(&self, ty: u16) -> Option<u64> {
        self.get(ty).map(|b| {
            let mut v = [0u8; 8];
            let n = b.len().min(8);
            v[..n].copy_from_slice(&b[..n]);
            nltwin_wire::scalar::get_u64(&v).expect("8 bytes")
        })
    }

    /// `nla_strscpy` into an `IFNAMSIZ` buffer: up to the first NUL, at most 15 bytes.
    pub fn string(&self, ty: u16) -> Option<String> {
        self.get(ty).map(|b| {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len()).min(15);
            crate::netdevice::ifname_from_bytes(&b[..end])
        })
    }
}

/// What a driver's `newlink` gets (the arguments of `rtnl_link_ops->newlink`).
#[derive(Debug)]
pub struct RtnlNewlinkParams<'a> {
    /// The namespace the link is created in.
    pub net: NetId,
    /// The requester's namespace (`src_net`).
    pub src_net: NetId,
    /// The namespace the request names for a peer (`peer_net`), if it names one.
    pub peer_net: Option<NetId>,
    /// The request message.
    pub msg: &'a [u8],
    /// The request's attributes.
    pub tb: IfAttrs<'a>,
    /// IFLA_INFO_DATA parsed with the driver's policy.
    pub data: Option<IfAttrs<'a>>,
    /// Where errors are explained.
    pub extack: &'a mut NetlinkExtAck,
}

/// `ifla_info_policy`.
fn ifla_info_policy() -> Vec<NlaPolicy> {
    let mut p = vec![NlaPolicy::of(NlaType::Unspec); IFLA_INFO_MAX as usize + 1];
    p[IFLA_INFO_KIND as usize] = NlaPolicy::of(NlaType::String);
    p[IFLA_INFO_DATA as usize] = NlaPolicy::of(NlaType::Nested);
    p[IFLA_INFO_SLAVE_KIND as usize] = NlaPolicy::of(NlaType::String);
    p[IFLA_INFO_SLAVE_DATA as usize] = NlaPolicy::of(NlaType::Nested);
    p
}

/// `rtnl_dev_get`: a device by IFLA_IFNAME, else by IFLA_ALT_IFNAME (either name kind
/// matches either attribute).
pub fn rtnl_dev_get(devs: &NetDevices, tb: &IfAttrs<'_>) -> Option<u32> {
    let name = match tb.string(IFLA_IFNAME) {
        Some(n) => n,
        None => tb
            .get(IFLA_ALT_IFNAME)
            .map(|b| {
                let end = b.iter().position(|&c| c == 0).unwrap_or(b.len()).min(127);
                crate::netdevice::ifname_from_bytes(&b[..end])
            })
            .unwrap_or_default(),
    };
    devs.by_name(&name).map(|d| d.ifindex)
}

/// `rtnl_ensure_unique_netns`: requests that only name a namespace by id refuse the pid and fd
/// forms ("specified netns attribute not supported"); others may give at most one of the three.
pub fn rtnl_ensure_unique_netns(
    tb: &IfAttrs<'_>,
    extack: &mut NetlinkExtAck,
    netns_id_only: bool,
) -> SysResult<()> {
    if netns_id_only {
        if tb.has(IFLA_NET_NS_PID) || tb.has(IFLA_NET_NS_FD) {
            extack.msg = Some("specified netns attribute not supported".into());
            return Err(Errno::EOPNOTSUPP.into());
        }
        return Ok(());
    }
    let given = [IFLA_NET_NS_PID, IFLA_NET_NS_FD, IFLA_TARGET_NETNSID]
        .iter()
        .filter(|&&t| tb.has(t))
        .count();
    if given > 1 {
        extack.msg = Some("multiple netns identifying attributes specified".into());
        return Err(Errno::EINVAL.into());
    }
    Ok(())
}

/// The namespace-moving attributes, which the model does not support (`unimplemented`).
pub fn rtnl_reject_netns(tb: &IfAttrs<'_>) -> SysResult<()> {
    if [
        IFLA_NET_NS_PID,
        IFLA_NET_NS_FD,
        IFLA_TARGET_NETNSID,
        IFLA_LINK_NETNSID,
    ]
    .iter()
    .any(|&t| tb.has(t))
    {
        return Err(crate::errno::unimplemented(
            "links across network namespaces",
        ));
    }
    Ok(())
}

/// `rtnl_link_get_net_ifla`: the namespace IFLA_NET_NS_PID (first) or IFLA_NET_NS_FD names,
/// if either is given: the process's (`get_net_ns_by_pid`) or the one behind the sender's
/// file (`get_net_ns_by_fd`).
fn rtnl_link_get_net_ifla(k: &Kernel, skb: &SkBuff, tb: &IfAttrs<'_>) -> SysResult<Option<NetId>> {
    if let Some(pid) = tb.u32(IFLA_NET_NS_PID) {
        return crate::net_namespace::get_net_ns_by_pid(k, pid).map(Some);
    }
    if let Some(fd) = tb.u32(IFLA_NET_NS_FD) {
        let task = skb.cb.sender.ok_or(Errno::EBADF)?;
        return Ok(Some(crate::net_namespace::get_net_ns_by_fd(k, task, fd)?));
    }
    Ok(None)
}

/// `rtnl_link_get_net_capable` (`rtnl_link_get_net_by_nlattr`): the namespace a request
/// names, by IFLA_NET_NS_PID, IFLA_NET_NS_FD or IFLA_TARGET_NETNSID (an id `src_net` gave it,
/// else EINVAL), else `src_net`; the sender must hold `cap` over its owner (EPERM).
pub fn rtnl_link_get_net_capable(
    k: &Kernel,
    skb: &SkBuff,
    src_net: NetId,
    tb: &IfAttrs<'_>,
    cap: u32,
) -> SysResult<NetId> {
    let net = match rtnl_link_get_net_ifla(k, skb, tb)? {
        Some(net) => net,
        None => match tb.get(IFLA_TARGET_NETNSID) {
            Some(_) => {
                let id = tb.u32(IFLA_TARGET_NETNSID).unwrap_or(0) as i32;
                crate::net_namespace::get_net_ns_by_id(k, src_net, id).ok_or(Errno::EINVAL)?
            }
            None => src_net,
        },
    };
    if !crate::af_netlink::caps::netlink_ns_capable(k, skb, k.net(net).user_ns, cap) {
        return Err(Errno::EPERM.into());
    }
    Ok(net)
}

/// `nlmsg_parse_deprecated(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX, ifla_policy)`: the
/// header must hold an `ifinfomsg` ("Invalid header length"), the attributes are parsed
/// liberally.
pub fn nlmsg_parse_deprecated_ifla<'a>(
    nlh: Nlmsghdr<'a>,
    policy: &[NlaPolicy],
    extack: &mut NetlinkExtAck,
) -> SysResult<IfAttrs<'a>> {
    let nlh = nlh.bytes();
    let start = NLMSG_HDRLEN + IFINFOMSG_LEN;
    if nlh.len() < start {
        extack.msg = Some("Invalid header length".into());
        return Err(Errno::EINVAL.into());
    }
    let tb = nla_parse(nlh, start, nlh.len(), policy, Validate::Liberal, extack)?;
    Ok(IfAttrs { msg: nlh, tb })
}

/// `rtnl_newlink` (`__rtnl_newlink`): find the device the request names; change it
/// (`do_setlink`) if it exists, else create it with NLM_F_CREATE and a known kind.
pub fn rtnl_newlink(
    k: &mut Kernel,
    skb: &SkBuff,
    req: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let tb = nlmsg_parse_deprecated_ifla(req, ifla_policy(k), extack)?;
    let nlh = req.bytes();
    rtnl_ensure_unique_netns(&tb, extack, false)?;
    let net = skb_net(k, skb);
    let ifm = ifinfomsg(req.payload());
    let linkinfo = match tb.range(IFLA_LINKINFO) {
        Some(r) => {
            let mut ignored = NetlinkExtAck::default();
            let li = nla_parse(
                nlh,
                r.start,
                r.end,
                &ifla_info_policy(),
                Validate::Liberal,
                &mut ignored,
            )?;
            Some(IfAttrs { msg: nlh, tb: li })
        }
        None => None,
    };
    let kind = linkinfo.as_ref().and_then(|l| l.string(IFLA_INFO_KIND));
    let ops = kind.as_deref().and_then(|kind| rtnl_link_ops_get(k, kind));
    if let (None, Some(kind)) = (ops, &kind) {
        if k.profile
            .config
            .unimplemented_link_kinds
            .contains(&kind.as_str())
        {
            return Err(crate::errno::unimplemented(
                "this link kind (built into the profile's kernel, not modeled)",
            ));
        }
    }
    let mut data = None;
    if let (Some(ops), Some(r)) = (ops, linkinfo.as_ref().and_then(|l| l.range(IFLA_INFO_DATA))) {
        if ops.maxtype > 0 {
            let policy = match ops.policy {
                Some(policy) => policy(k.features),
                None => vec![NlaPolicy::of(NlaType::Unspec); ops.maxtype as usize + 1],
            };
            let d = nla_parse(nlh, r.start, r.end, &policy, Validate::Liberal, extack)?;
            data = Some(IfAttrs { msg: nlh, tb: d });
        }
    }
    if let Some(validate) = ops.and_then(|o| o.validate) {
        validate(&tb, data.as_ref(), k.profile.config)?;
    }
    // 6.18 reads the peer's part (veth) before it looks for the device: its attributes are
    // checked first (`rtnl_get_peer_net`).
    let peer_net = match ops {
        Some(ops) => rtnl_get_peer_net(k, skb, ops, &tb, data.as_ref(), extack)?,
        None => None,
    };
    let tgt_net = rtnl_link_get_net_capable(k, skb, net, &tb, crate::cred::CAP_NET_ADMIN)?;
    if tb.has(IFLA_LINK_NETNSID) {
        return Err(crate::errno::unimplemented(
            "IFLA_LINK_NETNSID (a link's lower device in another namespace)",
        ));
    }
    let (link_specified, dev) = if ifm.index > 0 {
        let i = ifm.index as u32;
        (true, k.dev(net, i).map(|d| d.ifindex))
    } else if ifm.index < 0 {
        extack.msg = Some("ifindex can't be negative".into());
        return Err(Errno::EINVAL.into());
    } else if tb.has(IFLA_IFNAME) || tb.has(IFLA_ALT_IFNAME) {
        (true, rtnl_dev_get(&k.net(net).devices, &tb))
    } else {
        (false, None)
    };
    if !k.has(Feature::RtnlNewlinkValidateOnce) {
        // Every request was validated here first, with or without a device.
        let d = dev.and_then(|i| k.dev(net, i));
        validate_linkmsg_dev(&k.registry.af_ops, k.features, d, &tb, extack)?;
    }

    let flags = req.flags();
    if let Some(ifindex) = dev {
        if flags & NLM_F_EXCL != 0 {
            return Err(Errno::EEXIST.into());
        }
        if flags & NLM_F_REPLACE != 0 {
            return Err(Errno::EOPNOTSUPP.into());
        }
        let d = k.dev(net, ifindex).expect("found above");
        validate_linkmsg(&k.registry.af_ops, k.features, d, &tb, extack)?;
        let mut notify = false;
        if linkinfo.as_ref().is_some_and(|l| l.has(IFLA_INFO_DATA)) {
            let same = ops.is_some_and(|o| Some(o.kind) == d.kind());
            let Some(changelink) = ops.and_then(|o| o.changelink).filter(|_| same) else {
                return Err(Errno::EOPNOTSUPP.into());
            };
            changelink(k, net, ifindex, &tb, data.as_ref(), extack)?;
            notify = true;
        }
        if let Some(r) = linkinfo
            .as_ref()
            .and_then(|l| l.range(IFLA_INFO_SLAVE_DATA))
        {
            // The master's slave_changelink, with IFLA_INFO_SLAVE_DATA parsed by its policy.
            let master = k.dev(net, ifindex).and_then(|d| d.master);
            let m_ops = master
                .and_then(|m| k.dev(net, m))
                .and_then(|m| m.kind())
                .and_then(|kind| rtnl_link_ops_get(k, kind));
            let (Some(master), Some(changelink)) = (master, m_ops.and_then(|o| o.slave_changelink))
            else {
                return Err(Errno::EOPNOTSUPP.into());
            };
            let slave_tb = match m_ops.and_then(|o| o.slave_policy) {
                Some(policy) => Some(nla_parse(
                    nlh,
                    r.start,
                    r.end,
                    &policy(k.features),
                    Validate::Liberal,
                    extack,
                )?),
                None => None,
            };
            changelink(k, net, master, ifindex, nlh, slave_tb.as_ref(), extack)?;
            notify = true;
        }
        return do_setlink(k, net, ifindex, tgt_net, &ifm, &tb, extack, notify);
    }
    if flags & NLM_F_CREATE == 0 {
        if let (false, Some(group)) = (link_specified, tb.u32(IFLA_GROUP)) {
            return rtnl_group_changelink(k, net, group, &ifm, &tb, extack);
        }
        return Err(Errno::ENODEV.into());
    }
    if tb.has(IFLA_MAP) || tb.has(IFLA_PROTINFO) {
        return Err(Errno::EOPNOTSUPP.into());
    }
    let Some(ops) = ops else {
        extack.msg = Some("Unknown device type".into());
        return Err(Errno::EOPNOTSUPP.into());
    };
    if tgt_net != net && flags & crate::uapi::netlink::NLM_F_ECHO != 0 {
        // The echo goes through the new namespace's rtnetlink socket to the requester's
        // portid, which names a socket of that namespace if any.
        return Err(crate::errno::unimplemented(
            "an echo of a link created in another namespace",
        ));
    }
    // Without the echo change, creation notifies without the request.
    let report = k.has(Feature::RtnlNewlinkCreateEcho).then_some(Report {
        portid: skb.cb.portid,
        nlh: req,
    });
    let mut p = RtnlNewlinkParams {
        net: tgt_net,
        src_net: net,
        peer_net,
        msg: nlh,
        tb,
        data,
        extack,
    };
    rtnl_newlink_create(k, &mut p, ops, &ifm, report)
}

/// `rtnl_group_changelink`: the request applied to every device of `group`, in ifindex order;
/// the first error stops it.
fn rtnl_group_changelink(
    k: &mut Kernel,
    net: NetId,
    group: u32,
    ifm: &IfInfoMsg,
    tb: &IfAttrs<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let members: Vec<u32> = k
        .net(net)
        .devices
        .devs
        .values()
        .filter(|d| d.group == group)
        .map(|d| d.ifindex)
        .collect();
    for ifindex in members {
        let Some(dev) = k.dev(net, ifindex) else {
            continue;
        };
        validate_linkmsg(&k.registry.af_ops, k.features, dev, tb, extack)?;
        do_setlink(k, net, ifindex, net, ifm, tb, extack, false)?;
    }
    Ok(())
}

/// `rtnl_get_peer_net`: for a type with a peer (`peer_type`), the peer's `ifinfomsg` and
/// attributes are parsed and validated like the device's own; the namespace its IFLA_NET_NS_PID
/// or IFLA_NET_NS_FD names (the device's own attributes when there is no peer part), which the
/// sender must administer (EPERM).
fn rtnl_get_peer_net(
    k: &Kernel,
    skb: &SkBuff,
    ops: &'static RtnlLinkOps,
    tb: &IfAttrs<'_>,
    data: Option<&IfAttrs<'_>>,
    extack: &mut NetlinkExtAck,
) -> SysResult<Option<NetId>> {
    let Some(peer_type) = ops.peer_type else {
        return Ok(None);
    };
    let Some(r) = data.and_then(|d| d.range(peer_type)) else {
        return rtnl_link_get_net_ifla_capable(k, skb, tb);
    };
    let policy = ifla_policy(k);
    let config = k.profile.config;
    let peer_tb = rtnl_nla_parse_ifinfomsg(tb.msg, r.clone(), policy, extack)?;
    // A negative peer index is refused here, pointing at the peer attribute.
    if ifinfomsg(&tb.msg[r.clone()]).index < 0 {
        extack.msg = Some("ifindex can't be negative".into());
        extack.bad_attr = Some(r.start - NLA_HDRLEN);
        return Err(Errno::EINVAL.into());
    }
    if let Some(validate) = ops.validate {
        validate(&peer_tb, None, config)?;
    }
    if peer_tb.has(IFLA_TARGET_NETNSID) || peer_tb.has(IFLA_LINK_NETNSID) {
        return Err(crate::errno::unimplemented(
            "a peer's IFLA_TARGET_NETNSID / IFLA_LINK_NETNSID",
        ));
    }
    rtnl_link_get_net_ifla_capable(k, skb, &peer_tb)
}

/// `rtnl_link_get_net_ifla` and the capability check `rtnl_get_peer_net` makes.
fn rtnl_link_get_net_ifla_capable(
    k: &Kernel,
    skb: &SkBuff,
    tb: &IfAttrs<'_>,
) -> SysResult<Option<NetId>> {
    let Some(net) = rtnl_link_get_net_ifla(k, skb, tb)? else {
        return Ok(None);
    };
    let user_ns = k.net(net).user_ns;
    if !crate::af_netlink::caps::netlink_ns_capable(k, skb, user_ns, crate::cred::CAP_NET_ADMIN) {
        return Err(Errno::EPERM.into());
    }
    Ok(Some(net))
}

/// `rtnl_nla_parse_ifinfomsg`: the attributes after the `ifinfomsg` at the start of the
/// payload `r` (shorter than an `ifinfomsg`: ERANGE, the attribute's policy minimum; a
/// negative index: EINVAL at the attribute).
pub fn rtnl_nla_parse_ifinfomsg<'a>(
    msg: &'a [u8],
    r: Range<usize>,
    policy: &[NlaPolicy],
    extack: &mut NetlinkExtAck,
) -> SysResult<IfAttrs<'a>> {
    if r.len() < IFINFOMSG_LEN {
        extack.msg = Some("Attribute failed policy validation".into());
        return Err(Errno::ERANGE.into());
    }
    // The peer's ifi_index, at offset 4 of its ifinfomsg.
    let index = i32::from_ne_bytes(msg[r.start + 4..r.start + 8].try_into().expect("4 bytes"));
    if index < 0 {
        extack.msg = Some("ifindex can't be negative".into());
        extack.bad_attr = Some(r.start - crate::uapi::netlink::NLA_HDRLEN);
        return Err(Errno::EINVAL.into());
    }
    let tb = nla_parse(
        msg,
        r.start + IFINFOMSG_LEN,
        r.end,
        policy,
        Validate::Liberal,
        extack,
    )?;
    Ok(IfAttrs { msg, tb })
}

/// `rtnl_newlink_create`: allocate the device, let the driver register it, then configure and
/// announce it (with the requester's echo).
fn rtnl_newlink_create(
    k: &mut Kernel,
    p: &mut RtnlNewlinkParams<'_>,
    ops: &'static RtnlLinkOps,
    ifm: &IfInfoMsg,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    let ifname =
        p.tb.string(IFLA_IFNAME)
            .unwrap_or_else(|| format!("{}%d", ops.kind));
    let tb = p.tb.clone();
    let mut dev = rtnl_create_link(k, ops, &ifname, &tb, p.extack)?;
    dev.ifindex = ifm.index as u32;
    let ifindex = match ops.newlink {
        Some(newlink) => newlink(k, p, dev)?,
        None => crate::dev::register_netdevice(k, p.net, dev)?,
    };
    rtnl_configure_link(k, p.net, ifindex, Some(ifm), report)?;
    if let Some(master) = tb.u32(IFLA_MASTER) {
        if let Err(e) = super::setlink::do_set_master(k, p.net, ifindex, master, p.extack) {
            // out_unregister: the new link goes again, with what its driver takes along.
            let list = ops.dellink_list(k, p.net, ifindex);
            crate::dev::unregister_netdevice_many_nets(k, p.net, &list, None)?;
            return Err(e);
        }
    }
    Ok(())
}

/// `rtnl_create_link`: a new, unregistered device of `ops`'s type with the request's queue
/// counts, MTU, addresses and limits.
pub fn rtnl_create_link(
    k: &mut Kernel,
    ops: &'static RtnlLinkOps,
    ifname: &str,
    tb: &IfAttrs<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<NetDevice> {
    let dflt = ops.get_num_queues.map_or(1, |f| f(k));
    let txq = tb.u32(IFLA_NUM_TX_QUEUES).unwrap_or(dflt);
    let rxq = tb.u32(IFLA_NUM_RX_QUEUES).unwrap_or(dflt);
    if !(1..=4096).contains(&txq) {
        extack.msg = Some("Invalid number of transmit queues".into());
        return Err(Errno::EINVAL.into());
    }
    if !(1..=4096).contains(&rxq) {
        extack.msg = Some("Invalid number of receive queues".into());
        return Err(Errno::EINVAL.into());
    }
    let mut dev = NetDevice::alloc(ifname, txq, &crate::netdevice::NetDeviceOps::NONE);
    dev.num_rx_queues = rxq;
    let features = k.features;
    (ops.setup)(&mut dev, k.random.as_mut(), features, k.profile.config);
    dev.rtnl_link_ops = Some(ops);
    validate_linkmsg(&k.registry.af_ops, k.features, &dev, tb, extack)?;
    if let Some(mtu) = tb.u32(IFLA_MTU) {
        if let Err((e, msg)) = dev.dev_validate_mtu(mtu) {
            extack.msg = Some(msg.into());
            return Err(e.into());
        }
        dev.set_initial_mtu(mtu);
    }
    if let Some(a) = tb.get(IFLA_ADDRESS) {
        dev.addr = a[..dev.addr.len()].to_vec();
        dev.addr_set = true;
    }
    if let Some(b) = tb.get(IFLA_BROADCAST) {
        let n = dev.broadcast.len();
        dev.broadcast = b[..n].to_vec();
    }
    if let Some(q) = tb.u32(IFLA_TXQLEN) {
        dev.txqlen = q;
    }
    if tb.has(IFLA_OPERSTATE) || tb.has(IFLA_LINKMODE) {
        return Err(crate::errno::unimplemented(
            "IFLA_OPERSTATE / IFLA_LINKMODE at creation",
        ));
    }
    if let Some(g) = tb.u32(IFLA_GROUP) {
        dev.group = g;
    }
    if let Some(v) = tb.u32(IFLA_GSO_MAX_SIZE) {
        dev.gso_max_size = v;
    }
    if let Some(v) = tb.u32(IFLA_GSO_MAX_SEGS) {
        dev.gso_max_segs = v;
    }
    if let Some(v) = tb.u32(IFLA_GRO_MAX_SIZE) {
        dev.gro_max_size = v;
    }
    if let Some(v) = tb.u32(IFLA_GSO_IPV4_MAX_SIZE) {
        dev.gso_ipv4_max_size = v;
    }
    if let Some(v) = tb.u32(IFLA_GRO_IPV4_MAX_SIZE) {
        dev.gro_ipv4_max_size = v;
    }
    Ok(dev)
}

/// `rtnl_dev_combine_flags`: the flags `ifi_change` selects from the request, the rest kept.
pub fn rtnl_dev_combine_flags(dev_flags: u32, ifm: &IfInfoMsg) -> u32 {
    let change = if ifm.change == 0 { !0 } else { ifm.change };
    (dev_flags & !change) | (ifm.flags & change)
}

/// `rtnl_configure_link`: apply the header's flags (`__dev_change_flags`: up, PROMISC...) and
/// announce the new link (RTM_NEWLINK, change ~0, with the echo when asked), then what the
/// flags changed (`__dev_notify_flags`: NETDEV_UP...). The link is then initialized: only
/// initialized links are announced when they go.
pub fn rtnl_configure_link(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    ifm: Option<&IfInfoMsg>,
    report: Option<Report<'_>>,
) -> SysResult<()> {
    let dev = k.dev(net, ifindex).expect("registered");
    let old = dev.flags;
    if let Some(ifm) = ifm.filter(|m| m.flags != 0 || m.change != 0) {
        let flags = rtnl_dev_combine_flags(dev.dev_get_flags(), ifm);
        crate::dev_flags::__dev_change_flags(k, net, ifindex, flags)?;
    }
    if let Some(d) = k.dev_mut(net, ifindex) {
        d.rtnl_link_initialized = true;
    }
    crate::dev_flags::__dev_notify_flags(k, net, ifindex, old, !0, report)
}
