//! Attribute parsing and policy validation (`lib/nlattr.c`). The description of a failed
//! attribute's policy in the extended ack (`NLMSGERR_ATTR_POLICY`) is written by
//! `crate::policy`, the same writer CTRL_CMD_GETPOLICY uses.
//!
//! Policies cover the attribute types the modeled handlers use; range validations beyond the
//! type's own limits are not modeled yet.

use std::ops::Range;

use crate::af_netlink::NetlinkExtAck;
use crate::errno::Errno;
use crate::uapi::netlink::NLA_HDRLEN;
use nltwin_wire::nla::{Attr, Attrs};

/// An attribute type of a policy (`NLA_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NlaType {
    /// `NLA_UNSPEC`: not validated.
    Unspec,
    /// `NLA_U8`.
    U8,
    /// `NLA_U16`.
    U16,
    /// `NLA_U32`.
    U32,
    /// `NLA_U64`.
    U64,
    /// `NLA_BE32`: four bytes in network order.
    Be32,
    /// `NLA_S32`.
    S32,
    /// `NLA_STRING`: at most `len` characters, a trailing NUL not counted.
    String,
    /// `NLA_NUL_STRING`: NUL-terminated within `len + 1` bytes.
    NulString,
    /// `NLA_BINARY`: at most `len` bytes.
    Binary,
    /// `NLA_NESTED`.
    Nested,
    /// `NLA_FLAG`: no payload.
    Flag,
    /// `NLA_REJECT`: the attribute is refused (`genl_policy_reject_all`).
    Reject,
}

/// One attribute's policy (`struct nla_policy`).
#[derive(Clone, Copy, Debug)]
pub struct NlaPolicy {
    /// The type.
    pub ty: NlaType,
    /// `len`: maximum length for strings and binaries, minimum for `NLA_UNSPEC` (0 = none).
    pub len: u16,
    /// `strict_start_type`, meaningful in entry 0 only: attributes of this type and above are
    /// validated strictly whatever the parse mode (0 = never).
    pub strict_start_type: u16,
    /// `NLA_VALIDATE_RANGE` / `_MIN` / `_MAX` for integer types: the accepted values (`None` =
    /// the type's own bounds).
    pub range: Option<(i64, i64)>,
    /// `reject_message` of an `NLA_REJECT` entry: the ext-ack message (with the attribute's
    /// offset and no policy) instead of the generic one.
    pub reject_message: Option<&'static str>,
    /// `NLA_VALIDATE_MASK` for integer types (`NLA_POLICY_MASK`): the bits a value may have.
    pub mask: Option<u64>,
    /// `NLA_VALIDATE_FUNCTION` (`NLA_POLICY_VALIDATE_FN`): the owner's check, run after the
    /// type's own during the parse, in the attribute's turn.
    pub validate: Option<NlaValidateFn>,
}

/// Policies are equal field by field, a validation function by its address (as the kernel's
/// policy dump tells policies apart).
impl PartialEq for NlaPolicy {
    fn eq(&self, o: &Self) -> bool {
        let f = |v: Option<NlaValidateFn>| v.map(|f| f as usize);
        (self.ty, self.len, self.strict_start_type, self.range)
            == (o.ty, o.len, o.strict_start_type, o.range)
            && (self.reject_message, self.mask) == (o.reject_message, o.mask)
            && f(self.validate) == f(o.validate)
    }
}

impl Eq for NlaPolicy {}

/// `pt->validate`: the attribute's payload, its offset in the message (for an ext-ack that
/// points at it), the ext-ack.
pub type NlaValidateFn = fn(&[u8], usize, &mut NetlinkExtAck) -> Result<(), Errno>;

impl NlaPolicy {
    /// A policy of `ty` with no length limit.
    pub const fn of(ty: NlaType) -> Self {
        NlaPolicy {
            ty,
            len: 0,
            strict_start_type: 0,
            range: None,
            reject_message: None,
            mask: None,
            validate: None,
        }
    }

    /// `NLA_REJECT` with a `reject_message`.
    pub const fn reject_with(message: &'static str) -> Self {
        NlaPolicy {
            reject_message: Some(message),
            ..NlaPolicy::of(NlaType::Reject)
        }
    }

    /// A policy of `ty` limited to `len`.
    pub const fn with_len(ty: NlaType, len: u16) -> Self {
        NlaPolicy {
            ty,
            len,
            strict_start_type: 0,
            range: None,
            reject_message: None,
            mask: None,
            validate: None,
        }
    }

    /// `NLA_POLICY_MAX(ty, max)`: an unsigned integer of at most `max`.
    pub const fn max(ty: NlaType, max: i64) -> Self {
        NlaPolicy {
            range: Some((0, max)),
            ..NlaPolicy::of(ty)
        }
    }

    /// `NLA_POLICY_MASK(ty, mask)`: an unsigned integer with no bit outside `mask`.
    pub const fn mask(ty: NlaType, mask: u64) -> Self {
        NlaPolicy {
            mask: Some(mask),
            ..NlaPolicy::of(ty)
        }
    }

    /// `NLA_POLICY_MIN(ty, min)`: an integer of at least `min` (up to the type's maximum).
    pub const fn min(ty: NlaType, min: i64) -> Self {
        let max = match ty {
            NlaType::U8 => u8::MAX as i64,
            NlaType::U16 => u16::MAX as i64,
            NlaType::U32 => u32::MAX as i64,
            NlaType::S32 => i32::MAX as i64,
            _ => i64::MAX,
        };
        NlaPolicy {
            ty,
            len: 0,
            strict_start_type: 0,
            range: Some((min, max)),
            reject_message: None,
            mask: None,
            validate: None,
        }
    }

    /// `NLA_POLICY_EXACT_LEN(len)`: a binary of exactly `len` bytes.
    pub const fn exact_len(len: u16) -> Self {
        NlaPolicy {
            range: Some((len as i64, len as i64)),
            ..NlaPolicy::of(NlaType::Binary)
        }
    }

    /// `NLA_POLICY_VALIDATE_FN(ty, fn, len)`: a `ty` of at most `len` bytes (binaries) checked
    /// by `f`.
    pub const fn validate_fn(ty: NlaType, f: NlaValidateFn, len: u16) -> Self {
        NlaPolicy {
            validate: Some(f),
            ..NlaPolicy::with_len(ty, len)
        }
    }

    /// Entry 0 of a policy whose attributes from `ty` on are always validated strictly.
    pub const fn strict_start(ty: u16) -> Self {
        NlaPolicy {
            ty: NlaType::Unspec,
            len: 0,
            strict_start_type: ty,
            range: None,
            reject_message: None,
            mask: None,
            validate: None,
        }
    }
}

/// How strictly to parse (`NL_VALIDATE_*` sets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validate {
    /// `NL_VALIDATE_LIBERAL` (`nlmsg_parse_deprecated`): unknown types and trailing bytes pass.
    Liberal,
    /// `NL_VALIDATE_DEPRECATED_STRICT` (`nlmsg_parse_deprecated_strict`): unknown types and
    /// trailing bytes are errors.
    DeprecatedStrict,
    /// `NL_VALIDATE_STRICT`: also fixed-size attributes of the wrong length.
    Strict,
}

/// `nla_attr_len`: the exact length of fixed-size types (a mismatch only warns when liberal).
fn attr_len(ty: NlaType) -> usize {
    match ty {
        NlaType::U8 => 1,
        NlaType::U16 => 2,
        NlaType::U32 | NlaType::S32 | NlaType::Be32 => 4,
        NlaType::U64 => 8,
        _ => 0,
    }
}

/// Parsed attributes: for each type up to the maximum, the payload range within the message
/// (`tb[]`), the last one of a type winning as in the kernel.
pub type Tb = Vec<Option<Range<usize>>>;

/// `nla_for_each_nested`: the attributes in `msg[r]` while each has a whole header and fits
/// (`nla_ok`), as (type without flag bits, attribute start, payload range).
pub fn nla_for_each_nested(msg: &[u8], r: Range<usize>) -> Vec<(u16, usize, Range<usize>)> {
    Attrs::with_base(&msg[r.clone()], r.start)
        .map(|a| (a.kind(), a.offset(), a.payload_range()))
        .collect()
}

/// `validate_nla`: check one attribute (offsets in the message) against `pt`.
fn validate_nla(
    a: &Attr<'_>,
    pt: &NlaPolicy,
    validate: Validate,
    extack: &mut NetlinkExtAck,
) -> Result<(), Errno> {
    let off = a.offset();
    let payload = a.payload();
    let mut attrlen = payload.len();
    let exact = attr_len(pt.ty);
    if exact != 0 && attrlen != exact && validate == Validate::Strict {
        extack.msg = Some("invalid attribute length".into());
        extack.bad_attr = Some(off);
        extack.policy = nla_policy_tlv(pt);
        return Err(Errno::EINVAL);
    }
    let fail = |extack: &mut NetlinkExtAck, err: Errno| {
        extack.msg = Some("Attribute failed policy validation".into());
        extack.bad_attr = Some(off);
        extack.policy = nla_policy_tlv(pt);
        Err(err)
    };
    if validate == Validate::Strict && pt.ty == NlaType::Nested && !a.is_nested_flag() {
        extack.msg = Some("NLA_F_NESTED is missing".into());
        extack.bad_attr = Some(off);
        extack.policy = nla_policy_tlv(pt);
        return Err(Errno::EINVAL);
    }
    if validate == Validate::Strict
        && !matches!(pt.ty, NlaType::Nested | NlaType::Unspec)
        && a.is_nested_flag()
    {
        extack.msg = Some("NLA_F_NESTED not expected".into());
        extack.bad_attr = Some(off);
        extack.policy = nla_policy_tlv(pt);
        return Err(Errno::EINVAL);
    }
    match pt.ty {
        NlaType::Unspec => {
            if validate == Validate::Strict {
                // NL_VALIDATE_UNSPEC
                extack.msg = Some("Unsupported attribute".into());
                extack.bad_attr = Some(off);
                return Err(Errno::EINVAL);
            }
            if attrlen < pt.len as usize {
                return fail(extack, Errno::ERANGE);
            }
        }
        NlaType::Reject => {
            if let Some(message) = pt.reject_message {
                extack.msg = Some(message.into());
                extack.bad_attr = Some(off);
                return Err(Errno::EINVAL);
            }
            return fail(extack, Errno::EINVAL);
        }
        NlaType::Flag => {
            if attrlen > 0 {
                return fail(extack, Errno::ERANGE);
            }
        }
        NlaType::NulString | NlaType::String => {
            if pt.ty == NlaType::NulString {
                let minlen = if pt.len != 0 {
                    attrlen.min(pt.len as usize + 1)
                } else {
                    attrlen
                };
                if minlen == 0 || !payload[..minlen].contains(&0) {
                    return fail(extack, Errno::EINVAL);
                }
            }
            if attrlen < 1 {
                return fail(extack, Errno::ERANGE);
            }
            if pt.len != 0 {
                if payload[attrlen - 1] == 0 {
                    attrlen -= 1;
                }
                if attrlen > pt.len as usize {
                    return fail(extack, Errno::ERANGE);
                }
            }
        }
        NlaType::Binary => {
            if pt.len != 0 && attrlen > pt.len as usize {
                return fail(extack, Errno::ERANGE);
            }
            // NLA_VALIDATE_RANGE on a binary: its length (`NLA_POLICY_EXACT_LEN`).
            if let Some((lo, hi)) = pt.range {
                let len = attrlen as i64;
                if len < lo || len > hi {
                    extack.msg = Some("binary attribute size out of range".into());
                    extack.bad_attr = Some(off);
                    extack.policy = nla_policy_tlv(pt);
                    return Err(Errno::ERANGE);
                }
            }
        }
        NlaType::Nested => {
            if attrlen != 0 && attrlen < NLA_HDRLEN {
                return fail(extack, Errno::ERANGE);
            }
        }
        ty => {
            let minlen = if pt.len != 0 {
                pt.len as usize
            } else {
                attr_len(ty)
            };
            if attrlen < minlen {
                return fail(extack, Errno::ERANGE);
            }
            if let Some(mask) = pt.mask {
                // nla_validate_mask: no policy in the ext-ack.
                let value = match ty {
                    NlaType::U8 => a.u8().map(u64::from),
                    NlaType::U16 => a.u16().map(u64::from),
                    NlaType::U32 | NlaType::Be32 => a.u32().map(u64::from),
                    _ => a.u64(),
                }
                .unwrap_or(0);
                if value & !mask != 0 {
                    extack.msg = Some("reserved bit set".into());
                    extack.bad_attr = Some(off);
                    return Err(Errno::EINVAL);
                }
            }
            if let Some((lo, hi)) = pt.range {
                // nla_validate_int_range: the value as its type reads it (the length was
                // checked above).
                let value = match ty {
                    NlaType::U8 => a.u8().map(i64::from),
                    NlaType::U16 => a.u16().map(i64::from),
                    NlaType::U32 => a.u32().map(i64::from),
                    NlaType::S32 => a.i32().map(i64::from),
                    _ => a.i64(),
                }
                .unwrap_or(0);
                if value < lo || value > hi {
                    extack.msg = Some("integer out of range".into());
                    extack.bad_attr = Some(off);
                    extack.policy = nla_policy_tlv(pt);
                    return Err(Errno::ERANGE);
                }
            }
        }
    }
    // NLA_VALIDATE_FUNCTION: the owner's check, which writes its own ext-ack.
    if let Some(f) = pt.validate {
        f(payload, off, extack)?;
    }
    Ok(())
}

/// `__nlmsg_parse`: the attributes after a `hdrlen`-byte family header in the request `msg`;
/// a message too short for the header is EINVAL with "Invalid header length".
pub fn nlmsg_parse(
    msg: &[u8],
    hdrlen: usize,
    policy: &[NlaPolicy],
    validate: Validate,
    extack: &mut NetlinkExtAck,
) -> Result<Tb, Errno> {
    use crate::uapi::netlink::{nlmsg_align, NLMSG_HDRLEN};
    if msg.len() < NLMSG_HDRLEN + hdrlen {
        extack.msg = Some("Invalid header length".into());
        return Err(Errno::EINVAL);
    }
    nla_parse(
        msg,
        NLMSG_HDRLEN + nlmsg_align(hdrlen),
        msg.len(),
        policy,
        validate,
        extack,
    )
}

/// `__nla_validate_parse`: the attributes in `msg[start..end]`, validated against `policy`
/// (indexed by type, `policy.len() - 1` = maxtype). Offsets reported in the ext-ack are from
/// the start of `msg` (the request message).
pub fn nla_parse(
    msg: &[u8],
    start: usize,
    end: usize,
    policy: &[NlaPolicy],
    validate: Validate,
    extack: &mut NetlinkExtAck,
) -> Result<Tb, Errno> {
    let maxtype = policy.len() - 1;
    let mut tb: Tb = vec![None; maxtype + 1];
    // A message shorter than its family header has no attributes (the kernel's attribute
    // length is then negative, and nothing is walked).
    let end = end.min(msg.len());
    let start = start.min(end);
    let mut attrs = Attrs::with_base(&msg[start..end], start);
    for a in attrs.by_ref() {
        let ty = a.kind() as usize;
        if ty == 0 || ty > maxtype {
            if validate != Validate::Liberal {
                extack.msg = Some("Unknown attribute type".into());
                extack.bad_attr = Some(a.offset());
                return Err(Errno::EINVAL);
            }
            continue;
        }
        let strict_from = policy[0].strict_start_type as usize;
        let v = if strict_from != 0 && ty >= strict_from {
            Validate::Strict
        } else {
            validate
        };
        validate_nla(&a, &policy[ty], v, extack)?;
        tb[ty] = Some(a.payload_range());
    }
    if attrs.remaining() > 0 {
        extack.msg = Some("bytes leftover after parsing attributes".into());
        if validate != Validate::Liberal {
            return Err(Errno::EINVAL);
        }
    }
    Ok(tb)
}

/// `nla_parse_nested`: the strict parse of the nest whose payload is `msg[r]`. The nest itself
/// must carry NLA_F_NESTED (EINVAL "NLA_F_NESTED is missing", pointing at the nest, no policy)
/// before any of its attributes is looked at; `nla_parse_nested_deprecated` is `nla_parse`
/// over the payload with a deprecated mode.
pub fn nla_parse_nested(
    msg: &[u8],
    r: Range<usize>,
    policy: &[NlaPolicy],
    extack: &mut NetlinkExtAck,
) -> Result<Tb, Errno> {
    nla_parse_nested_flag_check(msg, r.clone(), extack)?;
    nla_parse(msg, r.start, r.end, policy, Validate::Strict, extack)
}

/// The first check of `nla_parse_nested`, for callers whose policy is not modeled: the nest
/// whose payload is `msg[r]` must carry NLA_F_NESTED.
pub fn nla_parse_nested_flag_check(
    msg: &[u8],
    r: Range<usize>,
    extack: &mut NetlinkExtAck,
) -> Result<(), Errno> {
    let hdr = r.start.saturating_sub(NLA_HDRLEN);
    let flagged = msg
        .get(hdr..)
        .and_then(|b| nltwin_wire::nla::Packet::new_checked(b).ok())
        .is_some_and(|a| a.is_nested());
    if !flagged {
        extack.msg = Some("NLA_F_NESTED is missing".into());
        extack.bad_attr = Some(hdr);
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// The content of the ext-ack's `NLMSGERR_ATTR_POLICY` nest for `pt`, or `None` when the type
/// has nothing to advertise. The kernel keeps `pt` in the ext-ack and writes it with
/// `netlink_policy_dump_write_attr` when it builds the ack; the model writes it here, with
/// that same writer, into a scratch buffer.
fn nla_policy_tlv(pt: &NlaPolicy) -> Option<Vec<u8>> {
    let mut skb = crate::skbuff::SkBuff::alloc_skb(256);
    crate::policy::netlink_policy_dump_write_attr(&mut skb, pt, 0).ok()?;
    Some(skb.data()[NLA_HDRLEN..].to_vec())
}

/// `nlmsg_total_size`: a message of `payload` bytes with its header, aligned (what
/// `nlmsg_new` asks `alloc_skb` for).
pub const fn nlmsg_total_size(payload: usize) -> usize {
    crate::uapi::netlink::nlmsg_align(crate::uapi::netlink::NLMSG_HDRLEN + payload)
}

/// `nla_total_size`: an attribute of `payload` bytes with its header, aligned.
pub const fn nla_total_size(payload: usize) -> usize {
    (crate::uapi::netlink::NLA_HDRLEN + payload + 3) & !3
}

/// `nla_total_size_64bit`: the same on x86-64, which has efficient unaligned access (no pad
/// attribute is reserved).
pub const fn nla_total_size_64bit(payload: usize) -> usize {
    nla_total_size(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uapi::netlink::NLA_F_NESTED;

    fn attr(ty: u16, payload: &[u8]) -> Vec<u8> {
        let mut b = nltwin_wire::NlBuf::unlimited();
        b.nla_put(ty, payload).unwrap();
        b.into_vec()
    }

    #[test]
    fn nla_parse_nested_wants_the_nest_flagged_before_looking_inside() {
        let policy = [NlaPolicy::of(NlaType::Unspec), NlaPolicy::of(NlaType::U32)];
        // A 16-byte family header, then the nest with a u32 inside.
        let inner = attr(1, &7u32.to_ne_bytes());
        for (flag, want) in [(0, Err(Errno::EINVAL)), (NLA_F_NESTED, Ok(Some(24..28)))] {
            let mut msg = vec![0u8; 16];
            msg.extend(attr(2 | flag, &inner));
            let mut e = NetlinkExtAck::default();
            let got =
                nla_parse_nested(&msg, 20..msg.len(), &policy, &mut e).map(|tb| tb[1].clone());
            assert_eq!(got, want);
            if flag == 0 {
                // The nest is pointed at, without a policy (NL_SET_ERR_MSG_ATTR).
                assert_eq!(e.msg.as_deref(), Some("NLA_F_NESTED is missing"));
                assert_eq!((e.bad_attr, e.policy), (Some(16), None));
            }
        }
    }

    #[test]
    fn string_too_long_is_erange_with_offset_and_policy() {
        let policy = [
            NlaPolicy::of(NlaType::Unspec),
            NlaPolicy::with_len(NlaType::String, 15),
        ];
        let mut msg = vec![0u8; 32];
        msg.extend(attr(1, b"abcdefghijklmnopqrs\0"));
        let mut e = NetlinkExtAck::default();
        assert_eq!(
            nla_parse(&msg, 32, msg.len(), &policy, Validate::Liberal, &mut e),
            Err(Errno::ERANGE)
        );
        assert_eq!(e.bad_attr, Some(32));
        // MAX_LENGTH 15, then TYPE string (11): what the 6.18 kernel reports.
        let mut want = attr(7, &15u32.to_ne_bytes());
        want.extend(attr(1, &11u32.to_ne_bytes()));
        assert_eq!(e.policy, Some(want));
        // 15 characters and a NUL fit.
        let mut ok = vec![0u8; 32];
        ok.extend(attr(1, b"abcdefghijklmno\0"));
        let tb = nla_parse(
            &ok,
            32,
            ok.len(),
            &policy,
            Validate::Liberal,
            &mut NetlinkExtAck::default(),
        )
        .unwrap();
        assert_eq!(tb[1], Some(36..52));
    }

    #[test]
    fn liberal_ignores_unknown_types_and_trailing_bytes_strict_does_not() {
        let policy = [NlaPolicy::of(NlaType::Unspec), NlaPolicy::of(NlaType::U32)];
        let mut msg = attr(9, &[1, 2, 3, 4]);
        msg.extend_from_slice(&[1, 2]);
        let mut e = NetlinkExtAck::default();
        assert!(nla_parse(&msg, 0, msg.len(), &policy, Validate::Liberal, &mut e).is_ok());
        assert_eq!(
            e.msg.as_deref(),
            Some("bytes leftover after parsing attributes")
        );
        let mut e = NetlinkExtAck::default();
        assert_eq!(
            nla_parse(
                &msg,
                0,
                msg.len(),
                &policy,
                Validate::DeprecatedStrict,
                &mut e
            ),
            Err(Errno::EINVAL)
        );
        assert_eq!(e.msg.as_deref(), Some("Unknown attribute type"));
    }
}
