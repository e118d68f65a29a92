//! ifb (`drivers/net/ifb.c`): the Intermediate Functional Block, an Ethernet device that takes
//! the traffic tc redirects to it. The model creates, changes and deletes ifb devices and
//! brings them up and down; no traffic is modeled (nothing is redirected, so nothing moves
//! its counters).
//!
//! The kind has no `newlink` or `dellink` of its own: rtnetlink registers and unregisters the
//! device alone. Its carrier is on from the start and nothing turns it off, so it runs with
//! operstate UNKNOWN once up, like `lo`; it keeps a queue (`pfifo_fast` by default).

use crate::errno::{Errno, SysResult};
use crate::ethernet::{eth_random_addr, eth_validate_addr_attr, ether_setup};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::{NetDevice, NetDeviceOps};
use crate::profile::{Feature, FeatureSet};
use crate::random::RandomSource;
use crate::rtnetlink::newlink::IfAttrs;
use crate::rtnetlink::ops::{rtnl_link_register, RtnlLinkOps};
use crate::uapi::if_::{IFF_MULTICAST, IFF_NOARP};

/// `TX_Q_LIMIT`: an ifb's queue length.
const TX_Q_LIMIT: u32 = 32;

/// `ifb_link_ops`.
static IFB_LINK_OPS: RtnlLinkOps = RtnlLinkOps {
    kind: "ifb",
    maxtype: 0,
    setup: ifb_setup,
    validate: Some(ifb_validate),
    newlink: None,
    dellink: None,
    get_num_queues: None,
    policy: None,
    changelink: None,
    peer_type: None,
    fill_info: None,
    fill_slave_info: None,
    slave_policy: None,
    slave_changelink: None,
    get_size: None,
    get_slave_size: None,
    get_link_net: None,
    dev_moved: None,
};

/// `ifb_netdev_ops`: opening and closing start and stop the queues, which nothing outside
/// the device sees.
static IFB_NETDEV_OPS: NetDeviceOps = NetDeviceOps {
    ndo_open: Some(ifb_open),
    ndo_stop: Some(ifb_close),
    ..NetDeviceOps::NONE
};

/// `ifb_init_module`: the kind. (The module's own `numifbs` devices live in `init_net`
/// only, which the model's namespaces never are.)
pub fn ifb_init_module(k: &mut Kernel) {
    rtnl_link_register(k, &IFB_LINK_OPS);
}

/// `ifb_setup`: an Ethernet device without ARP or multicast, a queue of 32, a random address,
/// and no MTU limits.
fn ifb_setup(
    dev: &mut NetDevice,
    random: &mut dyn RandomSource,
    features: FeatureSet,
    _config: &crate::profile::Config,
) {
    ether_setup(dev);
    if features.has(Feature::IfbBigTcp) {
        dev.tso_max_size = crate::netdevice::GSO_MAX_SIZE;
    }
    dev.netdev_ops = &IFB_NETDEV_OPS;
    dev.txqlen = TX_Q_LIMIT;
    dev.flags |= IFF_NOARP;
    dev.flags &= !IFF_MULTICAST;
    dev.addr = eth_random_addr(random);
    dev.min_mtu = 0;
    dev.max_mtu = 0;
}

/// `ifb_validate`: a 6-byte unicast address.
fn ifb_validate(
    tb: &IfAttrs<'_>,
    _data: Option<&IfAttrs<'_>>,
    _config: &crate::profile::Config,
) -> Result<(), Errno> {
    eth_validate_addr_attr(tb)
}

/// `ifb_open`: `netif_tx_start_all_queues`.
fn ifb_open(_k: &mut Kernel, _net: NetId, _ifindex: u32) -> SysResult<()> {
    Ok(())
}

/// `ifb_close`: `netif_tx_stop_all_queues`.
fn ifb_close(_k: &mut Kernel, _net: NetId, _ifindex: u32) -> SysResult<()> {
    Ok(())
}
