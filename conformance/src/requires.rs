//! What a scenario needs from the kernel it runs on, and whether that kernel has it: a
//! scenario that cannot run there is skipped with the reason, never reported as passed.
//!
//! A scenario states needs in `requires` lines ([`crate::trace::Needs`]: a release series, config
//! options, generic netlink families, link kinds), checked against the kernel's facts (a live
//! kernel's, or a recording's `KERNEL.json`) and against the model's profile ([`unmet`],
//! [`unmet_by_profile`]).
//!
//! The needs are read off the scenario itself: every link kind its RTM_NEWLINK requests create
//! (IFLA_LINKINFO / IFLA_INFO_KIND) that the model implements. A kind the model does not know
//! is not a need: such a request is the scenario's subject (an "Unknown device type" error, or a
//! divergence to report). Each kind is probed once per run, in a sandbox of its own, by
//! creating a link of that kind: the kernel lacks it when the answer is EOPNOTSUPP.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use nltwin::model::profile::{parse_series, KernelFacts, Profile};
use nltwin_wire::catalogue::{decode, DecodedAttr};
use nltwin_wire::nlmsg::Messages;
use nltwin_wire::uapi::if_link::{IFLA_INFO_KIND, IFLA_LINKINFO};
use nltwin_wire::uapi::netlink::NETLINK_ROUTE;
use nltwin_wire::uapi::rtnetlink::RTM_NEWLINK;
use nltwin_wire::Errno;

use crate::trace::{Op, Trace};

/// The whole attributes of type `kind` among `attrs` (one cut short by a lying length is not
/// read).
fn whole<'b, 'a>(
    attrs: &'b [DecodedAttr<'a>],
    kind: u16,
) -> impl Iterator<Item = &'b DecodedAttr<'a>> {
    attrs.iter().filter(move |a| a.kind == kind && !a.truncated)
}

/// The link kinds the RTM_NEWLINK requests of `trace` name, in order of name.
pub fn link_kinds(trace: &Trace) -> BTreeSet<String> {
    let mut kinds = BTreeSet::new();
    for step in &trace.steps {
        let Op::Send { data, .. } = &step.op else {
            continue;
        };
        for msg in Messages::new(data) {
            if msg.msg_type() != RTM_NEWLINK {
                continue;
            }
            let d = decode(NETLINK_ROUTE, msg.bytes());
            for info in whole(&d.attrs, IFLA_LINKINFO) {
                for kind in whole(info.children.as_deref().unwrap_or(&[]), IFLA_INFO_KIND) {
                    kinds.insert(String::from_utf8_lossy(kind.cstr()).into_owned());
                }
            }
        }
    }
    kinds
}

/// The link kinds of `trace` that the model implements: what the scenario needs the kernel to
/// have.
pub fn needed_link_kinds(trace: &Trace) -> Vec<String> {
    link_kinds(trace)
        .into_iter()
        .filter(|k| model_link_kinds().contains(&k.as_str()))
        .collect()
}

/// The link kinds the model creates (its registered `rtnl_link_ops`).
fn model_link_kinds() -> &'static [&'static str] {
    static KINDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| nltwin::model::Kernel::sandboxed(1).0.link_kinds().collect())
}

/// How a kind is probed: the real one runs a sandboxed kernel exchange; tests plant their own.
type ProbeFn = dyn Fn(&str) -> Result<bool, String> + Send + Sync;

/// Answers "does the kernel have link kind K?", once per kind; and, given the kernel's facts,
/// whether it meets a scenario's stated needs.
pub struct Probe {
    probe: Box<ProbeFn>,
    cache: Mutex<HashMap<String, Result<bool, String>>>,
    facts: Option<KernelFacts>,
}

impl Probe {
    /// Probe the running kernel through `exe exchange` in a fresh sandbox per kind.
    pub fn kernel(exe: &Path) -> Probe {
        let exe: PathBuf = exe.to_owned();
        Probe::with(move |kind| probe_link_kind(&exe, kind))
    }

    /// A probe answering with `f` (true: the kernel has the kind).
    pub fn with(f: impl Fn(&str) -> Result<bool, String> + Send + Sync + 'static) -> Probe {
        Probe {
            probe: Box::new(f),
            cache: Mutex::new(HashMap::new()),
            facts: None,
        }
    }

    /// This probe, checking stated needs against `facts` too.
    pub fn with_facts(mut self, facts: KernelFacts) -> Probe {
        self.facts = Some(facts);
        self
    }

    /// Whether the kernel has link kind `kind` (an error when the probe itself failed).
    pub fn has_link_kind(&self, kind: &str) -> Result<bool, String> {
        if let Some(r) = self.cache.lock().expect("probe cache").get(kind) {
            return r.clone();
        }
        let r = (self.probe)(kind);
        self.cache
            .lock()
            .expect("probe cache")
            .insert(kind.to_owned(), r.clone());
        r
    }

    /// Why `trace` cannot run on this kernel, if it cannot.
    pub fn why_skip(&self, trace: &Trace) -> Result<Option<String>, String> {
        unmet(
            trace,
            "the kernel",
            self.facts.as_ref(),
            &|k| self.has_link_kind(k),
            "creating one answers EOPNOTSUPP",
        )
    }
}

fn skip_reason(trace: &Trace, what: &str, missing: Vec<String>) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let mut s = format!("{what} lacks {}", missing.join("; "));
    if let Some(why) = &trace.needs.why {
        s.push_str(&format!(" (the scenario: {why})"));
    }
    Some(s)
}

fn option_set(config: &std::collections::BTreeMap<String, String>, key: &str) -> bool {
    config.get(key).is_some_and(|v| v != "n")
}

/// Why a kernel (`what`, e.g. "the kernel") cannot run `trace`: a stated need its `facts` lack
/// (facts it does not know, such as an unreadable config, are no reason), or a link kind
/// `has_link_kind` says it lacks (`kind_note` says how that was found).
pub fn unmet(
    trace: &Trace,
    what: &str,
    facts: Option<&KernelFacts>,
    has_link_kind: &dyn Fn(&str) -> Result<bool, String>,
    kind_note: &str,
) -> Result<Option<String>, String> {
    let needs = &trace.needs;
    let mut missing = Vec::new();
    if let Some(f) = facts {
        if let (Some(want), Some(have)) = (needs.release, parse_series(&f.release)) {
            if have < want {
                missing.push(format!(
                    "release {}.{} or later (it runs {})",
                    want.0, want.1, f.release
                ));
            }
        }
        if !f.config.is_empty() {
            let unset: Vec<&str> = needs
                .config
                .iter()
                .filter(|c| !option_set(&f.config, c))
                .map(String::as_str)
                .collect();
            if !unset.is_empty() {
                missing.push(format!("config {}", unset.join(", ")));
            }
        }
        if !f.genl_families.is_empty() {
            let absent: Vec<&str> = needs
                .genl_families
                .iter()
                .filter(|n| !f.genl_families.contains(n))
                .map(String::as_str)
                .collect();
            if !absent.is_empty() {
                missing.push(format!("generic netlink family {}", absent.join(", ")));
            }
        }
    }
    let mut kinds: BTreeSet<String> = needed_link_kinds(trace).into_iter().collect();
    kinds.extend(needs.link_kinds.iter().cloned());
    let mut lacking = Vec::new();
    for kind in kinds {
        if !has_link_kind(&kind)? {
            lacking.push(kind);
        }
    }
    if !lacking.is_empty() {
        missing.push(format!(
            "link kind{} {} ({kind_note})",
            if lacking.len() > 1 { "s" } else { "" },
            lacking.join(", ")
        ));
    }
    Ok(skip_reason(trace, what, missing))
}

/// Why the model with `profile` cannot run `trace`: a stated need the profile's release, build
/// or boot families lack (config options the profile does not describe are no reason).
pub fn unmet_by_profile(trace: &Trace, profile: &Profile) -> Option<String> {
    let needs = &trace.needs;
    let mut missing = Vec::new();
    if let Some(want) = needs.release {
        if profile.release.version < want {
            missing.push(format!(
                "release {}.{} or later (it models {})",
                want.0, want.1, profile.release.name
            ));
        }
    }
    if needs
        .config
        .iter()
        .any(|c| c == "CONFIG_BRIDGE_VLAN_FILTERING")
        && !profile.config.bridge_vlan_filtering
    {
        missing.push("config CONFIG_BRIDGE_VLAN_FILTERING".into());
    }
    let absent: Vec<&str> = needs
        .genl_families
        .iter()
        .filter(|n| n.as_str() != "nlctrl" && !profile.genl_families.iter().any(|f| f.name == *n))
        .map(String::as_str)
        .collect();
    if !absent.is_empty() {
        missing.push(format!("generic netlink family {}", absent.join(", ")));
    }
    skip_reason(
        trace,
        &format!("the model's profile {}", profile.name),
        missing,
    )
}

/// Create a link of `kind` in a fresh sandbox: false when the kernel answers EOPNOTSUPP.
fn probe_link_kind(exe: &Path, kind: &str) -> Result<bool, String> {
    let msg = serde_json::json!({
        "type": "RTM_NEWLINK",
        "flags": ["REQUEST", "ACK", "CREATE", "EXCL"],
        "seq": 1,
        "ifinfomsg": {},
        "attrs": [
            {"type": "IFLA_IFNAME", "str": "nltwinprobe"},
            {"type": "IFLA_LINKINFO", "nested": [{"type": "IFLA_INFO_KIND", "str": kind}]}
        ]
    });
    let text = format!(
        "{}\n{}\n{}\n",
        r#"{"op":"socket","sock":"p","protocol":0,"type":"raw"}"#,
        serde_json::json!({"op": "send", "sock": "p", "msg": msg}),
        r#"{"op":"recv","sock":"p","len":4096,"flags":0}"#,
    );
    let (_, results) = crate::exchange::run_kernel_sandboxed(exe, &text)
        .map_err(|e| format!("probing link kind {kind}: {e:#}"))?;
    let code = results
        .get(2)
        .and_then(|r| r.recv_bytes())
        .and_then(|ack| decode(NETLINK_ROUTE, ack).error.map(|e| e.code))
        .ok_or_else(|| format!("probing link kind {kind}: no answer to the request"))?;
    Ok(code != Errno::EOPNOTSUPP.as_neg())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(kinds: &[&str]) -> Trace {
        let mut text = String::from(r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#);
        for k in kinds {
            let send = serde_json::json!({"op": "send", "sock": "a", "msg": {
                "type": "RTM_NEWLINK", "flags": ["REQUEST"], "seq": 1, "ifinfomsg": {},
                "attrs": [{"type": "IFLA_LINKINFO",
                           "nested": [{"type": "IFLA_INFO_KIND", "str": k}]}]}});
            text.push('\n');
            text.push_str(&send.to_string());
        }
        Trace::parse(&text).expect("a valid trace")
    }

    #[test]
    fn kinds_are_read_from_requests_and_only_implemented_ones_are_needed() {
        let t = trace(&["veth", "nosuchkind", "bridge", "veth"]);
        assert_eq!(
            link_kinds(&t),
            BTreeSet::from(["bridge".into(), "nosuchkind".into(), "veth".into()])
        );
        assert_eq!(needed_link_kinds(&t), ["bridge", "veth"]);
    }

    #[test]
    fn a_missing_kind_is_a_skip_reason_and_is_probed_once() {
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c = calls.clone();
        let p = Probe::with(move |k| {
            c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(k != "veth")
        });
        let why = p.why_skip(&trace(&["veth", "bridge"])).unwrap();
        assert_eq!(
            why.as_deref(),
            Some("the kernel lacks link kind veth (creating one answers EOPNOTSUPP)")
        );
        assert_eq!(p.why_skip(&trace(&["bridge"])).unwrap(), None);
        assert!(p.why_skip(&trace(&["veth"])).unwrap().is_some());
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 2);
    }

    #[test]
    fn stated_needs_are_checked_against_facts_and_profiles() {
        let t = Trace::parse(concat!(
            r#"{"requires":{"release":"6.12","config":["CONFIG_BRIDGE_VLAN_FILTERING"],"#,
            r#""genl_families":["ethtool"],"link_kinds":["ifb"],"why":"since 6.12"}}"#,
            "\n",
            r#"{"op":"socket","sock":"a","protocol":0,"type":"raw"}"#,
        ))
        .unwrap();
        let yes = |_: &str| Ok(true);
        let facts = |release: &str, vlan: bool, fams: &[&str]| KernelFacts {
            release: release.into(),
            config: if vlan {
                [("CONFIG_BRIDGE_VLAN_FILTERING".to_owned(), "y".to_owned())].into()
            } else {
                [("CONFIG_BRIDGE".to_owned(), "y".to_owned())].into()
            },
            genl_families: fams.iter().map(|s| s.to_string()).collect(),
            ..KernelFacts::default()
        };
        let ok = facts("6.18.1", true, &["nlctrl", "ethtool"]);
        assert_eq!(unmet(&t, "k", Some(&ok), &yes, "n").unwrap(), None);
        let old = facts("6.1.0-57-amd64", false, &["nlctrl"]);
        let why = unmet(&t, "k", Some(&old), &|_| Ok(false), "probed")
            .unwrap()
            .unwrap();
        assert_eq!(
            why,
            "k lacks release 6.12 or later (it runs 6.1.0-57-amd64); config \
             CONFIG_BRIDGE_VLAN_FILTERING; generic netlink family ethtool; link kind ifb \
             (probed) (the scenario: since 6.12)"
        );
        // Unknown facts (no config, no family list) are no reason to skip.
        let unknown = KernelFacts {
            release: "6.18".into(),
            ..KernelFacts::default()
        };
        assert_eq!(unmet(&t, "k", Some(&unknown), &yes, "n").unwrap(), None);
        assert!(unmet_by_profile(&t, &Profile::DEBIAN_6_18).is_none());
        let p = unmet_by_profile(&t, &Profile::DEBIAN_6_1).unwrap();
        assert!(
            p.starts_with("the model's profile debian-6.1 lacks release 6.12"),
            "{p}"
        );
        let p = unmet_by_profile(&t, &Profile::LINUX_6_18).unwrap();
        assert!(p.contains("CONFIG_BRIDGE_VLAN_FILTERING"), "{p}");
    }
}
