//! The multicast routing families' route dumps across builds: a build without
//! CONFIG_IP_MROUTE (the reference) has no RTNL_FAMILY_IPMR handler, so such a request falls
//! back to the dump of every family; Debian's build dumps its own (empty) forwarding cache,
//! with its own missing-table error. The reference's side is checked against the kernel by
//! the scenario route_dump_every_family_and_multicast_routing; Debian's by the kernel matrix.

use nltwin_model::profile::Profile;
use nltwin_model::uapi::if_::IFF_UP;
use nltwin_model::uapi::rtnetlink::*;
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, TaskId};
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::{rtmsg, MessageBuilder};

/// A strict-checking rtnetlink socket in a fresh namespace of `profile`, `lo` up.
fn strict_rtnl(profile: &str) -> (Kernel, TaskId, i32) {
    let profile = Profile::by_name(profile).expect("a known profile");
    let (mut k, task) = Kernel::sandboxed_with(profile, 4242);
    let fd = k.sys_socket(task, SOCK_RAW, NETLINK_ROUTE).unwrap();
    k.sys_setsockopt(
        task,
        fd,
        SOL_NETLINK,
        NETLINK_GET_STRICT_CHK,
        &1i32.to_ne_bytes(),
    )
    .unwrap();
    let up = nltwin_wire::ifinfomsg::Repr {
        index: 1,
        flags: IFF_UP,
        change: IFF_UP,
        ..Default::default()
    };
    let req = MessageBuilder::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
        .header(&up.to_bytes())
        .build();
    k.sys_sendto(task, fd, &req, 0, None).unwrap();
    let mut ack = [0u8; 512];
    k.sys_recvfrom(task, fd, &mut ack, 0).unwrap();
    (k, task, fd)
}

/// The messages of a whole dump of `family`'s routes, filtered by RTA_TABLE `table` if
/// given: (type, first four payload bytes as i32 for NLMSG_DONE/ERROR, rtm_family else).
fn dump(k: &mut Kernel, task: TaskId, fd: i32, family: u8, table: Option<u32>) -> Vec<(u16, i32)> {
    let hdr = rtmsg::Repr {
        family,
        ..Default::default()
    };
    let mut b =
        MessageBuilder::new(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 1, 0).header(&hdr.to_bytes());
    if let Some(t) = table {
        b = b.u32(RTA_TABLE, t);
    }
    k.sys_sendto(task, fd, &b.build(), 0, None).unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65536];
    while let Ok(r) = k.sys_recvfrom(task, fd, &mut buf, MSG_DONTWAIT) {
        for m in Messages::new(&buf[..r.ret]) {
            let p = m.payload();
            let v = match m.msg_type() {
                NLMSG_DONE | NLMSG_ERROR => i32::from_ne_bytes(p[..4].try_into().unwrap()),
                _ => i32::from(p[0]),
            };
            out.push((m.msg_type(), v));
        }
    }
    out
}

#[test]
fn without_ip_mroute_a_multicast_family_dumps_every_family() {
    let (mut k, t, fd) = strict_rtnl("6.18-minimal");
    let every = dump(&mut k, t, fd, AF_UNSPEC, None);
    assert!(every
        .iter()
        .any(|&(ty, f)| ty == RTM_NEWROUTE && f == AF_INET as i32));
    assert_eq!(dump(&mut k, t, fd, RTNL_FAMILY_IPMR, None), every);
    assert_eq!(dump(&mut k, t, fd, RTNL_FAMILY_IP6MR, None), every);
    // A table nobody has: nothing, from every family (none is the request's own).
    assert_eq!(
        dump(&mut k, t, fd, RTNL_FAMILY_IPMR, Some(1000)),
        [(NLMSG_DONE, 0)]
    );
}

#[test]
fn with_ip_mroute_the_multicast_families_dump_their_empty_cache() {
    for profile in ["debian-6.1", "debian-6.12", "debian-7.3"] {
        let (mut k, t, fd) = strict_rtnl(profile);
        for (family, own_table) in [(RTNL_FAMILY_IPMR, 253), (RTNL_FAMILY_IP6MR, 254)] {
            assert_eq!(
                dump(&mut k, t, fd, family, None),
                [(NLMSG_DONE, 0)],
                "{profile}"
            );
            assert_eq!(
                dump(&mut k, t, fd, family, Some(own_table)),
                [(NLMSG_DONE, 0)],
                "{profile}"
            );
            assert_eq!(
                dump(&mut k, t, fd, family, Some(1000)),
                [(NLMSG_DONE, -2)],
                "{profile}: ENOENT for a missing table in the family's own request"
            );
        }
        // The AF_UNSPEC dump still holds the unicast families' routes.
        let every = dump(&mut k, t, fd, AF_UNSPEC, None);
        assert!(every
            .iter()
            .any(|&(ty, f)| ty == RTM_NEWROUTE && f == AF_INET as i32));
        assert_eq!(every.last(), Some(&(NLMSG_DONE, 0)));
    }
}
