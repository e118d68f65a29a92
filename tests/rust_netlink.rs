//! The rust-netlink stack (rtnetlink, genetlink, netlink-proto) over the model, through
//! `ModelSocket`, and the same operations on the kernel in a fresh sandbox with equal
//! (normalized) results.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::stream::{StreamExt, TryStreamExt};
use genetlink::GenetlinkHandle;
use netlink_packet_core::{NetlinkMessage, NetlinkPayload, NLM_F_REQUEST};
use netlink_packet_generic::ctrl::nlas::GenlCtrlAttrs;
use netlink_packet_generic::ctrl::{GenlCtrl, GenlCtrlCmd};
use netlink_packet_generic::GenlMessage;
use netlink_packet_route::link::{InfoKind, LinkAttribute, LinkInfo, LinkMessage};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::{AsyncSocket, SocketAddr, TokioSocket};
use nltwin::transport::async_model::{ModelNet, ModelSocket};
use rtnetlink::{Handle, LinkBridge, LinkUnspec, LinkVeth, MulticastGroup};

/// What a link is, without what varies between runs (indices, MACs, statistics, the
/// operstate's timing).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct LinkSummary {
    name: String,
    kind: Option<String>,
    flags: u32,
    mtu: Option<u32>,
    controller: Option<String>,
}

fn summarize(links: &[LinkMessage]) -> Vec<LinkSummary> {
    let name_of = |index: u32| {
        links
            .iter()
            .find(|l| l.header.index == index)
            .and_then(link_name)
            .unwrap_or_else(|| format!("#{index}"))
    };
    let mut out: Vec<LinkSummary> = links
        .iter()
        .map(|l| LinkSummary {
            name: link_name(l).unwrap_or_default(),
            kind: link_kind(l),
            // IFF_RUNNING follows the operstate, which link watch sets later (on the kernel
            // within a second, on the model when its clock moves): masked.
            flags: l.header.flags.bits() & !(libc::IFF_RUNNING as u32),
            mtu: l.attributes.iter().find_map(|a| match a {
                LinkAttribute::Mtu(m) => Some(*m),
                _ => None,
            }),
            controller: l.attributes.iter().find_map(|a| match a {
                LinkAttribute::Controller(i) => Some(name_of(*i)),
                _ => None,
            }),
        })
        .collect();
    out.sort();
    out
}

fn link_name(l: &LinkMessage) -> Option<String> {
    l.attributes.iter().find_map(|a| match a {
        LinkAttribute::IfName(n) => Some(n.clone()),
        _ => None,
    })
}

fn link_kind(l: &LinkMessage) -> Option<String> {
    l.attributes.iter().find_map(|a| match a {
        LinkAttribute::LinkInfo(infos) => infos.iter().find_map(|i| match i {
            LinkInfo::Kind(InfoKind::Veth) => Some("veth".to_string()),
            LinkInfo::Kind(InfoKind::Bridge) => Some("bridge".to_string()),
            LinkInfo::Kind(k) => Some(format!("{k:?}")),
            _ => None,
        }),
        _ => None,
    })
}

async fn dump(handle: &Handle) -> Vec<LinkMessage> {
    handle
        .link()
        .get()
        .execute()
        .try_collect()
        .await
        .expect("link dump")
}

async fn get_by_name(handle: &Handle, name: &str) -> Result<LinkMessage, String> {
    let mut s = handle.link().get().match_name(name).execute();
    match s.try_next().await {
        Ok(Some(l)) => Ok(l),
        Ok(None) => Err("no reply".into()),
        Err(e) => Err(errno_of(&e)),
    }
}

/// The errno an rtnetlink error carries, as its name-independent number.
fn errno_of(e: &rtnetlink::Error) -> String {
    match e {
        rtnetlink::Error::NetlinkError(m) => format!("errno {}", m.raw_code()),
        other => format!("{other}"),
    }
}

/// Everything the scenario saw, normalized.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    after_setup: Vec<LinkSummary>,
    got_v0: LinkSummary,
    after_delete: Vec<LinkSummary>,
    missing: String,
    duplicate: String,
    notifications: BTreeSet<(String, String)>,
    nlctrl_id: u16,
    nlctrl_groups: Vec<String>,
    no_such_family: String,
}

/// rtnetlink's own operations on whatever `S` talks to: a listener on RTNLGRP_LINK, a veth
/// pair set up (MTU, up), read back by name, a bridge with the pair's peer as its port, a
/// dump, deletion; genetlink family lookups.
async fn scenario<S: AsyncSocket + Send + 'static>() -> Outcome {
    let (listen_conn, _, mut events) =
        rtnetlink::new_multicast_connection_with_socket::<S>(&[MulticastGroup::Link])
            .expect("listener");
    tokio::spawn(listen_conn);
    let (conn, handle, _) = rtnetlink::new_connection_with_socket::<S>().expect("connection");
    tokio::spawn(conn);

    handle
        .link()
        .add(LinkVeth::new("v0", "v1").build())
        .execute()
        .await
        .expect("veth add");
    let duplicate = match handle
        .link()
        .add(LinkVeth::new("v0", "v9").build())
        .execute()
        .await
    {
        Ok(()) => "created".to_string(),
        Err(e) => errno_of(&e),
    };
    handle
        .link()
        .set(LinkUnspec::new_with_name("v0").mtu(1400).up().build())
        .execute()
        .await
        .expect("set v0");
    handle
        .link()
        .add(LinkBridge::new("br0").build())
        .execute()
        .await
        .expect("bridge add");
    let br = get_by_name(&handle, "br0").await.expect("get br0");
    handle
        .link()
        .set(
            LinkUnspec::new_with_name("v1")
                .controller(br.header.index)
                .build(),
        )
        .execute()
        .await
        .expect("enslave v1");
    let after_setup = summarize(&dump(&handle).await);
    let v0 = get_by_name(&handle, "v0").await.expect("get v0");
    let got_v0 = summarize(std::slice::from_ref(&v0)).remove(0);

    handle
        .link()
        .del(v0.header.index)
        .execute()
        .await
        .expect("del v0");
    handle
        .link()
        .del(br.header.index)
        .execute()
        .await
        .expect("del br0");
    let after_delete = summarize(&dump(&handle).await);
    let missing = get_by_name(&handle, "v0").await.unwrap_err();

    // The listener heard every link come and go (the last one: br0's RTM_DELLINK).
    let mut notifications = BTreeSet::new();
    let deadline = tokio::time::sleep(Duration::from_secs(10));
    tokio::pin!(deadline);
    while !notifications.contains(&("del".to_string(), "br0".to_string())) {
        let (msg, _) = tokio::select! {
            m = events.next() => m.expect("listener open"),
            _ = &mut deadline => panic!("no RTM_DELLINK for br0; heard {notifications:?}"),
        };
        if let NetlinkPayload::InnerMessage(m) = msg.payload {
            let (kind, l) = match m {
                RouteNetlinkMessage::NewLink(l) => ("new", l),
                RouteNetlinkMessage::DelLink(l) => ("del", l),
                _ => continue,
            };
            notifications.insert((kind.to_string(), link_name(&l).unwrap_or_default()));
        }
    }

    let (gconn, mut ghandle, _) =
        genetlink::new_connection_with_socket::<S>().expect("genetlink connection");
    tokio::spawn(gconn);
    let nlctrl = ghandle
        .resolve_family::<GenlCtrl>()
        .await
        .expect("resolve nlctrl");
    let mut nlctrl_groups: Vec<String> = nlctrl.multicast_groups.keys().cloned().collect();
    nlctrl_groups.sort();
    let no_such_family = family_lookup(&mut ghandle, "nosuchfamily").await;

    Outcome {
        after_setup,
        got_v0,
        after_delete,
        missing,
        duplicate,
        notifications,
        nlctrl_id: nlctrl.id,
        nlctrl_groups,
        no_such_family,
    }
}

/// CTRL_CMD_GETFAMILY by name, through genetlink's request path: the family's id or the error.
async fn family_lookup(handle: &mut GenetlinkHandle, name: &str) -> String {
    let mut msg = NetlinkMessage::from(GenlMessage::from_payload(GenlCtrl {
        cmd: GenlCtrlCmd::GetFamily,
        nlas: vec![GenlCtrlAttrs::FamilyName(name.to_string())],
    }));
    msg.header.flags = NLM_F_REQUEST;
    let mut replies = handle.request(msg).await.expect("request sent");
    match replies.next().await {
        Some(Ok(m)) => match m.payload {
            NetlinkPayload::InnerMessage(g) => g
                .payload
                .nlas
                .iter()
                .find_map(|a| match a {
                    GenlCtrlAttrs::FamilyId(id) => Some(format!("id {id}")),
                    _ => None,
                })
                .unwrap_or_default(),
            NetlinkPayload::Error(e) => format!("errno {}", e.raw_code()),
            other => format!("{other:?}"),
        },
        Some(Err(e)) => format!("decode error {e}"),
        None => "no reply".into(),
    }
}

fn expected_on_any_kernel(o: &Outcome) {
    let names: Vec<&str> = o.after_setup.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["br0", "lo", "v0", "v1"]);
    assert_eq!(o.got_v0.mtu, Some(1400));
    assert_eq!(o.got_v0.kind.as_deref(), Some("veth"));
    assert_ne!(o.got_v0.flags & libc::IFF_UP as u32, 0);
    let v1 = o.after_setup.iter().find(|l| l.name == "v1").unwrap();
    assert_eq!(v1.controller.as_deref(), Some("br0"));
    let names: Vec<&str> = o.after_delete.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["lo"]);
    assert_eq!(o.missing, format!("errno {}", -libc::ENODEV));
    assert_eq!(o.duplicate, format!("errno {}", -libc::EEXIST));
    for name in ["v0", "v1", "br0"] {
        assert!(
            o.notifications.contains(&("new".into(), name.into())),
            "{o:?}"
        );
        assert!(
            o.notifications.contains(&("del".into(), name.into())),
            "{o:?}"
        );
    }
    assert_eq!(o.nlctrl_id, 16);
    assert_eq!(o.nlctrl_groups, ["notify"]);
    assert_eq!(o.no_such_family, format!("errno {}", -libc::ENOENT));
}

fn on_model() -> Outcome {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A namespace of its own, whatever ran on this thread before.
    let net = ModelNet::sandboxed(4242);
    let _in = net.enter();
    rt.block_on(scenario::<ModelSocket>())
}

#[test]
fn rtnetlink_operations_run_on_the_model() {
    let o = on_model();
    expected_on_any_kernel(&o);
}

#[test]
fn rtnetlink_operations_run_on_the_model_on_a_multi_threaded_runtime() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let net = ModelNet::sandboxed(4242);
    let _in = net.enter();
    // `block_on` runs the scenario on this thread, where the namespace is current, so its
    // sockets are made there; the connections it spawns run on the workers.
    let o = rt.block_on(scenario::<ModelSocket>());
    expected_on_any_kernel(&o);
}

nltwin::sandbox_test!(
    fn rtnetlink_operations_agree_with_the_kernel() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let kernel = rt.block_on(scenario::<TokioSocket>());
        expected_on_any_kernel(&kernel);
        let model = on_model();
        pretty_assertions::assert_eq!(kernel, model);
    }
);

#[test]
fn a_listener_hears_a_link_made_by_another_connection() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let net = ModelNet::sandboxed(4242);
    rt.block_on(async {
        // Bound through the real Socket the trait hands out, as rtnetlink's listen example does.
        let mut sock = net.socket(0).unwrap();
        sock.socket_mut()
            .bind(&SocketAddr::new(0, 1 /* RTMGRP_LINK */))
            .unwrap();
        let (conn, _, mut events) = rtnetlink::from_socket(sock);
        tokio::spawn(conn);
        let (conn, handle, _) = rtnetlink::from_socket(net.socket(0).unwrap());
        tokio::spawn(conn);
        handle
            .link()
            .add(LinkBridge::new("br7").build())
            .execute()
            .await
            .unwrap();
        let (msg, from) = events.next().await.unwrap();
        assert_eq!(from.multicast_groups(), 1);
        match msg.payload {
            NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewLink(l)) => {
                assert_eq!(link_name(&l).as_deref(), Some("br7"))
            }
            other => panic!("{other:?}"),
        }
    });
    // The model holds the subscription, not just the real socket.
    net.with_kernel(|k, _| assert_eq!(k.mc_list(0).len(), 1));
}

#[test]
fn a_membership_added_later_is_mirrored_and_a_filter_is_refused() {
    let net = ModelNet::sandboxed(4242);
    let mut sock = net.socket(0).unwrap();
    sock.socket_mut().add_membership(1).unwrap();
    // Mirrored on the next call on the namespace.
    net.with_kernel(|k, _| assert_eq!(k.mc_list(0).len(), 1));
    sock.socket_mut().drop_membership(1).unwrap();
    net.with_kernel(|k, _| assert!(k.mc_list(0).is_empty()));
    let addr = sock.local_addr().unwrap();
    assert_eq!(addr.port_number(), 0, "not bound yet");
}

#[test]
fn what_cannot_be_mirrored_stops_loudly() {
    let net = ModelNet::sandboxed(4242);
    let sock = net.socket(0).unwrap();
    // A classic BPF program "accept everything" attached to the shadow socket.
    let mut insn = libc::sock_filter {
        code: 0x06, // BPF_RET | BPF_K
        jt: 0,
        jf: 0,
        k: u32::MAX,
    };
    let prog = libc::sock_fprog {
        len: 1,
        filter: &raw mut insn,
    };
    use std::os::fd::AsRawFd;
    // SAFETY: a valid one-instruction program for the socket's lifetime of the call.
    let r = unsafe {
        libc::setsockopt(
            sock.socket_ref().as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_FILTER,
            (&raw const prog).cast(),
            std::mem::size_of::<libc::sock_fprog>() as u32,
        )
    };
    assert_eq!(r, 0);
    let net2 = net.clone();
    let err = std::thread::spawn(move || net2.with_kernel(|_, _| ()))
        .join()
        .unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.contains("socket filter"), "{msg}");
    drop(sock);
}

#[test]
fn bindings_and_options_set_on_the_socket_reach_the_model() {
    use nltwin::wire::uapi::netlink::{NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, SOL_NETLINK};
    let net = ModelNet::sandboxed(4242);
    // An autobind on the real socket is the model's own autobind: the model's tgid.
    let mut auto = net.socket(0).unwrap();
    auto.socket_mut().bind_auto().unwrap();
    assert_eq!(auto.local_addr().unwrap().port_number(), 4242);
    // An explicit portid is taken as it is. The shadow's bind takes it in the real namespace
    // too: one above pid_max and below the autobind rover's range, and this process's own,
    // which nothing else there takes.
    let portid = 2_000_000_000 + std::process::id();
    let mut explicit = net.socket(0).unwrap();
    explicit
        .socket_mut()
        .bind(&SocketAddr::new(portid, 0))
        .unwrap();
    assert_eq!(explicit.local_addr().unwrap().port_number(), portid);
    // Flags set through netlink-sys's setters.
    explicit
        .socket_mut()
        .set_netlink_get_strict_chk(true)
        .unwrap();
    explicit.socket_mut().set_ext_ack(true).unwrap();
    let fd = explicit.model_fd();
    net.with_kernel(|k, task| {
        for opt in [NETLINK_GET_STRICT_CHK, NETLINK_EXT_ACK] {
            let mut v = [0u8; 4];
            k.sys_getsockopt(task, fd, SOL_NETLINK, opt, &mut v)
                .unwrap();
            assert_eq!(i32::from_ne_bytes(v), 1, "option {opt}");
        }
    });
    // rtnetlink's strict-check constructor goes through the same setter.
    let _in = net.enter();
    let (mut conn, _, _) = rtnetlink::new_connection_with_socket::<ModelSocket>().unwrap();
    conn.socket_mut()
        .socket_mut()
        .set_netlink_get_strict_chk(true)
        .unwrap();
    let fd = conn.socket_mut().model_fd();
    net.with_kernel(|k, task| {
        let mut v = [0u8; 4];
        k.sys_getsockopt(task, fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &mut v)
            .unwrap();
        assert_eq!(i32::from_ne_bytes(v), 1);
    });
}

/// The README's example, as written there.
#[tokio::test]
async fn creates_a_veth_pair() {
    // On the kernel:   let (conn, handle, _) = rtnetlink::new_connection().unwrap();
    let (conn, handle, _) = rtnetlink::new_connection_with_socket::<ModelSocket>().unwrap();
    tokio::spawn(conn);
    handle
        .link()
        .add(LinkVeth::new("v0", "v1").build())
        .execute()
        .await
        .unwrap();
    let v0 = handle
        .link()
        .get()
        .match_name("v0")
        .execute()
        .try_next()
        .await
        .unwrap();
    assert!(v0.is_some());
}

/// genetlink: a subscription to nlctrl's "notify" group, taken with the group id genetlink
/// resolved, hears a family registered in the model afterwards.
#[test]
fn a_genetlink_subscriber_hears_a_new_family() {
    use nltwin::model::genetlink::{genl_register_family, GenlFamily};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let net = ModelNet::sandboxed(4242);
    let _in = net.enter();
    rt.block_on(async {
        let (mut conn, handle, mut events) =
            genetlink::new_connection_with_socket::<ModelSocket>().unwrap();
        // Resolve first (on a connection of its own), then subscribe, as a monitor would.
        let (rconn, resolver, _) = genetlink::new_connection_with_socket::<ModelSocket>().unwrap();
        tokio::spawn(rconn);
        let nlctrl = resolver.resolve_family::<GenlCtrl>().await.unwrap();
        let notify = nlctrl.multicast_groups["notify"];
        // Bound first: the kernel skips an unbound socket (portid 0, the kernel's own) when it
        // broadcasts, and so does the model.
        let sock = conn.socket_mut().socket_mut();
        sock.bind_auto().unwrap();
        sock.add_membership(notify).unwrap();
        tokio::spawn(conn);
        drop(handle);

        let id = net.with_kernel(|k, _| {
            let family = GenlFamily {
                name: "pinger".into(),
                version: 1,
                netnsok: true,
                ..GenlFamily::default()
            };
            genl_register_family(k, family).unwrap()
        });
        let (msg, from) = events.next().await.unwrap();
        // The source address names the group as a mask (`netlink_group_mask`).
        assert_eq!(from.multicast_groups(), 1 << (notify - 1));
        let NetlinkPayload::InnerMessage(raw) = msg.payload else {
            panic!("{msg:?}")
        };
        assert_eq!(raw.header.cmd, 1, "CTRL_CMD_NEWFAMILY");
        let ctrl = raw.parse_into_genlmsg::<GenlCtrl>().unwrap();
        assert!(ctrl
            .payload
            .nlas
            .contains(&GenlCtrlAttrs::FamilyName("pinger".into())));
        assert!(ctrl.payload.nlas.contains(&GenlCtrlAttrs::FamilyId(id)));
    });
}
