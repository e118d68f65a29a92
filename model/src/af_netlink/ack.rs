//! Requests and acknowledgements: `netlink_rcv_skb`, `netlink_ack` and the extended-ack TLVs
//! (`netlink_ack_tlv_len`, `netlink_ack_tlv_fill`).

use crate::errno::{Errno, SysError, SysResult};
use crate::kernel::Kernel;
use crate::skbuff::SkBuff;
use crate::uapi::netlink::*;

use super::send::nlmsg_unicast;
use super::{NetlinkExtAck, NetlinkRcvMsg, Nlmsghdr, NETLINK_F_CAP_ACK, NETLINK_F_EXT_ACK};
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::nlmsgerr;

use crate::nlattr::nla_total_size;

/// `netlink_rcv_skb`: walk the messages of a datagram. A length that does not fit ends the
/// walk silently; non-requests and control types are skipped (acked if asked); handler
/// errors and NLM_F_ACK are acked, except after a dump started (the handler's EINTR).
pub fn netlink_rcv_skb(k: &mut Kernel, skb: &SkBuff, cb: NetlinkRcvMsg) -> SysResult<()> {
    // A message whose length is impossible ends the datagram: the rest is dropped unread.
    for nlh in Messages::new(skb.data()) {
        let (ty, flags) = (nlh.msg_type(), nlh.flags());
        let mut extack = NetlinkExtAck::default();
        let mut err = 0;
        let mut skip_ack = false;
        if flags & NLM_F_REQUEST != 0 && ty >= NLMSG_MIN_TYPE {
            match cb(k, skb, nlh, &mut extack) {
                Ok(()) => {}
                Err(SysError::Errno(Errno::EINTR)) => skip_ack = true,
                Err(SysError::Errno(e)) => err = e.as_neg(),
                Err(other) => return Err(other),
            }
        }
        if !skip_ack && (flags & NLM_F_ACK != 0 || err != 0) {
            netlink_ack(k, skb, nlh, err, &extack)?;
        }
    }
    Ok(())
}

/// `netlink_ack_tlv_len`: room the extended ack needs (0 without NETLINK_EXT_ACK). The policy
/// nest is sized from its encoding (the kernel estimates it; the estimate only shifts how
/// much memory the reply is charged for).
pub fn netlink_ack_tlv_len(ext_ack_on: bool, err: i32, extack: &NetlinkExtAck) -> usize {
    if !ext_ack_on {
        return 0;
    }
    let mut len = 0;
    if let Some(m) = &extack.msg {
        len += nla_total_size(m.len() + 1);
    }
    if !extack.cookie.is_empty() {
        len += nla_total_size(extack.cookie.len());
    }
    if err == 0 {
        return len;
    }
    if extack.bad_attr.is_some() {
        len += nla_total_size(4);
    }
    if let Some(p) = &extack.policy {
        len += nla_total_size(p.len());
    }
    if extack.miss_type != 0 {
        len += nla_total_size(4);
    }
    if extack.miss_nest.is_some() {
        len += nla_total_size(4);
    }
    len
}

/// `netlink_ack_tlv_fill`: MSG, COOKIE, then for errors OFFS, POLICY, MISS_TYPE, MISS_NEST.
/// Offsets outside the request's payload are left out.
pub fn netlink_ack_tlv_fill(
    skb: &mut SkBuff,
    nlh: Nlmsghdr<'_>,
    err: i32,
    extack: &NetlinkExtAck,
) -> Result<(), Errno> {
    if let Some(m) = &extack.msg {
        skb.nla_put_string(NLMSGERR_ATTR_MSG, m)?;
    }
    if !extack.cookie.is_empty() {
        skb.nla_put(NLMSGERR_ATTR_COOKIE, &extack.cookie)?;
    }
    if err == 0 {
        return Ok(());
    }
    let in_payload = |off: usize| off >= NLMSG_HDRLEN && off < nlh.bytes().len();
    if let Some(off) = extack.bad_attr.filter(|&o| in_payload(o)) {
        skb.nla_put_u32(NLMSGERR_ATTR_OFFS, off as u32)?;
    }
    if let Some(p) = &extack.policy {
        skb.nla_put(NLMSGERR_ATTR_POLICY | NLA_F_NESTED, p)?;
    }
    if extack.miss_type != 0 {
        skb.nla_put_u32(NLMSGERR_ATTR_MISS_TYPE, u32::from(extack.miss_type))?;
    }
    if let Some(off) = extack.miss_nest.filter(|&o| in_payload(o)) {
        skb.nla_put_u32(NLMSGERR_ATTR_MISS_NEST, off as u32)?;
    }
    Ok(())
}

/// `netlink_ack`: NLMSG_ERROR to the requester: the error, the request header, the request
/// payload only for an error without NETLINK_CAP_ACK (else NLM_F_CAPPED), then the extended
/// ack TLVs (NLM_F_ACK_TLVS).
pub fn netlink_ack(
    k: &mut Kernel,
    in_skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    err: i32,
    extack: &NetlinkExtAck,
) -> SysResult<()> {
    let Some(ssk) = in_skb.sk else { return Ok(()) };
    let (cap_ack, ext_ack_on, net, protocol) = {
        let s = k.sk(ssk);
        (
            s.test(NETLINK_F_CAP_ACK),
            s.test(NETLINK_F_EXT_ACK),
            s.net,
            s.protocol,
        )
    };
    let mut payload = 4 + NLMSG_HDRLEN; // struct nlmsgerr
    let mut flags = 0;
    if err != 0 && !cap_ack {
        payload += nlh.payload().len();
    } else {
        flags |= NLM_F_CAPPED;
    }
    let tlvlen = netlink_ack_tlv_len(ext_ack_on, err, extack);
    if tlvlen != 0 {
        flags |= NLM_F_ACK_TLVS;
    }
    let mut skb = SkBuff::alloc_skb(nlmsg_align(NLMSG_HDRLEN + payload + tlvlen));
    let build = |skb: &mut SkBuff| -> Result<(), Errno> {
        let rep = skb.nlmsg_put(
            in_skb.cb.portid,
            nlh.seq(),
            NLMSG_ERROR,
            nlmsgerr::LEN,
            flags,
        )?;
        let mut e = nlmsgerr::Packet::new_unchecked(skb.nlmsg_data_mut(rep));
        e.set_error(err);
        e.set_quoted(nlh.bytes());
        // A handler that changed the request's own header (ip6_route_multipath_add's flags)
        // is quoted with the change, error or not.
        for (off, bytes) in &extack.request_writes {
            if off + bytes.len() <= NLMSG_HDRLEN {
                let q = skb.nlmsg_data_mut(rep);
                q[4 + off..4 + off + bytes.len()].copy_from_slice(bytes);
            }
        }
        if flags & NLM_F_CAPPED == 0 {
            // The whole request after its header, padded.
            let at = skb.put(nlmsg_align(nlh.payload().len()))?;
            skb.as_mut_slice()[at..at + nlh.payload().len()].copy_from_slice(nlh.payload());
            // What the handler changed in the request is quoted as changed.
            for (off, bytes) in &extack.request_writes {
                let Some(rel) = off.checked_sub(NLMSG_HDRLEN) else {
                    continue;
                };
                if rel + bytes.len() <= nlh.payload().len() {
                    skb.as_mut_slice()[at + rel..at + rel + bytes.len()].copy_from_slice(bytes);
                }
            }
        }
        if tlvlen != 0 {
            netlink_ack_tlv_fill(skb, nlh, err, extack)?;
        }
        skb.nlmsg_end(rep);
        Ok(())
    };
    if build(&mut skb).is_err() {
        k.sk_mut(ssk).sk_err = Errno::ENOBUFS.0;
        return Ok(());
    }
    let ksk = k.net(net).kernel_sock[protocol].expect("a request reached a kernel socket");
    nlmsg_unicast(k, ksk, skb, in_skb.cb.portid)
}
