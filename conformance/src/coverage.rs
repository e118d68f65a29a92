//! Coverage of a diff run: which message and attribute types each side sent, so the report can
//! name what the kernel sends that the model never does (a coverage gap), and the operations
//! the model answered `unimplemented`.
//!
//! Attribute types are collected at the top level of each message, after the family header the
//! message catalogue gives its type (`ifinfomsg` for RTM_*LINK, `genlmsghdr` for generic
//! netlink...), with the flag bits masked; names come from the catalogue too.

use std::collections::{BTreeMap, BTreeSet};

use nltwin_wire::catalogue::{self, decode};
use nltwin_wire::nlmsg::Lenient;
use nltwin_wire::uapi::netlink::{NETLINK_GENERIC, NETLINK_ROUTE};

use crate::results::OpResult;

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

/// Add the messages of one received datagram to `sent`: each message's type, and the types
/// of its top-level attributes where the catalogue says a family header with attributes
/// follows (a message cut short counts the attributes it holds).
pub fn add_datagram(sent: &mut Sent, protocol: u16, bytes: &[u8]) {
    for m in Lenient::new(bytes) {
        let attrs = sent.entry((protocol, m.header.msg_type)).or_default();
        let d = decode(protocol as i32, m.bytes);
        if d.spec.header.has_attrs() {
            attrs.extend(d.attrs.iter().map(|a| a.kind));
        }
    }
}

/// What a run's received datagrams hold; `protocol_of` gives each socket's protocol.
pub fn sent_by(results: &[OpResult], protocol_of: &dyn Fn(&str) -> u16) -> Sent {
    let mut sent = Sent::new();
    for r in results {
        if let Some(bytes) = r.recv_bytes() {
            add_datagram(&mut sent, protocol_of(&r.sock), bytes);
        }
    }
    sent
}

/// The operations a run answered `unimplemented`, 1-based, with what is missing.
pub fn unimplemented_ops(results: &[OpResult]) -> Vec<(usize, String)> {
    results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i + 1, r.unimplemented()?.what().to_owned())))
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
    /// True when the model sent everything the kernel did and implemented every operation.
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

/// A message type's name from the catalogue (`RTM_NEWLINK`, `nlctrl`, `genl family 23`,
/// `type 20`), with its protocol in front on protocols other than ROUTE and GENERIC.
pub fn message_name(protocol: u16, ty: u16) -> String {
    let spec = catalogue::message(protocol as i32, ty);
    match protocol as i32 {
        NETLINK_ROUTE | NETLINK_GENERIC => spec.to_string(),
        p => format!("protocol {p} {spec}"),
    }
}

/// An attribute's name in a message of `ty` on `protocol`, or its number.
pub fn attr_name(protocol: u16, ty: u16, attr: u16) -> String {
    catalogue::message(protocol as i32, ty)
        .attrs
        .and_then(|s| s.name_of(attr))
        .map_or_else(|| format!("attribute {attr}"), str::to_owned)
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
        out.push(format!("unimplemented ({n} ops): {what}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use nltwin_wire::builder::MessageBuilder;
    use nltwin_wire::uapi::if_link::{IFLA_DEVLINK_PORT, IFLA_IFNAME, IFLA_MTU};
    use nltwin_wire::uapi::rtnetlink::RTM_NEWLINK;
    use serde_json::{json, Value};

    fn link_msg(attrs: &[(u16, &[u8])]) -> Vec<u8> {
        attrs
            .iter()
            .fold(
                MessageBuilder::new(RTM_NEWLINK, 0, 0, 0).header(&[0; 16]),
                |b, (t, v)| b.attr(*t, v),
            )
            .build()
    }

    fn recv(bytes: &[u8]) -> OpResult {
        OpResult::from_json(&json!({"op": "recv", "sock": "a", "ret": bytes.len(),
            "hex": hex::encode(bytes), "msg_flags": 0, "from": {"pid": 0, "groups": 0}}))
        .unwrap()
    }

    fn result(v: Value) -> OpResult {
        OpResult::from_json(&v).unwrap()
    }

    #[test]
    fn an_attribute_only_the_kernel_sends_is_a_gap_by_name() {
        let k = [recv(&link_msg(&[
            (IFLA_IFNAME, b"lo\0"),
            (IFLA_MTU, &[0; 4]),
            (IFLA_DEVLINK_PORT, &[0; 4]),
        ]))];
        let m = [
            recv(&link_msg(&[(IFLA_IFNAME, b"lo\0"), (IFLA_MTU, &[0; 4])])),
            result(json!({"op": "send", "sock": "a", "unimplemented": "bridge options"})),
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

    #[test]
    fn message_names_come_from_the_catalogue() {
        assert_eq!(message_name(0, 16), "RTM_NEWLINK");
        assert_eq!(message_name(0, 80), "RTM_NEWNETCONF");
        assert_eq!(message_name(16, 16), "nlctrl");
        assert_eq!(message_name(16, 23), "genl family 23");
        assert_eq!(message_name(16, 2), "NLMSG_ERROR");
        assert_eq!(message_name(4, 20), "protocol 4 type 20");
        assert_eq!(attr_name(0, 16, 4), "IFLA_MTU");
        assert_eq!(attr_name(16, 16, 2), "CTRL_ATTR_FAMILY_NAME");
        assert_eq!(attr_name(16, 23, 2), "attribute 2");
    }
}
