//! rtnetlink's multicast database messages (`net/core/rtnetlink.c`, releases with
//! [`Feature::RtnlMdbHandlers`]): the PF_BRIDGE RTM_GETMDB dump and get, RTM_NEWMDB and
//! RTM_DELMDB (`rtnl_mdb_dump`, `rtnl_mdb_get`, `rtnl_mdb_add`, `rtnl_mdb_del`). They check the
//! request and the entry (`rtnl_validate_mdb_entry*`, run by the policies in the attribute's
//! turn) and hand it to the device's `ndo_mdb_*` (a bridge's are `drivers::bridge::br_mdb`).
//! Earlier releases register the bridge module's own handlers instead (`br_mdb_init`).

use crate::af_netlink::{skb_net, NetlinkCallback, NetlinkExtAck, Nlmsghdr};
use crate::errno::{Errno, SysResult};
use crate::kernel::{Kernel, NetId};
use crate::nlattr::{nlmsg_parse, NlaPolicy, NlaType, Tb, Validate};
use crate::profile::Feature;
use crate::rtnetlink::{rtnl_register, RTNL_FLAG_BULK_DEL_SUPPORTED};
use crate::skbuff::SkBuff;
use crate::uapi::if_bridge::{
    BR_MDB_ENTRY_LEN, BR_PORT_MSG_LEN, MDBA_GET_ENTRY, MDBA_SET_ENTRY, MDBA_SET_ENTRY_ATTRS,
    MDB_PERMANENT, MDB_TEMPORARY,
};
use crate::uapi::if_ether::{ETH_P_IP, ETH_P_IPV6};
use crate::uapi::netlink::{nlmsg_align, NLMSG_HDRLEN, NLM_F_BULK};
use crate::uapi::rtnetlink::{RTM_DELMDB, RTM_GETMDB, RTM_NEWMDB};
use crate::uapi::socket::PF_BRIDGE;
use nltwin_wire::br_port_msg;

/// `VLAN_VID_MASK`: the first VLAN id an entry may not name.
pub(crate) const VLAN_VID_MASK: u16 = 0x0fff;

/// A `struct br_mdb_entry` (wire's view).
pub use nltwin_wire::br_port_msg::MdbEntry as BrMdbEntry;

/// A parsed RTM_GETMDB, RTM_NEWMDB or RTM_DELMDB, as the devices' `ndo_mdb_*` get it.
pub struct MdbRequest<'a> {
    /// The message.
    pub msg: &'a [u8],
    /// Its attributes (`MDBA_SET_ENTRY_*` or `MDBA_GET_ENTRY_*`).
    pub tb: Tb,
}

impl MdbRequest<'_> {
    /// The entry (MDBA_SET_ENTRY or MDBA_GET_ENTRY, both type 1), which the policy checked.
    pub fn entry(&self) -> BrMdbEntry {
        self.tb[usize::from(MDBA_SET_ENTRY)]
            .clone()
            .and_then(|r| BrMdbEntry::parse_bytes(&self.msg[r]).ok())
            .expect("checked by the policy")
    }

    /// The range of the entry's nested attributes (MDBA_*_ENTRY_ATTRS, both type 2).
    pub fn attrs(&self) -> Option<std::ops::Range<usize>> {
        self.tb
            .get(usize::from(MDBA_SET_ENTRY_ATTRS))
            .cloned()
            .flatten()
    }
}

/// `ndo_mdb_add`: the device, the request, its `nlmsg_flags`.
pub type NdoMdbAdd =
    fn(&mut Kernel, NetId, u32, &MdbRequest<'_>, u16, &mut NetlinkExtAck) -> SysResult<()>;
/// `ndo_mdb_del` and `ndo_mdb_del_bulk`.
pub type NdoMdbDel =
    fn(&mut Kernel, NetId, u32, &MdbRequest<'_>, &mut NetlinkExtAck) -> SysResult<()>;
/// `ndo_mdb_dump`: the device's message, resuming from the callback's markers; EMSGSIZE when
/// the chunk is full.
pub type NdoMdbDump =
    fn(&Kernel, NetId, u32, &mut SkBuff, &mut NetlinkCallback) -> Result<(), Errno>;
/// `ndo_mdb_get`: the device, the request, the requester's portid and sequence.
pub type NdoMdbGet =
    fn(&mut Kernel, NetId, u32, &MdbRequest<'_>, u32, u32, &mut NetlinkExtAck) -> SysResult<()>;

/// `rtnetlink_init`'s MDB handlers, on releases where rtnetlink owns them; bulk deletion and
/// the get where the release has them.
pub fn rtnl_mdb_init(k: &mut Kernel) {
    if !k.has(Feature::RtnlMdbHandlers) {
        return;
    }
    let get = k.has(Feature::MdbGet).then_some(rtnl_mdb_get as _);
    rtnl_register(k, PF_BRIDGE, RTM_GETMDB, get, Some(rtnl_mdb_dump), 0);
    rtnl_register(k, PF_BRIDGE, RTM_NEWMDB, Some(rtnl_mdb_add), None, 0);
    let bulk = if k.has(Feature::MdbBulkDel) {
        RTNL_FLAG_BULK_DEL_SUPPORTED
    } else {
        0
    };
    rtnl_register(k, PF_BRIDGE, RTM_DELMDB, Some(rtnl_mdb_del), None, bulk);
}

/// `rtnl_mdb_valid_dump_req`: a whole `br_port_msg` with no index and nothing after it.
fn rtnl_mdb_valid_dump_req(nlh: &[u8], extack: &mut NetlinkExtAck) -> Result<(), Errno> {
    if nlh.len() < NLMSG_HDRLEN + BR_PORT_MSG_LEN {
        extack.msg = Some("Invalid header for mdb dump request".into());
        return Err(Errno::EINVAL);
    }
    if bpm_ifindex(nlh) != 0 {
        extack.msg = Some("Filtering by device index is not supported for mdb dump request".into());
        return Err(Errno::EINVAL);
    }
    if nlh.len() != NLMSG_HDRLEN + nlmsg_align(BR_PORT_MSG_LEN) {
        extack.msg = Some("Invalid data after header in mdb dump request".into());
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// `bpm->ifindex` of a request at least as long as its header.
pub(crate) fn bpm_ifindex(nlh: &[u8]) -> u32 {
    br_port_msg::Repr::parse_bytes(nlh.get(NLMSG_HDRLEN..).unwrap_or(&[]))
        .map(|h| h.ifindex)
        .unwrap_or(0)
}

/// `rtnl_mdb_dump`: every device with an `ndo_mdb_dump`, in the namespace's list order, from
/// the one a full chunk stopped at (`args[0]`); the device's own markers are cleared when it
/// is done. Returns the chunk's length (NLMSG_DONE comes alone).
fn rtnl_mdb_dump(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    if cb.strict_check {
        let mut extack = NetlinkExtAck::default();
        if let Err(e) = rtnl_mdb_valid_dump_req(&cb.nlh.clone(), &mut extack) {
            cb.extack = extack;
            return Ok(e.as_neg());
        }
    }
    let net = cb.net;
    let s_idx = cb.args[0];
    let mut idx = 0i64;
    let devs: Vec<(u32, Option<NdoMdbDump>)> = k
        .net(net)
        .devices
        .for_each_netdev()
        .map(|d| (d.ifindex, d.netdev_ops.ndo_mdb_dump))
        .collect();
    for (ifindex, dump) in devs {
        if idx >= s_idx {
            if let Some(dump) = dump {
                if dump(k, net, ifindex, skb, cb) == Err(Errno::EMSGSIZE) {
                    break;
                }
                // Per-device markers and sequence counters start over.
                cb.args = [0; 6];
                cb.prev_seq = 0;
                cb.seq = 0;
            }
        }
        idx += 1;
    }
    cb.args[0] = idx;
    Ok(skb.len() as i32)
}

/// `rtnl_validate_mdb_entry_get`: a whole entry naming no port, state, flags, a VLAN below
/// 4095 and a known protocol.
fn rtnl_validate_mdb_entry_get(
    b: &[u8],
    off: usize,
    extack: &mut NetlinkExtAck,
) -> Result<(), Errno> {
    let Ok(e) = BrMdbEntry::parse_bytes(b) else {
        extack.msg = Some("Invalid attribute length".into());
        extack.bad_attr = Some(off);
        return Err(Errno::EINVAL);
    };
    let msg = if e.ifindex != 0 {
        "Entry ifindex cannot be specified"
    } else if e.state != 0 {
        "Entry state cannot be specified"
    } else if e.flags != 0 {
        "Entry flags cannot be specified"
    } else if e.vid >= VLAN_VID_MASK {
        "Invalid entry VLAN id"
    } else if !matches!(e.proto, ETH_P_IP | ETH_P_IPV6 | 0) {
        "Unknown entry protocol"
    } else {
        return Ok(());
    };
    extack.msg = Some(msg.into());
    Err(Errno::EINVAL)
}

/// `ipv4_is_multicast`: 224.0.0.0/4.
pub(crate) fn ipv4_is_multicast(a: [u8; 4]) -> bool {
    a[0] & 0xf0 == 0xe0
}

/// `ipv4_is_zeronet`: 0.0.0.0/8.
pub(crate) fn ipv4_is_zeronet(a: [u8; 4]) -> bool {
    a[0] == 0
}

/// `ipv4_is_local_multicast`: 224.0.0.0/24.
pub(crate) fn ipv4_is_local_multicast(a: [u8; 4]) -> bool {
    a[..3] == [224, 0, 0]
}

/// `ipv6_addr_is_ll_all_nodes`: ff02::1.
pub(crate) fn ipv6_addr_is_ll_all_nodes(a: &[u8; 16]) -> bool {
    let mut all_nodes = [0u8; 16];
    all_nodes[0] = 0xff;
    all_nodes[1] = 0x02;
    all_nodes[15] = 1;
    *a == all_nodes
}

/// `rtnl_validate_mdb_entry`: a whole entry naming a device, a group its protocol allows (a
/// multicast or zero IPv4 group outside 224.0.0.0/24, any IPv6 group but ff02::1, a
/// multicast MAC address), a known state and a VLAN below 4095.
fn rtnl_validate_mdb_entry(b: &[u8], off: usize, extack: &mut NetlinkExtAck) -> Result<(), Errno> {
    let Ok(e) = BrMdbEntry::parse_bytes(b) else {
        extack.msg = Some("Invalid attribute length".into());
        extack.bad_attr = Some(off);
        return Err(Errno::EINVAL);
    };
    let msg = if e.ifindex == 0 {
        Some("Zero entry ifindex is not allowed")
    } else {
        match e.proto {
            ETH_P_IP if !ipv4_is_multicast(e.ip4()) && !ipv4_is_zeronet(e.ip4()) => {
                Some("IPv4 entry group address is not multicast or 0.0.0.0")
            }
            ETH_P_IP if ipv4_is_local_multicast(e.ip4()) => {
                Some("IPv4 entry group address is local multicast")
            }
            ETH_P_IPV6 if ipv6_addr_is_ll_all_nodes(&e.addr) => {
                Some("IPv6 entry group address is link-local all nodes")
            }
            0 if e.addr[0] & 1 == 0 => Some("L2 entry group is not multicast"),
            ETH_P_IP | ETH_P_IPV6 | 0 => None,
            _ => Some("Unknown entry protocol"),
        }
    };
    let msg = msg.or(if e.state != MDB_PERMANENT && e.state != MDB_TEMPORARY {
        Some("Unknown entry state")
    } else if e.vid >= VLAN_VID_MASK {
        Some("Invalid entry VLAN id")
    } else {
        None
    });
    match msg {
        Some(m) => {
            extack.msg = Some(m.into());
            Err(Errno::EINVAL)
        }
        None => Ok(()),
    }
}

/// `rtnl_validate_mdb_entry_del_bulk`: a whole entry with a known state, no flags, a VLAN
/// below 4095 and no address (its 20 bytes all zero, padding included).
fn rtnl_validate_mdb_entry_del_bulk(
    b: &[u8],
    off: usize,
    extack: &mut NetlinkExtAck,
) -> Result<(), Errno> {
    let Ok(e) = BrMdbEntry::parse_bytes(b) else {
        extack.msg = Some("Invalid attribute length".into());
        extack.bad_attr = Some(off);
        return Err(Errno::EINVAL);
    };
    let msg = if e.state != MDB_PERMANENT && e.state != MDB_TEMPORARY {
        "Unknown entry state"
    } else if e.flags != 0 {
        "Entry flags cannot be set"
    } else if e.vid >= VLAN_VID_MASK {
        "Invalid entry VLAN id"
    } else if !e.addr_is_zero() {
        "Entry address cannot be set"
    } else {
        return Ok(());
    };
    extack.msg = Some(msg.into());
    Err(Errno::EINVAL)
}

/// `mdba_get_policy`.
fn mdba_get_policy() -> [NlaPolicy; 3] {
    [
        NlaPolicy::of(NlaType::Unspec),
        NlaPolicy::validate_fn(
            NlaType::Binary,
            rtnl_validate_mdb_entry_get,
            BR_MDB_ENTRY_LEN as u16,
        ),
        NlaPolicy::of(NlaType::Nested),
    ]
}

/// `mdba_policy`: strict from MDBA_SET_ENTRY_ATTRS + 1 on.
fn mdba_policy() -> [NlaPolicy; 3] {
    [
        NlaPolicy::strict_start(MDBA_SET_ENTRY_ATTRS + 1),
        NlaPolicy::validate_fn(
            NlaType::Binary,
            rtnl_validate_mdb_entry,
            BR_MDB_ENTRY_LEN as u16,
        ),
        NlaPolicy::of(NlaType::Nested),
    ]
}

/// `mdba_del_bulk_policy`.
fn mdba_del_bulk_policy() -> [NlaPolicy; 3] {
    [
        NlaPolicy::of(NlaType::Unspec),
        NlaPolicy::validate_fn(
            NlaType::Binary,
            rtnl_validate_mdb_entry_del_bulk,
            BR_MDB_ENTRY_LEN as u16,
        ),
        NlaPolicy::of(NlaType::Nested),
    ]
}

/// What every MDB request checks after its parse: an index, a device, the entry attribute
/// (`NL_REQ_ATTR_CHECK`); the device's ifindex.
fn mdb_request_dev(
    k: &Kernel,
    net: NetId,
    msg: &[u8],
    tb: &Tb,
    entry_attr: u16,
    missing: &str,
    extack: &mut NetlinkExtAck,
) -> Result<u32, Errno> {
    let ifindex = bpm_ifindex(msg);
    if ifindex == 0 {
        extack.msg = Some("Invalid ifindex".into());
        return Err(Errno::EINVAL);
    }
    if k.dev(net, ifindex).is_none() {
        extack.msg = Some("Device doesn't exist".into());
        return Err(Errno::ENODEV);
    }
    if tb[usize::from(entry_attr)].is_none() {
        extack.miss_type = entry_attr;
        extack.msg = Some(missing.into());
        return Err(Errno::EINVAL);
    }
    Ok(ifindex)
}

/// "Device does not support MDB operations": a device without the operation asked for.
fn no_mdb_ops(extack: &mut NetlinkExtAck, msg: &str) -> SysResult<()> {
    extack.msg = Some(msg.into());
    Err(Errno::EOPNOTSUPP.into())
}

/// `rtnl_mdb_get`: a strictly parsed request for one entry of a device, handed to its
/// `ndo_mdb_get`.
fn rtnl_mdb_get(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let msg = nlh.bytes();
    let tb = nlmsg_parse(
        msg,
        BR_PORT_MSG_LEN,
        &mdba_get_policy(),
        Validate::Strict,
        extack,
    )?;
    let net = skb_net(k, skb);
    let dev = mdb_request_dev(
        k,
        net,
        msg,
        &tb,
        MDBA_GET_ENTRY,
        "Missing MDBA_GET_ENTRY attribute",
        extack,
    )?;
    let Some(get) = k.dev(net, dev).and_then(|d| d.netdev_ops.ndo_mdb_get) else {
        return no_mdb_ops(extack, "Device does not support MDB operations");
    };
    let req = MdbRequest { msg, tb };
    get(k, net, dev, &req, skb.cb.portid, nlh.seq(), extack)
}

/// `rtnl_mdb_add`: a liberally parsed request (strict from MDBA_SET_ENTRY_ATTRS + 1), handed
/// to the device's `ndo_mdb_add`.
fn rtnl_mdb_add(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let msg = nlh.bytes();
    let tb = nlmsg_parse(
        msg,
        BR_PORT_MSG_LEN,
        &mdba_policy(),
        Validate::Liberal,
        extack,
    )?;
    let net = skb_net(k, skb);
    let dev = mdb_request_dev(
        k,
        net,
        msg,
        &tb,
        MDBA_SET_ENTRY,
        "Missing MDBA_SET_ENTRY attribute",
        extack,
    )?;
    let Some(add) = k.dev(net, dev).and_then(|d| d.netdev_ops.ndo_mdb_add) else {
        return no_mdb_ops(extack, "Device does not support MDB operations");
    };
    let req = MdbRequest { msg, tb };
    add(k, net, dev, &req, nlh.flags(), extack)
}

/// `rtnl_mdb_del`: one entry (parsed like an add) or, with NLM_F_BULK, the entries a strictly
/// parsed filter matches, handed to the device's `ndo_mdb_del` or `ndo_mdb_del_bulk`.
fn rtnl_mdb_del(
    k: &mut Kernel,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let msg = nlh.bytes();
    let bulk = nlh.flags() & NLM_F_BULK != 0;
    let tb = if bulk {
        nlmsg_parse(
            msg,
            BR_PORT_MSG_LEN,
            &mdba_del_bulk_policy(),
            Validate::Strict,
            extack,
        )?
    } else {
        nlmsg_parse(
            msg,
            BR_PORT_MSG_LEN,
            &mdba_policy(),
            Validate::Liberal,
            extack,
        )?
    };
    let net = skb_net(k, skb);
    let dev = mdb_request_dev(
        k,
        net,
        msg,
        &tb,
        MDBA_SET_ENTRY,
        "Missing MDBA_SET_ENTRY attribute",
        extack,
    )?;
    let ops = k.dev(net, dev).map(|d| d.netdev_ops);
    let req = MdbRequest { msg, tb };
    if bulk {
        let Some(del) = ops.and_then(|o| o.ndo_mdb_del_bulk) else {
            return no_mdb_ops(extack, "Device does not support MDB bulk deletion");
        };
        return del(k, net, dev, &req, extack);
    }
    let Some(del) = ops.and_then(|o| o.ndo_mdb_del) else {
        return no_mdb_ops(extack, "Device does not support MDB operations");
    };
    del(k, net, dev, &req, extack)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ifindex: u32, state: u8, proto: u16, addr: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; BR_MDB_ENTRY_LEN];
        b[..4].copy_from_slice(&ifindex.to_ne_bytes());
        b[4] = state;
        b[8..8 + addr.len()].copy_from_slice(addr);
        b[24..26].copy_from_slice(&proto.to_be_bytes());
        b
    }

    fn msg_of(b: &[u8]) -> Option<String> {
        let mut e = NetlinkExtAck::default();
        rtnl_validate_mdb_entry(b, 0, &mut e).err()?;
        e.msg
    }

    #[test]
    fn entry_checks_in_the_kernels_order() {
        assert_eq!(msg_of(&entry(3, 0, ETH_P_IP, &[239, 1, 1, 1])), None);
        assert_eq!(
            msg_of(&entry(0, 9, ETH_P_IP, &[10, 0, 0, 1])).as_deref(),
            Some("Zero entry ifindex is not allowed")
        );
        assert_eq!(
            msg_of(&entry(3, 9, ETH_P_IP, &[10, 0, 0, 1])).as_deref(),
            Some("IPv4 entry group address is not multicast or 0.0.0.0")
        );
        assert_eq!(
            msg_of(&entry(3, 0, ETH_P_IP, &[224, 0, 0, 106])).as_deref(),
            Some("IPv4 entry group address is local multicast")
        );
        assert_eq!(msg_of(&entry(3, 0, ETH_P_IP, &[0, 0, 0, 0])), None);
        let mut ff02_1 = [0u8; 16];
        ff02_1[0] = 0xff;
        ff02_1[1] = 2;
        ff02_1[15] = 1;
        assert_eq!(
            msg_of(&entry(3, 0, ETH_P_IPV6, &ff02_1)).as_deref(),
            Some("IPv6 entry group address is link-local all nodes")
        );
        assert_eq!(
            msg_of(&entry(3, 1, 0, &[2, 0, 0, 0, 0, 1])).as_deref(),
            Some("L2 entry group is not multicast")
        );
        assert_eq!(
            msg_of(&entry(3, 1, 0x88a8, &[1, 0, 0x5e, 0, 0, 1])).as_deref(),
            Some("Unknown entry protocol")
        );
        assert_eq!(
            msg_of(&entry(3, 2, ETH_P_IP, &[239, 1, 1, 1])).as_deref(),
            Some("Unknown entry state")
        );
        let mut e = NetlinkExtAck::default();
        assert_eq!(
            rtnl_validate_mdb_entry(&[0; 27], 40, &mut e),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            (e.msg.as_deref(), e.bad_attr),
            (Some("Invalid attribute length"), Some(40))
        );
    }

    #[test]
    fn bulk_entry_refuses_an_address_even_in_its_padding() {
        let mut b = entry(0, 0, 0, &[]);
        let mut e = NetlinkExtAck::default();
        assert_eq!(rtnl_validate_mdb_entry_del_bulk(&b, 0, &mut e), Ok(()));
        b[27] = 1;
        assert_eq!(
            rtnl_validate_mdb_entry_del_bulk(&b, 0, &mut e),
            Err(Errno::EINVAL)
        );
        assert_eq!(e.msg.as_deref(), Some("Entry address cannot be set"));
    }
}
