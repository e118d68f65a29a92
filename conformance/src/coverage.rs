//! Coverage of a diff run: which message and attribute types each side sent, so the report can
//! name what the kernel sends that the model never does (a coverage gap), and the operations
//! the model answered `unimplemented`.
//!
//! Attribute types are collected at the top level of each message, after its family header
//! (`ifinfomsg` for RTM_*LINK, `genlmsghdr` for generic netlink), with the flag bits masked.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::names;

/// What one side sent, by (protocol, message type): the top-level attribute types seen.
pub type Sent = BTreeMap<(u16, u16), BTreeSet<u16>>;

/// The coverage facts of one scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// What the kernel sent.
    pub kernel: Sent,
    /// What the model sent.
    pub model: Sent,
    /// Operations the model answered `unimplemented`: (1-based op, what is missing).
    pub unimplemented: Vec<(usize, String)>,
}

/// The family header before the attributes of a message, or `None` when the harness does not
/// walk its attributes (errors, done, and message types it has no layout for).
fn family_header_len(protocol: u16, ty: u16) -> Option<usize> {
    match (protocol, ty) {
        // RTM_NEWLINK..RTM_GETLINK, RTM_NEWLINKPROP..RTM_GETLINKPROP: ifinfomsg.
        (0, 16..=19) | (0, 108..=110) => Some(16),
        // Generic netlink: genlmsghdr.
        (16, 16..) => Some(4),
        _ => None,
    }
}

/// Add the messages of one received datagram to `sent`.
fn add_datagram(sent: &mut Sent, protocol: u16, bytes: &[u8]) {
    let mut at = 0;
    while at + 16 <= bytes.len() {
        let len = u32::from_ne_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        if len < 16 {
            return;
        }
        let ty = u16::from_ne_bytes([bytes[at + 4], bytes[at + 5]]);
        let msg = &bytes[at..(at + len).min(bytes.len())];
        let attrs = sent.entry((protocol, ty)).or_default();
        if let Some(h) = family_header_len(protocol, ty) {
            let mut a = 16 + h;
            while a + 4 <= msg.len() {
                let alen = u16::from_ne_bytes([msg[a], msg[a + 1]]) as usize;
                if alen < 4 {
                    break;
                }
                attrs.insert(u16::from_ne_bytes([msg[a + 2], msg[a + 3]]) & 0x3fff);
                a += (alen + 3) & !3;
            }
        }
        at += (len + 3) & !3;
    }
}

/// What a run's received datagrams hold; `protocol_of` gives each socket's protocol.
pub fn sent_by(results: &[Value], protocol_of: &dyn Fn(&str) -> u16) -> Sent {
    let mut sent = Sent::new();
    for r in results {
        if r.get("op").and_then(Value::as_str) != Some("recv") {
            continue;
        }
        let Some(bytes) = r
            .get("hex")
            .and_then(Value::as_str)
            .and_then(|h| hex::decode(h).ok())
        else {
            continue;
        };
        let protocol = protocol_of(r.get("sock").and_then(Value::as_str).unwrap_or(""));
        add_datagram(&mut sent, protocol, &bytes);
    }
    sent
}

/// The operations a run answered `unimplemented`, 1-based, with what is missing.
pub fn unimplemented_ops(results: &[Value]) -> Vec<(usize, String)> {
    results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let what = r.get("unimplemented")?.as_str()?;
            Some((i + 1, what.to_owned()))
        })
        .collect()
}

/// Coverage totals over a whole run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gaps {
    /// (protocol, message type) -> attribute types the kernel sent and the model never did.
    pub attrs: BTreeMap<(u16, u16), BTreeSet<u16>>,
    /// Message types the kernel sent and the model never did.
    pub messages: BTreeSet<(u16, u16)>,
    /// What the model answered `unimplemented`, with how many operations each.
    pub unimplemented: BTreeMap<String, usize>,
}

impl Gaps {
    /// True when the model sent everything the kernel did and modeled every operation.
    pub fn is_empty(&self) -> bool {
        self.attrs.is_empty() && self.messages.is_empty() && self.unimplemented.is_empty()
    }
}

/// The gaps over all scenarios of a run: kernel sends compared with model sends run-wide, so
/// an attribute the model sends in another scenario is not a gap.
pub fn gaps<'a>(all: impl IntoIterator<Item = &'a Coverage>) -> Gaps {
    let (mut kernel, mut model) = (Sent::new(), Sent::new());
    let mut g = Gaps::default();
    for c in all {
        for (k, v) in &c.kernel {
            kernel.entry(*k).or_default().extend(v);
        }
        for (k, v) in &c.model {
            model.entry(*k).or_default().extend(v);
        }
        for (_, what) in &c.unimplemented {
            *g.unimplemented.entry(what.clone()).or_default() += 1;
        }
    }
    for (key, attrs) in kernel {
        match model.get(&key) {
            None => {
                g.messages.insert(key);
            }
            Some(m) => {
                let missing: BTreeSet<u16> = attrs.difference(m).copied().collect();
                if !missing.is_empty() {
                    g.attrs.insert(key, missing);
                }
            }
        }
    }
    g
}

/// A message type's name (`RTM_NEWLINK`, `CTRL_CMD_NEWFAMILY` for nlctrl's id 16...), or its
/// number.
pub fn message_name(protocol: u16, ty: u16) -> String {
    match (protocol, ty) {
        (16, 16) => "nlctrl".to_owned(),
        (16, t) if t >= 16 => format!("genl family {t}"),
        (0 | 16, t) => names::MSG_TYPES
            .iter()
            .find(|(_, n)| *n == t)
            .map_or_else(|| format!("type {t}"), |(s, _)| (*s).to_owned()),
        (p, t) => format!("protocol {p} type {t}"),
    }
}

/// An attribute's name in a message of `ty` on `protocol`, or its number.
pub fn attr_name(protocol: u16, ty: u16, attr: u16) -> String {
    let table: &[&str] = match (protocol, ty) {
        (0, 16..=19) | (0, 108..=110) => names::IFLA,
        (16, 16) => names::CTRL,
        _ => &[],
    };
    table
        .get(attr as usize)
        .filter(|s| !s.is_empty())
        .map_or_else(|| format!("attribute {attr}"), |s| (*s).to_owned())
}

/// The human lines of the gaps (empty when there are none).
pub fn render_gaps(g: &Gaps) -> Vec<String> {
    let mut out = Vec::new();
    for &(p, t) in &g.messages {
        out.push(format!(
            "the kernel sent {} messages; the model never did",
            message_name(p, t)
        ));
    }
    for (&(p, t), attrs) in &g.attrs {
        let names: Vec<String> = attrs
            .iter()
            .map(|&a| format!("{} ({a})", attr_name(p, t, a)))
            .collect();
        out.push(format!(
            "{}: the kernel sent {}; the model never did",
            message_name(p, t),
            names.join(", ")
        ));
    }
    for (what, n) in &g.unimplemented {
        out.push(format!("not modeled ({n} ops): {what}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn link_msg(attrs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut m = vec![0u8; 32];
        m[4..6].copy_from_slice(&16u16.to_ne_bytes());
        for (t, v) in attrs {
            let len = 4 + v.len();
            m.extend_from_slice(&(len as u16).to_ne_bytes());
            m.extend_from_slice(&t.to_ne_bytes());
            m.extend_from_slice(v);
            m.resize((m.len() + 3) & !3, 0);
        }
        let n = m.len() as u32;
        m[0..4].copy_from_slice(&n.to_ne_bytes());
        m
    }

    fn recv(bytes: &[u8]) -> Value {
        json!({"op": "recv", "sock": "a", "hex": hex::encode(bytes)})
    }

    #[test]
    fn an_attribute_only_the_kernel_sends_is_a_gap_by_name() {
        let k = [recv(&link_msg(&[
            (3, b"lo\0"),
            (4, &[0; 4]),
            (62, &[0; 4]),
        ]))];
        let m = [
            recv(&link_msg(&[(3, b"lo\0"), (4, &[0; 4])])),
            json!({"op": "send", "sock": "a", "unimplemented": "bridge options"}),
        ];
        let route = |_: &str| 0;
        let c = Coverage {
            kernel: sent_by(&k, &route),
            model: sent_by(&m, &route),
            unimplemented: unimplemented_ops(&m),
        };
        let g = gaps([&c]);
        assert_eq!(g.attrs[&(0, 16)], BTreeSet::from([62]));
        assert!(g.messages.is_empty());
        assert_eq!(g.unimplemented["bridge options"], 1);
        let lines = render_gaps(&g);
        assert!(
            lines[0].starts_with("RTM_NEWLINK: the kernel sent "),
            "{lines:?}"
        );
        assert!(lines[0].contains("(62)"), "{lines:?}");
    }

    #[test]
    fn what_the_model_sends_in_another_scenario_is_no_gap() {
        let route = |_: &str| 0;
        let a = Coverage {
            kernel: sent_by(&[recv(&link_msg(&[(62, &[0; 4])]))], &route),
            ..Coverage::default()
        };
        let b = Coverage {
            model: sent_by(&[recv(&link_msg(&[(62, &[0; 4])]))], &route),
            ..Coverage::default()
        };
        assert!(gaps([&a]).messages.contains(&(0, 16)));
        assert!(gaps([&a, &b]).is_empty());
    }
}
