//! `nltwin family list|get|policy` against iproute2's `genl ctrl` on the same kernel (in a
//! fresh sandbox), the kernel against the model, and the query commands' exit statuses.

use std::process::{Command, Output};

use serde_json::Value;

fn nltwin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nltwin"))
        .args(args)
        .output()
        .expect("nltwin runs")
}

fn stdout_of(args: &[&str]) -> String {
    let o = nltwin(args);
    assert!(o.status.success(), "nltwin {args:?}: {o:?}");
    String::from_utf8(o.stdout).unwrap()
}

fn json_of(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(args)).unwrap()
}

/// `genl` with `args`, where installed (None: not installed, the comparison is skipped).
fn genl(args: &[&str]) -> Option<String> {
    let out = Command::new("genl").args(args).output().ok()?;
    assert!(out.status.success(), "genl {args:?}: {out:?}");
    Some(String::from_utf8(out.stdout).unwrap())
}

/// What `genl ctrl list` shows of one family: id, version, header size, max attribute,
/// operations (id, and flags where genl shows them) and groups (id, name).
#[derive(Debug, Default, PartialEq)]
struct GenlFamily {
    name: String,
    head: (u64, u64, u64, u64),
    ops: Vec<(u64, Option<u64>)>,
    groups: Vec<(u64, String)>,
}

fn hex(s: &str) -> u64 {
    u64::from_str_radix(s.trim().trim_start_matches("0x"), 16).unwrap()
}

fn parse_genl(text: &str) -> Vec<GenlFamily> {
    let mut fams: Vec<GenlFamily> = Vec::new();
    let mut in_groups = false;
    for line in text.lines() {
        let t = line.trim();
        if let Some(n) = t.strip_prefix("Name: ") {
            fams.push(GenlFamily {
                name: n.to_string(),
                ..GenlFamily::default()
            });
            in_groups = false;
            continue;
        }
        let Some(f) = fams.last_mut() else { continue };
        if t.starts_with("ID: ") {
            // ID: 0x10  Version: 0x2  header size: 0  max attribs: 0
            let w: Vec<&str> = t.split_whitespace().collect();
            f.head = (
                hex(w[1]),
                hex(w[3]),
                w[6].parse().unwrap(),
                w[9].parse().unwrap(),
            );
        } else if t.starts_with("multicast groups") {
            in_groups = true;
        } else if t.starts_with("commands supported") {
            in_groups = false;
        } else if t.starts_with('#') {
            // #1:  ID-0x3    or    #1:  ID-0x10  name: notify
            let w: Vec<&str> = t.split_whitespace().collect();
            let id = hex(w[1].trim_start_matches("ID-"));
            if in_groups {
                f.groups.push((id, w[3].to_string()));
            } else {
                f.ops.push((id, None));
            }
        } else if let Some(c) = t.strip_prefix("Capabilities (") {
            let flags = hex(c.trim_end_matches("):"));
            f.ops.last_mut().unwrap().1 = Some(flags);
        }
    }
    fams
}

nltwin::sandbox_test!(
    fn family_list_and_get_show_what_genl_shows() {
        let Some(text) = genl(&["ctrl", "list"]) else {
            eprintln!("genl is not installed: comparison skipped");
            return;
        };
        let theirs = parse_genl(&text);
        let ours = json_of(&["family", "list", "--json"]);
        let ours = ours.as_array().unwrap();
        assert_eq!(ours.len(), theirs.len(), "{ours:?}\n{theirs:?}");
        let mut flags_compared = 0;
        for (o, t) in ours.iter().zip(&theirs) {
            assert_eq!(o["name"], t.name.as_str());
            let head = (
                o["id"].as_u64().unwrap(),
                o["version"].as_u64().unwrap(),
                o["hdrsize"].as_u64().unwrap(),
                o["maxattr"].as_u64().unwrap(),
            );
            assert_eq!(head, t.head, "{}", t.name);
            let ops = o["ops"].as_array().unwrap();
            assert_eq!(ops.len(), t.ops.len(), "{}", t.name);
            for (op, (id, flags)) in ops.iter().zip(&t.ops) {
                assert_eq!(op["id"].as_u64().unwrap(), *id, "{}", t.name);
                // genl shows the flags of some families only (those of version 2 and up).
                if let Some(f) = flags {
                    assert_eq!(op["flags_raw"].as_u64().unwrap(), *f, "{}", t.name);
                    flags_compared += 1;
                }
            }
            let groups: Vec<(u64, String)> = o["mcast_groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| {
                    (
                        g["id"].as_u64().unwrap(),
                        g["name"].as_str().unwrap().into(),
                    )
                })
                .collect();
            assert_eq!(groups, t.groups, "{}", t.name);
            // `family get` by name and by id gives the same record.
            let name = t.name.as_str();
            let id = t.head.0.to_string();
            assert_eq!(json_of(&["family", "get", name, "--json"])[0], *o);
            assert_eq!(json_of(&["family", "get", &id, "--json"])[0], *o);
        }
        assert!(flags_compared >= 2, "nlctrl's two operations at least");
        // The text shows the same (nlctrl, as genl lays it out).
        let text = stdout_of(&["family", "get", "nlctrl"]);
        assert_eq!(
            text,
            "Name: nlctrl\n\tID: 0x10  Version: 0x2  header size: 0  max attribs: 0\n\
             \tcommands supported:\n\
             \t\t#1:  ID-0x3  flags 0xe: has-doit has-dump has-policy\n\
             \t\t#2:  ID-0xa  flags 0xc: has-dump has-policy\n\
             \tmulticast groups:\n\t\t#1:  ID-0x10  name: notify\n"
        );
    }
);

nltwin::sandbox_test!(
    fn family_policy_shows_every_line_genl_shows() {
        let families = json_of(&["family", "list", "--json"]);
        let mut lines_compared = 0;
        for f in families.as_array().unwrap() {
            let name = f["name"].as_str().unwrap();
            let Some(text) = genl(&["ctrl", "policy", "name", name]) else {
                eprintln!("genl is not installed: comparison skipped");
                return;
            };
            // genl: "\tID: 0x10  policy[0]:attr[1]: type=U16 range:[0,65535]".
            let theirs: Vec<&str> = text
                .lines()
                .map(|l| l.trim_start().splitn(3, ' ').nth(2).unwrap().trim_start())
                .collect();
            let ours = stdout_of(&["family", "policy", name]);
            let ours: Vec<&str> = ours.lines().collect();
            assert_eq!(ours.len(), theirs.len(), "{name}");
            for (o, t) in ours.iter().zip(&theirs) {
                if t.contains("type=unknown") {
                    // A type this genl has no name for: the same attribute at least.
                    let head = |s: &str| s.split(" type=").next().unwrap().to_string();
                    assert_eq!(head(o), head(t), "{name}");
                } else {
                    // What this genl does not show (masks) may follow, nothing else.
                    let rest = o
                        .strip_prefix(t)
                        .unwrap_or_else(|| panic!("{name}: {o} / {t}"));
                    assert!(
                        rest.is_empty()
                            || rest.starts_with(" mask:")
                            || rest.starts_with(" bitfield32 mask:"),
                        "{name}: {o} / {t}"
                    );
                    lines_compared += 1;
                }
            }
            // JSON: the same entries.
            let j = json_of(&["family", "policy", name, "--json"]);
            let ops = j["ops"].as_array().unwrap().len();
            let attrs = j["attrs"].as_array().unwrap().len();
            assert_eq!(ops + attrs, ours.len(), "{name}");
            assert_eq!(j["id"], f["id"]);
        }
        assert!(lines_compared > 100, "{lines_compared} lines compared");
        // One operation only.
        let getfamily = stdout_of(&["family", "policy", "nlctrl", "--op", "3"]);
        assert_eq!(
            getfamily,
            "op 3 policies: do=0 dump=0\n\
             policy[0]:attr[1]: type=U16 range:[0,65535]\n\
             policy[0]:attr[2]: type=NUL_STRING max len:15\n"
        );
        assert_eq!(
            stdout_of(&["family", "policy", "nlctrl", "--op", "CTRL_CMD_GETFAMILY"]),
            getfamily
        );
    }
);

nltwin::sandbox_test!(
    fn the_model_answers_as_a_fresh_kernel_namespace() {
        // The family records, raw bytes included, and nlctrl's policies (the model keeps the
        // boot families' operations, not their policies: it says so, with its own status).
        assert_eq!(
            json_of(&["family", "list", "--json"]),
            json_of(&["family", "list", "--json", "--backend", "model"])
        );
        for op in [None, Some("3"), Some("10")] {
            let mut args = vec!["family", "policy", "nlctrl", "--json"];
            if let Some(o) = op {
                args.extend(["--op", o]);
            }
            let kernel = json_of(&args);
            args.extend(["--backend", "model"]);
            assert_eq!(kernel, json_of(&args), "{op:?}");
        }
        let o = nltwin(&["family", "policy", "netdev", "--backend", "model"]);
        assert_eq!(o.status.code(), Some(6), "{o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("not implemented in the model"), "{err}");
    }
);

/// Exit status and message of a failing command.
fn failure(args: &[&str]) -> (i32, String) {
    let o = nltwin(args);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn not_found_is_status_3_and_names_the_thing_on_both_backends() {
    for backend in ["model", "kernel"] {
        let b = ["--backend", backend];
        let with = |a: &[&'static str]| [a, &b[..]].concat();
        let (code, err) = failure(&with(&["family", "get", "no-such-family"]));
        assert_eq!(code, 3, "{err}");
        assert!(
            err.contains("no generic netlink family \"no-such-family\""),
            "{err}"
        );
        let (code, err) = failure(&with(&["family", "policy", "no-such-family"]));
        assert_eq!(code, 3, "{err}");
        assert!(
            err.contains("no generic netlink family \"no-such-family\""),
            "{err}"
        );
        let (code, err) = failure(&with(&["family", "policy", "nlctrl", "--op", "7"]));
        assert_eq!(code, 3, "{err}");
        assert!(err.contains("no such operation"), "{err}");
        let (code, err) = failure(&with(&["link", "get", "no-such-link"]));
        assert_eq!(code, 3, "{err}");
        assert!(err.contains("no link \"no-such-link\""), "{err}");
        let (code, err) = failure(&with(&["link", "get", "999999"]));
        assert_eq!(code, 3, "{err}");
        let (code, err) = failure(&with(&["monitor", "genl", "nlctrl:no-such-group"]));
        assert_eq!(code, 3, "{err}");
        assert!(
            err.contains("no multicast group \"no-such-group\" (its groups: notify)"),
            "{err}"
        );
    }
    let (code, err) = failure(&["monitor", "bogus"]);
    assert_eq!(code, 2, "{err}");
    let (code, err) = failure(&["family", "policy", "nlctrl", "--op", "nope"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn help_lists_the_exit_statuses() {
    let help = stdout_of(&["--help"]);
    for line in [
        "3  not found",
        "4  --sandbox could not enter",
        "6  --backend model",
    ] {
        assert!(help.contains(line), "{help}");
    }
}

#[test]
fn no_user_namespaces_is_status_4_with_what_to_check() {
    // A user namespace in which no further user namespace may be made (the limit set to 0
    // there), standing for a kernel or container without them.
    if Command::new("unshare")
        .args(["-Ur", "true"])
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
    {
        eprintln!("no user namespaces here at all: nothing to set up");
        return;
    }
    let exe = env!("CARGO_BIN_EXE_nltwin");
    let out = Command::new("unshare")
        .args([
            "-Ur",
            "sh",
            "-c",
            &format!(
                "echo 0 > /proc/sys/user/max_user_namespaces && exec {exe} family list --sandbox"
            ),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("cannot enter a fresh user+network namespace"),
        "{err}"
    );
    assert!(err.contains("user.max_user_namespaces"), "{err}");
}

#[test]
fn link_details_and_stats_of_a_fresh_namespace_are_the_same_on_both_backends() {
    // A fresh namespace: lo, down, no traffic; the model imitates it.
    for args in [
        &["link", "list", "-d", "-s", "--json"][..],
        &["link", "list", "-d", "-s"],
        &["link", "get", "lo", "-d", "--json"],
        &["link", "get", "1", "-s"],
    ] {
        let model = stdout_of(&[args, &["--backend", "model"]].concat());
        let kernel = stdout_of(&[args, &["--sandbox"]].concat());
        assert_eq!(model, kernel, "{args:?}");
        assert!(model.contains("lo"), "{model}");
    }
    let json = stdout_of(&["link", "list", "-d", "-s", "--json", "--backend", "model"]);
    assert!(json.contains(r#""inet6_addr_gen_mode":"eui64""#), "{json}");
    assert!(json.contains(r#""stats64":{"rx":{"bytes":0,"#), "{json}");
    let (code, err) = failure(&["link", "get", "no-such-link", "-d", "--backend", "model"]);
    assert_eq!(code, 3, "{err}");
}
