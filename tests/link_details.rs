//! `ip -d -s link show` from the client ([`nltwin::present::details`]): byte for byte what
//! `ip -d -s -j link show` and `ip -d -s link show` print for veths, a bridge and its ports,
//! an ifb, `lo`, altnames and an alias (timers masked: they move between two dumps), and the
//! same output from the model as from the kernel for the same requests.

use std::process::Command;

use nltwin::engine::Connection;
use nltwin::present::details::{IpLinkDetails, Show};
use nltwin::requests::link::{LinkFilter, RTM_GETLINK, RTM_NEWLINK};
use nltwin::transport::kernel::KernelBackend;
use nltwin::transport::model::ModelBackend;
use nltwin::transport::Backend;
use nltwin::wire::ifinfomsg;
use nltwin::wire::uapi::if_::IFF_UP;
use nltwin::wire::uapi::if_link::{
    IFLA_ADDRESS, IFLA_ALT_IFNAME, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO,
    IFLA_MASTER, IFLA_PROP_LIST,
};
use nltwin::wire::uapi::netlink::{NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL};
use nltwin::wire::uapi::rtnetlink::RTM_NEWLINKPROP;
use nltwin::wire::uapi::veth::VETH_INFO_PEER;
use nltwin::wire::NlBuf;

/// The bridge and port timers: they run between two dumps.
const TIMERS: [&str; 7] = [
    "hello_timer",
    "tcn_timer",
    "topology_change_timer",
    "gc_timer",
    "hold_timer",
    "message_age_timer",
    "forward_delay_timer",
];

/// `out` with every timer's value replaced by `T` (JSON `"key":1.23`, text `key    1.23 `).
fn mask_timers(out: &str) -> String {
    let mut s = out.to_owned();
    for t in TIMERS {
        for pat in [format!("\"{t}\":"), format!("{t} ")] {
            let mut at = 0;
            while let Some(i) = s[at..].find(&pat) {
                let start = at + i + pat.len();
                let rest = &s[start..];
                let skip = rest.len() - rest.trim_start_matches(' ').len();
                let num = rest[skip..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(rest.len() - skip);
                s.replace_range(start..start + skip + num, "T");
                at = start + 1;
            }
        }
    }
    s
}

fn details<B: Backend>(c: &mut Connection<B>) -> IpLinkDetails {
    c.dump_with(
        RTM_GETLINK,
        &LinkFilter::default().payload(0, None),
        IpLinkDetails::new,
        |t, m| {
            assert!(t.push_view(&m));
            Ok(())
        },
    )
    .unwrap()
}

/// Every combination of `-d` and `-s`, JSON and text, for the links `keep` keeps.
fn outputs(t: &IpLinkDetails, keep: &dyn Fn(u32) -> bool) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for (details, stats) in [(true, true), (true, false), (false, true)] {
        let show = Show { details, stats };
        let flags = format!(
            "{}{}",
            if details { "-d " } else { "" },
            if stats { "-s " } else { "" }
        );
        let mut json = Vec::new();
        t.write_ip_json(show, |l| keep(l.ifindex), &mut json)
            .unwrap();
        v.push((format!("{flags}-j"), String::from_utf8(json).unwrap()));
        let mut text = Vec::new();
        t.write_ip_text(show, |l| keep(l.ifindex), &mut text)
            .unwrap();
        v.push((flags, String::from_utf8(text).unwrap()));
    }
    v
}

fn ip(args: &[&str]) -> String {
    let out = Command::new("/usr/sbin/ip").args(args).output().unwrap();
    assert!(out.status.success(), "ip {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn newlink<B: Backend>(c: &mut Connection<B>, flags: u16, b: NlBuf) {
    c.request(RTM_NEWLINK, flags, b.as_slice(), |_| Ok(()))
        .unwrap();
}

fn header(index: i32, up: bool) -> NlBuf {
    let mut b = NlBuf::unlimited();
    let h = ifinfomsg::Repr {
        index,
        flags: if up { IFF_UP } else { 0 },
        change: if up { IFF_UP } else { 0 },
        ..ifinfomsg::Repr::default()
    };
    b.put_data(&h.to_bytes()).unwrap();
    b
}

/// A new link `name` of `kind` with a fixed address (`peer`: a veth's).
fn add<B: Backend>(c: &mut Connection<B>, name: &str, kind: &str, mac: u8, peer: Option<&str>) {
    let mut b = header(0, false);
    b.nla_put_string(IFLA_IFNAME, name).unwrap();
    b.nla_put(IFLA_ADDRESS, &[2, 0, 0, 0, 0, mac]).unwrap();
    let info = b.nla_nest_start_noflag(IFLA_LINKINFO).unwrap();
    b.nla_put_string(IFLA_INFO_KIND, kind).unwrap();
    if let Some(p) = peer {
        let data = b.nla_nest_start_noflag(IFLA_INFO_DATA).unwrap();
        let n = b.nla_nest_start_noflag(VETH_INFO_PEER).unwrap();
        b.put_data(&ifinfomsg::Repr::default().to_bytes()).unwrap();
        b.nla_put_string(IFLA_IFNAME, p).unwrap();
        b.nla_put(IFLA_ADDRESS, &[2, 0, 0, 0, 0, mac + 1]).unwrap();
        b.nla_nest_end(n);
        b.nla_nest_end(data);
    }
    b.nla_nest_end(info);
    newlink(c, NLM_F_CREATE | NLM_F_EXCL, b);
}

fn index_of<B: Backend>(t: &IpLinkDetails, _c: &Connection<B>, name: &str) -> i32 {
    t.links().iter().find(|l| l.ifname == name).unwrap().ifindex as i32
}

/// The same requests on either backend: a veth pair (one side a bridge port, up, its peer
/// down: no carrier, so no traffic moves the counters), a bridge, an ifb, two altnames.
fn shape<B: Backend>(c: &mut Connection<B>) {
    add(c, "va", "veth", 0x10, Some("vb"));
    add(c, "br0", "bridge", 0x20, None);
    add(c, "ifb0", "ifb", 0x30, None);
    let t = details(c);
    let (va, br0, vb) = (
        index_of(&t, c, "va"),
        index_of(&t, c, "br0"),
        index_of(&t, c, "vb"),
    );
    let mut b = header(va, false);
    b.nla_put_u32(IFLA_MASTER, br0 as u32).unwrap();
    newlink(c, 0, b);
    newlink(c, 0, header(va, true));
    let mut b = header(vb, false);
    let props = b.nla_nest_start(IFLA_PROP_LIST).unwrap();
    b.nla_put_string(IFLA_ALT_IFNAME, "vb-alt").unwrap();
    b.nla_put_string(IFLA_ALT_IFNAME, "vb-alt2").unwrap();
    b.nla_nest_end(props);
    c.request(
        RTM_NEWLINKPROP,
        NLM_F_CREATE | NLM_F_EXCL,
        b.as_slice(),
        |_| Ok(()),
    )
    .unwrap();
}

nltwin::sandbox_test!(
    fn details_and_stats_are_ips_byte_for_byte() {
        let mut k = Connection::open(KernelBackend::new(), NETLINK_ROUTE).unwrap();
        shape(&mut k);
        for cmd in [
            "link set lo up",
            "link set br0 up",
            "link set vb alias a \"quoted\" alias",
            "link set ifb0 group 7",
            "link set vb txqueuelen 0",
        ] {
            let mut args: Vec<&str> = cmd.splitn(5, ' ').collect();
            if args.len() == 5 {
                // The alias, one argument.
                let alias = args.pop().unwrap();
                args.push(alias);
            }
            ip(&args);
        }
        // Options away from their defaults: a second port with a backup, STP on.
        for cmd in [
            "link add vc type veth peer name vd",
            "link set vc master br0",
            "link set dev br0 type bridge stp_state 1 priority 100 ageing_time 1000 \
             group_fwd_mask 0x4000 mcast_snooping 0 mcast_querier 1 mcast_router 2 \
             hello_time 300 no_linklocal_learn 1",
            "link set dev va type bridge_slave hairpin on learning off cost 10 priority 5 \
             neigh_suppress on isolated on backup_port vc mcast_router 2 group_fwd_mask 0x4000 \
             flood off proxy_arp on",
        ] {
            ip(&cmd.split_whitespace().collect::<Vec<_>>());
        }
        let t = details(&mut k);
        assert_eq!(t.len(), 7);
        assert_eq!(t.undecoded().count(), 0);
        // Bring-up traffic (an IGMP report from the bridge, its port's drop) may move the
        // counters between two dumps: ip's is compared with ours when ours before and after it
        // agree.
        let settled =
            |k: &mut Connection<KernelBackend>, keep: &dyn Fn(u32) -> bool, dev: &[&str]| {
                for _ in 0..50 {
                    let before = outputs(&details(k), keep);
                    let theirs: Vec<String> = before
                        .iter()
                        .map(|(flags, _)| {
                            let mut args: Vec<&str> = flags.split_whitespace().collect();
                            args.extend(["link", "show"]);
                            args.extend(dev);
                            mask_timers(&ip(&args))
                        })
                        .collect();
                    let after = outputs(&details(k), keep);
                    let mask = |v: &[(String, String)]| -> Vec<String> {
                        v.iter().map(|(_, o)| mask_timers(o)).collect()
                    };
                    if mask(&before) == mask(&after) {
                        for ((flags, ours), theirs) in before.iter().zip(&theirs) {
                            pretty_assertions::assert_eq!(
                                &mask_timers(ours),
                                theirs,
                                "ip {flags} {dev:?}"
                            );
                        }
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                panic!("the counters never held still for two dumps");
            };
        settled(&mut k, &|_| true, &[]);
        // One link: names still come from the whole dump.
        for name in ["va", "vb", "br0", "vc"] {
            let i = index_of(&t, &k, name) as u32;
            settled(&mut k, &move |x| x == i, &["dev", name]);
        }
    }
);

nltwin::sandbox_test!(
    fn the_model_shows_what_the_kernel_shows() {
        let mut k = Connection::open(KernelBackend::new(), NETLINK_ROUTE).unwrap();
        shape(&mut k);
        let mut m = Connection::open(ModelBackend::sandboxed_on_host(4242), NETLINK_ROUTE).unwrap();
        shape(&mut m);
        // Link watch runs on both (a second after a change at most; the model's clock moves
        // only by a sleep) before the two are compared.
        let settle = std::time::Duration::from_millis(1500);
        k.backend_mut().sleep(settle).unwrap();
        m.backend_mut().sleep(settle).unwrap();
        let (kt, mt) = (details(&mut k), details(&mut m));
        for ((flags, kernel), (_, model)) in outputs(&kt, &|_| true)
            .into_iter()
            .zip(outputs(&mt, &|_| true))
        {
            pretty_assertions::assert_eq!(mask_timers(&model), mask_timers(&kernel), "{flags}");
        }
    }
);

#[test]
fn timers_are_masked_in_both_forms() {
    assert_eq!(
        mask_timers(r#"{"gc_timer":12.34,"hold_timer":0.00,"x":1}"#),
        r#"{"gc_timer":T,"hold_timer":T,"x":1}"#
    );
    assert_eq!(
        mask_timers("gc_timer    0.07 hello_timer   12.00 x 1"),
        "gc_timer T hello_timer T x 1"
    );
}
