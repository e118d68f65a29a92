//! Routing rules on the profiles whose kernels this machine does not run: the families a
//! build registers (Debian's has the multicast ones), NLMSG_DONE alone on 6.1, the port mask
//! a single port gets from 6.15 on, and FRA_DSCP ignored where the release has no such type.

use nltwin_model::profile::Profile;
use nltwin_model::uapi::fib_rules::*;
use nltwin_model::uapi::rtnetlink::*;
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, TaskId};
use nltwin_wire::fib_rule_hdr;
use nltwin_wire::nla::Attrs;
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::MessageBuilder;

fn rtnl(profile: Profile) -> (Kernel, TaskId, i32) {
    let (mut k, task) = Kernel::sandboxed_with(profile, 4242);
    let fd = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
    (k, task, fd)
}

fn rule_request(ty: u16, flags: u16, seq: u32, frh: fib_rule_hdr::Repr) -> MessageBuilder {
    MessageBuilder::new(ty, flags, seq, 0).header(&frh.to_bytes())
}

fn send(k: &mut Kernel, task: TaskId, fd: i32, msg: &[u8]) {
    k.sys_sendto(task, fd, msg, MSG_DONTWAIT, None).unwrap();
}

/// Every datagram queued on `fd`, as the messages' (type, payload) lists.
fn datagrams(k: &mut Kernel, task: TaskId, fd: i32) -> Vec<Vec<(u16, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65536];
    while let Ok(r) = k.sys_recvfrom(task, fd, &mut buf, MSG_DONTWAIT) {
        out.push(
            Messages::new(&buf[..r.ret])
                .map(|m| (m.msg_type(), m.payload().to_vec()))
                .collect(),
        );
    }
    out
}

/// (family, FRA_PRIORITY, FRA_TABLE) of each rule message.
fn rules(d: &[(u16, Vec<u8>)]) -> Vec<(u8, u32, u32)> {
    d.iter()
        .filter(|(ty, _)| *ty == RTM_NEWRULE)
        .map(|(_, p)| {
            let frh = fib_rule_hdr::Repr::parse_bytes(p).unwrap();
            let (mut pref, mut table) = (0, 0);
            for a in Attrs::new(&p[fib_rule_hdr::LEN..]) {
                match a.kind() {
                    FRA_PRIORITY => pref = a.u32().unwrap(),
                    FRA_TABLE => table = a.u32().unwrap(),
                    _ => {}
                }
            }
            (frh.family, pref, table)
        })
        .collect()
}

fn dump_all(k: &mut Kernel, task: TaskId, fd: i32) -> Vec<Vec<(u16, Vec<u8>)>> {
    let msg = rule_request(
        RTM_GETRULE,
        NLM_F_REQUEST | NLM_F_DUMP,
        1,
        Default::default(),
    )
    .build();
    send(k, task, fd, &msg);
    datagrams(k, task, fd)
}

#[test]
fn debian_builds_have_the_multicast_rule_families_in_registration_order() {
    let (mut k, task, fd) = rtnl(Profile::DEBIAN_7_3);
    let d = dump_all(&mut k, task, fd);
    assert_eq!(d.len(), 1, "DONE ends the chunk");
    assert_eq!(
        rules(&d[0]),
        [
            (AF_INET, 0, RT_TABLE_LOCAL),
            (AF_INET, 32766, RT_TABLE_MAIN),
            (AF_INET, 32767, RT_TABLE_DEFAULT),
            (RTNL_FAMILY_IPMR, 32767, RT_TABLE_DEFAULT),
            (RTNL_FAMILY_IP6MR, 32767, RT_TABLE_MAIN),
            (AF_INET6, 0, RT_TABLE_LOCAL),
            (AF_INET6, 32766, RT_TABLE_MAIN),
        ]
    );
    let (mut k, task, fd) = rtnl(Profile::LINUX_6_18);
    let d = dump_all(&mut k, task, fd);
    let families: Vec<u8> = rules(&d[0]).iter().map(|r| r.0).collect();
    assert_eq!(families, [AF_INET, AF_INET, AF_INET, AF_INET6, AF_INET6]);
}

#[test]
fn on_6_1_the_dump_returns_its_length_and_done_comes_alone() {
    let (mut k, task, fd) = rtnl(Profile::DEBIAN_6_1);
    let d = dump_all(&mut k, task, fd);
    assert_eq!(d.len(), 2);
    assert_eq!(rules(&d[0]).len(), 7);
    assert_eq!(d[1].len(), 1);
    assert_eq!(d[1][0].0, NLMSG_DONE);
}

/// The attribute types of the one rule of priority `pref` in an AF_INET dump.
fn rule_attr_types(k: &mut Kernel, task: TaskId, fd: i32, pref: u32) -> Vec<u16> {
    let frh = fib_rule_hdr::Repr {
        family: AF_INET,
        ..Default::default()
    };
    let msg = rule_request(RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP, 9, frh).build();
    send(k, task, fd, &msg);
    let d = datagrams(k, task, fd).concat();
    let (_, p) = d
        .iter()
        .find(|(ty, p)| {
            *ty == RTM_NEWRULE && rules(&[(*ty, p.clone())]).first().map(|r| r.1) == Some(pref)
        })
        .expect("the rule");
    Attrs::new(&p[fib_rule_hdr::LEN..])
        .map(|a| a.kind())
        .collect()
}

#[test]
fn a_single_port_gets_a_mask_from_6_15_and_dscp_is_ignored_before_6_12() {
    for (profile, mask, dscp) in [
        (Profile::DEBIAN_6_1, false, false),
        (Profile::DEBIAN_6_12, false, true),
        (Profile::DEBIAN_6_17, true, true),
    ] {
        let (mut k, task, fd) = rtnl(profile.clone());
        let frh = fib_rule_hdr::Repr {
            family: AF_INET,
            table: 100,
            action: FR_ACT_TO_TBL,
            ..Default::default()
        };
        let msg = rule_request(RTM_NEWRULE, NLM_F_REQUEST | NLM_F_CREATE, 2, frh)
            .u32(FRA_PRIORITY, 50)
            .attr(FRA_DPORT_RANGE, &[0x50, 0, 0x50, 0])
            .u8(FRA_DSCP, 10)
            .build();
        send(&mut k, task, fd, &msg);
        let types = rule_attr_types(&mut k, task, fd, 50);
        assert_eq!(types.contains(&FRA_DPORT_MASK), mask, "{}", profile.name);
        assert_eq!(types.contains(&FRA_DSCP), dscp, "{}", profile.name);
        assert_eq!(
            types.contains(&FRA_DSCP_MASK),
            mask && dscp,
            "{}",
            profile.name
        );
    }
}
