//! A family's attribute policies through nlctrl (CTRL_CMD_GETPOLICY, a dump), decoded: per
//! operation the policy indexes its do and dump handlers validate with, per policy each
//! attribute's type, ranges, lengths, nested policy and masks. `genl ctrl policy` shows the
//! same dump.
//!
//! Read with wire's views only: `netlink-packet-generic` 0.5 has no nlctrl enum value for what
//! it does not know and panics when emitting GETPOLICY records, so it is not used here.

use nltwin_wire::builder::NlBuf;
use nltwin_wire::genlmsghdr;
use nltwin_wire::uapi::genetlink::{
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_OP, CTRL_ATTR_OP_POLICY,
    CTRL_ATTR_POLICY, CTRL_ATTR_POLICY_DO, CTRL_ATTR_POLICY_DUMP, CTRL_CMD_GETPOLICY, GENL_ID_CTRL,
};
use nltwin_wire::uapi::netlink::nl_attr_type::NlAttrType;
use nltwin_wire::uapi::netlink::nl_policy_type_attr as pta;

use super::family::FamilyKey;
use super::ROOM;
use crate::engine::{Connection, Error};
use crate::transport::Backend;
use crate::view::MsgView;

/// The policies one operation validates with (an entry of CTRL_ATTR_OP_POLICY).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpPolicy {
    /// The command, as the kernel names the entry: an operation without a doit comes as 0 on
    /// the kernels seen so far (6.1 to 7.3: `ctrl_dumppolicy_put_op` nests under the doit's
    /// command), so nlctrl's GETPOLICY (10) shows as 0.
    pub cmd: u32,
    /// CTRL_ATTR_POLICY_DO: the policy index of its doit, if it has one.
    pub do_policy: Option<u32>,
    /// CTRL_ATTR_POLICY_DUMP: the policy index of its dumpit, if it has one.
    pub dump_policy: Option<u32>,
}

/// What a policy says about one attribute (`NL_POLICY_TYPE_ATTR_*`). Absent fields are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttrPolicy {
    /// The policy's index.
    pub policy: u32,
    /// The attribute type the entry is about.
    pub attr: u16,
    /// `NL_POLICY_TYPE_ATTR_TYPE`: an `NL_ATTR_TYPE_*`.
    pub kind: u32,
    /// `NL_POLICY_TYPE_ATTR_MIN_VALUE_S`.
    pub min_value_s: Option<i64>,
    /// `NL_POLICY_TYPE_ATTR_MAX_VALUE_S`.
    pub max_value_s: Option<i64>,
    /// `NL_POLICY_TYPE_ATTR_MIN_VALUE_U`.
    pub min_value_u: Option<u64>,
    /// `NL_POLICY_TYPE_ATTR_MAX_VALUE_U`.
    pub max_value_u: Option<u64>,
    /// `NL_POLICY_TYPE_ATTR_MIN_LENGTH`.
    pub min_length: Option<u32>,
    /// `NL_POLICY_TYPE_ATTR_MAX_LENGTH`.
    pub max_length: Option<u32>,
    /// `NL_POLICY_TYPE_ATTR_POLICY_IDX`: the policy of a nested attribute.
    pub policy_idx: Option<u32>,
    /// `NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE`: that policy's maximum attribute.
    pub policy_maxtype: Option<u32>,
    /// `NL_POLICY_TYPE_ATTR_BITFIELD32_MASK`: the valid bits of a bitfield32.
    pub bitfield32_mask: Option<u32>,
    /// `NL_POLICY_TYPE_ATTR_MASK`: the valid bits of an integer.
    pub mask: Option<u64>,
    /// Entries this decoder does not know: (type, payload).
    pub unknown: Vec<(u16, Vec<u8>)>,
}

impl AttrPolicy {
    /// The type's kernel name without `NL_ATTR_TYPE_` (`U16`, `NUL_STRING`), or its number.
    pub fn kind_name(&self) -> String {
        match NlAttrType::name_of(self.kind) {
            Some(n) => n.trim_start_matches("NL_ATTR_TYPE_").to_string(),
            None => self.kind.to_string(),
        }
    }
}

/// A family's GETPOLICY dump, decoded, in the order the kernel sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyDump {
    /// CTRL_ATTR_FAMILY_ID of the messages.
    pub family_id: Option<u16>,
    /// Per operation, its policies.
    pub ops: Vec<OpPolicy>,
    /// Per policy and attribute, what the policy says.
    pub attrs: Vec<AttrPolicy>,
}

/// CTRL_CMD_GETPOLICY's payload: the family and, if given, one operation.
fn getpolicy_payload(key: FamilyKey<'_>, op: Option<u32>) -> Vec<u8> {
    let mut b = NlBuf::unlimited();
    let header = genlmsghdr::Repr {
        cmd: CTRL_CMD_GETPOLICY,
        version: 1,
        reserved: 0,
    };
    b.put_data(&header.to_bytes()).expect(ROOM);
    match key {
        FamilyKey::Name(n) => b.nla_put_string(CTRL_ATTR_FAMILY_NAME, n),
        FamilyKey::Id(i) => b.nla_put_u16(CTRL_ATTR_FAMILY_ID, i),
    }
    .expect(ROOM);
    if let Some(op) = op {
        b.nla_put_u32(CTRL_ATTR_OP, op).expect(ROOM);
    }
    b.into_vec()
}

/// Add one GETPOLICY message to `dump`.
fn decode(dump: &mut PolicyDump, m: &MsgView<'_>) -> Result<(), Error> {
    if m.payload().len() < genlmsghdr::LEN {
        return Err(Error::Malformed(format!(
            "GETPOLICY message of {} bytes has no genlmsghdr",
            m.payload().len()
        )));
    }
    for a in m.attrs(genlmsghdr::LEN) {
        match a.kind() {
            CTRL_ATTR_FAMILY_ID => dump.family_id = a.u16(),
            CTRL_ATTR_OP_POLICY => {
                for op in a.nested() {
                    let mut p = OpPolicy {
                        cmd: u32::from(op.kind()),
                        ..OpPolicy::default()
                    };
                    for x in op.nested() {
                        match x.kind() {
                            CTRL_ATTR_POLICY_DO => p.do_policy = x.u32(),
                            CTRL_ATTR_POLICY_DUMP => p.dump_policy = x.u32(),
                            _ => {}
                        }
                    }
                    dump.ops.push(p);
                }
            }
            CTRL_ATTR_POLICY => {
                for pol in a.nested() {
                    for at in pol.nested() {
                        let mut e = AttrPolicy {
                            policy: u32::from(pol.kind()),
                            attr: at.kind(),
                            ..AttrPolicy::default()
                        };
                        for x in at.nested() {
                            match x.kind() {
                                pta::TYPE => e.kind = x.u32().unwrap_or(0),
                                pta::MIN_VALUE_S => e.min_value_s = x.i64(),
                                pta::MAX_VALUE_S => e.max_value_s = x.i64(),
                                pta::MIN_VALUE_U => e.min_value_u = x.u64(),
                                pta::MAX_VALUE_U => e.max_value_u = x.u64(),
                                pta::MIN_LENGTH => e.min_length = x.u32(),
                                pta::MAX_LENGTH => e.max_length = x.u32(),
                                pta::POLICY_IDX => e.policy_idx = x.u32(),
                                pta::POLICY_MAXTYPE => e.policy_maxtype = x.u32(),
                                pta::BITFIELD32_MASK => e.bitfield32_mask = x.u32(),
                                pta::MASK => e.mask = x.u64(),
                                pta::PAD => {}
                                k => e.unknown.push((k, x.payload().to_vec())),
                            }
                        }
                        dump.attrs.push(e);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Policy requests on a NETLINK_GENERIC connection.
pub trait PolicyRequests {
    /// The policies of family `key` (every operation's, or only `op`'s).
    fn policy(&mut self, key: FamilyKey<'_>, op: Option<u32>) -> Result<PolicyDump, Error>;
}

impl<B: Backend> PolicyRequests for Connection<B> {
    fn policy(&mut self, key: FamilyKey<'_>, op: Option<u32>) -> Result<PolicyDump, Error> {
        self.dump_with(
            GENL_ID_CTRL,
            &getpolicy_payload(key, op),
            PolicyDump::default,
            |d, m| decode(d, &m),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::model::ModelBackend;
    use nltwin_wire::uapi::netlink::NETLINK_GENERIC;

    #[test]
    fn nlctrl_policies_on_the_model() {
        let mut c = Connection::open(ModelBackend::sandboxed(4242), NETLINK_GENERIC).unwrap();
        let d = c.policy(FamilyKey::Name("nlctrl"), None).unwrap();
        assert_eq!(d.family_id, Some(GENL_ID_CTRL));
        assert_eq!(
            d.ops,
            [
                OpPolicy {
                    cmd: 3,
                    do_policy: Some(0),
                    dump_policy: Some(0)
                },
                // GETPOLICY (10) has no doit: the kernel names its entry after the doit's
                // command, 0 (ctrl_dumppolicy_put_op), and the model does the same.
                OpPolicy {
                    cmd: 0,
                    do_policy: None,
                    dump_policy: Some(1)
                }
            ]
        );
        let shown: Vec<_> = d
            .attrs
            .iter()
            .map(|a| (a.policy, a.attr, a.kind_name(), a.max_length, a.max_value_u))
            .collect();
        assert_eq!(
            shown,
            [
                (0, 1, "U16".to_string(), None, Some(65535)),
                (0, 2, "NUL_STRING".to_string(), Some(15), None),
                (1, 1, "U16".to_string(), None, Some(65535)),
                (1, 2, "NUL_STRING".to_string(), Some(15), None),
                (1, 10, "U32".to_string(), None, Some(u64::from(u32::MAX))),
            ]
        );
        let one = c.policy(FamilyKey::Id(GENL_ID_CTRL), Some(3)).unwrap();
        assert_eq!(one.ops.len(), 1);
        assert_eq!(one.attrs.len(), 2);
    }
}
