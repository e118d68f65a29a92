//! A bridge port's input (`net/bridge/br_input.c`), as far as the model carries frames to it:
//! the link-local group frames the spanning tree sends, and the IPv6 and IGMP traffic of a
//! device on the other end (learning its source, snooping, flooding to the other ports,
//! passing it up to the bridge device).

use super::port_flags::BR_LEARNING;
use super::{BR_NO_STP, BR_STATE_FORWARDING, BR_STATE_LEARNING};
use crate::errno::{unimplemented, SysResult};
use crate::ethernet::{is_link_local_ether_addr, is_valid_ether_addr};
use crate::kernel::{Kernel, NetId};
use crate::netdevice::Frame;

/// `br_handle_frame`, a port's rx_handler: whether the frame passes on to the port device's
/// own protocols (RX_HANDLER_PASS). A frame from an invalid source is dropped. The bridge group
/// address (01:80:c2:00:00:00) is the spanning tree's while it runs: the port learns its
/// source when it learns link-local frames (`__br_handle_local_finish`, not modeled) and
/// passes it on; with STP off (or the group forwarded) it is forwarded like any other frame
/// (not modeled for a BPDU). Any other frame (the modeled IPv6 and IGMP traffic, to groups
/// outside 01:80:c2:00:00:0X) goes, on a learning or forwarding port, to
/// [`br_handle_frame_finish`]; on a port in another state it is dropped.
pub(crate) fn br_handle_frame(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    frame: &Frame,
) -> SysResult<bool> {
    let Some(dev) = k.dev(net, port) else {
        return Ok(false);
    };
    let source = match frame {
        Frame::Llc(f) => f.source,
        // The modeled IP traffic leaves its device with the device's own address as source.
        Frame::Ipv6(_) | Frame::Ipv4(_) => ip_source(k, net, port),
    };
    if !is_valid_ether_addr(&source) {
        return Ok(false);
    }
    let (Some(p), Some(br)) = (dev.br_port(), dev.master) else {
        return Ok(false);
    };
    let Some(b) = k.dev(net, br).and_then(|d| d.br()) else {
        return Ok(false);
    };
    let learns = p.state == BR_STATE_LEARNING || p.state == BR_STATE_FORWARDING;
    let Frame::Llc(f) = frame else {
        if !learns {
            return Ok(false);
        }
        br_handle_frame_finish(k, net, port, br, frame, source)?;
        return Ok(false);
    };
    if !is_link_local_ether_addr(&f.dest) || f.dest[5] != 0 {
        return Err(unimplemented(
            "a bridge port receiving an LLC frame other than a BPDU to the bridge group address",
        ));
    }
    let forwarded = b.stp_enabled == BR_NO_STP || p.group_fwd_mask & 1 != 0;
    if forwarded {
        // The forward path drops what a port neither learning nor forwarding receives.
        return if learns {
            Err(unimplemented(
                "a BPDU forwarded by a bridge (STP off or the group address forwarded)",
            ))
        } else {
            Ok(false)
        };
    }
    if p.flags & BR_LEARNING != 0 && learns && !b.opt(super::bropt::NO_LL_LEARN) {
        return Err(unimplemented(
            "learning the source address of a link-local frame (br_fdb_update)",
        ));
    }
    Ok(true)
}

/// The source address of the modeled IP traffic a port receives: the address of the device
/// on the other end of its veth, which sent it (`eth_header` puts the sender's own).
fn ip_source(k: &Kernel, net: NetId, port: u32) -> [u8; 6] {
    let mut a = [0u8; 6];
    let peer = k.dev(net, port).and_then(|d| match &d.priv_ {
        crate::netdevice::DevPriv::Veth(v) => v.peer,
        _ => None,
    });
    if let Some(addr) = peer
        .and_then(|(pn, p)| k.dev(pn, p))
        .map(|d| d.addr.clone())
    {
        if addr.len() == 6 {
            a.copy_from_slice(&addr);
        }
    }
    a
}

/// `br_handle_frame_finish` for a multicast frame of the modeled IP traffic on a learning or
/// forwarding port (no VLAN filtering, no locked port): the port learns its source
/// (`br_fdb_update`, with BR_LEARNING); snooping (`br_multicast_rcv` with the port) learns
/// nothing from a neighbour solicitation, a router solicitation or a report of link-local
/// IPv4 groups, and a report of other groups (port group entries in the MDB) is not modeled;
/// a learning port stops there. With no querier ever heard, the frame is flooded to the other
/// ports (`br_flood`, BR_PKT_MULTICAST: those with BR_MCAST_FLOOD) and passed up to the bridge
/// (`br_pass_frame_up`), counted in the bridge's `multicast`.
fn br_handle_frame_finish(
    k: &mut Kernel,
    net: NetId,
    port: u32,
    br: u32,
    frame: &Frame,
    source: [u8; 6],
) -> SysResult<()> {
    let Some(p) = k.dev(net, port).and_then(|d| d.br_port()) else {
        return Ok(());
    };
    let (state, flags) = (p.state, p.flags);
    if flags & super::port_flags::BR_PORT_LOCKED != 0 {
        return Err(unimplemented("a frame received on a locked bridge port"));
    }
    if flags & BR_LEARNING != 0 {
        super::br_fdb::br_fdb_update(k, net, br, port, &source, 0)?;
    }
    let snooping = k
        .dev(net, br)
        .and_then(|d| d.br())
        .is_some_and(|b| b.mcast_snooping);
    if snooping {
        super::br_multicast::br_multicast_rcv_port(frame)?;
    }
    if state == BR_STATE_LEARNING {
        return Ok(());
    }
    let neigh_suppress = super::br_ports(k, net, br).into_iter().any(|p| {
        k.dev(net, p)
            .and_then(|d| d.br_port())
            .is_some_and(|p| p.flags & super::port_flags::BR_NEIGH_SUPPRESS != 0)
    });
    if neigh_suppress && matches!(frame, Frame::Ipv6(_)) {
        return Err(unimplemented(
            "neighbour discovery received by a bridge with neighbour suppression on a port",
        ));
    }
    if let Some(b) = super::dev_mut(k, net, br).br_mut() {
        b.rx_stats.2 += 1;
    }
    super::br_forward::br_flood(
        k,
        net,
        br,
        frame,
        super::br_forward::BrPktType::Multicast,
        Some(port),
    )?;
    br_pass_frame_up(k, net, br, frame)
}

/// `br_pass_frame_up`: the bridge counts the frame received (`tstats`, without its Ethernet
/// header) and receives it as its own (`br_netif_receive_skb`: its protocols, or the
/// rx_handler of a bridge it is a port of).
fn br_pass_frame_up(k: &mut Kernel, net: NetId, br: u32, frame: &Frame) -> SysResult<()> {
    if let Some(b) = super::dev_mut(k, net, br).br_mut() {
        b.rx_stats.0 += 1;
        b.rx_stats.1 += frame.len() - crate::ip6_output::ETH_HLEN;
    }
    crate::dev::netif_receive_skb(k, net, br, frame)
}
