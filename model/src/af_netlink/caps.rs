//! Permission checks on messages: `netlink_ns_capable`, `netlink_capable`,
//! `netlink_net_capable`, and `netlink_strict_get_check`.

use crate::cred::UserNsId;
use crate::kernel::{Kernel, NetId};
use crate::skbuff::{SkBuff, NETLINK_SKB_DST};

use super::NETLINK_F_STRICT_CHK;

/// `netlink_ns_capable`: the socket's opener (unless the sender named a destination) and the
/// sending task both hold `cap` over `user_ns`.
pub fn netlink_ns_capable(k: &Kernel, skb: &SkBuff, user_ns: UserNsId, cap: u32) -> bool {
    let Some(sk) = skb.sk else { return false };
    let opener_ok = skb.cb.flags & NETLINK_SKB_DST != 0
        || k.sk(sk)
            .file_cred
            .as_ref()
            .is_some_and(|c| crate::cred::cap_capable(&k.user_nss, c, user_ns, cap));
    let sender_ok = skb.cb.sender.is_some_and(|t| k.ns_capable(t, user_ns, cap));
    opener_ok && sender_ok
}

/// `netlink_capable`: `netlink_ns_capable` over the initial user namespace.
pub fn netlink_capable(k: &Kernel, skb: &SkBuff, cap: u32) -> bool {
    netlink_ns_capable(k, skb, crate::kernel::INIT_USER_NS, cap)
}

/// `netlink_net_capable`: `netlink_ns_capable` over the sender's namespace's owning user ns.
pub fn netlink_net_capable(k: &Kernel, skb: &SkBuff, cap: u32) -> bool {
    netlink_ns_capable(k, skb, k.nets[skb_net(k, skb).0].user_ns, cap)
}

/// `netlink_strict_get_check`: did the sending socket set `NETLINK_GET_STRICT_CHK`?
pub fn netlink_strict_get_check(k: &Kernel, skb: &SkBuff) -> bool {
    skb.sk.is_some_and(|s| k.sk(s).test(NETLINK_F_STRICT_CHK))
}

/// `sock_net(skb->sk)`: the namespace a message came from.
pub fn skb_net(k: &Kernel, skb: &SkBuff) -> NetId {
    k.sk(skb.sk.expect("skb from a socket")).net
}
