//! `rtnl_fill_ifinfo`: one RTM_NEWLINK message for a device, every attribute in the order and
//! size of the profile's release (the attributes a release has and where it puts them are
//! [`Feature`]s); and the AF_SPEC content (`inet_fill_link_af`, `inet6_fill_link_af`).

use crate::errno::Errno;
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::profile::{Config, Feature, FeatureSet, Release};
use crate::rtnetlink::ops::{LinkAfCtx, LinkFillCtx, RtnlAfOps};
use crate::skbuff::SkBuff;
use crate::uapi::if_link::*;
use crate::uapi::rtnetlink::*;
use crate::uapi::socket::AF_UNSPEC;
use nltwin_wire::ifinfomsg;

/// `struct rtnl_link_stats`: 24 counters.
const STATS_LEN: usize = 24 * 4;
/// `struct rtnl_link_ifmap`.
const IFMAP_LEN: usize = 32;

/// What a link message needs besides the device: the registered address families and the
/// device's master (whose kind writes IFLA_INFO_SLAVE_DATA).
#[derive(Clone, Copy, Debug)]
pub struct FillCtx<'a> {
    /// The address families' link operations (`rtnl_af_ops`).
    pub af_ops: &'a [&'static RtnlAfOps],
    /// The device's master, if it has one.
    pub master: Option<&'a NetDevice>,
    /// The release's features: which attributes exist and where they go.
    pub features: FeatureSet,
    /// The release (its uapi array sizes).
    pub release: &'static Release,
    /// The build (what a kind's attributes depend on, e.g. bridge VLAN filtering).
    pub config: &'static Config,
    /// The id the message's namespace gives the namespace of the device's link, when that is
    /// another (`rtnl_fill_link_netnsid`: IFLA_LINK_NETNSID).
    pub link_netnsid: Option<i32>,
    /// A device leaving for another namespace: the id its old namespace gives the new one and
    /// its index there (IFLA_NEW_NETNSID, IFLA_NEW_IFINDEX of `rtmsg_ifinfo_newnet`).
    pub new_net: Option<(i32, i32)>,
    /// `jiffies` when the message is filled (timers' time left).
    pub jiffies: u64,
}

impl<'a> FillCtx<'a> {
    /// The context of `dev` in `k`.
    pub fn of(k: &'a Kernel, net: NetId, dev: &NetDevice) -> FillCtx<'a> {
        FillCtx {
            af_ops: &k.registry.af_ops,
            master: dev.master.and_then(|m| k.dev(net, m)),
            features: k.features,
            release: k.profile.release,
            config: k.profile.config,
            link_netnsid: link_netnsid(k, net, dev),
            new_net: None,
            jiffies: k.jiffies(),
        }
    }
}

/// The allocating half of `rtnl_fill_link_netnsid`: the id `src_net` gives the namespace of
/// the link of the device `ifindex` of `dev_net`, allocated (and announced, RTM_NEWNSID) the
/// first time a message about the device is filled, as the kernel's fill does. The model's
/// fills read the kernel without changing it, so this runs just before them. With a single
/// namespace no link can live elsewhere: nothing to look at per device.
pub fn rtnl_link_netnsid_alloc(
    k: &mut Kernel,
    src_net: NetId,
    dev_net: NetId,
    ifindex: u32,
) -> crate::errno::SysResult<()> {
    if k.nets.len() < 2 {
        return Ok(());
    }
    let Some(dev) = k.dev(dev_net, ifindex) else {
        return Ok(());
    };
    let Some(get_link_net) = dev.rtnl_link_ops.and_then(|o| o.get_link_net) else {
        return Ok(());
    };
    let link_net = get_link_net(dev, dev_net);
    if link_net != dev_net {
        crate::net_namespace::peernet2id_alloc(k, src_net, link_net)?;
    }
    Ok(())
}

/// Whether a fill of `dev` (of `dev_net`, told to `src_net`) would give its link's namespace
/// an id first: [`rtnl_link_netnsid_alloc`] has something to do.
pub fn rtnl_link_netnsid_wanted(
    k: &Kernel,
    src_net: NetId,
    dev_net: NetId,
    dev: &NetDevice,
) -> bool {
    if k.nets.len() < 2 {
        return false;
    }
    let Some(get_link_net) = dev.rtnl_link_ops.and_then(|o| o.get_link_net) else {
        return false;
    };
    let link_net = get_link_net(dev, dev_net);
    link_net != dev_net && crate::net_namespace::peernet2id(k, src_net, link_net).is_none()
}

/// The IFLA_LINK_NETNSID of `dev` in `net`: the id `net` gave the namespace of the device's
/// link (`get_link_net`) when that is another ([`rtnl_link_netnsid_alloc`] gave it one).
fn link_netnsid(k: &Kernel, net: NetId, dev: &NetDevice) -> Option<i32> {
    let get_link_net = dev.rtnl_link_ops?.get_link_net?;
    let link_net = get_link_net(dev, net);
    if link_net == net {
        return None;
    }
    Some(
        crate::net_namespace::peernet2id(k, net, link_net)
            .unwrap_or(crate::uapi::net_namespace::NETNSA_NSID_NOT_ASSIGNED),
    )
}

/// `rtnl_fill_ifinfo`: append the message; on EMSGSIZE nothing of it stays in the skb.
#[allow(clippy::too_many_arguments)]
pub fn rtnl_fill_ifinfo(
    skb: &mut SkBuff,
    ctx: FillCtx<'_>,
    dev: &NetDevice,
    ty: u16,
    pid: u32,
    seq: u32,
    flags: u16,
    change: u32,
    event: u32,
    ext_filter_mask: u32,
) -> Result<(), Errno> {
    let mark = skb.len();
    let r = fill(
        skb,
        ctx,
        dev,
        ty,
        pid,
        seq,
        flags,
        change,
        event,
        ext_filter_mask,
    );
    if r.is_err() {
        skb.trim(mark);
    }
    r
}

#[allow(clippy::too_many_arguments)]
fn fill(
    skb: &mut SkBuff,
    FillCtx {
        af_ops,
        master,
        features,
        release,
        config,
        link_netnsid,
        new_net,
        jiffies,
    }: FillCtx<'_>,
    dev: &NetDevice,
    ty: u16,
    pid: u32,
    seq: u32,
    flags: u16,
    change: u32,
    event: u32,
    ext_filter_mask: u32,
) -> Result<(), Errno> {
    let has = |f| features.has(f);
    let at = skb.nlmsg_put(pid, seq, ty, IFINFOMSG_LEN, flags)?;
    ifinfomsg::Repr {
        family: AF_UNSPEC,
        link_type: dev.ty,
        index: dev.ifindex as i32,
        flags: dev.dev_get_flags(),
        change,
    }
    .emit(&mut ifinfomsg::Packet::new_unchecked(
        skb.nlmsg_data_mut(at),
    ));
    skb.nla_put_string(IFLA_IFNAME, crate::netdevice::ifname_bytes(&dev.name))?;
    if has(Feature::RtextFilterNameOnly) {
        rtnl_fill_prop_list(skb, dev)?;
        if ext_filter_mask & RTEXT_FILTER_NAME_ONLY != 0 {
            skb.nlmsg_end(at);
            return Ok(());
        }
    }
    skb.nla_put_u32(IFLA_TXQLEN, dev.txqlen)?;
    skb.nla_put_u8(IFLA_OPERSTATE, dev.reported_operstate())?;
    skb.nla_put_u8(IFLA_LINKMODE, dev.link_mode)?;
    if has(Feature::IflaNetnsImmutable) {
        skb.nla_put_u8(IFLA_NETNS_IMMUTABLE, u8::from(dev.netns_immutable))?;
    }
    skb.nla_put_u32(IFLA_MTU, dev.mtu)?;
    skb.nla_put_u32(IFLA_MIN_MTU, dev.min_mtu)?;
    skb.nla_put_u32(IFLA_MAX_MTU, dev.max_mtu)?;
    skb.nla_put_u32(IFLA_GROUP, dev.group)?;
    skb.nla_put_u32(IFLA_PROMISCUITY, dev.promiscuity)?;
    skb.nla_put_u32(IFLA_ALLMULTI, dev.allmulti)?;
    skb.nla_put_u32(IFLA_NUM_TX_QUEUES, dev.num_tx_queues)?;
    skb.nla_put_u32(IFLA_GSO_MAX_SEGS, dev.gso_max_segs)?;
    skb.nla_put_u32(IFLA_GSO_MAX_SIZE, dev.gso_max_size)?;
    skb.nla_put_u32(IFLA_GRO_MAX_SIZE, dev.gro_max_size)?;
    if has(Feature::IflaGsoGroIpv4MaxSize) {
        skb.nla_put_u32(IFLA_GSO_IPV4_MAX_SIZE, dev.gso_ipv4_max_size)?;
        skb.nla_put_u32(IFLA_GRO_IPV4_MAX_SIZE, dev.gro_ipv4_max_size)?;
    }
    skb.nla_put_u32(IFLA_TSO_MAX_SIZE, dev.tso_max_size)?;
    skb.nla_put_u32(IFLA_TSO_MAX_SEGS, dev.tso_max_segs)?;
    if has(Feature::IflaMaxPacingOffloadHorizon) {
        // nla_put_uint: 4 bytes when the value fits.
        match u32::try_from(dev.max_pacing_offload_horizon) {
            Ok(v) => skb.nla_put_u32(IFLA_MAX_PACING_OFFLOAD_HORIZON, v)?,
            Err(_) => skb.nla_put_u64(
                IFLA_MAX_PACING_OFFLOAD_HORIZON,
                dev.max_pacing_offload_horizon,
            )?,
        }
    }
    skb.nla_put_u32(IFLA_NUM_RX_QUEUES, dev.num_rx_queues)?;
    if let Some(m) = dev.master {
        skb.nla_put_u32(IFLA_MASTER, m)?;
    }
    skb.nla_put_u8(IFLA_CARRIER, u8::from(dev.carrier))?;
    if !has(Feature::RtnlFillIfinfoUnderRcu) {
        skb.nla_put_string(IFLA_QDISC, dev.qdisc)?;
    }
    // nla_put_ifalias: only a non-empty alias, NUL-terminated.
    if !dev.ifalias.is_empty() {
        let mut a = dev.ifalias.clone();
        a.push(0);
        skb.nla_put(IFLA_IFALIAS, &a)?;
    }
    skb.nla_put_u32(
        IFLA_CARRIER_CHANGES,
        dev.carrier_up_count + dev.carrier_down_count,
    )?;
    skb.nla_put_u32(IFLA_CARRIER_UP_COUNT, dev.carrier_up_count)?;
    skb.nla_put_u32(IFLA_CARRIER_DOWN_COUNT, dev.carrier_down_count)?;
    if has(Feature::IflaHeadroomTailroom) {
        skb.nla_put_u16(IFLA_HEADROOM, dev.headroom)?;
        skb.nla_put_u16(IFLA_TAILROOM, dev.tailroom)?;
    }
    skb.nla_put_u8(IFLA_PROTO_DOWN, u8::from(dev.proto_down))?;
    if event != 0 {
        skb.nla_put_u32(IFLA_EVENT, event)?;
    }
    if !has(Feature::RtnlFillIfinfoUnderRcu) {
        skb.nla_reserve(IFLA_MAP, IFMAP_LEN)?;
    }
    if !dev.addr.is_empty() {
        skb.nla_put(IFLA_ADDRESS, &dev.addr)?;
        skb.nla_put(IFLA_BROADCAST, &dev.broadcast)?;
    }
    if !(has(Feature::RtextFilterSkipStats) && ext_filter_mask & RTEXT_FILTER_SKIP_STATS != 0) {
        // rtnl_fill_stats: dev_get_stats, then the 32-bit copy.
        let stats = dev.dev_get_stats().to_array();
        skb.nla_put_u64_array(IFLA_STATS64, &stats)?;
        let mut stats32 = [0u32; STATS_LEN / 4];
        for (d, s) in stats32.iter_mut().zip(stats) {
            *d = s as u32;
        }
        skb.nla_put_u32_array(IFLA_STATS, &stats32)?;
    }
    let xdp = skb.nla_nest_start_noflag(IFLA_XDP)?;
    skb.nla_put_u8(IFLA_XDP_ATTACHED, 0)?;
    skb.nla_nest_end(xdp);
    rtnl_link_fill(
        skb,
        LinkFillCtx {
            features,
            config,
            jiffies,
        },
        dev,
        master,
    )?;
    // rtnl_fill_link_netnsid, then nla_put_iflink: the link when it differs from the device
    // itself, or always when it lives in another namespace. The change that moved the fill
    // under RCU put it after the new namespace's id and index.
    let link = |skb: &mut SkBuff| -> Result<(), Errno> {
        if let Some(id) = link_netnsid {
            skb.nla_put_s32(IFLA_LINK_NETNSID, id)?;
        }
        if link_netnsid.is_some() || dev.dev_get_iflink() != dev.ifindex {
            skb.nla_put_u32(IFLA_LINK, dev.dev_get_iflink())?;
        }
        Ok(())
    };
    if !has(Feature::RtnlFillIfinfoUnderRcu) {
        link(skb)?;
    }
    if let Some((nsid, ifindex)) = new_net {
        skb.nla_put_s32(IFLA_NEW_NETNSID, nsid)?;
        skb.nla_put_s32(IFLA_NEW_IFINDEX, ifindex)?;
    }
    if has(Feature::RtnlFillIfinfoUnderRcu) {
        link(skb)?;
    }
    if has(Feature::RtnlFillIfinfoUnderRcu) {
        skb.nla_put_string(IFLA_QDISC, dev.qdisc)?;
    }
    rtnl_fill_link_af(
        skb,
        af_ops,
        dev,
        LinkAfCtx {
            release,
            ext_filter_mask,
            features,
        },
    )?;
    if has(Feature::RtnlFillIfinfoUnderRcu) {
        skb.nla_reserve(IFLA_MAP, IFMAP_LEN)?;
    }
    if !has(Feature::RtextFilterNameOnly) {
        rtnl_fill_prop_list(skb, dev)?;
    }
    if has(Feature::IflaDevlinkPort) {
        let port = skb.nla_nest_start(IFLA_DEVLINK_PORT)?;
        skb.nla_nest_end(port);
    }
    if has(Feature::IflaDpllPin) {
        let pin = skb.nla_nest_start(IFLA_DPLL_PIN)?;
        skb.nla_nest_end(pin);
    }
    skb.nlmsg_end(at);
    Ok(())
}

/// `rtnl_fill_prop_list`: the alternative names, when there are any.
fn rtnl_fill_prop_list(skb: &mut SkBuff, dev: &NetDevice) -> Result<(), Errno> {
    if !dev.altnames.is_empty() {
        let list = skb.nla_nest_start(IFLA_PROP_LIST)?;
        for a in &dev.altnames {
            skb.nla_put_string(IFLA_ALT_IFNAME, crate::netdevice::ifname_bytes(a))?;
        }
        skb.nla_nest_end(list);
    }
    Ok(())
}

/// `rtnl_link_fill`: IFLA_LINKINFO for a device with link ops or a master with slave info:
/// the kind and its IFLA_INFO_DATA (`rtnl_link_info_fill`), then the master's kind and the
/// device's IFLA_INFO_SLAVE_DATA (`rtnl_link_slave_info_fill`).
fn rtnl_link_fill(
    skb: &mut SkBuff,
    ctx: LinkFillCtx,
    dev: &NetDevice,
    master: Option<&NetDevice>,
) -> Result<(), Errno> {
    let master_ops = master.and_then(|m| Some((m, m.rtnl_link_ops?)));
    if dev.rtnl_link_ops.is_none() && master_ops.is_none() {
        return Ok(());
    }
    let linkinfo = skb.nla_nest_start_noflag(IFLA_LINKINFO)?;
    if let Some(ops) = dev.rtnl_link_ops {
        skb.nla_put_string(IFLA_INFO_KIND, ops.kind)?;
        if let Some(fill_info) = ops.fill_info {
            let data = skb.nla_nest_start_noflag(IFLA_INFO_DATA)?;
            fill_info(skb, ctx, dev)?;
            skb.nla_nest_end(data);
        }
    }
    if let Some((master, ops)) = master_ops {
        skb.nla_put_string(IFLA_INFO_SLAVE_KIND, ops.kind)?;
        if let Some(fill) = ops.fill_slave_info {
            let data = skb.nla_nest_start_noflag(IFLA_INFO_SLAVE_DATA)?;
            fill(skb, ctx, master, dev)?;
            skb.nla_nest_end(data);
        }
    }
    skb.nla_nest_end(linkinfo);
    Ok(())
}

/// `rtnl_fill_link_af`: IFLA_AF_SPEC with each registered family's part, in registration
/// order; a family with nothing to say for the device (ENODATA) leaves no nest.
fn rtnl_fill_link_af(
    skb: &mut SkBuff,
    af_ops: &[&'static RtnlAfOps],
    dev: &NetDevice,
    ctx: LinkAfCtx,
) -> Result<(), Errno> {
    let af_spec = skb.nla_nest_start_noflag(IFLA_AF_SPEC)?;
    for ops in af_ops {
        let Some(fill) = ops.fill_link_af else {
            continue;
        };
        let af = skb.nla_nest_start_noflag(u16::from(ops.family))?;
        match fill(skb, dev, ctx) {
            Ok(()) => skb.nla_nest_end(af),
            Err(Errno::ENODATA) => skb.nla_nest_cancel(af),
            Err(e) => return Err(e),
        }
    }
    skb.nla_nest_end(af_spec);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registered address families of a booted kernel, and no master.
    fn ctx(k: &Kernel) -> FillCtx<'_> {
        FillCtx {
            af_ops: &k.registry.af_ops,
            master: None,
            features: k.features,
            release: k.profile.release,
            config: k.profile.config,
            link_netnsid: None,
            new_net: None,
            jiffies: k.jiffies(),
        }
    }

    #[test]
    fn lo_in_a_fresh_namespace_matches_the_kernel_capture() {
        let (mut k, _) = Kernel::sandboxed(1);
        let want = include_bytes!("../../tests/data/lo.bin");
        let mut lo = crate::drivers::loopback::loopback_dev(&mut k, 1);
        // The capture's volatile IPv6 cacheinfo values (tstamp, reachable_time).
        let idev = lo.ip6_ptr.as_mut().unwrap();
        idev.tstamp = 498030;
        idev.reachable_time = 35112;
        let mut skb = SkBuff::alloc_skb(4096);
        let portid = nltwin_wire::nlmsg::Repr::parse_bytes(want).unwrap().pid;
        rtnl_fill_ifinfo(&mut skb, ctx(&k), &lo, RTM_NEWLINK, portid, 1, 0, 0, 0, 0).unwrap();
        pretty_assertions::assert_eq!(skb.data(), &want[..]);
    }

    #[test]
    fn skip_stats_drops_the_ipv6_counters() {
        let (mut k, _) = Kernel::sandboxed(1);
        let lo = crate::drivers::loopback::loopback_dev(&mut k, 1);
        let mut skb = SkBuff::alloc_skb(4096);
        rtnl_fill_ifinfo(
            &mut skb,
            ctx(&k),
            &lo,
            RTM_NEWLINK,
            0,
            1,
            0,
            0,
            0,
            RTEXT_FILTER_SKIP_STATS,
        )
        .unwrap();
        assert_eq!(skb.len(), 1100);
    }

    #[test]
    fn a_full_skb_keeps_nothing_of_the_message() {
        let (mut k, _) = Kernel::sandboxed(1);
        let lo = crate::drivers::loopback::loopback_dev(&mut k, 1);
        let mut skb = SkBuff::alloc_skb(1000);
        skb.limit_room(1000);
        assert_eq!(
            rtnl_fill_ifinfo(&mut skb, ctx(&k), &lo, RTM_NEWLINK, 0, 1, 0, 0, 0, 0),
            Err(Errno::EMSGSIZE)
        );
        assert!(skb.is_empty());
    }
}
