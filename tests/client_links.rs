//! The client's link and family requests against the kernel (in a fresh sandbox) and the model,
//! in the same state: dumps, lookups, filters, errors carried in NLMSG_DONE and ext-acks. The
//! typed API, the zero-copy view and `ip -j link show` must report the same links.

use std::process::Command;

use netlink_packet_route::link::{LinkAttribute, LinkMessage};
use nltwin::engine::{Connection, Error};
use nltwin::present::{flag_list, format_hwaddr};
use nltwin::requests::family::{FamilyKey, FamilyRequests};
use nltwin::requests::link::{LinkFilter, LinkRequests};
use nltwin::requests::link_change::LinkChanges;
use nltwin::transport::kernel::KernelBackend;
use nltwin::transport::model::ModelBackend;
use nltwin::transport::{Backend, Errno};
use nltwin::wire::ifinfomsg;
use nltwin::wire::uapi::if_link::{IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU};
use nltwin::wire::uapi::netlink::{NETLINK_GENERIC as GENERIC, NETLINK_ROUTE as ROUTE};
use nltwin::wire::uapi::rtnetlink::RTM_GETLINK;

/// What `ip -j link show` and the client must agree on for one link.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    ifindex: u32,
    ifname: String,
    mtu: Option<u32>,
    /// `ip`'s flag names (without M-DOWN, which depends on the peer).
    flags: Vec<String>,
    address: Option<String>,
}

fn seen_typed(m: &LinkMessage) -> Seen {
    let mut s = Seen {
        ifindex: m.header.index,
        ifname: String::new(),
        mtu: None,
        flags: flag_list(m.header.flags.bits(), false),
        address: None,
    };
    for a in &m.attributes {
        match a {
            LinkAttribute::IfName(n) => s.ifname = n.clone(),
            LinkAttribute::Mtu(v) => s.mtu = Some(*v),
            LinkAttribute::Address(a) => s.address = Some(format_hwaddr(a)),
            _ => {}
        }
    }
    s
}

fn seen_view(m: nltwin::view::MsgView<'_>) -> Seen {
    let ifi = ifinfomsg::Packet::new_checked(m.payload()).unwrap();
    let mut s = Seen {
        ifindex: ifi.index() as u32,
        ifname: String::new(),
        mtu: None,
        flags: flag_list(ifi.flags(), false),
        address: None,
    };
    for a in m.attrs(ifinfomsg::LEN) {
        match a.kind() {
            IFLA_IFNAME => s.ifname = a.str().unwrap().to_owned(),
            IFLA_MTU => s.mtu = a.u32(),
            IFLA_ADDRESS => s.address = Some(format_hwaddr(a.payload())),
            _ => {}
        }
    }
    s
}

/// The links of `ip -j link show` in this namespace.
fn seen_ip() -> Vec<Seen> {
    let out = Command::new("/usr/sbin/ip")
        .args(["-j", "link", "show"])
        .output()
        .expect("ip runs");
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| Seen {
            ifindex: l["ifindex"].as_u64().unwrap() as u32,
            ifname: l["ifname"].as_str().unwrap().to_owned(),
            mtu: l["mtu"].as_u64().map(|m| m as u32),
            flags: l["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap().to_owned())
                .filter(|f| f != "M-DOWN")
                .collect(),
            address: l["address"].as_str().map(str::to_owned),
        })
        .collect()
}

/// The same links through the three client paths: typed, zero-copy view, and `ip`-style.
fn seen_client<B: Backend>(c: &mut Connection<B>) -> Vec<Seen> {
    let typed: Vec<Seen> = c
        .links(&LinkFilter::default())
        .unwrap()
        .iter()
        .map(|l| seen_typed(l.message().unwrap()))
        .collect();
    let mut view = Vec::new();
    let n = c
        .for_each_link(&LinkFilter::default(), |m| view.push(seen_view(m)))
        .unwrap();
    assert_eq!(n, view.len());
    pretty_assertions::assert_eq!(typed, view, "typed and view agree");
    let ip: Vec<Seen> = c
        .ip_links(&LinkFilter::default())
        .unwrap()
        .iter()
        .map(|l| Seen {
            ifindex: l.ifindex,
            ifname: l.ifname.clone(),
            mtu: l.mtu,
            flags: flag_list(l.flags, false),
            address: l.address.as_deref().map(format_hwaddr),
        })
        .collect();
    pretty_assertions::assert_eq!(typed, ip, "typed and ip_links agree");
    typed
}

/// Three veth pairs: va0/vb0 .. va2/vb2 (peers first, so vb_i gets the lower index).
fn shape<B: Backend>(c: &mut Connection<B>) {
    for i in 0..3 {
        c.add_veth(&format!("va{i}"), &format!("vb{i}")).unwrap();
    }
    // A duplicate is refused with the kernel's errno.
    assert!(matches!(
        c.add_veth("va0", "vz"),
        Err(Error::Kernel {
            errno: Errno::EEXIST,
            ..
        })
    ));
}

fn without_addresses(v: &[Seen]) -> Vec<Seen> {
    v.iter()
        .map(|s| Seen {
            // veth addresses are random; their presence and lo's zero address are not.
            address: s.address.as_ref().map(|a| {
                if a == "00:00:00:00:00:00" {
                    a.clone()
                } else {
                    "random".into()
                }
            }),
            ..s.clone()
        })
        .collect()
}

nltwin::sandbox_test!(
    fn typed_view_and_ip_agree_on_kernel_and_model() {
        let mut k = Connection::open(KernelBackend::new(), ROUTE).unwrap();
        shape(&mut k);
        let kernel = seen_client(&mut k);
        pretty_assertions::assert_eq!(kernel, seen_ip(), "the client and ip -j");
        assert_eq!(kernel.len(), 7);
        assert_eq!(kernel[0].ifname, "lo");
        assert_eq!(
            (kernel[1].ifindex, kernel[1].ifname.as_str()),
            (2, "vb0"),
            "the peer is created first"
        );

        let mut m = Connection::open(ModelBackend::sandboxed_on_host(4242), ROUTE).unwrap();
        shape(&mut m);
        let model = seen_client(&mut m);
        pretty_assertions::assert_eq!(without_addresses(&model), without_addresses(&kernel));

        // Lookups by index and by name give the dumped link, on both.
        for (c, dumped) in [(&mut k as &mut dyn Lookup, &kernel), (&mut m, &model)] {
            for s in dumped {
                let by_index = c.by_index(s.ifindex);
                let by_name = c.by_name(&s.ifname);
                assert_eq!(&by_index, s);
                assert_eq!(&by_name, s);
            }
        }
    }
);

/// Run `ip` with `args`, which must succeed; its standard output.
fn ip(args: &[&str]) -> Vec<u8> {
    let out = Command::new("/usr/sbin/ip")
        .args(args)
        .output()
        .expect("ip runs");
    assert!(out.status.success(), "ip {args:?}: {out:?}");
    out.stdout
}

nltwin::sandbox_test!(
    fn the_json_of_a_dump_is_ips_byte_for_byte() {
        // Veths (peers up and down), a bridge with a port, an alias, alternative names, a
        // link mode, a group, an MTU.
        let mut k = Connection::open(KernelBackend::new(), ROUTE).unwrap();
        for i in 0..4 {
            k.add_veth(&format!("va{i}"), &format!("vb{i}")).unwrap();
        }
        for cmd in [
            "link add br0 type bridge",
            "link set va1 master br0",
            "link set va1 up",
            "link set br0 up",
            "link set vb2 up",
            "link set va3 mtu 9000 group 7",
            "link set vb3 mode dormant",
            "link set vb1 txqueuelen 0",
            "link property add dev va0 altname first-alt",
            "link property add dev va0 altname second-alt",
        ] {
            ip(&cmd.split(' ').collect::<Vec<_>>());
        }
        ip(&["link", "set", "vb0", "alias", "a \"quoted\" \\ alias"]);
        let table = k.ip_link_table(&LinkFilter::default()).unwrap();
        assert_eq!(table.len(), 10);
        let mut all = Vec::new();
        table.write_ip_json(|_| true, &mut all).unwrap();
        pretty_assertions::assert_eq!(
            String::from_utf8(all).unwrap(),
            String::from_utf8(ip(&["-j", "link", "show"])).unwrap()
        );
        // One link: peers and masters still named from the whole dump, as ip names them.
        for name in ["va1", "vb0", "br0", "va0"] {
            let index = k.link_by_name(name).unwrap().index();
            let mut one = Vec::new();
            table
                .write_ip_json(|l| l.ifindex == index, &mut one)
                .unwrap();
            pretty_assertions::assert_eq!(
                String::from_utf8(one).unwrap(),
                String::from_utf8(ip(&["-j", "link", "show", "dev", name])).unwrap()
            );
        }
    }
);

/// Lookups over either backend, as one object type for the loop above.
trait Lookup {
    fn by_index(&mut self, i: u32) -> Seen;
    fn by_name(&mut self, n: &str) -> Seen;
}

impl<B: Backend> Lookup for Connection<B> {
    fn by_index(&mut self, i: u32) -> Seen {
        seen_typed(self.link_by_index(i).unwrap().message().unwrap())
    }
    fn by_name(&mut self, n: &str) -> Seen {
        seen_typed(self.link_by_name(n).unwrap().message().unwrap())
    }
}

/// Errors both backends must report identically.
fn errors<B: Backend>(c: &mut Connection<B>) -> Vec<Error> {
    let mut out = Vec::new();
    // A non-strict dump ignores the ifindex in the header...
    let all = c
        .links(&LinkFilter::default())
        .unwrap()
        .into_iter()
        .map(|l| l.index())
        .collect::<Vec<_>>();
    let mut filtered = Vec::new();
    let payload = LinkFilter::default().payload(1, None);
    c.dump_with(RTM_GETLINK, &payload, Vec::new, |v, m| {
        v.push(seen_view(m).ifindex);
        Ok(())
    })
    .map(|v| filtered = v)
    .unwrap();
    assert_eq!(filtered, all);
    // ...a strict one refuses it, in NLMSG_DONE: an error, not an empty list.
    c.set_strict_check(true).unwrap();
    out.push(
        c.dump_with(
            RTM_GETLINK,
            &payload,
            || 0,
            |n, _| {
                *n += 1;
                Ok(())
            },
        )
        .unwrap_err(),
    );
    c.set_strict_check(false).unwrap();
    out.push(c.link_by_index(999).unwrap_err());
    out.push(c.link_by_name("nosuch").unwrap_err());
    // A name longer than IFNAMSIZ - 1 fails the attribute policy: ext-ack with offset.
    out.push(c.link_by_name("a-name-far-too-long").unwrap_err());
    out
}

nltwin::sandbox_test!(
    fn done_errors_and_ext_acks_are_reported_the_same_by_kernel_and_model() {
        let mut k = Connection::open(KernelBackend::new(), ROUTE).unwrap();
        let kernel = errors(&mut k);
        let mut m = Connection::open(ModelBackend::sandboxed_on_host(4242), ROUTE).unwrap();
        let model = errors(&mut m);
        pretty_assertions::assert_eq!(kernel, model);
        let Error::Kernel {
            errno,
            ext_ack,
            in_done,
        } = &kernel[0]
        else {
            panic!("{:?}", kernel[0])
        };
        assert_eq!((*errno, *in_done), (Errno::EINVAL, true));
        assert_eq!(
            ext_ack.msg.as_deref(),
            Some("Filter by device index not supported for link dumps")
        );
        assert!(matches!(
            kernel[1],
            Error::Kernel {
                errno: Errno::ENODEV,
                in_done: false,
                ..
            }
        ));
        assert!(matches!(
            kernel[2],
            Error::Kernel {
                errno: Errno::ENODEV,
                ..
            }
        ));
        let Error::Kernel { errno, ext_ack, .. } = &kernel[3] else {
            panic!("{:?}", kernel[3])
        };
        assert_eq!(*errno, Errno::ERANGE);
        assert_eq!(
            ext_ack.msg.as_deref(),
            Some("Attribute failed policy validation")
        );
        // The IFNAME attribute sits right after nlmsghdr and ifinfomsg.
        assert_eq!(ext_ack.offset, Some(32));
        assert!(ext_ack.policy.is_some(), "{ext_ack:?}");
    }
);

/// Names a dump with `filter` returns.
fn names<B: Backend>(c: &mut Connection<B>, filter: &LinkFilter) -> Vec<String> {
    c.links(filter)
        .unwrap()
        .iter()
        .map(|l| l.name().unwrap().to_owned())
        .collect()
}

/// Kind, master and ext-mask filters on one backend (strict mode, where the kernel applies
/// them): the names each returns.
fn filters<B: Backend>(c: &mut Connection<B>) -> [Vec<String>; 4] {
    shape(c);
    c.set_strict_check(true).unwrap();
    let all = names(c, &LinkFilter::default());
    let veth = names(
        c,
        &LinkFilter {
            kind: Some("veth".into()),
            ..LinkFilter::default()
        },
    );
    // No link is a port of lo.
    let ports_of_lo = names(
        c,
        &LinkFilter {
            master: Some(1),
            ..LinkFilter::default()
        },
    );
    // RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS: accepted; nothing here has VFs.
    let masked = names(
        c,
        &LinkFilter {
            ext_mask: Some(9),
            ..LinkFilter::default()
        },
    );
    [all, veth, ports_of_lo, masked]
}

nltwin::sandbox_test!(
    fn kind_master_and_ext_mask_filters_on_kernel_and_model() {
        let kernel = filters(&mut Connection::open(KernelBackend::new(), ROUTE).unwrap());
        let model =
            filters(&mut Connection::open(ModelBackend::sandboxed_on_host(4242), ROUTE).unwrap());
        assert_eq!(kernel, model);
        let veths = ["vb0", "va0", "vb1", "va1", "vb2", "va2"];
        assert_eq!(kernel[0][0], "lo");
        assert_eq!(kernel[0][1..], veths);
        assert_eq!(kernel[1], veths);
        assert!(kernel[2].is_empty());
        assert_eq!(kernel[3], kernel[0]);
    }
);

/// The families one backend lists, checked against lookups by name and id.
fn families<B: Backend>(c: &mut Connection<B>) -> Vec<(u16, String)> {
    let all: Vec<(u16, String)> = c
        .families()
        .unwrap()
        .iter()
        .map(|f| (f.id().unwrap(), f.name().unwrap().to_owned()))
        .collect();
    for (id, name) in &all {
        let by_name = c.family(FamilyKey::Name(name)).unwrap();
        let by_id = c.family(FamilyKey::Id(*id)).unwrap();
        assert_eq!(
            (by_name.id(), by_id.name()),
            (Some(*id), Some(name.as_str()))
        );
        assert!(by_name.message.is_some(), "{name}: typed form parsed");
    }
    assert!(matches!(
        c.family(FamilyKey::Name("no-such-family")),
        Err(Error::Kernel {
            errno: Errno::ENOENT,
            ..
        })
    ));
    all
}

nltwin::sandbox_test!(
    fn families_are_the_same_on_kernel_and_model() {
        let kernel = families(&mut Connection::open(KernelBackend::new(), GENERIC).unwrap());
        let model = families(
            &mut Connection::open(ModelBackend::sandboxed_on_host(4242), GENERIC).unwrap(),
        );
        assert_eq!(kernel, model);
        assert_eq!(kernel[0], (0x10, "nlctrl".to_owned()));
    }
);
