//! Generic netlink families through nlctrl (CTRL_CMD_GETFAMILY).

use netlink_packet_core::ParseableParametrized;
use netlink_packet_generic::ctrl::GenlCtrl;
use netlink_packet_generic::GenlHeader;
use nltwin_wire::builder::NlBuf;
use nltwin_wire::genlmsghdr;
use nltwin_wire::uapi::genetlink::{
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY,
};

use super::ROOM;
use crate::engine::{Connection, Error};
use crate::transport::Backend;
use crate::view::{Attrs, MsgView};

pub use nltwin_wire::uapi::genetlink::GENL_ID_CTRL;

/// A family as nlctrl reported it. `message` is `None` when the crate could not parse the
/// record (its nlctrl enums have no catch-all variant); `raw` always holds the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Family {
    /// The typed record.
    pub message: Option<GenlCtrl>,
    /// The raw payload: genlmsghdr and attributes.
    pub raw: Vec<u8>,
}

impl Family {
    /// Parse one CTRL_CMD_NEWFAMILY message.
    pub fn parse(m: &MsgView<'_>) -> Result<Family, Error> {
        let p = m.payload();
        let header = genlmsghdr::Repr::parse_bytes(p).map_err(|e| {
            Error::Malformed(format!("genlmsghdr in a payload of {} bytes: {e}", p.len()))
        })?;
        let header = GenlHeader {
            cmd: header.cmd,
            version: header.version,
        };
        let message = GenlCtrl::parse_with_param(&p[genlmsghdr::LEN..], header).ok();
        Ok(Family {
            message,
            raw: p.to_vec(),
        })
    }

    /// The raw attributes after the `genlmsghdr`, walked.
    pub fn attrs(&self) -> Attrs<'_> {
        Attrs::new(self.raw.get(genlmsghdr::LEN..).unwrap_or(&[]))
    }

    /// The family name, from the raw attributes (present whatever the crate understood).
    pub fn name(&self) -> Option<&str> {
        self.attrs()
            .find(CTRL_ATTR_FAMILY_NAME)
            .and_then(|a| a.str())
    }

    /// The family id.
    pub fn id(&self) -> Option<u16> {
        self.attrs().find(CTRL_ATTR_FAMILY_ID).and_then(|a| a.u16())
    }
}

/// What to look a family up by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FamilyKey<'a> {
    /// By name (CTRL_ATTR_FAMILY_NAME).
    Name(&'a str),
    /// By id (CTRL_ATTR_FAMILY_ID).
    Id(u16),
}

/// CTRL_CMD_GETFAMILY's payload: the header (version 1; the kernel ignores it) and the key, if
/// any (a dump has none).
fn getfamily_payload(key: Option<FamilyKey<'_>>) -> Vec<u8> {
    let mut b = NlBuf::unlimited();
    let header = genlmsghdr::Repr {
        cmd: CTRL_CMD_GETFAMILY,
        version: 1,
        reserved: 0,
    };
    b.put_data(&header.to_bytes()).expect(ROOM);
    match key {
        Some(FamilyKey::Name(n)) => b.nla_put_string(CTRL_ATTR_FAMILY_NAME, n),
        Some(FamilyKey::Id(i)) => b.nla_put_u16(CTRL_ATTR_FAMILY_ID, i),
        None => Ok(()),
    }
    .expect(ROOM);
    b.into_vec()
}

/// Family requests on a NETLINK_GENERIC connection.
pub trait FamilyRequests {
    /// One family, by name or id.
    fn family(&mut self, key: FamilyKey<'_>) -> Result<Family, Error>;
    /// Every family this namespace sees, in ascending id.
    fn families(&mut self) -> Result<Vec<Family>, Error>;
}

impl<B: Backend> FamilyRequests for Connection<B> {
    fn family(&mut self, key: FamilyKey<'_>) -> Result<Family, Error> {
        let mut found = None;
        self.request(GENL_ID_CTRL, 0, &getfamily_payload(Some(key)), |m| {
            found = Some(Family::parse(&m)?);
            Ok(())
        })?;
        found.ok_or_else(|| Error::Malformed("GETFAMILY acked without a family".into()))
    }

    fn families(&mut self) -> Result<Vec<Family>, Error> {
        self.dump_with(GENL_ID_CTRL, &getfamily_payload(None), Vec::new, |v, m| {
            v.push(Family::parse(&m)?);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use netlink_packet_core::Emitable;
    use netlink_packet_generic::ctrl::nlas::GenlCtrlAttrs;
    use netlink_packet_generic::ctrl::GenlCtrlCmd;

    use super::*;

    /// What `netlink-packet-generic` wrote, before requests were built with wire.
    fn crate_payload(attrs: Vec<GenlCtrlAttrs>) -> Vec<u8> {
        let ctrl = GenlCtrl {
            cmd: GenlCtrlCmd::GetFamily,
            nlas: attrs,
        };
        let mut buf = vec![GenlCtrlCmd::GetFamily.into(), 1, 0, 0];
        let at = buf.len();
        buf.resize(at + ctrl.buffer_len(), 0);
        ctrl.emit(&mut buf[at..]);
        buf
    }

    #[test]
    fn getfamily_payloads_are_the_bytes_the_typed_crate_wrote() {
        assert_eq!(getfamily_payload(None), crate_payload(vec![]));
        for name in ["nlctrl", "a", "fifteen-chars-x"] {
            assert_eq!(
                getfamily_payload(Some(FamilyKey::Name(name))),
                crate_payload(vec![GenlCtrlAttrs::FamilyName(name.into())])
            );
        }
        for id in [0x10, 0x1234] {
            assert_eq!(
                getfamily_payload(Some(FamilyKey::Id(id))),
                crate_payload(vec![GenlCtrlAttrs::FamilyId(id)])
            );
        }
    }
}
