//! Nexthop objects: what the model answers where the bundled scenarios (compared byte for byte
//! with the reference kernel) cannot look: the older releases' messages and the parts it does
//! not model, which answer `unimplemented` instead of guessing.

use nltwin_model::profile::Profile;
use nltwin_model::uapi::netlink::*;
use nltwin_model::uapi::rtnetlink::*;
use nltwin_model::uapi::socket::SOCK_RAW;
use nltwin_model::{Kernel, SysError, TaskId};
use nltwin_wire::nla::Attrs;
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::uapi::nexthop::*;
use nltwin_wire::{nhmsg, nlmsgerr, MessageBuilder};

/// Send `msg` on a fresh ROUTE socket; the messages answered up to the ack or NLMSG_DONE,
/// and the error code there.
fn request(k: &mut Kernel, task: TaskId, msg: &[u8]) -> Result<(Vec<Vec<u8>>, i32), SysError> {
    let fd = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
    k.sys_sendto(task, fd, msg, 0, None)?;
    let mut buf = vec![0u8; 65536];
    let mut got = Vec::new();
    loop {
        let r = k.sys_recvfrom(task, fd, &mut buf, 0).unwrap();
        for m in Messages::new(&buf[..r.ret]) {
            match m.msg_type() {
                NLMSG_ERROR => return Ok((got, nlmsgerr::error_code(m.payload()).unwrap())),
                NLMSG_DONE => return Ok((got, 0)),
                _ => got.push(m.payload().to_vec()),
            }
        }
    }
}

fn nh(
    ty: u16,
    flags: u16,
    family: u8,
    f: impl FnOnce(MessageBuilder) -> MessageBuilder,
) -> Vec<u8> {
    let hdr = nhmsg::Repr {
        family,
        ..Default::default()
    };
    f(MessageBuilder::new(ty, NLM_F_REQUEST | flags, 1, 0).header(&hdr.to_bytes())).build()
}

fn group(ids: &[u32]) -> Vec<u8> {
    ids.iter()
        .flat_map(|&id| {
            NexthopGrp {
                id,
                ..Default::default()
            }
            .to_bytes()
        })
        .collect()
}

/// A kernel of `profile` with `lo` up, a blackhole (id 1) and a group of it (id 2).
fn with_group(profile: Profile) -> (Kernel, TaskId) {
    let (mut k, task) = Kernel::sandboxed_with(profile, 4242);
    let lo_up = MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
        .header(
            &nltwin_wire::ifinfomsg::Repr {
                index: 1,
                flags: 1,
                change: 1,
                ..Default::default()
            }
            .to_bytes(),
        )
        .build();
    assert_eq!(request(&mut k, task, &lo_up).unwrap().1, 0);
    let bh = nh(RTM_NEWNEXTHOP, NLM_F_ACK | NLM_F_CREATE, 2, |m| {
        m.u32(NHA_ID, 1).flag(NHA_BLACKHOLE)
    });
    assert_eq!(request(&mut k, task, &bh).unwrap().1, 0);
    let g = nh(RTM_NEWNEXTHOP, NLM_F_ACK | NLM_F_CREATE, 0, |m| {
        m.u32(NHA_ID, 2).attr(NHA_GROUP, &group(&[1]))
    });
    assert_eq!(request(&mut k, task, &g).unwrap().1, 0);
    (k, task)
}

fn group_attr_types(k: &mut Kernel, task: TaskId) -> Vec<u16> {
    let get = nh(RTM_GETNEXTHOP, NLM_F_ACK, 0, |m| m.u32(NHA_ID, 2));
    let (msgs, err) = request(k, task, &get).unwrap();
    assert_eq!((msgs.len(), err), (1, 0));
    Attrs::new(&msgs[0][nhmsg::LEN..])
        .map(|a| a.kind())
        .collect()
}

#[test]
fn a_group_message_carries_nha_op_flags_from_the_release_that_clears_its_reserved_bytes() {
    let (mut k, task) = with_group(Profile::DEBIAN_6_12);
    assert_eq!(
        group_attr_types(&mut k, task),
        [NHA_ID, NHA_GROUP_TYPE, NHA_GROUP, NHA_OP_FLAGS]
    );
    let (mut k, task) = with_group(Profile::DEBIAN_6_1);
    assert_eq!(
        group_attr_types(&mut k, task),
        [NHA_ID, NHA_GROUP_TYPE, NHA_GROUP]
    );
}

#[test]
fn nha_op_flags_is_unknown_to_a_release_without_group_statistics() {
    let (mut k, task) = with_group(Profile::DEBIAN_6_1);
    let get = nh(RTM_GETNEXTHOP, NLM_F_ACK, 0, |m| {
        m.u32(NHA_ID, 2).u32(NHA_OP_FLAGS, 1)
    });
    assert_eq!(request(&mut k, task, &get).unwrap().1, -22);
    let (mut k, task) = with_group(Profile::DEBIAN_6_12);
    let (msgs, err) = request(&mut k, task, &get).unwrap();
    assert_eq!((msgs.len(), err), (1, 0));
    assert!(Attrs::new(&msgs[0][nhmsg::LEN..]).any(|a| a.kind() == NHA_GROUP_STATS));
}

#[test]
fn encapsulation_and_ipv6_onlink_nexthops_are_unimplemented() {
    let (mut k, task) = with_group(Profile::LINUX_6_18);
    let encap = nh(RTM_NEWNEXTHOP, NLM_F_ACK | NLM_F_CREATE, 2, |m| {
        m.u32(NHA_OIF, 1)
            .u16(NHA_ENCAP_TYPE, 1)
            .nest_flagged(NHA_ENCAP, |b| b.u32(1, 0))
    });
    let r = request(&mut k, task, &encap);
    assert!(
        matches!(&r, Err(SysError::Unimplemented(w)) if w.what().contains("encapsulation")),
        "{r:?}"
    );
    let hdr = nhmsg::Repr {
        family: 10,
        flags: 4, // RTNH_F_ONLINK
        ..Default::default()
    };
    let onlink = MessageBuilder::new(
        RTM_NEWNEXTHOP,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE,
        1,
        0,
    )
    .header(&hdr.to_bytes())
    .u32(NHA_OIF, 1)
    .attr(
        NHA_GATEWAY,
        &[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    )
    .build();
    let r = request(&mut k, task, &onlink);
    assert!(
        matches!(&r, Err(SysError::Unimplemented(w)) if w.what().contains("ONLINK")),
        "{r:?}"
    );
}

#[test]
fn deleting_a_groups_last_member_deletes_the_group() {
    let (mut k, task) = with_group(Profile::LINUX_6_18);
    let del = nh(RTM_DELNEXTHOP, NLM_F_ACK, 0, |m| m.u32(NHA_ID, 1));
    assert_eq!(request(&mut k, task, &del).unwrap().1, 0);
    let dump = nh(RTM_GETNEXTHOP, NLM_F_DUMP, 0, |m| m);
    assert_eq!(request(&mut k, task, &dump).unwrap(), (vec![], 0));
}
