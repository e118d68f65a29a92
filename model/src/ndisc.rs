//! Neighbour discovery's sending side (`net/ipv6/ndisc.c`) as the modeled IPv6 bring-up uses
//! it: duplicate address detection's neighbour solicitations and router solicitations, their
//! sizes from the headers the kernel builds, and the counters `ndisc_send_skb` moves.

use crate::errno::SysResult;
use crate::ip6_output::{ip6_count_out_request, ip6_finish_output2, Ipv6Skb};
use crate::kernel::{Kernel, NetId};
use crate::uapi::ipv6::ICMP6_MIB_OUTMSGS;

/// `sizeof(struct ipv6hdr)`.
pub const IPV6_HDR_LEN: u64 = 40;
/// `sizeof(struct nd_msg)`: the ICMPv6 header and the target address.
const ND_MSG_LEN: u64 = 8 + 16;
/// `sizeof(struct rs_msg)`: the ICMPv6 header and the reserved word.
const RS_MSG_LEN: u64 = 8;
/// `ff02::2`, all routers (`in6addr_linklocal_allrouters`).
pub const ALL_ROUTERS: [u8; 16] = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/// `ndisc_opt_addr_space`: a link-layer address option for an address of `addr_len` bytes,
/// padded to 8 (`NDISC_OPT_SPACE`).
fn ndisc_opt_addr_space(addr_len: usize) -> u64 {
    (addr_len as u64 + 2).div_ceil(8) * 8
}

/// `ndisc_send_ns` as duplicate address detection sends it: from the unspecified address (no
/// source link-layer address option) to the solicited-node group of `target`, with the nonce
/// option when enhanced DAD drew a nonce.
pub fn ndisc_send_ns(
    k: &mut Kernel,
    net: NetId,
    ifindex: u32,
    daddr: [u8; 16],
    nonce: u64,
) -> SysResult<()> {
    let mut optlen = 0;
    if nonce != 0 {
        optlen += 8;
    }
    let len = IPV6_HDR_LEN + ND_MSG_LEN + optlen;
    ndisc_send_skb(k, net, ifindex, Ipv6Skb { daddr, len })
}

/// `ndisc_send_rs` from a link-local address to all routers, with the source link-layer
/// address option.
pub fn ndisc_send_rs(k: &mut Kernel, net: NetId, ifindex: u32) -> SysResult<()> {
    let addr_len = k.dev(net, ifindex).map_or(0, |d| d.addr.len());
    let len = IPV6_HDR_LEN + RS_MSG_LEN + ndisc_opt_addr_space(addr_len);
    ndisc_send_skb(
        k,
        net,
        ifindex,
        Ipv6Skb {
            daddr: ALL_ROUTERS,
            len,
        },
    )
}

/// `ndisc_send_skb`: OutRequests, the output path, then, if that went without error, the
/// ICMPv6 message counted sent (`ICMP6_MIB_OUTMSGS`; the per-type counters are not in
/// IFLA_INET6_ICMP6STATS).
fn ndisc_send_skb(k: &mut Kernel, net: NetId, ifindex: u32, skb: Ipv6Skb) -> SysResult<()> {
    ip6_count_out_request(k, net, ifindex, skb.len);
    let err = ip6_finish_output2(k, net, ifindex, skb)?;
    if let Some(idev) = k.dev_mut(net, ifindex).and_then(|d| d.ip6_ptr.as_mut()) {
        if err == 0 {
            idev.icmp6[ICMP6_MIB_OUTMSGS] += 1;
        }
    }
    Ok(())
}
