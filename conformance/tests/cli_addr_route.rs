//! `nltwin addr list|add|del` and `nltwin route list|get` against iproute2's `ip` on the same
//! kernel state (a fresh sandbox): `--json` parsed and compared with `ip -j`, and byte for byte
//! with it and with the text `ip` prints; the exit statuses of bad input, missing things,
//! kernel errors and what the model does not implement.

use std::process::{Command, Output};

use serde_json::Value;

fn nltwin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nltwin"))
        .args(args)
        .output()
        .expect("nltwin runs")
}

fn ok(args: &[&str]) -> String {
    let o = nltwin(args);
    assert!(o.status.success(), "nltwin {args:?}: {o:?}");
    String::from_utf8(o.stdout).unwrap()
}

fn ip(args: &[&str]) -> String {
    let o = Command::new("ip").args(args).output().expect("ip runs");
    assert!(o.status.success(), "ip {args:?}: {o:?}");
    String::from_utf8(o.stdout).unwrap()
}

fn ip_line(line: &str) {
    ip(&line.split_whitespace().collect::<Vec<_>>());
}

/// Ours and ip's for the same state: ours is read before and after ip's, and compared when
/// it held still (an address's lifetime may tick between two reads).
fn compare(ours: &[&str], theirs: &[&str]) {
    for _ in 0..20 {
        let before = ok(ours);
        let t = ip(theirs);
        let after = ok(ours);
        if before != after {
            continue;
        }
        if ours.contains(&"--json") {
            let (a, b): (Value, Value) = (
                serde_json::from_str(&before).unwrap(),
                serde_json::from_str(&t).unwrap(),
            );
            pretty_assertions::assert_eq!(a, b, "nltwin {ours:?} / ip {theirs:?}");
        }
        pretty_assertions::assert_eq!(before, t, "nltwin {ours:?} / ip {theirs:?}");
        return;
    }
    panic!("nltwin {ours:?} never held still");
}

nltwin::sandbox_test!(
    fn addr_and_route_output_is_ips() {
        // A fresh namespace has no main table yet: empty, as ip shows it; table 7 is an error.
        compare(&["route", "list", "--json"], &["-j", "route", "show"]);
        compare(&["route", "list"], &["route", "show"]);
        let o = nltwin(&["route", "list", "table", "7"]);
        assert_eq!(o.status.code(), Some(1), "{o:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("FIB table does not exist"));
        for line in [
            "link add va type veth peer name vb",
            "link set lo up",
            "link set va up",
            "link set vb up",
        ] {
            ip_line(line);
        }
        for args in [
            "10.0.0.1/24 dev va",
            "10.0.0.2/24 brd + dev vb label vb:1",
            "10.0.0.9/32 peer 10.0.0.8 dev va metric 100",
            "2001:db8::1/64 dev va nodad",
            "2001:db8:1::1/64 dev vb nodad noprefixroute valid_lft 300 preferred_lft 200",
        ] {
            let mut a = vec!["addr", "add"];
            a.extend(args.split_whitespace());
            ok(&a);
        }
        for line in [
            "route add 192.168.5.0/24 via 10.0.0.3",
            "route add default via 10.0.0.3 metric 50",
            "-6 route add 2001:db8:9::/48 via 2001:db8::2",
            // Metrics: numbers, times (rtt is kept in eighths), locks, features, congctl.
            "route add 192.168.7.0/24 via 10.0.0.3 mtu 1400 advmss 1300 window 1000 hoplimit 7 \
             initcwnd 3 rtt 1.5s rttvar 300ms rto_min 2s",
            "route add 192.168.8.0/24 via 10.0.0.3 mtu lock 1400 features ecn congctl reno \
             quickack 1",
            "-6 route add 2001:db8:7::/48 dev va mtu 1300",
            // Multipath: weights, a next hop on another device, one onlink.
            "route add 192.168.9.0/24 nexthop via 10.0.0.3 weight 1 nexthop via 10.0.0.4 dev vb \
             weight 2",
            "route add 192.168.10.0/24 metric 5 nexthop via 10.9.9.9 dev va onlink nexthop via \
             10.0.0.4",
            "-6 route add 2001:db8:5::/48 nexthop via 2001:db8::2 dev va nexthop via 2001:db8::3 \
             dev va",
            // Types without a device, another table, protocols, TOS (named and not), an IPv6
            // route that expires, a preference.
            "route add unreachable 192.168.11.0/24",
            "route add blackhole 192.168.13.0/24 metric 9",
            "route add prohibit 192.168.14.0/24",
            "route add throw 10.6.0.0/16",
            "route add 192.168.12.0/24 dev va proto static table 100",
            "route add 192.168.15.0/24 dev va proto 77 tos 0x10",
            "route add 192.168.16.0/24 dev va tos 0x28",
            "-6 route add unreachable 2001:db8:44::/48",
            "-6 route add 2001:db8:6::/48 dev va expires 100",
            "-6 route add 2001:db8:8::/48 via 2001:db8::9 pref high",
        ] {
            ip_line(line);
        }
        // The link-local addresses leave DAD's tentative state within about 2 s.
        std::thread::sleep(std::time::Duration::from_millis(2500));
        let cases: &[(&str, &str)] = &[
            ("addr list --json", "-j addr show"),
            ("addr list", "addr show"),
            ("addr list -4 --json", "-j -4 addr show"),
            ("addr list -6 --json", "-j -6 addr show"),
            ("addr list -6", "-6 addr show"),
            ("addr list va --json", "-j addr show dev va"),
            ("addr list vb", "addr show dev vb"),
            ("route list --json", "-j route show"),
            ("route list", "route show"),
            ("route list -6 --json", "-j -6 route show"),
            ("route list -6", "-6 route show"),
            ("route list table local --json", "-j route show table local"),
            ("route list table all --json", "-j route show table all"),
            ("route list table all", "route show table all"),
            ("route list table 100 --json", "-j route show table 100"),
            (
                "route list -6 table all --json",
                "-j -6 route show table all",
            ),
            (
                "route get 2001:db8:6::1 --json",
                "-j -6 route get 2001:db8:6::1",
            ),
            ("route get 192.168.5.7 --json", "-j route get 192.168.5.7"),
            ("route get 192.168.5.7", "route get 192.168.5.7"),
            (
                "route get 192.168.5.7 fibmatch --json",
                "-j route get 192.168.5.7 fibmatch",
            ),
            (
                "route get 10.0.0.2 from 10.0.0.1 oif va --json",
                "-j route get 10.0.0.2 from 10.0.0.1 oif va",
            ),
            ("route get 10.0.0.1 --json", "-j route get 10.0.0.1"),
            ("route get 10.0.0.255", "route get 10.0.0.255"),
            ("route get 192.168.7.1", "route get 192.168.7.1"),
            (
                "route get 192.168.9.1 fibmatch --json",
                "-j route get 192.168.9.1 fibmatch",
            ),
            (
                "route get 192.168.10.1 fibmatch",
                "route get 192.168.10.1 fibmatch",
            ),
            ("route get 192.168.8.1 --json", "-j route get 192.168.8.1"),
            ("route get 192.168.8.1", "route get 192.168.8.1"),
            (
                "route get 2001:db8:9::1 --json",
                "-j -6 route get 2001:db8:9::1",
            ),
            ("route get 2001:db8:9::1", "-6 route get 2001:db8:9::1"),
            (
                "route get 2001:db8:9::1 fibmatch --json",
                "-j -6 route get 2001:db8:9::1 fibmatch",
            ),
        ];
        for (ours, theirs) in cases {
            let ours: Vec<&str> = ours.split_whitespace().collect();
            let theirs: Vec<&str> = theirs.split_whitespace().collect();
            compare(&ours, &theirs);
        }
        // What was added is there, as ip sees it.
        let all: Value = serde_json::from_str(&ip(&["-j", "addr", "show", "dev", "vb"])).unwrap();
        let infos = all[0]["addr_info"].as_array().unwrap();
        assert!(infos
            .iter()
            .any(|a| a["label"] == "vb:1" && a["broadcast"] == "10.0.0.255"));
        assert!(infos
            .iter()
            .any(|a| a["local"] == "2001:db8:1::1" && a["noprefixroute"] == true));

        // A peer without IPv6 is outside IPv6's link dump: still named (`va@vb`), as ip names
        // it.
        ip_line("link set vb mtu 1200");
        compare(&["addr", "list", "-6"], &["-6", "addr", "show"]);
        compare(
            &["addr", "list", "-6", "--json"],
            &["-j", "-6", "addr", "show"],
        );
        assert!(ok(&["addr", "list", "-6"]).contains("va@vb"));
        ip_line("link set vb mtu 1500");

        // Deleting: gone afterwards; twice is "not found".
        ok(&[
            "addr",
            "del",
            "10.0.0.9/32",
            "peer",
            "10.0.0.8",
            "dev",
            "va",
        ]);
        assert!(!ip(&["addr", "show", "dev", "va"]).contains("10.0.0.9"));
        let o = nltwin(&[
            "addr",
            "del",
            "10.0.0.9/32",
            "peer",
            "10.0.0.8",
            "dev",
            "va",
        ]);
        assert_eq!(o.status.code(), Some(3), "{o:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("Address not found"));

        // A kernel error with its extended ack.
        let o = nltwin(&["addr", "add", "10.0.0.1/24", "dev", "va"]);
        assert_eq!(o.status.code(), Some(1), "{o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("EEXIST") && err.contains("Address already assigned"),
            "{err}"
        );

        // A missing device, a bad address, a missing `dev`, an unknown word.
        for (args, code, says) in [
            (
                &["addr", "add", "10.0.0.5/24", "dev", "nope"][..],
                3,
                "\"nope\"",
            ),
            (&["addr", "list", "nope"][..], 3, "\"nope\""),
            (
                &["route", "get", "10.0.0.1", "oif", "nope"][..],
                3,
                "\"nope\"",
            ),
            (
                &["addr", "add", "10.0.0.300/24", "dev", "va"][..],
                2,
                "10.0.0.300",
            ),
            (
                &["addr", "add", "10.0.0.5/33", "dev", "va"][..],
                2,
                "0 to 32",
            ),
            (
                &["addr", "add", "10.0.0.5/24", "label"][..],
                2,
                "\"label\" needs a value",
            ),
            (
                &["addr", "add", "10.0.0.5/24", "brd", "+"][..],
                2,
                "dev DEV",
            ),
            (
                &["addr", "add", "10.0.0.5/24", "dev", "va", "bogus"][..],
                2,
                "\"bogus\"",
            ),
            (&["route", "get", "banana"][..], 2, "banana"),
            (&["route", "list", "table", "x"][..], 2, "table \"x\""),
            (
                &["route", "get", "10.0.0.1", "from", "::1"][..],
                2,
                "family",
            ),
        ] {
            let o = nltwin(args);
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(code), "nltwin {args:?}: {err}");
            assert!(err.contains(says), "nltwin {args:?}: {err}");
        }
        // No route: not found.
        ip_line("route del default");
        let o = nltwin(&["route", "get", "8.8.8.8"]);
        assert_eq!(o.status.code(), Some(3), "{o:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("ENETUNREACH"));
    }
);

#[test]
fn the_model_answers_what_it_models_and_says_what_it_does_not() {
    // A fresh model namespace: lo down, no addresses.
    let json: Value =
        serde_json::from_str(&ok(&["addr", "list", "--json", "--backend", "model"])).unwrap();
    assert_eq!(json[0]["ifname"], "lo");
    assert_eq!(json[0]["addr_info"], Value::Array(vec![]));
    assert_eq!(
        ok(&["route", "list", "-6", "--json", "--backend", "model"]),
        "[]\n"
    );
    let o = nltwin(&[
        "addr",
        "add",
        "10.0.0.1/8",
        "dev",
        "lo",
        "--backend",
        "model",
    ]);
    assert!(o.status.success(), "{o:?}");
    // A lookup in a fresh namespace finds no route (lo is down, so its address made none):
    // exit 3, the kernel's ENETUNREACH, for both families.
    for dst in ["10.0.0.1", "2001:db8::1"] {
        let o = nltwin(&["route", "get", dst, "--backend", "model"]);
        assert_eq!(o.status.code(), Some(3), "{o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("no route") && err.contains("ENETUNREACH"),
            "{err}"
        );
    }
}

nltwin::sandbox_test!(
    fn addr_flags_masters_and_names_are_ips() {
        for line in [
            "link add va type veth peer name vb",
            "link add br0 type bridge",
            "link set vb master br0",
            "link property add dev va altname va-alt",
            "link set va up",
            "link set vb up",
            "link set br0 up",
            "addr add 10.0.0.1/24 dev va",
            "addr add 10.1.1.1/24 dev br0 scope link",
        ] {
            ip_line(line);
        }
        // An alias ip addr show leaves out, with quotes.
        ip(&["link", "set", "va", "alias", "hello \"x\""]);
        for args in [
            &["10.0.0.7/24", "dev", "va", "label", "va:q\"t"][..],
            &["10.0.0.8/24", "dev", "va"],
            &["127.0.0.2/8", "dev", "lo"],
            &[
                "2001:db8:3::1/64",
                "dev",
                "va",
                "nodad",
                "preferred_lft",
                "0",
                "valid_lft",
                "500",
            ],
            &["2001:db8:4::1/64", "dev", "va", "mngtmpaddr", "nodad"],
            &["2001:db8:5::1/64", "dev", "va", "home", "nodad"],
            &["2001:db8:7::1/64", "dev", "va", "optimistic"],
        ] {
            let mut a = vec!["addr", "add"];
            a.extend(args);
            ok(&a);
        }
        let all = ok(&["addr", "list"]);
        for needle in [
            "master br0",
            "altname va-alt",
            "secondary va:q\"t",
            "nodad deprecated dynamic",
            "valid_lft 500sec preferred_lft 0sec",
            "nodad mngtmpaddr",
            "nodad home",
            // ip's default_scope: a loopback address is host-scoped.
            "127.0.0.2/8 scope host lo",
        ] {
            assert!(all.contains(needle), "{needle} in\n{all}");
        }
        assert!(!all.contains("hello"), "ip addr show leaves the alias out");
        for (ours, theirs) in [
            ("addr list --json", "-j addr show"),
            ("addr list", "addr show"),
            ("addr list -4", "-4 addr show"),
            ("addr list -6 --json", "-j -6 addr show"),
            ("addr list br0 --json", "-j addr show dev br0"),
        ] {
            let ours: Vec<&str> = ours.split_whitespace().collect();
            let theirs: Vec<&str> = theirs.split_whitespace().collect();
            compare(&ours, &theirs);
        }
    }
);
