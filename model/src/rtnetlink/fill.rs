//! `rtnl_fill_ifinfo`: one RTM_NEWLINK message for a device, every attribute in the 6.18
//! kernel's order and size; and the AF_SPEC content (`inet_fill_link_af`,
//! `inet6_fill_link_af`).

use crate::errno::Errno;
use crate::netdevice::{NetDevice, ICMP6_MIB_MAX, IPSTATS_MIB_MAX};
use crate::skbuff::SkBuff;
use crate::uapi::if_link::*;
use crate::uapi::rtnetlink::*;
use crate::uapi::socket::AF_UNSPEC;
use nltwin_wire::ifinfomsg;

/// `struct rtnl_link_stats64`: 25 counters.
const STATS64_LEN: usize = 25 * 8;
/// `struct rtnl_link_stats`: 24 counters.
const STATS_LEN: usize = 24 * 4;
/// `struct rtnl_link_ifmap`.
const IFMAP_LEN: usize = 32;

/// `rtnl_fill_ifinfo`: append the message; on EMSGSIZE nothing of it stays in the skb.
#[allow(clippy::too_many_arguments)]
pub fn rtnl_fill_ifinfo(
    skb: &mut SkBuff,
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
    dev: &NetDevice,
    ty: u16,
    pid: u32,
    seq: u32,
    flags: u16,
    change: u32,
    event: u32,
    ext_filter_mask: u32,
) -> Result<(), Errno> {
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
    let mut name = crate::netdevice::ifname_bytes(&dev.name);
    name.push(0);
    skb.nla_put(IFLA_IFNAME, &name)?;
    skb.nla_put_u32(IFLA_TXQLEN, dev.txqlen)?;
    skb.nla_put_u8(IFLA_OPERSTATE, dev.reported_operstate())?;
    skb.nla_put_u8(IFLA_LINKMODE, dev.link_mode)?;
    skb.nla_put_u8(IFLA_NETNS_IMMUTABLE, u8::from(dev.netns_immutable))?;
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
    skb.nla_put_u32(IFLA_GSO_IPV4_MAX_SIZE, dev.gso_ipv4_max_size)?;
    skb.nla_put_u32(IFLA_GRO_IPV4_MAX_SIZE, dev.gro_ipv4_max_size)?;
    skb.nla_put_u32(IFLA_TSO_MAX_SIZE, dev.tso_max_size)?;
    skb.nla_put_u32(IFLA_TSO_MAX_SEGS, dev.tso_max_segs)?;
    // nla_put_uint: 4 bytes when the value fits.
    match u32::try_from(dev.max_pacing_offload_horizon) {
        Ok(v) => skb.nla_put_u32(IFLA_MAX_PACING_OFFLOAD_HORIZON, v)?,
        Err(_) => skb.nla_put_u64(
            IFLA_MAX_PACING_OFFLOAD_HORIZON,
            dev.max_pacing_offload_horizon,
        )?,
    }
    skb.nla_put_u32(IFLA_NUM_RX_QUEUES, dev.num_rx_queues)?;
    if let Some(m) = dev.master {
        skb.nla_put_u32(IFLA_MASTER, m)?;
    }
    skb.nla_put_u8(IFLA_CARRIER, u8::from(dev.carrier))?;
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
    skb.nla_put_u16(IFLA_HEADROOM, dev.headroom)?;
    skb.nla_put_u16(IFLA_TAILROOM, dev.tailroom)?;
    skb.nla_put_u8(IFLA_PROTO_DOWN, u8::from(dev.proto_down))?;
    if event != 0 {
        skb.nla_put_u32(IFLA_EVENT, event)?;
    }
    if !dev.addr.is_empty() {
        skb.nla_put(IFLA_ADDRESS, &dev.addr)?;
        skb.nla_put(IFLA_BROADCAST, &dev.broadcast)?;
    }
    // No traffic is modeled: the counters stay at zero.
    skb.nla_reserve(IFLA_STATS64, STATS64_LEN)?;
    skb.nla_reserve(IFLA_STATS, STATS_LEN)?;
    let xdp = skb.nla_nest_start_noflag(IFLA_XDP)?;
    skb.nla_put_u8(IFLA_XDP_ATTACHED, 0)?;
    skb.nla_nest_end(xdp);
    if let Some(kind) = dev.kind {
        // rtnl_link_fill / rtnl_link_info_fill: the kind, then the type's own data (a bridge's
        // options; veth has none).
        let linkinfo = skb.nla_nest_start_noflag(IFLA_LINKINFO)?;
        skb.nla_put_string(IFLA_INFO_KIND, kind)?;
        if let Some(fill_info) = super::newlink::dev_link_ops(dev).and_then(|o| o.fill_info) {
            let data = skb.nla_nest_start_noflag(IFLA_INFO_DATA)?;
            fill_info(skb, dev)?;
            skb.nla_nest_end(data);
        }
        // rtnl_link_slave_info_fill: a bridge port's part.
        if let Some(port) = &dev.brport {
            skb.nla_put_string(IFLA_INFO_SLAVE_KIND, "bridge")?;
            let data = skb.nla_nest_start_noflag(IFLA_INFO_SLAVE_DATA)?;
            crate::drivers::bridge::br_port_fill_attrs(skb, dev, port)?;
            skb.nla_nest_end(data);
        }
        skb.nla_nest_end(linkinfo);
    }
    // nla_put_iflink: only when the link differs from the device itself.
    if dev.dev_get_iflink() != dev.ifindex {
        skb.nla_put_u32(IFLA_LINK, dev.dev_get_iflink())?;
    }
    skb.nla_put_string(IFLA_QDISC, dev.qdisc)?;
    rtnl_fill_link_af(skb, dev, ext_filter_mask)?;
    skb.nla_reserve(IFLA_MAP, IFMAP_LEN)?;
    // rtnl_fill_prop_list: the alternative names, when there are any.
    if !dev.altnames.is_empty() {
        let list = skb.nla_nest_start(IFLA_PROP_LIST)?;
        for a in &dev.altnames {
            let mut b = crate::netdevice::ifname_bytes(a);
            b.push(0);
            skb.nla_put(IFLA_ALT_IFNAME, &b)?;
        }
        skb.nla_nest_end(list);
    }
    let port = skb.nla_nest_start(IFLA_DEVLINK_PORT)?;
    skb.nla_nest_end(port);
    let pin = skb.nla_nest_start(IFLA_DPLL_PIN)?;
    skb.nla_nest_end(pin);
    skb.nlmsg_end(at);
    Ok(())
}

/// `rtnl_fill_link_af`: IFLA_AF_SPEC with the IPv4 and IPv6 parts.
fn rtnl_fill_link_af(skb: &mut SkBuff, dev: &NetDevice, ext_filter_mask: u32) -> Result<(), Errno> {
    let af_spec = skb.nla_nest_start_noflag(IFLA_AF_SPEC)?;
    if !dev.af_attached {
        // Unregistering: both address families answered -ENODATA and added nothing.
        skb.nla_nest_end(af_spec);
        return Ok(());
    }
    // inet_fill_link_af
    let inet = skb.nla_nest_start_noflag(u16::from(crate::uapi::socket::AF_INET))?;
    skb.nla_put_u32_array(IFLA_INET_CONF, &dev.ipv4_devconf)?;
    skb.nla_nest_end(inet);
    // inet6_fill_link_af
    let inet6 = skb.nla_nest_start_noflag(u16::from(crate::uapi::socket::AF_INET6))?;
    let i6 = &dev.inet6;
    skb.nla_put_u32(IFLA_INET6_FLAGS, i6.if_flags)?;
    // struct ifla_cacheinfo: max_reasm_len, tstamp, reachable_time, retrans_time.
    skb.nla_put_u32_array(
        IFLA_INET6_CACHEINFO,
        &[65535, i6.tstamp, i6.reachable_time, i6.retrans_time],
    )?;
    skb.nla_put_i32_array(IFLA_INET6_CONF, &i6.devconf)?;
    if ext_filter_mask & RTEXT_FILTER_SKIP_STATS == 0 {
        // Counters start with their own count; no traffic is modeled.
        let mut stats = [0u64; IPSTATS_MIB_MAX];
        stats[0] = IPSTATS_MIB_MAX as u64;
        skb.nla_put_u64_array(IFLA_INET6_STATS, &stats)?;
        let mut icmp = [0u64; ICMP6_MIB_MAX];
        icmp[0] = ICMP6_MIB_MAX as u64;
        skb.nla_put_u64_array(IFLA_INET6_ICMP6STATS, &icmp)?;
    }
    skb.nla_put(IFLA_INET6_TOKEN, &i6.token)?;
    skb.nla_put_u8(
        IFLA_INET6_ADDR_GEN_MODE,
        i6.devconf[crate::netdevice::DEVCONF_ADDR_GEN_MODE] as u8,
    )?;
    skb.nla_nest_end(inet6);
    skb.nla_nest_end(af_spec);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lo_in_a_fresh_namespace_matches_the_kernel_capture() {
        let want = include_bytes!("../../tests/data/lo.bin");
        let mut lo = NetDevice::loopback(1);
        // The capture's volatile IPv6 cacheinfo values (tstamp, reachable_time).
        lo.inet6.tstamp = 498030;
        lo.inet6.reachable_time = 35112;
        let mut skb = SkBuff::alloc_skb(4096);
        let portid = nltwin_wire::nlmsg::Repr::parse_bytes(want).unwrap().pid;
        rtnl_fill_ifinfo(&mut skb, &lo, RTM_NEWLINK, portid, 1, 0, 0, 0, 0).unwrap();
        pretty_assertions::assert_eq!(skb.data(), &want[..]);
    }

    #[test]
    fn skip_stats_drops_the_ipv6_counters() {
        let lo = NetDevice::loopback(1);
        let mut skb = SkBuff::alloc_skb(4096);
        rtnl_fill_ifinfo(
            &mut skb,
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
        let lo = NetDevice::loopback(1);
        let mut skb = SkBuff::alloc_skb(1000);
        skb.limit_room(1000);
        assert_eq!(
            rtnl_fill_ifinfo(&mut skb, &lo, RTM_NEWLINK, 0, 1, 0, 0, 0, 0),
            Err(Errno::EMSGSIZE)
        );
        assert!(skb.is_empty());
    }
}
