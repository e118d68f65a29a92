//! The dump engine: `netlink_dump_start`, `netlink_dump`, `netlink_dump_done`, and the helpers
//! dump callbacks use (`nl_dump_check_consistent`, `nlmsg_put_answer`).

use crate::errno::{Errno, SysError, SysResult};
use crate::kernel::{Kernel, SockId};
use crate::profile::NLMSG_GOODSIZE;
use crate::skbuff::SkBuff;
use crate::uapi::netlink::*;

use super::ack::{netlink_ack_tlv_fill, netlink_ack_tlv_len};
use super::send::netlink_sendskb;
use super::table::netlink_lookup;
use super::{
    NetlinkCallback, NetlinkDumpControl, NetlinkExtAck, Nlmsghdr, NETLINK_F_EXT_ACK,
    NETLINK_F_STRICT_CHK,
};

/// `netlink_dump_start`: start a dump for the requester of `skb` and build its first chunk
/// now, inside the send. Returns `Err(EINTR)` once started (so no ack is sent), EBUSY while
/// another dump runs on that socket, or the start hook's error.
pub fn netlink_dump_start(
    k: &mut Kernel,
    ssk: SockId,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    control: NetlinkDumpControl,
) -> SysResult<()> {
    __netlink_dump_start(
        k,
        ssk,
        skb,
        nlh,
        control,
        None,
        &mut NetlinkExtAck::default(),
    )
}

/// `__netlink_dump_start` (af_netlink.c) with the control's `data` and `extack` members given
/// apart: `data` becomes the callback's `data`, and what the start hook reports in the
/// callback's ext-ack is handed back in `extack` when the hook fails (the kernel points
/// `cb->extack` at the request's ext-ack while the hook runs).
pub fn __netlink_dump_start(
    k: &mut Kernel,
    ssk: SockId,
    skb: &SkBuff,
    nlh: Nlmsghdr<'_>,
    control: NetlinkDumpControl,
    data: Option<Box<dyn std::any::Any + Send>>,
    extack: &mut NetlinkExtAck,
) -> SysResult<()> {
    let (net, protocol) = (k.sk(ssk).net, k.sk(ssk).protocol);
    let portid = skb.cb.portid;
    let sk = netlink_lookup(k, net, protocol, portid).ok_or(Errno::ECONNREFUSED)?;
    if k.sk(sk).cb.is_some() {
        return Err(Errno::EBUSY.into());
    }
    let mut cb = NetlinkCallback {
        portid,
        nlh: nlh.bytes().to_vec(),
        dump: control.dump,
        done: control.done,
        net,
        sk,
        extack: NetlinkExtAck::default(),
        min_dump_alloc: control.min_dump_alloc,
        seq: 0,
        prev_seq: 0,
        answer_flags: 0,
        family: 0,
        flags: control.flags,
        strict_check: skb.sk.is_some_and(|s| k.sk(s).test(NETLINK_F_STRICT_CHK)),
        args: [0; 6],
        data,
    };
    if let Some(start) = control.start {
        if let Err(e) = start(k, &mut cb) {
            *extack = std::mem::take(&mut cb.extack);
            return Err(e);
        }
    }
    let s = k.sk_mut(sk);
    s.cb = Some(cb);
    s.dump_done_errno = i32::MAX;
    netlink_dump(k, sk)?;
    Err(Errno::EINTR.into())
}

/// `netlink_dump`: build one chunk of the running dump on `sk` and queue it; when the callback
/// is done, add NLMSG_DONE (in the same chunk if it fits) and end the dump.
pub fn netlink_dump(k: &mut Kernel, sk: SockId) -> SysResult<()> {
    let Some(mut cb) = k.sk_mut(sk).cb.take() else {
        return Err(Errno::EINVAL.into());
    };
    let r = netlink_dump_chunk(k, sk, &mut cb);
    match r {
        Ok(true) => {
            if let Some(done) = cb.done {
                done(k, &mut cb);
            }
            Ok(())
        }
        Ok(false) => {
            k.sk_mut(sk).cb = Some(cb);
            Ok(())
        }
        Err(e) => {
            k.sk_mut(sk).cb = Some(cb);
            Err(e)
        }
    }
}

/// One chunk; `Ok(true)` when the dump ended with it.
fn netlink_dump_chunk(k: &mut Kernel, sk: SockId, cb: &mut NetlinkCallback) -> SysResult<bool> {
    // The chunk is sized for the reader: at least a page's worth, or the largest receive
    // buffer the socket has seen.
    let alloc_min = (cb.min_dump_alloc as usize).max(NLMSG_GOODSIZE);
    let max_recvmsg_len = k.sk(sk).max_recvmsg_len;
    let alloc_size = if alloc_min < max_recvmsg_len {
        max_recvmsg_len
    } else {
        alloc_min
    };
    let mut skb = SkBuff::alloc_skb(alloc_size);
    skb.size_for(&k.skb_sizing);
    let s = k.sk(sk);
    let rmem = s.rmem_alloc + skb.truesize;
    if rmem != skb.truesize && rmem >= s.rcvbuf as usize {
        return Err(Errno::ENOBUFS.into());
    }
    skb.limit_room(alloc_size);
    if k.sk(sk).dump_done_errno > 0 {
        cb.extack = NetlinkExtAck::default();
        let mut r = (cb.dump)(k, &mut skb, cb)?;
        if r == Errno::EMSGSIZE.as_neg()
            && !skb.is_empty()
            && k.has(crate::profile::Feature::NetlinkDumpEmsgsizeInCore)
        {
            r = skb.len() as i32;
        }
        k.sk_mut(sk).dump_done_errno = r;
    }
    let errno = k.sk(sk).dump_done_errno;
    if errno > 0 || skb.tailroom() < nlmsg_align(NLMSG_HDRLEN + 4) {
        // The socket's filter sees each part of a dump as any datagram (dropped or cut).
        if !crate::filter::sk_filter(k, sk, &mut skb) {
            netlink_sendskb(k, sk, skb);
        }
        return Ok(false);
    }
    netlink_dump_done(k, sk, &mut skb, cb, errno)?;
    if !crate::filter::sk_filter(k, sk, &mut skb) {
        netlink_sendskb(k, sk, skb);
    }
    Ok(true)
}

/// `netlink_dump_done`: NLMSG_DONE with the dump's errno, and its extended ack when the
/// requester asked for them and there is room.
fn netlink_dump_done(
    k: &mut Kernel,
    sk: SockId,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    errno: i32,
) -> Result<(), SysError> {
    let at = nlmsg_put_answer(skb, cb, NLMSG_DONE, 4, NLM_F_MULTI | cb.answer_flags)
        .map_err(|_| Errno::ENOBUFS)?;
    nl_dump_check_consistent(cb, skb, at);
    nltwin_wire::scalar::put_i32(skb.nlmsg_data_mut(at), errno);
    let ext_ack = k.sk(sk).test(NETLINK_F_EXT_ACK);
    if !k.has(crate::profile::Feature::NetlinkDumpDoneFullExtack) {
        // The message alone, when there is one.
        if let (true, Some(msg)) = (ext_ack, cb.extack.msg.clone()) {
            let mut h = skb.nlmsg_mut(at);
            h.set_flags(h.flags() | NLM_F_ACK_TLVS);
            if skb
                .nla_put_string(NLMSGERR_ATTR_MSG, msg.as_bytes())
                .is_ok()
            {
                skb.nlmsg_end(at);
            }
        }
        return Ok(());
    }
    let tlvlen = netlink_ack_tlv_len(ext_ack, errno, &cb.extack);
    if tlvlen != 0 {
        let mut h = skb.nlmsg_mut(at);
        h.set_flags(h.flags() | NLM_F_ACK_TLVS);
        if skb.tailroom() >= tlvlen {
            netlink_ack_tlv_fill(skb, cb.request(), errno, &cb.extack)?;
            skb.nlmsg_end(at);
        }
    }
    Ok(())
}

/// `nlmsg_put_answer`: a message to the dump's requester, echoing the request's sequence.
pub fn nlmsg_put_answer(
    skb: &mut SkBuff,
    cb: &NetlinkCallback,
    ty: u16,
    payload: usize,
    flags: u16,
) -> Result<usize, Errno> {
    skb.nlmsg_put(cb.portid, cb.request().seq(), ty, payload, flags)
}

/// `nl_dump_check_consistent`: flag the message at `at` NLM_F_DUMP_INTR when the generation
/// the callback saw changed since the previous chunk.
pub fn nl_dump_check_consistent(cb: &mut NetlinkCallback, skb: &mut SkBuff, at: usize) {
    if cb.prev_seq != 0 && cb.seq != cb.prev_seq {
        let mut h = skb.nlmsg_mut(at);
        h.set_flags(h.flags() | NLM_F_DUMP_INTR);
    }
    cb.prev_seq = cb.seq;
}
