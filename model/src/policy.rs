//! Policy advertisement to user space (`net/netlink/policy.c`): the state of a policy dump
//! (`struct netlink_policy_dump_state`: the list of policies to describe and the position in
//! it), and the writer describing one attribute's policy (`NL_POLICY_TYPE_ATTR_*`), shared by
//! CTRL_CMD_GETPOLICY and the extended ack's `NLMSGERR_ATTR_POLICY`.
//!
//! A policy is a slice indexed by attribute type; its length - 1 is its `maxtype`. The kernel
//! tells policies apart by address; the model compares their contents, which agrees as long
//! as a family does not register two identical policies as distinct arrays (a Rust `const`
//! may be copied to several addresses, so addresses would be the less faithful key here).

use crate::errno::Errno;
use crate::nlattr::{NlaPolicy, NlaType};
use crate::skbuff::SkBuff;
use crate::uapi::netlink::{nl_attr_type, nl_policy_type_attr as attr};

/// `struct netlink_policy_dump_state`: the policies a dump describes, in the order they were
/// added (their index is their position), and the dump's position: policy, then attribute.
#[derive(Clone, Debug, Default)]
pub struct NetlinkPolicyDumpState {
    /// `policy_idx`: the policy being written.
    pub policy_idx: usize,
    /// `attr_idx`: the attribute of that policy written next.
    pub attr_idx: usize,
    /// `policies`.
    pub policies: Vec<&'static [NlaPolicy]>,
}

/// The `maxtype` of a policy slice.
fn maxtype(policy: &[NlaPolicy]) -> usize {
    policy.len().saturating_sub(1)
}

/// `add_policy`: append `policy` unless it is already listed; a policy without attributes
/// (maxtype 0) is never listed.
fn add_policy(state: &mut NetlinkPolicyDumpState, policy: &'static [NlaPolicy]) {
    if maxtype(policy) == 0 || state.policies.contains(&policy) {
        return;
    }
    state.policies.push(policy);
}

/// `netlink_policy_dump_add_policy`: create the state on first use (even when nothing gets
/// listed, as the kernel allocates it first) and add `policy`. Nested policies would be
/// added here too; the model's policies have none.
pub fn netlink_policy_dump_add_policy(
    state: &mut Option<NetlinkPolicyDumpState>,
    policy: &'static [NlaPolicy],
) -> Result<(), Errno> {
    add_policy(state.get_or_insert_with(Default::default), policy);
    Ok(())
}

/// `netlink_policy_dump_get_policy_idx`: the index of `policy` in the dump; 0 (with a kernel
/// warning) for one that was never added.
pub fn netlink_policy_dump_get_policy_idx(
    state: &NetlinkPolicyDumpState,
    policy: &[NlaPolicy],
) -> u32 {
    state
        .policies
        .iter()
        .position(|p| *p == policy)
        .unwrap_or(0) as u32
}

/// `netlink_policy_dump_finished`: past the last listed policy.
fn netlink_policy_dump_finished(state: &NetlinkPolicyDumpState) -> bool {
    state.policy_idx >= state.policies.len()
}

/// `netlink_policy_dump_loop`: whether attributes remain to be written.
pub fn netlink_policy_dump_loop(state: &NetlinkPolicyDumpState) -> bool {
    !netlink_policy_dump_finished(state)
}

/// The unsigned bounds of an integer type (`nla_get_range_unsigned` without a validation).
fn range_unsigned(ty: NlaType) -> (u64, u64) {
    let max = match ty {
        NlaType::U8 => u8::MAX.into(),
        NlaType::U16 => u16::MAX.into(),
        NlaType::U32 => u32::MAX.into(),
        _ => u64::MAX,
    };
    (0, max)
}

/// `__netlink_policy_dump_write_attr`: the nest `nestattr` describing `pt`: its bounds, then
/// its `NL_ATTR_TYPE_*`. ENODATA (nothing written) for a type with nothing to advertise,
/// EMSGSIZE (nothing written) when the skb is full. `state` resolves nested policy indexes.
fn __netlink_policy_dump_write_attr(
    _state: Option<&NetlinkPolicyDumpState>,
    skb: &mut SkBuff,
    pt: &NlaPolicy,
    nestattr: u16,
) -> Result<(), Errno> {
    let nest = skb.nla_nest_start(nestattr)?;
    let r = (|| {
        let ty = match pt.ty {
            NlaType::Unspec | NlaType::Reject => return Err(Errno::ENODATA),
            // The model's nested policies carry no nested policy: only the type is told.
            NlaType::Nested => nl_attr_type::NESTED,
            // NLA_BE32 falls to the default case: nothing is advertised.
            NlaType::Be32 => return Err(Errno::ENODATA),
            NlaType::U8 | NlaType::U16 | NlaType::U32 | NlaType::U64 => {
                if let Some(mask) = pt.mask {
                    skb.nla_put_u64(attr::MASK, mask)?;
                } else {
                    let (min, max) = match pt.range {
                        Some((lo, hi)) => (lo.max(0) as u64, hi.max(0) as u64),
                        None => range_unsigned(pt.ty),
                    };
                    skb.nla_put_u64(attr::MIN_VALUE_U, min)?;
                    skb.nla_put_u64(attr::MAX_VALUE_U, max)?;
                }
                match pt.ty {
                    NlaType::U8 => nl_attr_type::U8,
                    NlaType::U16 => nl_attr_type::U16,
                    NlaType::U32 => nl_attr_type::U32,
                    _ => nl_attr_type::U64,
                }
            }
            NlaType::S32 => {
                let (min, max) = pt
                    .range
                    .unwrap_or((i64::from(i32::MIN), i64::from(i32::MAX)));
                skb.nla_put_s64(attr::MIN_VALUE_S, min)?;
                skb.nla_put_s64(attr::MAX_VALUE_S, max)?;
                nl_attr_type::S32
            }
            NlaType::String | NlaType::NulString | NlaType::Binary => {
                match pt.range {
                    // A binary with a length range: its bounds (a minimum of 0 and a
                    // maximum of U16_MAX are not told).
                    Some((lo, hi)) if pt.ty == NlaType::Binary => {
                        if lo > 0 {
                            skb.nla_put_u32(attr::MIN_LENGTH, lo as u32)?;
                        }
                        if hi < i64::from(u16::MAX) {
                            skb.nla_put_u32(attr::MAX_LENGTH, hi as u32)?;
                        }
                    }
                    _ if pt.len != 0 => skb.nla_put_u32(attr::MAX_LENGTH, u32::from(pt.len))?,
                    _ => {}
                }
                match pt.ty {
                    NlaType::String => nl_attr_type::STRING,
                    NlaType::NulString => nl_attr_type::NUL_STRING,
                    _ => nl_attr_type::BINARY,
                }
            }
            NlaType::Flag => nl_attr_type::FLAG,
        };
        skb.nla_put_u32(attr::TYPE, ty)
    })();
    match r {
        Ok(()) => {
            skb.nla_nest_end(nest);
            Ok(())
        }
        Err(e) => {
            skb.nla_nest_cancel(nest);
            Err(e)
        }
    }
}

/// `netlink_policy_dump_write_attr`: describe `pt` in the nest `nestattr` (the ext-ack's
/// POLICY); ENODATA when the type has nothing to advertise.
pub fn netlink_policy_dump_write_attr(
    skb: &mut SkBuff,
    pt: &NlaPolicy,
    nestattr: u16,
) -> Result<(), Errno> {
    __netlink_policy_dump_write_attr(None, skb, pt, nestattr)
}

/// `netlink_policy_dump_write`: the next attribute with something to advertise, as the nest
/// policy index -> attribute type -> description, and advance past it. Attributes with
/// nothing to advertise are skipped; ENODATA when none remained. EMSGSIZE (nothing written,
/// position kept) when the skb is full.
pub fn netlink_policy_dump_write(
    skb: &mut SkBuff,
    state: &mut NetlinkPolicyDumpState,
) -> Result<(), Errno> {
    loop {
        let policy = state.policies[state.policy_idx];
        let pt = policy[state.attr_idx];
        let nest = skb.nla_nest_start(state.policy_idx as u16)?;
        let skipped =
            match __netlink_policy_dump_write_attr(Some(state), skb, &pt, state.attr_idx as u16) {
                Ok(()) => {
                    skb.nla_nest_end(nest);
                    false
                }
                Err(Errno::ENODATA) => {
                    skb.nla_nest_cancel(nest);
                    true
                }
                Err(e) => {
                    skb.nla_nest_cancel(nest);
                    return Err(e);
                }
            };
        state.attr_idx += 1;
        if state.attr_idx > maxtype(policy) {
            state.attr_idx = 0;
            state.policy_idx += 1;
        }
        if !skipped {
            return Ok(());
        }
        if netlink_policy_dump_finished(state) {
            return Err(Errno::ENODATA);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static A: [NlaPolicy; 3] = [
        NlaPolicy::of(NlaType::Unspec),
        NlaPolicy::of(NlaType::U8),
        NlaPolicy::of(NlaType::Unspec),
    ];
    static B: [NlaPolicy; 2] = [NlaPolicy::of(NlaType::Unspec), NlaPolicy::of(NlaType::Flag)];
    static EMPTY: [NlaPolicy; 1] = [NlaPolicy::of(NlaType::Unspec)];

    #[test]
    fn policies_are_listed_once_in_order_and_maxtype_0_never() {
        let mut st = None;
        for p in [&A[..], &EMPTY[..], &B[..], &A[..]] {
            netlink_policy_dump_add_policy(&mut st, p).unwrap();
        }
        let st = st.unwrap();
        assert_eq!(st.policies.len(), 2);
        assert_eq!(netlink_policy_dump_get_policy_idx(&st, &B), 1);
        // The state exists even when nothing was listed.
        let mut only_empty = None;
        netlink_policy_dump_add_policy(&mut only_empty, &EMPTY).unwrap();
        assert!(!netlink_policy_dump_loop(&only_empty.unwrap()));
    }

    #[test]
    fn write_skips_unspec_and_reports_enodata_after_the_last() {
        let mut st = None;
        netlink_policy_dump_add_policy(&mut st, &A).unwrap();
        netlink_policy_dump_add_policy(&mut st, &B).unwrap();
        let mut st = st.unwrap();
        let mut skb = SkBuff::alloc_skb(1024);
        netlink_policy_dump_write(&mut skb, &mut st).unwrap();
        // idx 0 { attr 1 { MIN_U 0, MAX_U 255, TYPE U8 } }
        let mut want = vec![0x28, 0, 0, 0x80, 0x24, 0, 1, 0x80];
        want.extend([12, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        want.extend([12, 0, 5, 0, 255, 0, 0, 0, 0, 0, 0, 0]);
        want.extend([8, 0, 1, 0, 2, 0, 0, 0]);
        assert_eq!(skb.data(), want);
        // Attribute 2 is skipped: the next one written is policy 1's flag.
        skb.trim(0);
        netlink_policy_dump_write(&mut skb, &mut st).unwrap();
        assert_eq!(
            skb.data(),
            [0x10, 0, 1, 0x80, 0x0c, 0, 1, 0x80, 8, 0, 1, 0, 1, 0, 0, 0]
        );
        assert!(!netlink_policy_dump_loop(&st));
        // A policy ending in attributes with nothing to say: ENODATA, nothing written.
        let mut st = None;
        netlink_policy_dump_add_policy(&mut st, &A).unwrap();
        let mut st = st.unwrap();
        st.attr_idx = 2;
        skb.trim(0);
        assert_eq!(
            netlink_policy_dump_write(&mut skb, &mut st),
            Err(Errno::ENODATA)
        );
        assert!(skb.is_empty());
    }

    #[test]
    fn a_full_skb_keeps_the_position() {
        let mut st = None;
        netlink_policy_dump_add_policy(&mut st, &A).unwrap();
        let mut st = st.unwrap();
        let mut skb = SkBuff::alloc_skb(16);
        skb.limit_room(20);
        assert_eq!(
            netlink_policy_dump_write(&mut skb, &mut st),
            Err(Errno::EMSGSIZE)
        );
        assert!(skb.is_empty());
        // Attribute 0 (nothing to say) was passed; attribute 1 is tried again next time.
        assert_eq!((st.policy_idx, st.attr_idx), (0, 1));
    }
}
