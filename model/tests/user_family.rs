//! A generic netlink family of one's own, modeled in a few lines and driven through the
//! model's system calls the way a client would: resolution through nlctrl, a doit, a dump
//! that takes several chunks, GETPOLICY, a policy error with its extended ack, a multicast
//! notification, and the nlctrl announcements of registration and removal. No root, no OS.
//!
//! Every expected reply is built here, attribute by attribute, from what the family registered.

use nltwin_model::af_netlink::NetlinkCallback;
use nltwin_model::genetlink::{
    genl_dumpit_info, genl_family_find_byid, genl_notify, genl_register_family,
    genl_unregister_family, genlmsg_end_or_cancel, genlmsg_new, genlmsg_put, genlmsg_reply,
    GenlFamily, GenlInfo, GenlOp,
};
use nltwin_model::nlattr::{NlaPolicy, NlaType};
use nltwin_model::skbuff::SkBuff;
use nltwin_model::uapi::genetlink::*;
use nltwin_model::uapi::netlink::nl_attr_type::{NL_ATTR_TYPE_NUL_STRING, NL_ATTR_TYPE_U32};
use nltwin_model::uapi::netlink::nl_policy_type_attr::{
    NL_POLICY_TYPE_ATTR_MAX_LENGTH, NL_POLICY_TYPE_ATTR_MAX_VALUE_U,
    NL_POLICY_TYPE_ATTR_MIN_VALUE_U, NL_POLICY_TYPE_ATTR_TYPE,
};
use nltwin_model::uapi::netlink::*;
use nltwin_model::uapi::socket::SOCK_RAW;
use nltwin_model::{Errno, Kernel, SysResult, TaskId};
use nltwin_wire::{genlmsghdr, nlmsg, scalar, MessageBuilder};
use pretty_assertions::assert_eq;

// ---- the family: what a user writes ----

/// Get a value back (doit), or every item (dump).
const DEMO_CMD_GET: u8 = 1;
/// Tell the "events" group (doit, no policy).
const DEMO_CMD_NOTIFY: u8 = 2;
/// A u32.
const DEMO_A_VALUE: u16 = 1;
/// A name, at most 15 characters.
const DEMO_A_NAME: u16 = 2;
/// How many items the dump lists: more than one chunk holds.
const DEMO_ITEMS: u32 = 200;

static DEMO_POLICY: [NlaPolicy; 3] = [
    NlaPolicy::of(NlaType::Unspec),
    NlaPolicy::of(NlaType::U32),
    NlaPolicy::with_len(NlaType::NulString, 15),
];

fn demo_family(k: &Kernel, id: u16) -> Result<GenlFamily, Errno> {
    genl_family_find_byid(k, id).cloned().ok_or(Errno::ENOENT)
}

/// GET doit: the request's VALUE, back.
fn demo_get(k: &mut Kernel, info: &GenlInfo<'_>) -> SysResult<()> {
    let value = info.attr(DEMO_A_VALUE).ok_or(Errno::EINVAL)?.to_vec();
    let family = demo_family(k, info.family)?;
    let mut skb = genlmsg_new();
    let at = genlmsg_put(
        &mut skb,
        info.snd_portid,
        info.snd_seq,
        &family,
        0,
        DEMO_CMD_GET,
    )?;
    skb.nla_put(DEMO_A_VALUE, &value)?;
    skb.nlmsg_end(at);
    genlmsg_reply(k, skb, info)
}

/// GET dumpit: items 0..DEMO_ITEMS as VALUE, resuming at `args[0]`.
fn demo_dump(k: &mut Kernel, skb: &mut SkBuff, cb: &mut NetlinkCallback) -> SysResult<i32> {
    let id = genl_dumpit_info(cb).ok_or(Errno::EINVAL)?.family;
    let family = demo_family(k, id)?;
    let seq = nlmsg::Packet::new_unchecked(&cb.nlh[..]).seq();
    while (cb.args[0] as u32) < DEMO_ITEMS {
        let Ok(at) = genlmsg_put(skb, cb.portid, seq, &family, NLM_F_MULTI, DEMO_CMD_GET) else {
            break;
        };
        let filled = skb.nla_put_u32(DEMO_A_VALUE, cb.args[0] as u32);
        if genlmsg_end_or_cancel(skb, at, filled).is_err() {
            break; // full: the next chunk resumes at args[0]
        }
        cb.args[0] += 1;
    }
    Ok(skb.len() as i32)
}

/// NOTIFY doit: "hi" to the family's group 0.
fn demo_notify(k: &mut Kernel, info: &GenlInfo<'_>) -> SysResult<()> {
    let family = demo_family(k, info.family)?;
    let mut skb = genlmsg_new();
    let at = genlmsg_put(
        &mut skb,
        info.snd_portid,
        info.snd_seq,
        &family,
        0,
        DEMO_CMD_NOTIFY,
    )?;
    skb.nla_put_string(DEMO_A_NAME, "hi")?;
    skb.nlmsg_end(at);
    genl_notify(k, &family, skb, info, 0)
}

fn demo() -> GenlFamily {
    GenlFamily {
        name: "demo".into(),
        version: 1,
        netnsok: true,
        ops: vec![
            GenlOp {
                cmd: DEMO_CMD_GET,
                flags: GENL_CMD_CAP_DO,
                policy: Some(&DEMO_POLICY),
                doit: Some(demo_get),
                ..GenlOp::default()
            },
            GenlOp {
                cmd: DEMO_CMD_GET,
                flags: GENL_CMD_CAP_DUMP,
                policy: Some(&DEMO_POLICY),
                dumpit: Some(demo_dump),
                ..GenlOp::default()
            },
            GenlOp {
                cmd: DEMO_CMD_NOTIFY,
                flags: GENL_CMD_CAP_DO,
                doit: Some(demo_notify),
                ..GenlOp::default()
            },
        ],
        mcgrps: vec![(0, "events".into())],
        ..GenlFamily::default()
    }
}

// ---- builders for the expected replies ----

const TGID: u32 = 4242;
/// The first id after the 6.18 boot families (TASKSTATS is 31).
const DEMO_ID: u16 = 32;
/// The first group id the boot families leave free: thermal (2, 3), netdev (4, 5), ethtool
/// (6), acpi_event (7), mptcp_pm (8, 9) and IOAM6 (10) hold the ones before it, visible in this
/// namespace or not.
const DEMO_GROUP: u32 = 11;
/// nlctrl's version, in its replies' `genlmsghdr`.
const NLCTRL_VERSION: u8 = 2;

/// A generic netlink message: the header, a `genlmsghdr`, and the attributes `attrs` adds.
fn genl_msg(
    ty: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    cmd: u8,
    version: u8,
    attrs: impl FnOnce(MessageBuilder) -> MessageBuilder,
) -> Vec<u8> {
    let hdr = genlmsghdr::Repr {
        cmd,
        version,
        reserved: 0,
    };
    attrs(MessageBuilder::new(ty, flags, seq, pid).header(&hdr.to_bytes())).build()
}

// ---- the client side: system calls on the model ----

struct Client {
    k: Kernel,
    task: TaskId,
}

impl Client {
    fn new() -> Client {
        let (mut k, task) = Kernel::sandboxed(TGID);
        assert_eq!(genl_register_family(&mut k, demo()), Ok(DEMO_ID));
        Client { k, task }
    }

    fn socket(&mut self) -> i32 {
        self.k
            .sys_socket(self.task, SOCK_RAW, NETLINK_GENERIC)
            .unwrap()
    }

    /// Bind to an autobound portid: a multicast listener must be bound, as the kernel skips
    /// sockets whose portid (0 while unbound) equals the sender's excluded portid (0 for
    /// kernel notifications).
    fn bind(&mut self, fd: i32) {
        let addr = SockaddrNl::new(0, 0).to_bytes();
        self.k.sys_bind(self.task, fd, &addr).unwrap();
    }

    fn setsockopt(&mut self, fd: i32, name: i32, v: u32) {
        self.k
            .sys_setsockopt(self.task, fd, SOL_NETLINK, name, &scalar::u32_bytes(v))
            .unwrap();
    }

    fn send(&mut self, fd: i32, msg: &[u8]) {
        assert_eq!(
            self.k.sys_sendto(self.task, fd, msg, 0, None),
            Ok(msg.len())
        );
    }

    /// One datagram and the groups it was sent to; `None` when the queue is empty.
    fn recv(&mut self, fd: i32) -> Option<(Vec<u8>, u32)> {
        let mut buf = vec![0; 32768];
        match self.k.sys_recvfrom(self.task, fd, &mut buf, 0) {
            Ok(r) => {
                buf.truncate(r.ret);
                Some((buf, r.from.groups))
            }
            Err(e) => {
                assert_eq!(e, Errno::EAGAIN.into());
                None
            }
        }
    }

    fn recv_bytes(&mut self, fd: i32) -> Vec<u8> {
        self.recv(fd).expect("a datagram").0
    }
}

/// The ack of `request`: a success carries only the request's header (NLM_F_CAPPED), an
/// error the whole request.
fn ack(seq: u32, request: &[u8], err: i32) -> Vec<u8> {
    let (echoed, flags) = if err == 0 {
        (&request[..nlmsg::HEADER_LEN], NLM_F_CAPPED)
    } else {
        (request, 0)
    };
    MessageBuilder::new(NLMSG_ERROR, flags, seq, TGID)
        .payload(&scalar::i32_bytes(err))
        .payload(echoed)
        .build()
}

/// The NLMSG_DONE that ends a dump answered with `seq`.
fn done(seq: u32) -> Vec<u8> {
    MessageBuilder::new(NLMSG_DONE, NLM_F_MULTI, seq, TGID)
        .payload(&scalar::i32_bytes(0))
        .build()
}

/// MCAST_GROUPS as nlctrl lists demo's: entry 1, GRP_ID before GRP_NAME.
fn demo_groups(b: MessageBuilder) -> MessageBuilder {
    b.nest(CTRL_ATTR_MCAST_GROUPS, |b| {
        b.nest(1, |b| {
            b.u32(CTRL_ATTR_MCAST_GRP_ID, DEMO_GROUP)
                .str(CTRL_ATTR_MCAST_GRP_NAME, "events")
        })
    })
}

/// NAME and ID, the start of every nlctrl record of demo.
fn demo_name_id(b: MessageBuilder) -> MessageBuilder {
    b.str(CTRL_ATTR_FAMILY_NAME, "demo")
        .u16(CTRL_ATTR_FAMILY_ID, DEMO_ID)
}

/// A request to demo.
fn demo_request(
    flags: u16,
    seq: u32,
    cmd: u8,
    attrs: impl FnOnce(MessageBuilder) -> MessageBuilder,
) -> Vec<u8> {
    genl_msg(DEMO_ID, NLM_F_REQUEST | flags, seq, 0, cmd, 1, attrs)
}

/// A message from demo (version 1).
fn demo_msg(
    flags: u16,
    seq: u32,
    pid: u32,
    cmd: u8,
    attrs: impl FnOnce(MessageBuilder) -> MessageBuilder,
) -> Vec<u8> {
    genl_msg(DEMO_ID, flags, seq, pid, cmd, 1, attrs)
}

/// CTRL_CMD_NEWFAMILY for demo as `ctrl_fill_info` builds it: OPS with GET (do, dump, has a
/// policy) and NOTIFY (do; listed with the reject-all policy every split op without one gets).
fn demo_record(seq: u32, pid: u32, cmd: u8) -> Vec<u8> {
    let op = |b: MessageBuilder, i: u16, id: u8, flags: u32| {
        b.nest(i, |b| {
            b.u32(CTRL_ATTR_OP_ID, id.into())
                .u32(CTRL_ATTR_OP_FLAGS, flags)
        })
    };
    genl_msg(GENL_ID_CTRL, 0, seq, pid, cmd, NLCTRL_VERSION, |b| {
        let b = demo_name_id(b)
            .u32(CTRL_ATTR_VERSION, 1)
            .u32(CTRL_ATTR_HDRSIZE, 0)
            .u32(CTRL_ATTR_MAXATTR, 0)
            .nest(CTRL_ATTR_OPS, |b| {
                let get = GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP | GENL_CMD_CAP_HASPOL;
                let b = op(b, 1, DEMO_CMD_GET, get);
                op(b, 2, DEMO_CMD_NOTIFY, GENL_CMD_CAP_DO | GENL_CMD_CAP_HASPOL)
            });
        demo_groups(b)
    })
}

#[test]
fn nlctrl_resolves_the_family_by_name_and_by_id() {
    let mut c = Client::new();
    let fd = c.socket();
    let req = genl_msg(
        GENL_ID_CTRL,
        NLM_F_REQUEST,
        1,
        0,
        CTRL_CMD_GETFAMILY,
        1,
        |b| b.str(CTRL_ATTR_FAMILY_NAME, "demo"),
    );
    c.send(fd, &req);
    assert_eq!(c.recv_bytes(fd), demo_record(1, TGID, CTRL_CMD_NEWFAMILY));
    let req = genl_msg(
        GENL_ID_CTRL,
        NLM_F_REQUEST,
        2,
        0,
        CTRL_CMD_GETFAMILY,
        1,
        |b| b.u16(CTRL_ATTR_FAMILY_ID, DEMO_ID),
    );
    c.send(fd, &req);
    assert_eq!(c.recv_bytes(fd), demo_record(2, TGID, CTRL_CMD_NEWFAMILY));
}

#[test]
fn doit_echoes_the_value_then_acks() {
    let mut c = Client::new();
    let fd = c.socket();
    let value = |b: MessageBuilder| b.u32(DEMO_A_VALUE, 0xdead_beef);
    let req = demo_request(NLM_F_ACK, 3, DEMO_CMD_GET, value);
    c.send(fd, &req);
    let reply = demo_msg(0, 3, TGID, DEMO_CMD_GET, value);
    assert_eq!(c.recv_bytes(fd), reply);
    assert_eq!(c.recv_bytes(fd), ack(3, &req, 0));
    assert_eq!(c.recv(fd), None);
}

#[test]
fn dump_lists_every_item_over_two_chunks_then_done() {
    let mut c = Client::new();
    let fd = c.socket();
    c.send(fd, &demo_request(NLM_F_DUMP, 4, DEMO_CMD_GET, |b| b));
    let item = |i: u32| {
        demo_msg(NLM_F_MULTI, 4, TGID, DEMO_CMD_GET, |b| {
            b.u32(DEMO_A_VALUE, i)
        })
    };
    // The first chunk is built at send time in a page-sized skb (3776 bytes of room): 134
    // items of 28 bytes. The rest fits the next one, sized for the 32 KiB reader.
    let first: Vec<u8> = (0..134).flat_map(item).collect();
    assert_eq!(c.recv_bytes(fd), first);
    let second: Vec<u8> = (134..DEMO_ITEMS).flat_map(item).collect();
    assert_eq!(c.recv_bytes(fd), second);
    assert_eq!(c.recv_bytes(fd), done(4));
    assert_eq!(c.recv(fd), None);
}

/// GETPOLICY request for demo, optionally for one command.
fn getpolicy(seq: u32, op: Option<u32>) -> Vec<u8> {
    genl_msg(
        GENL_ID_CTRL,
        NLM_F_REQUEST | NLM_F_DUMP,
        seq,
        0,
        CTRL_CMD_GETPOLICY,
        1,
        |b| {
            let b = b.str(CTRL_ATTR_FAMILY_NAME, "demo");
            match op {
                Some(o) => b.u32(CTRL_ATTR_OP, o),
                None => b,
            }
        },
    )
}

/// A GETPOLICY reply message of family `id`: FAMILY_ID, then what `body` adds.
fn policy_msg(id: u16, seq: u32, body: impl FnOnce(MessageBuilder) -> MessageBuilder) -> Vec<u8> {
    genl_msg(
        GENL_ID_CTRL,
        NLM_F_MULTI,
        seq,
        TGID,
        CTRL_CMD_GETPOLICY,
        NLCTRL_VERSION,
        |b| body(b.u16(CTRL_ATTR_FAMILY_ID, id)),
    )
}

/// The OP_POLICY message of command `cmd`: the policy indices `idx` adds.
fn op_policy_msg(
    id: u16,
    seq: u32,
    cmd: u16,
    idx: impl FnOnce(MessageBuilder) -> MessageBuilder,
) -> Vec<u8> {
    policy_msg(id, seq, |b| {
        b.nest_flagged(CTRL_ATTR_OP_POLICY, |b| b.nest_flagged(cmd, idx))
    })
}

/// The POLICY message describing attribute `a` of policy 0 with what `what` adds.
fn policy_attr_msg(
    id: u16,
    seq: u32,
    a: u16,
    what: impl FnOnce(MessageBuilder) -> MessageBuilder,
) -> Vec<u8> {
    policy_msg(id, seq, |b| {
        b.nest_flagged(CTRL_ATTR_POLICY, |b| {
            b.nest_flagged(0, |b| b.nest_flagged(a, what))
        })
    })
}

/// A u32 attribute's description: the bounds of the type, then the type.
fn u32_policy(b: MessageBuilder) -> MessageBuilder {
    b.u64(NL_POLICY_TYPE_ATTR_MIN_VALUE_U, 0)
        .u64(NL_POLICY_TYPE_ATTR_MAX_VALUE_U, u32::MAX.into())
        .u32(NL_POLICY_TYPE_ATTR_TYPE, NL_ATTR_TYPE_U32)
}

/// The POLICY messages of DEMO_POLICY at index 0: VALUE is a u32 (bounds of the type), NAME a
/// NUL-terminated string of at most 15; attribute 0 (UNSPEC) has nothing to say.
fn demo_policy_messages(seq: u32) -> Vec<u8> {
    let mut v = policy_attr_msg(DEMO_ID, seq, DEMO_A_VALUE, u32_policy);
    v.extend(policy_attr_msg(DEMO_ID, seq, DEMO_A_NAME, |b| {
        b.u32(NL_POLICY_TYPE_ATTR_MAX_LENGTH, 15)
            .u32(NL_POLICY_TYPE_ATTR_TYPE, NL_ATTR_TYPE_NUL_STRING)
    }));
    v
}

#[test]
fn getpolicy_describes_the_registered_policies() {
    let mut c = Client::new();
    let fd = c.socket();
    c.send(fd, &getpolicy(5, None));
    // OP_POLICY per command: GET's do and dump share policy 0; NOTIFY's do has the reject-all
    // policy (index 1), which has no attribute to describe.
    let do_and_dump =
        |b: MessageBuilder| b.u32(CTRL_ATTR_POLICY_DO, 0).u32(CTRL_ATTR_POLICY_DUMP, 0);
    let mut want = op_policy_msg(DEMO_ID, 5, DEMO_CMD_GET.into(), do_and_dump);
    want.extend(op_policy_msg(DEMO_ID, 5, DEMO_CMD_NOTIFY.into(), |b| {
        b.u32(CTRL_ATTR_POLICY_DO, 1)
    }));
    want.extend(demo_policy_messages(5));
    assert_eq!(c.recv_bytes(fd), want);
    assert_eq!(c.recv_bytes(fd), done(5));

    // One command: its OP_POLICY, then its policy alone.
    c.send(fd, &getpolicy(6, Some(DEMO_CMD_GET.into())));
    let mut want = op_policy_msg(DEMO_ID, 6, DEMO_CMD_GET.into(), do_and_dump);
    want.extend(demo_policy_messages(6));
    assert_eq!(c.recv_bytes(fd), want);
    assert_eq!(c.recv_bytes(fd), done(6));

    // NOTIFY alone: looked up as registered, it has no policy: ENODATA.
    let req = getpolicy(7, Some(DEMO_CMD_NOTIFY.into()));
    c.send(fd, &req);
    assert_eq!(c.recv_bytes(fd), ack(7, &req, Errno::ENODATA.as_neg()));
}

#[test]
fn policy_error_answers_with_the_extended_ack() {
    let mut c = Client::new();
    let fd = c.socket();
    c.setsockopt(fd, NETLINK_EXT_ACK, 1);
    // VALUE as 2 bytes: a new family validates strictly, a u32 must be 4 bytes.
    let req = demo_request(NLM_F_ACK, 8, DEMO_CMD_GET, |b| {
        b.attr(DEMO_A_VALUE, &[1, 2])
    });
    c.send(fd, &req);
    let want = MessageBuilder::new(NLMSG_ERROR, NLM_F_ACK_TLVS, 8, TGID)
        .payload(&scalar::i32_bytes(Errno::EINVAL.as_neg()))
        .payload(&req)
        .str(NLMSGERR_ATTR_MSG, "invalid attribute length")
        .u32(NLMSGERR_ATTR_OFFS, 20)
        .nest_flagged(NLMSGERR_ATTR_POLICY, u32_policy)
        .build();
    assert_eq!(c.recv_bytes(fd), want);
}

#[test]
fn notification_reaches_the_group_members_only() {
    let mut c = Client::new();
    let (requester, listener, bystander) = (c.socket(), c.socket(), c.socket());
    c.bind(requester); // the tgid
    c.bind(listener);
    c.bind(bystander);
    c.setsockopt(listener, NETLINK_ADD_MEMBERSHIP, DEMO_GROUP);
    let req = demo_request(NLM_F_ACK, 9, DEMO_CMD_NOTIFY, |b| b);
    c.send(requester, &req);
    let note = |pid: u32| demo_msg(0, 9, pid, DEMO_CMD_NOTIFY, |b| b.str(DEMO_A_NAME, "hi"));
    // Sent to group 2: the source address says so (group mask bit 1).
    assert_eq!(c.recv(listener), Some((note(TGID), 1 << (DEMO_GROUP - 1))));
    assert_eq!(c.recv(bystander), None);
    assert_eq!(c.recv_bytes(requester), ack(9, &req, 0));
    assert_eq!(c.recv(requester), None);

    // With NLM_F_ECHO the requester gets the notification too, by unicast.
    c.send(
        requester,
        &demo_request(NLM_F_ECHO, 9, DEMO_CMD_NOTIFY, |b| b),
    );
    assert_eq!(c.recv(requester), Some((note(TGID), 0)));
    assert!(c.recv(listener).is_some());
}

#[test]
fn registration_and_removal_are_announced_on_nlctrl_notify() {
    let (k, task) = Kernel::sandboxed(TGID);
    let mut c = Client { k, task };
    let fd = c.socket();
    // Bind first: a later bind with no groups would clear the first 32 memberships.
    c.bind(fd);
    c.setsockopt(fd, NETLINK_ADD_MEMBERSHIP, GENL_ID_CTRL.into());
    assert_eq!(genl_register_family(&mut c.k, demo()), Ok(DEMO_ID));
    // A group event: NAME, ID and the one group.
    let group_event = |cmd: u8| {
        genl_msg(GENL_ID_CTRL, 0, 0, 0, cmd, NLCTRL_VERSION, |b| {
            demo_groups(demo_name_id(b))
        })
    };
    let notify_mask = 1 << (GENL_ID_CTRL - 1);
    assert_eq!(
        c.recv(fd),
        Some((demo_record(0, 0, CTRL_CMD_NEWFAMILY), notify_mask))
    );
    assert_eq!(
        c.recv(fd),
        Some((group_event(CTRL_CMD_NEWMCAST_GRP), notify_mask))
    );

    // A member of the family's group is dropped from it when the family goes.
    let member = c.socket();
    c.bind(member);
    c.setsockopt(member, NETLINK_ADD_MEMBERSHIP, DEMO_GROUP);
    assert_eq!(genl_unregister_family(&mut c.k, DEMO_ID), Ok(()));
    assert_eq!(
        c.recv(fd),
        Some((group_event(CTRL_CMD_DELMCAST_GRP), notify_mask))
    );
    assert_eq!(
        c.recv(fd),
        Some((demo_record(0, 0, CTRL_CMD_DELFAMILY), notify_mask))
    );
    let mut groups = [0u8; 4];
    let len =
        c.k.sys_getsockopt(
            c.task,
            member,
            SOL_NETLINK,
            NETLINK_LIST_MEMBERSHIPS,
            &mut groups,
        )
        .unwrap();
    assert_eq!((len, groups), (8, [0; 4]));
    assert_eq!(
        genl_unregister_family(&mut c.k, DEMO_ID),
        Err(Errno::ENOENT)
    );
    // The name is free again; the id moves on (cyclic allocation).
    assert_eq!(genl_register_family(&mut c.k, demo()), Ok(DEMO_ID + 1));
}

/// 150 u32 attributes: a policy description longer than a chunk.
static BIG_POLICY: [NlaPolicy; 151] = {
    let mut p = [NlaPolicy::of(NlaType::U32); 151];
    p[0] = NlaPolicy::of(NlaType::Unspec);
    p
};

#[test]
fn getpolicy_of_a_large_policy_resumes_across_chunks() {
    let mut c = Client::new();
    let big = GenlFamily {
        name: "big".into(),
        version: 1,
        netnsok: true,
        ops: vec![GenlOp {
            cmd: 1,
            flags: GENL_CMD_CAP_DO,
            policy: Some(&BIG_POLICY),
            doit: Some(demo_get),
            ..GenlOp::default()
        }],
        ..GenlFamily::default()
    };
    let id = genl_register_family(&mut c.k, big).unwrap();
    let fd = c.socket();
    let req = genl_msg(
        GENL_ID_CTRL,
        NLM_F_REQUEST | NLM_F_DUMP,
        10,
        0,
        CTRL_CMD_GETPOLICY,
        1,
        |b| b.str(CTRL_ATTR_FAMILY_NAME, "big"),
    );
    c.send(fd, &req);
    let op = op_policy_msg(id, 10, 1, |b| b.u32(CTRL_ATTR_POLICY_DO, 0));
    let describe = |a: u16| policy_attr_msg(id, 10, a, u32_policy);
    // The first chunk (3776 bytes of room) takes the 44-byte OP_POLICY message and as many
    // 72-byte descriptions as fit after it: 51. The next, sized for the 32 KiB reader, the
    // other 99; DONE comes alone.
    let (op_len, each) = (op.len(), describe(1).len());
    assert_eq!((op_len, each), (44, 72));
    let fit = (3776 - op_len) / each;
    assert_eq!(fit, 51);
    let mut first = op.clone();
    first.extend((1..=fit as u16).flat_map(describe));
    assert_eq!(c.recv_bytes(fd), first);
    let second: Vec<u8> = (fit as u16 + 1..=150).flat_map(describe).collect();
    assert_eq!(c.recv_bytes(fd), second);
    assert_eq!(c.recv_bytes(fd), done(10));
    assert_eq!(c.recv(fd), None);
}
