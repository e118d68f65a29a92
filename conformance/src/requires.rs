//! What a scenario needs from the kernel it runs on, and whether that kernel has it: a
//! scenario that cannot run there is skipped with the reason, never reported as passed.
//!
//! The needs are read off the scenario itself: every link kind its RTM_NEWLINK requests create
//! (IFLA_LINKINFO / IFLA_INFO_KIND) that the model implements. A kind the model does not know
//! is not a need: such a request is the scenario's subject (an "Unknown device type" error, or a
//! divergence to report). Each kind is probed once per run, in a sandbox of its own, by
//! creating a link of that kind: the kernel lacks it when the answer is EOPNOTSUPP.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::trace::{Op, Trace};

/// `RTM_NEWLINK`, `IFLA_LINKINFO`, `IFLA_INFO_KIND`.
const RTM_NEWLINK: u16 = 16;
const IFLA_LINKINFO: u16 = 18;
const IFLA_INFO_KIND: u16 = 1;
/// `EOPNOTSUPP`.
const EOPNOTSUPP: i32 = 95;

/// The attributes of `buf` as (type without flags, payload).
fn attrs(buf: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at + 4 > buf.len() {
            return None;
        }
        let len = u16::from_ne_bytes([buf[at], buf[at + 1]]) as usize;
        if len < 4 || at + len > buf.len() {
            return None;
        }
        let ty = u16::from_ne_bytes([buf[at + 2], buf[at + 3]]) & 0x3fff;
        let payload = &buf[at + 4..at + len];
        at += (len + 3) & !3;
        Some((ty, payload))
    })
}

/// The link kinds the RTM_NEWLINK requests of `trace` name, in order of name.
pub fn link_kinds(trace: &Trace) -> BTreeSet<String> {
    let mut kinds = BTreeSet::new();
    for step in &trace.steps {
        let Op::Send { data, .. } = &step.op else {
            continue;
        };
        let mut at = 0;
        while at + 16 <= data.len() {
            let len = u32::from_ne_bytes(data[at..at + 4].try_into().expect("4 bytes")) as usize;
            if len < 16 || at + len > data.len() {
                break;
            }
            let ty = u16::from_ne_bytes([data[at + 4], data[at + 5]]);
            if ty == RTM_NEWLINK && len >= 32 {
                for (t, info) in attrs(&data[at + 32..at + len]) {
                    if t != IFLA_LINKINFO {
                        continue;
                    }
                    for (t, kind) in attrs(info) {
                        if t == IFLA_INFO_KIND {
                            let end = kind.iter().position(|&c| c == 0).unwrap_or(kind.len());
                            kinds.insert(String::from_utf8_lossy(&kind[..end]).into_owned());
                        }
                    }
                }
            }
            at += (len + 3) & !3;
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

/// Answers "does the kernel have link kind K?", once per kind.
pub struct Probe {
    probe: Box<ProbeFn>,
    cache: Mutex<HashMap<String, Result<bool, String>>>,
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
        }
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
        let mut missing = Vec::new();
        for kind in needed_link_kinds(trace) {
            if !self.has_link_kind(&kind)? {
                missing.push(kind);
            }
        }
        Ok((!missing.is_empty()).then(|| {
            format!(
                "the kernel lacks link kind{} {} (creating one answers EOPNOTSUPP)",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", ")
            )
        }))
    }
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
    let ack = results
        .get(2)
        .and_then(|r| r.get("hex"))
        .and_then(|h| h.as_str())
        .and_then(|h| hex::decode(h).ok())
        .filter(|b| b.len() >= 20)
        .ok_or_else(|| format!("probing link kind {kind}: no answer to the request"))?;
    let errno = -i32::from_ne_bytes(ack[16..20].try_into().expect("4 bytes"));
    Ok(errno != EOPNOTSUPP)
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
    fn kinds_are_read_from_requests_and_only_modeled_ones_are_needed() {
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
}
