//! rtnetlink's extension points (`include/net/rtnetlink.h`, `rtnl_link_register` and
//! `rtnl_af_register` in `rtnetlink.c`): link kinds register their `rtnl_link_ops`, address
//! families their `rtnl_af_ops`; rtnetlink finds them by kind and by family, in registration
//! order, as the kernel does.
//!
//! A new link kind is one file in `drivers/` with its ops and an init that calls
//! [`rtnl_link_register`], plus its init in the kernel's initcall list (`kernel.rs`).

use std::ops::Range;

use crate::af_netlink::NetlinkExtAck;
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::NetDevice;
use crate::profile::FeatureSet;
use crate::random::RandomSource;
use crate::skbuff::SkBuff;

use super::newlink::{IfAttrs, RtnlNewlinkParams};

/// `rtnl_link_ops->validate`: check the request's attributes (and its IFLA_INFO_DATA, parsed
/// with the kind's `policy`) before anything is created or changed; the build decides some
/// checks.
pub type LinkValidate =
    fn(&IfAttrs<'_>, Option<&IfAttrs<'_>>, &crate::profile::Config) -> Result<(), Errno>;

/// `rtnl_link_ops->changelink`: (the namespace, the device, the request's attributes, its
/// IFLA_INFO_DATA parsed with the kind's `policy`, the ext-ack).
pub type LinkChangelink = fn(
    &mut Kernel,
    NetId,
    u32,
    &IfAttrs<'_>,
    Option<&IfAttrs<'_>>,
    &mut NetlinkExtAck,
) -> SysResult<()>;

/// What a kind's part of a link message depends on besides the device: the release's
/// features and the build.
#[derive(Clone, Copy, Debug)]
pub struct LinkFillCtx {
    /// The release's features (which attributes exist).
    pub features: FeatureSet,
    /// The build (e.g. bridge VLAN filtering).
    pub config: &'static crate::profile::Config,
    /// `jiffies` when the message is filled: what a running timer's time left is counted
    /// from.
    pub jiffies: u64,
}

impl LinkFillCtx {
    /// The context of a message filled now in `k`.
    pub fn of(k: &Kernel) -> LinkFillCtx {
        LinkFillCtx {
            features: k.features,
            config: k.profile.config,
            jiffies: k.jiffies(),
        }
    }
}

/// `rtnl_link_ops->fill_info`: write a device's IFLA_INFO_DATA.
pub type LinkFillInfo = fn(&mut SkBuff, LinkFillCtx, &NetDevice) -> Result<(), Errno>;

/// `rtnl_link_ops->fill_slave_info`: write a lower device's IFLA_INFO_SLAVE_DATA (the upper
/// device, then the lower one).
pub type LinkFillSlaveInfo =
    fn(&mut SkBuff, LinkFillCtx, &NetDevice, &NetDevice) -> Result<(), Errno>;

/// `rtnl_link_ops->newlink`: register the new device; returns its ifindex.
pub type LinkNewlink = fn(&mut Kernel, &mut RtnlNewlinkParams<'_>, NetDevice) -> SysResult<u32>;

/// A device of a kind moved from one `(namespace, ifindex)` to another (see
/// [`RtnlLinkOps::dev_moved`]).
pub type LinkDevMoved = fn(&mut Kernel, (NetId, u32), (NetId, u32));

/// `rtnl_link_ops->dellink`: the devices that go with this one, each with its namespace (a
/// veth's peer may live in another).
pub type LinkDellink = fn(&mut Kernel, NetId, u32) -> Vec<(NetId, u32)>;

/// `slave_changelink`: (the namespace, the master, the lower device, the request message,
/// its IFLA_INFO_SLAVE_DATA parsed with `slave_policy`, the ext-ack).
pub type LinkSlaveChangelink = fn(
    &mut Kernel,
    NetId,
    u32,
    u32,
    &[u8],
    Option<&crate::nlattr::Tb>,
    &mut NetlinkExtAck,
) -> SysResult<()>;

/// A link kind (`struct rtnl_link_ops`), as far as the model uses it.
#[derive(Debug)]
pub struct RtnlLinkOps {
    /// `kind`: the IFLA_INFO_KIND name.
    pub kind: &'static str,
    /// `maxtype`: the highest IFLA_INFO_DATA attribute.
    pub maxtype: u16,
    /// `setup`: make a freshly allocated device one of this kind (its ops, type, flags,
    /// private state); drivers that choose a random address draw it here.
    pub setup: fn(&mut NetDevice, &mut dyn RandomSource, FeatureSet, &crate::profile::Config),
    /// `validate`.
    pub validate: Option<LinkValidate>,
    /// `newlink`: register the device (and whatever goes with it); returns its ifindex.
    /// `None`: the device alone is registered (`register_netdevice`).
    pub newlink: Option<LinkNewlink>,
    /// `dellink`: the devices to unregister with this one, in order. `None`: the device
    /// alone (`unregister_netdevice_queue`).
    pub dellink: Option<LinkDellink>,
    /// `get_num_tx_queues` / `get_num_rx_queues` (`None`: one queue each).
    pub get_num_queues: Option<fn(&Kernel) -> u32>,
    /// `policy` of the release: how IFLA_INFO_DATA is parsed (`None`: nothing validated
    /// up to `maxtype`).
    pub policy: Option<fn(FeatureSet) -> Vec<crate::nlattr::NlaPolicy>>,
    /// `changelink`: options of an existing device in IFLA_INFO_DATA.
    pub changelink: Option<LinkChangelink>,
    /// `peer_type`: the IFLA_INFO_DATA attribute holding a peer's `ifinfomsg` and attributes.
    pub peer_type: Option<u16>,
    /// `fill_info`: the IFLA_INFO_DATA of a device of this kind.
    pub fill_info: Option<LinkFillInfo>,
    /// `fill_slave_info`: the IFLA_INFO_SLAVE_DATA of a device whose upper device is of this
    /// kind.
    pub fill_slave_info: Option<LinkFillSlaveInfo>,
    /// `slave_maxtype` and `slave_policy` of the release: how IFLA_INFO_SLAVE_DATA is parsed.
    pub slave_policy: Option<fn(FeatureSet) -> Vec<crate::nlattr::NlaPolicy>>,
    /// `slave_changelink`: options of a lower device set through its upper one.
    pub slave_changelink: Option<LinkSlaveChangelink>,
    /// `get_size`: the room IFLA_INFO_DATA's nested attributes may take (what
    /// `if_nlmsg_size` sizes a link message's skb by; `None`: the kind has no INFO_DATA).
    pub get_size: Option<fn(&super::fill::FillCtx<'_>, &NetDevice) -> usize>,
    /// `get_slave_size`: likewise for IFLA_INFO_SLAVE_DATA of a lower device of this kind.
    pub get_slave_size: Option<fn(&super::fill::FillCtx<'_>, &NetDevice) -> usize>,
    /// `get_link_net`: the namespace of the device's link (a veth's peer), given the
    /// device's own namespace.
    pub get_link_net: Option<fn(&NetDevice, NetId) -> NetId>,
    /// Where the kernel's devices hold each other by pointer, the model names them by
    /// namespace and ifindex: a kind whose devices name others (a veth its peer) follows a
    /// device of its kind moving from `(net, ifindex)` to another (`dev_change_net_namespace`).
    pub dev_moved: Option<LinkDevMoved>,
}

impl RtnlLinkOps {
    /// The devices `rtnl_delete_link` takes with `ifindex`: the kind's `dellink`, or the
    /// device alone.
    pub fn dellink_list(&self, k: &mut Kernel, net: NetId, ifindex: u32) -> Vec<(NetId, u32)> {
        match self.dellink {
            Some(dellink) => dellink(k, net, ifindex),
            None => vec![(net, ifindex)],
        }
    }
}

/// `rtnl_link_register`: make a kind creatable (registration order is the order kinds are
/// looked up in).
pub fn rtnl_link_register(k: &mut Kernel, ops: &'static RtnlLinkOps) {
    k.registry.link_ops.push(ops);
}

/// `rtnl_link_ops_get`: the registered kind named `kind`.
pub fn rtnl_link_ops_get(k: &Kernel, kind: &str) -> Option<&'static RtnlLinkOps> {
    k.registry.link_ops.iter().copied().find(|o| o.kind == kind)
}

/// What an address family's part of a link message depends on besides the device.
#[derive(Clone, Copy, Debug)]
pub struct LinkAfCtx {
    /// The release (its uapi array sizes).
    pub release: &'static crate::profile::Release,
    /// The request's IFLA_EXT_MASK (`RTEXT_FILTER_*`).
    pub ext_filter_mask: u32,
    /// The release's features (e.g. how IPv6's counters are laid out).
    pub features: crate::profile::FeatureSet,
}

/// `rtnl_af_ops->fill_link_af`: an address family's part of IFLA_AF_SPEC; `Err(ENODATA)`
/// when the device has nothing for it (the nest is then dropped).
pub type LinkAfFill = fn(&mut SkBuff, &NetDevice, LinkAfCtx) -> Result<(), Errno>;

/// `rtnl_af_ops->validate_link_af`: check a family's part of a request's IFLA_AF_SPEC.
pub type LinkAfValidate =
    fn(Option<&NetDevice>, &[u8], Range<usize>, FeatureSet, &mut NetlinkExtAck) -> SysResult<()>;

/// `rtnl_af_ops->set_link_af`: apply a family's (validated) part of IFLA_AF_SPEC.
pub type LinkAfSet =
    fn(&mut Kernel, NetId, u32, &[u8], Range<usize>, &mut NetlinkExtAck) -> SysResult<()>;

/// An address family's link operations (`struct rtnl_af_ops`).
#[derive(Debug)]
pub struct RtnlAfOps {
    /// `family` (AF_*): the type of its nest in IFLA_AF_SPEC.
    pub family: u8,
    /// `fill_link_af`.
    pub fill_link_af: Option<LinkAfFill>,
    /// `validate_link_af`.
    pub validate_link_af: Option<LinkAfValidate>,
    /// `set_link_af` (none: the family's part of a request is EOPNOTSUPP).
    pub set_link_af: Option<LinkAfSet>,
    /// `get_link_af_size`: the room the family's nest may take in a link message (what
    /// `if_nlmsg_size` sizes a link message's skb by).
    pub get_link_af_size: Option<fn(&super::fill::FillCtx<'_>, &NetDevice) -> usize>,
}

/// `rtnl_af_register`: add an address family's link operations (after those registered
/// before: IFLA_AF_SPEC lists families in this order).
pub fn rtnl_af_register(k: &mut Kernel, ops: &'static RtnlAfOps) {
    k.registry.af_ops.push(ops);
}

/// `rtnl_af_lookup`: the operations of `family`.
pub fn rtnl_af_lookup(k: &Kernel, family: u16) -> Option<&'static RtnlAfOps> {
    k.registry
        .af_ops
        .iter()
        .copied()
        .find(|o| u16::from(o.family) == family)
}
