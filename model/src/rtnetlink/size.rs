//! `if_nlmsg_size` (`net/core/rtnetlink.c`): the room a link message's skb is allocated with
//! (`nlmsg_new`), every attribute the release can write counted at its largest, the kind's
//! and the families' parts asked of their ops. It is an upper bound; what a listener's queue
//! is charged follows from it: a message filling less than half of the head keeps the head
//! (`netlink_trim` gives back only when at least half is unused), so a short RTM_DELLINK is
//! charged the room of a whole link message.

use super::fill::FillCtx;
use crate::netdevice::NetDevice;
use crate::nlattr::{nla_total_size as nts, nla_total_size_64bit as nts64};
use crate::profile::Feature;
use crate::uapi::rtnetlink::{RTEXT_FILTER_NAME_ONLY, RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF};

/// `IFNAMSIZ`, `IFALIASZ`, `ALTIFNAMSIZ`, `MAX_ADDR_LEN`, `MAX_PHYS_ITEM_ID_LEN`.
const IFNAMSIZ: usize = 16;
const IFALIASZ: usize = 256;
const ALTIFNAMSIZ: usize = 128;
const MAX_ADDR_LEN: usize = 32;
const MAX_PHYS_ITEM_ID_LEN: usize = 32;
/// `sizeof(struct rtnl_link_ifmap)`, `struct rtnl_link_stats`, `struct rtnl_link_stats64`.
const IFMAP_LEN: usize = 32;
const STATS_LEN: usize = 24 * 4;
const STATS64_LEN: usize = 25 * 8;
/// `NLMSG_ALIGN(sizeof(struct ifinfomsg))`.
const IFINFOMSG_LEN: usize = 16;

/// `if_nlmsg_size(dev, ext_filter_mask)`.
pub fn if_nlmsg_size(ctx: &FillCtx<'_>, dev: &NetDevice, ext_filter_mask: u32) -> usize {
    let f = ctx.features;
    let mut size = IFINFOMSG_LEN + nts(IFNAMSIZ) + rtnl_prop_list_size(dev);
    // With the names-only filter's release (7.x), a names-only request is sized for its
    // names alone, and one skipping statistics without them (below).
    let restructured = f.has(Feature::RtextFilterNameOnly);
    if restructured && ext_filter_mask & RTEXT_FILTER_NAME_ONLY != 0 {
        return size;
    }
    size += nts(IFALIASZ) + nts(IFNAMSIZ) + nts64(IFMAP_LEN);
    size += 2 * nts(MAX_ADDR_LEN); // IFLA_ADDRESS, IFLA_BROADCAST
                                   // TXQLEN, WEIGHT, MTU, LINK, MASTER; CARRIER; PROMISCUITY, ALLMULTI, NUM_TX_QUEUES,
                                   // NUM_RX_QUEUES, GSO_MAX_SEGS, GSO_MAX_SIZE, GRO_MAX_SIZE.
    size += 5 * nts(4) + nts(1) + 7 * nts(4);
    if f.has(Feature::IflaGsoGroIpv4MaxSize) {
        size += 2 * nts(4);
    }
    size += 2 * nts(4); // TSO_MAX_SIZE, TSO_MAX_SEGS
    size += 2 * nts(1); // OPERSTATE, LINKMODE
    if f.has(Feature::IflaNetnsImmutable) {
        size += nts(1);
    }
    size += 3 * nts(4); // CARRIER_CHANGES, LINK_NETNSID, GROUP
    size += nts(if ext_filter_mask & RTEXT_FILTER_VF != 0 {
        4
    } else {
        0
    }); // NUM_VF
        // rtnl_vfinfo_size and rtnl_port_size: no modeled device has VFs or ports.
    size += rtnl_link_get_size(ctx, dev);
    size += rtnl_link_get_af_size(ctx, dev);
    size += 2 * nts(MAX_PHYS_ITEM_ID_LEN) + nts(IFNAMSIZ); // PHYS_PORT_ID, _SWITCH_ID, _PORT_NAME
    size += nts(0) + nts(1) + 2 * nts(4); // rtnl_xdp_size
    size += 3 * nts(4); // EVENT, NEW_NETNSID, NEW_IFINDEX
    size += nts(1) + nts(0) + nts(4); // rtnl_proto_down_size (a reason assumed)
    size += 5 * nts(4); // TARGET_NETNSID, CARRIER_UP_COUNT, CARRIER_DOWN_COUNT, MIN_MTU, MAX_MTU
    size += nts(MAX_ADDR_LEN); // PERM_ADDRESS
    if f.has(Feature::IflaDevlinkPort) {
        size += nts(0); // no modeled device has a devlink port
    }
    if f.has(Feature::IflaDpllPin) {
        // The nest; no modeled device has a pin. (Builds with CONFIG_DPLL whose
        // dpll_netdev_pin_handle_size takes no device reserve 8 bytes more: not modeled.)
        size += nts(0);
    }
    if f.has(Feature::IflaMaxPacingOffloadHorizon) {
        size += nts(8);
    }
    if f.has(Feature::IflaHeadroomTailroom) {
        size += 2 * nts(2);
    }
    // rtnl_dev_parent_size: virtual devices have no parent.
    if !(restructured && ext_filter_mask & RTEXT_FILTER_SKIP_STATS != 0) {
        size += nts(STATS_LEN) + nts64(STATS64_LEN);
    }
    size
}

/// `rtnl_prop_list_size`: the alternative names' nest.
fn rtnl_prop_list_size(dev: &NetDevice) -> usize {
    match dev.altnames.len() {
        0 => 0,
        n => nts(0) + n * nts(ALTIFNAMSIZ),
    }
}

/// `rtnl_link_get_size`: IFLA_LINKINFO with the kind's name and data, and the master's kind
/// and slave data.
fn rtnl_link_get_size(ctx: &FillCtx<'_>, dev: &NetDevice) -> usize {
    let Some(ops) = dev.rtnl_link_ops else {
        return 0;
    };
    let mut size = nts(4) + nts(ops.kind.len() + 1);
    if let Some(get_size) = ops.get_size {
        size += nts(4) + get_size(ctx, dev);
    }
    size + rtnl_link_get_slave_info_data_size(ctx, dev)
}

/// `rtnl_link_get_slave_info_data_size`: the master's kind and its slave data.
fn rtnl_link_get_slave_info_data_size(ctx: &FillCtx<'_>, dev: &NetDevice) -> usize {
    let Some(ops) = ctx.master.and_then(|m| m.rtnl_link_ops) else {
        return 0;
    };
    let mut size = nts(ops.kind.len() + 1);
    if let Some(get_slave_size) = ops.get_slave_size {
        size += nts(4) + get_slave_size(ctx, dev);
    }
    size
}

/// `rtnl_link_get_af_size`: IFLA_AF_SPEC, and each family that sizes its part.
fn rtnl_link_get_af_size(ctx: &FillCtx<'_>, dev: &NetDevice) -> usize {
    nts(4)
        + ctx
            .af_ops
            .iter()
            .filter_map(|ops| ops.get_link_af_size)
            .map(|get| nts(4) + get(ctx, dev))
            .sum::<usize>()
}
