//! A listener of a generic netlink group that hears of links on the kernel, whose family the
//! model holds as data only (netdev's `mgmt`, ethtool's `monitor`), is never left silently
//! without those notifications: link changes answer `unimplemented`, naming the group.
//! Listeners of nlctrl's modeled group, or of groups that hear nothing of links, do not stop
//! them.

mod common;

use common::veth_pair;
use nltwin_model::uapi::{netlink::*, socket::*};
use nltwin_model::{Kernel, SysError};
use nltwin_wire::nlmsg;

fn create_veth(
    k: &mut Kernel,
    t: nltwin_model::TaskId,
    fd: i32,
    names: (&str, &str),
) -> Result<(), SysError> {
    let req = veth_pair(1, names.0, names.1, None).build();
    k.sys_sendto(t, fd, &req, 0, None)?;
    let mut buf = vec![0u8; 4096];
    let r = k.sys_recvfrom(t, fd, &mut buf, 0)?;
    let ack = nltwin_wire::nlmsgerr::Packet::new_checked(
        nlmsg::Packet::new_checked(&buf[..r.ret]).unwrap().payload(),
    )
    .unwrap();
    assert_eq!(ack.error(), 0, "created");
    Ok(())
}

/// The reference profile's group ids (`nltwin family list --backend model`).
const NLCTRL_NOTIFY: u32 = 16;
const NETDEV_MGMT: u32 = 4;
const NETDEV_PAGE_POOL: u32 = 5;
const ETHTOOL_MONITOR: u32 = 6;
const MPTCP_PM: [u32; 2] = [8, 9];
const IOAM6_EVENTS: u32 = 10;

fn membership(k: &mut Kernel, t: nltwin_model::TaskId, fd: i32, opt: i32, group: u32) {
    k.sys_setsockopt(t, fd, SOL_NETLINK, opt, &group.to_ne_bytes())
        .unwrap();
}

#[test]
fn link_changes_are_unimplemented_while_a_link_side_genl_group_listens() {
    let (mut k, t) = Kernel::sandboxed(100);
    let rt = k.sys_socket(t, SOCK_RAW, NETLINK_ROUTE).unwrap();
    let genl = k.sys_socket(t, SOCK_RAW, NETLINK_GENERIC).unwrap();
    // nlctrl's group is modeled; the others hear nothing of links.
    for g in [
        NLCTRL_NOTIFY,
        NETDEV_PAGE_POOL,
        MPTCP_PM[0],
        MPTCP_PM[1],
        IOAM6_EVENTS,
    ] {
        membership(&mut k, t, genl, NETLINK_ADD_MEMBERSHIP, g);
    }
    create_veth(&mut k, t, rt, ("va", "vb")).unwrap();
    for (group, name) in [
        (NETDEV_MGMT, "netdev:mgmt"),
        (ETHTOOL_MONITOR, "ethtool:monitor"),
    ] {
        membership(&mut k, t, genl, NETLINK_ADD_MEMBERSHIP, group);
        match k.sys_sendto(t, rt, &veth_pair(2, "vc", "vd", None).build(), 0, None) {
            Err(SysError::Unimplemented(u)) => {
                assert!(
                    u.what().contains(&format!("group {name} has")),
                    "{}",
                    u.what()
                )
            }
            other => panic!("expected unimplemented for {name}, got {other:?}"),
        }
        // Leaving the group lets link changes through again.
        membership(&mut k, t, genl, NETLINK_DROP_MEMBERSHIP, group);
    }
    create_veth(&mut k, t, rt, ("ve", "vf")).unwrap();
}
