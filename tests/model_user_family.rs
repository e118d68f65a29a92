//! The nltwin client against a family registered in the model: resolved through nlctrl by
//! name, then spoken to with the id it resolved to. Model backend only: no root, no OS.

use nltwin::engine::{Connection, Error};
use nltwin::model::genetlink::{genl_register_family, GenlFamily, GenlInfo, GenlOp};
use nltwin::model::nlattr::{NlaPolicy, NlaType};
use nltwin::model::uapi::genetlink::GENL_CMD_CAP_DO;
use nltwin::model::uapi::netlink::NETLINK_GENERIC;
use nltwin::model::{Errno, Kernel, SysResult};
use nltwin::requests::family::{FamilyKey, FamilyRequests};
use nltwin::transport::model::ModelBackend;

/// Attribute 1: a u8 "level".
static PING_POLICY: [NlaPolicy; 2] = [NlaPolicy::of(NlaType::Unspec), NlaPolicy::of(NlaType::U8)];

/// PING: accepted (and so acked) when it carries no level above 3.
fn ping(_k: &mut Kernel, info: &GenlInfo<'_>) -> SysResult<()> {
    match info.attr(1) {
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
            cmd: 1,
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
    let ok = [1, 3, 0, 0, 5, 0, 1, 0, 2, 0, 0, 0];
    conn.request(id, 0, &ok, |_| {
        replies += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(replies, 0);
    // Level 9: the handler's ERANGE.
    let high = [1, 3, 0, 0, 5, 0, 1, 0, 9, 0, 0, 0];
    match conn.request(id, 0, &high, |_| Ok(())) {
        Err(Error::Kernel { errno, .. }) => assert_eq!(errno, Errno::ERANGE),
        other => panic!("{other:?}"),
    }
    // A 4-byte level fails the policy: EINVAL, the attribute's offset and its policy.
    let bad = [1, 3, 0, 0, 8, 0, 1, 0, 9, 0, 0, 0];
    match conn.request(id, 0, &bad, |_| Ok(())) {
        Err(Error::Kernel { errno, ext_ack, .. }) => {
            assert_eq!(errno, Errno::EINVAL);
            assert_eq!(ext_ack.msg.as_deref(), Some("invalid attribute length"));
            assert_eq!(ext_ack.offset, Some(20));
            // MIN_VALUE_U 0, MAX_VALUE_U 255, TYPE U8.
            let mut policy = vec![12, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            policy.extend([12, 0, 5, 0, 255, 0, 0, 0, 0, 0, 0, 0]);
            policy.extend([8, 0, 1, 0, 2, 0, 0, 0]);
            assert_eq!(ext_ack.policy, Some(policy));
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
