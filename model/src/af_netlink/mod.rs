//! The netlink socket layer (`net/netlink/af_netlink.c`).
//!
//! SKELETON: types and the interface handlers use are fixed here; the bodies marked
//! `Unimplemented` are filled in by the socket-layer work (issue 3).

use std::collections::{HashMap, VecDeque};

use crate::errno::{Errno, SysError, SysResult};
use crate::kernel::{Kernel, NetId, SockId, TaskId};
use crate::skbuff::SkBuff;
use crate::socket::RecvFrom;
use crate::uapi::netlink::{SockaddrNl, MAX_LINKS};

/// `NL_CFG_F_NONROOT_RECV`: unprivileged sockets may join this protocol's groups.
pub const NL_CFG_F_NONROOT_RECV: u32 = 1 << 0;
/// `NL_CFG_F_NONROOT_SEND`: unprivileged sockets may send to other ports and groups.
pub const NL_CFG_F_NONROOT_SEND: u32 = 1 << 1;

/// A kernel socket's input function (`cfg->input`): called synchronously inside `sendmsg` with
/// the datagram a user socket sent to portid 0.
pub type NetlinkInput = fn(&mut Kernel, SkBuff) -> SysResult<()>;

/// A per-message handler for [`netlink_rcv_skb`] (`rtnetlink_rcv_msg`, `genl_rcv_msg`): gets the
/// whole message (header included) and returns `Err(Errno::EINTR)` after starting a dump.
pub type NetlinkRcvMsg = fn(&mut Kernel, &SkBuff, &[u8], &mut NetlinkExtAck) -> SysResult<()>;

/// Configuration of a kernel socket (`struct netlink_kernel_cfg`).
#[derive(Clone, Copy, Debug, Default)]
pub struct NetlinkKernelCfg {
    /// Number of multicast groups.
    pub groups: u32,
    /// `NL_CFG_F_*` flags.
    pub flags: u32,
    /// The input function; `None` for a kernel socket that accepts nothing.
    pub input: Option<NetlinkInput>,
}

/// One protocol's entry in `nl_table` (`struct netlink_table`).
#[derive(Debug, Default)]
pub struct NetlinkTable {
    /// Whether the protocol is registered (`registered`).
    pub registered: bool,
    /// Bound sockets by (namespace, portid) (`hash`).
    pub hash: HashMap<(NetId, u32), SockId>,
    /// Sockets subscribed to at least one group (`mc_list`).
    pub mc_list: Vec<SockId>,
    /// Number of multicast groups (`groups`).
    pub groups: u32,
    /// `NL_CFG_F_*` flags (`flags`).
    pub flags: u32,
}

/// Extended ack data a handler reports (`struct netlink_ext_ack`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetlinkExtAck {
    /// `NL_SET_ERR_MSG`: the message.
    pub msg: Option<String>,
    /// `NL_SET_BAD_ATTR`: offset of the bad attribute from the start of the request message.
    pub bad_attr: Option<usize>,
    /// The policy of the bad attribute, as the already encoded content of the
    /// `NLMSGERR_ATTR_POLICY` nest (`netlink_policy_dump_write_attr`).
    pub policy: Option<Vec<u8>>,
    /// `NL_SET_ERR_ATTR_MISS`: the missing attribute type (0 = none).
    pub miss_type: u16,
    /// Offset of the nest in which an attribute was missing.
    pub miss_nest: Option<usize>,
    /// The cookie (`NLMSGERR_ATTR_COOKIE`), empty for none.
    pub cookie: Vec<u8>,
}

/// A running dump's state (`struct netlink_callback`).
pub struct NetlinkCallback {
    /// The request message that started the dump (header included).
    pub nlh: Vec<u8>,
    /// The dump function.
    pub dump: fn(&mut Kernel, &mut SkBuff, &mut NetlinkCallback) -> SysResult<i32>,
    /// The done function, called once when the dump ends.
    pub done: Option<fn(&mut Kernel, &mut NetlinkCallback)>,
    /// The namespace of the requesting socket.
    pub net: NetId,
    /// The requesting socket.
    pub sk: SockId,
    /// Extended ack reported by the dump (delivered in NLMSG_DONE).
    pub extack: NetlinkExtAck,
    /// `min_dump_alloc`.
    pub min_dump_alloc: u32,
    /// `seq` and `prev_seq`: the generation counter check behind `NLM_F_DUMP_INTR`.
    pub seq: u32,
    /// See `seq`.
    pub prev_seq: u32,
    /// `answer_flags` (e.g. `NLM_F_DUMP_FILTERED`).
    pub answer_flags: u16,
    /// `family` (rtnetlink: the request's address family).
    pub family: u16,
    /// `flags` of the handler (e.g. rtnetlink's `RTNL_FLAG_*`).
    pub flags: u32,
    /// Whether the requester asked for strict checking.
    pub strict_check: bool,
    /// `args`: the handler's position.
    pub args: [i64; 6],
    /// The handler's private data (`cb->data`).
    pub data: Option<Box<dyn std::any::Any>>,
}

impl std::fmt::Debug for NetlinkCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetlinkCallback")
            .field("args", &self.args)
            .finish_non_exhaustive()
    }
}

/// What starts a dump (`struct netlink_dump_control`).
#[derive(Clone, Copy)]
pub struct NetlinkDumpControl {
    /// Called once before the first chunk; an error aborts the dump with NLMSG_ERROR.
    pub start: Option<fn(&mut Kernel, &mut NetlinkCallback) -> SysResult<()>>,
    /// Fills one chunk: > 0 more to come, 0 done, < 0 done with that error.
    pub dump: fn(&mut Kernel, &mut SkBuff, &mut NetlinkCallback) -> SysResult<i32>,
    /// Called once when the dump ends.
    pub done: Option<fn(&mut Kernel, &mut NetlinkCallback)>,
    /// `min_dump_alloc`.
    pub min_dump_alloc: u32,
    /// Handler flags copied into the callback.
    pub flags: u32,
}

/// A netlink socket (`struct netlink_sock` with the `struct sock` fields it uses).
#[derive(Debug)]
pub struct NetlinkSock {
    /// The protocol (`sk_protocol`).
    pub protocol: usize,
    /// The namespace (`sock_net`).
    pub net: NetId,
    /// Whether this is a kernel socket.
    pub is_kernel: bool,
    /// The bound portid (`portid`), 0 when unbound.
    pub portid: u32,
    /// Whether the socket is bound (`bound`).
    pub bound: bool,
    /// The receive queue (`sk_receive_queue`).
    pub receive_queue: VecDeque<SkBuff>,
}

/// `netlink_proto_init`: fill `nl_table` for the protocols this kernel registers.
pub fn netlink_proto_init(k: &mut Kernel) {
    k.nl_table = (0..MAX_LINKS).map(|_| NetlinkTable::default()).collect();
}

/// The pernet init of every subsystem that creates a netlink kernel socket in a new namespace.
pub fn netlink_net_init(_k: &mut Kernel, _net: NetId) {}

/// `__sys_socket` for `AF_NETLINK` -> `netlink_create`.
pub fn sys_socket(_k: &mut Kernel, _task: TaskId, _ty: i32, _protocol: i32) -> SysResult<i32> {
    Err(SysError::Unimplemented("netlink_create"))
}

/// `netlink_bind`.
pub fn netlink_bind(_k: &mut Kernel, _task: TaskId, _sk: SockId, _addr: &[u8]) -> SysResult<()> {
    Err(SysError::Unimplemented("netlink_bind"))
}

/// `netlink_connect`.
pub fn netlink_connect(_k: &mut Kernel, _task: TaskId, _sk: SockId, _addr: &[u8]) -> SysResult<()> {
    Err(SysError::Unimplemented("netlink_connect"))
}

/// `netlink_getname`: the socket's own address, or its peer's with `peer`.
pub fn netlink_getname(_k: &mut Kernel, _sk: SockId, _peer: bool) -> SysResult<SockaddrNl> {
    Err(SysError::Unimplemented("netlink_getname"))
}

/// `sock_setsockopt` / `netlink_setsockopt` by level.
pub fn sys_setsockopt(
    _k: &mut Kernel,
    _task: TaskId,
    _sk: SockId,
    _level: i32,
    _optname: i32,
    _optval: &[u8],
) -> SysResult<()> {
    Err(SysError::Unimplemented("netlink_setsockopt"))
}

/// `sock_getsockopt` / `netlink_getsockopt` by level.
pub fn sys_getsockopt(
    _k: &mut Kernel,
    _task: TaskId,
    _sk: SockId,
    _level: i32,
    _optname: i32,
    _optval: &mut [u8],
) -> SysResult<usize> {
    Err(SysError::Unimplemented("netlink_getsockopt"))
}

/// `netlink_sendmsg`.
pub fn netlink_sendmsg(
    _k: &mut Kernel,
    _task: TaskId,
    _sk: SockId,
    _buf: &[u8],
    _flags: i32,
    _to: Option<&[u8]>,
) -> SysResult<usize> {
    Err(SysError::Unimplemented("netlink_sendmsg"))
}

/// `netlink_recvmsg`.
pub fn netlink_recvmsg(
    _k: &mut Kernel,
    _task: TaskId,
    _sk: SockId,
    _buf: &mut [u8],
    _flags: i32,
) -> SysResult<RecvFrom> {
    Err(SysError::Unimplemented("netlink_recvmsg"))
}

/// `netlink_release`.
pub fn netlink_release(_k: &mut Kernel, _sk: SockId) -> SysResult<()> {
    Err(SysError::Unimplemented("netlink_release"))
}

/// `netlink_kernel_create`: the kernel socket of `protocol` in `net`, bound at portid 0.
pub fn netlink_kernel_create(
    _k: &mut Kernel,
    _net: NetId,
    _protocol: usize,
    _cfg: NetlinkKernelCfg,
) -> SockId {
    unimplemented!("netlink_kernel_create")
}

/// `netlink_rcv_skb`: walk the messages of `skb`, call `cb` for each request, and ack.
pub fn netlink_rcv_skb(_k: &mut Kernel, _skb: &SkBuff, _cb: NetlinkRcvMsg) -> SysResult<()> {
    Err(SysError::Unimplemented("netlink_rcv_skb"))
}

/// `netlink_ack`: send NLMSG_ERROR for `nlh` (the request message) with `err` (0 or -errno).
pub fn netlink_ack(
    _k: &mut Kernel,
    _in_skb: &SkBuff,
    _nlh: &[u8],
    _err: i32,
    _extack: &NetlinkExtAck,
) {
}

/// `netlink_unicast`: deliver `skb` from `ssk` to `portid` in `ssk`'s namespace.
pub fn netlink_unicast(
    _k: &mut Kernel,
    _ssk: SockId,
    _skb: SkBuff,
    _portid: u32,
    _nonblock: bool,
) -> SysResult<usize> {
    Err(SysError::Unimplemented("netlink_unicast"))
}

/// `netlink_broadcast`: deliver a copy of `skb` to every listener of `group` (1-based) in
/// `ssk`'s namespace except `portid`.
pub fn netlink_broadcast(
    _k: &mut Kernel,
    _ssk: SockId,
    _skb: SkBuff,
    _portid: u32,
    _group: u32,
) -> Result<(), Errno> {
    Ok(())
}

/// `netlink_has_listeners`.
pub fn netlink_has_listeners(_k: &Kernel, _ssk: SockId, _group: u32) -> bool {
    false
}

/// `netlink_dump_start`: start a dump on the requesting socket of `skb`; returns
/// `Err(EINTR)` once started (no ack), or the start error.
pub fn netlink_dump_start(
    _k: &mut Kernel,
    _ssk: SockId,
    _skb: &SkBuff,
    _nlh: &[u8],
    _control: NetlinkDumpControl,
) -> SysResult<()> {
    Err(SysError::Unimplemented("netlink_dump_start"))
}

/// `netlink_ns_capable`: did the sender of `skb` (opener and sending task) hold `cap` over the
/// user namespace `user_ns`?
pub fn netlink_ns_capable(
    _k: &Kernel,
    _skb: &SkBuff,
    _user_ns: crate::cred::UserNsId,
    _cap: u32,
) -> bool {
    false
}

/// `netlink_net_capable`: `netlink_ns_capable` over the sender's namespace's owning user ns.
pub fn netlink_net_capable(_k: &Kernel, _skb: &SkBuff, _cap: u32) -> bool {
    false
}

/// `netlink_strict_get_check`: did the sending socket set `NETLINK_GET_STRICT_CHK`?
pub fn netlink_strict_get_check(_k: &Kernel, _skb: &SkBuff) -> bool {
    false
}

/// `sock_net(skb->sk)`: the namespace a message came from.
pub fn skb_net(k: &Kernel, skb: &SkBuff) -> NetId {
    k.sk(skb.sk.expect("skb from a socket")).net
}
