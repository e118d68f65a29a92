//! The nltwin client against a family registered in the model: resolved through nlctrl by
//! name, then spoken to with the id it resolved to. Model backend only: no root, no OS.

use nltwin::engine::{Connection, Error};
use nltwin::model::genetlink::{genl_register_family, GenlFamily, GenlInfo, GenlOp};
use nltwin::model::nlattr::{NlaPolicy, NlaType};
use nltwin::model::{Errno, Kernel, SysResult};
use nltwin::requests::family::{FamilyKey, FamilyRequests};
use nltwin::transport::model::ModelBackend;
use nltwin::wire::uapi::genetlink::GENL_CMD_CAP_DO;
use nltwin::wire::uapi::netlink::nl_attr_type::NL_ATTR_TYPE_U8;
use nltwin::wire::uapi::netlink::nl_policy_type_attr::{MAX_VALUE_U, MIN_VALUE_U, TYPE};
use nltwin::wire::uapi::netlink::NETLINK_GENERIC;
use nltwin::wire::{genlmsghdr, NlBuf};

/// PING's command number and the "level" attribute's type.
const PING: u8 = 1;
const LEVEL: u16 = 1;

/// A PING request's payload (genlmsghdr, version 3) with "level" written as `put` writes it.
fn ping_request(put: impl FnOnce(&mut NlBuf)) -> Vec<u8> {
    let mut b = NlBuf::unlimited();
    let header = genlmsghdr::Repr {
        cmd: PING,
        version: 3,
        reserved: 0,
    };
    b.put_data(&header.to_bytes()).unwrap();
    put(&mut b);
    b.into_vec()
}

/// Attribute 1: a u8 "level".
static PING_POLICY: [NlaPolicy; 2] = [NlaPolicy::of(NlaType::Unspec), NlaPolicy::of(NlaType::U8)];

/// PING: accepted (and so acked) when it carries no level above 3.
fn ping(_k: &mut Kernel, info: &GenlInfo<'_>) -> SysResult<()> {
    match info.attr(LEVEL) {
        Some([level]) if *level > 3 => Err(Errno::ERANGE.into()),
        _ => Ok(()),
    }
}

#[test]
fn client_resolves_a_model_family_and_talks_to_it() {
    let mut conn = Connection::open(ModelBackend::sandboxed(4242), NETLINK_GENERIC).unwrap();
    let family = GenlFamily {
        name: "pinger".into(),
        version: 3,
        netnsok: true,
        ops: vec![GenlOp {
            cmd: PING,
            flags: GENL_CMD_CAP_DO,
            policy: Some(&PING_POLICY),
            doit: Some(ping),
            ..GenlOp::default()
        }],
        ..GenlFamily::default()
    };
    let id = genl_register_family(&mut conn.backend_mut().kernel, family).unwrap();
    assert_eq!(id, 32);

    let found = conn.family(FamilyKey::Name("pinger")).unwrap();
    assert_eq!((found.name(), found.id()), (Some("pinger"), Some(id)));
    let by_id = conn.family(FamilyKey::Id(id)).unwrap();
    assert_eq!(by_id.raw, found.raw);

    // genlmsghdr (PING, version 3) and level 2: acked with nothing before the ack.
    let mut replies = 0;
    let ok = ping_request(|b| b.nla_put_u8(LEVEL, 2).unwrap());
    conn.request(id, 0, &ok, |_| {
        replies += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(replies, 0);
    // Level 9: the handler's ERANGE.
    let high = ping_request(|b| b.nla_put_u8(LEVEL, 9).unwrap());
    match conn.request(id, 0, &high, |_| Ok(())) {
        Err(Error::Kernel { errno, .. }) => assert_eq!(errno, Errno::ERANGE),
        other => panic!("{other:?}"),
    }
    // A 4-byte level fails the policy: EINVAL, the attribute's offset and its policy.
    let bad = ping_request(|b| b.nla_put_u32(LEVEL, 9).unwrap());
    match conn.request(id, 0, &bad, |_| Ok(())) {
        Err(Error::Kernel { errno, ext_ack, .. }) => {
            assert_eq!(errno, Errno::EINVAL);
            assert_eq!(ext_ack.msg.as_deref(), Some("invalid attribute length"));
            assert_eq!(ext_ack.offset, Some(20));
            // MIN_VALUE_U 0, MAX_VALUE_U 255, TYPE U8.
            let mut policy = NlBuf::unlimited();
            policy.nla_put_u64(MIN_VALUE_U, 0).unwrap();
            policy.nla_put_u64(MAX_VALUE_U, 255).unwrap();
            policy.nla_put_u32(TYPE, NL_ATTR_TYPE_U8).unwrap();
            assert_eq!(ext_ack.policy, Some(policy.into_vec()));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        conn.family(FamilyKey::Name("nosuch")),
        Err(Error::Kernel {
            errno: Errno::ENOENT,
            ..
        })
    ));
}
