//! Generic netlink families through nlctrl (CTRL_CMD_GETFAMILY).

use netlink_packet_core::{Emitable, ParseableParametrized};
use netlink_packet_generic::ctrl::nlas::GenlCtrlAttrs;
use netlink_packet_generic::ctrl::{GenlCtrl, GenlCtrlCmd};
use netlink_packet_generic::GenlHeader;

use crate::engine::{Connection, Error};
use crate::transport::Backend;
use crate::view::MsgView;

/// `GENL_ID_CTRL`: nlctrl's family id (and message type).
pub const GENL_ID_CTRL: u16 = 0x10;

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
        let header = GenlHeader::parse(p).map_err(|e| Error::Malformed(e.to_string()))?;
        let message = GenlCtrl::parse_with_param(p.get(4..).unwrap_or(&[]), header).ok();
        Ok(Family {
            message,
            raw: p.to_vec(),
        })
    }

    /// The family name, from the raw attributes (present whatever the crate understood).
    pub fn name(&self) -> Option<&str> {
        crate::view::Attrs::new(self.raw.get(4..)?)
            .find(2)
            .and_then(|a| a.str())
    }

    /// The family id.
    pub fn id(&self) -> Option<u16> {
        crate::view::Attrs::new(self.raw.get(4..)?)
            .find(1)
            .and_then(|a| a.u16())
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

fn getfamily_payload(attrs: Vec<GenlCtrlAttrs>) -> Vec<u8> {
    let ctrl = GenlCtrl {
        cmd: GenlCtrlCmd::GetFamily,
        nlas: attrs,
    };
    // genlmsghdr: cmd, version 1 (the kernel ignores it), reserved.
    let mut buf = vec![GenlCtrlCmd::GetFamily.into(), 1, 0, 0];
    let at = buf.len();
    buf.resize(at + ctrl.buffer_len(), 0);
    ctrl.emit(&mut buf[at..]);
    buf
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
        let attr = match key {
            FamilyKey::Name(n) => GenlCtrlAttrs::FamilyName(n.to_owned()),
            FamilyKey::Id(i) => GenlCtrlAttrs::FamilyId(i),
        };
        let mut found = None;
        self.request(GENL_ID_CTRL, 0, &getfamily_payload(vec![attr]), |m| {
            found = Some(Family::parse(&m)?);
            Ok(())
        })?;
        found.ok_or_else(|| Error::Malformed("GETFAMILY acked without a family".into()))
    }

    fn families(&mut self) -> Result<Vec<Family>, Error> {
        self.dump_with(
            GENL_ID_CTRL,
            &getfamily_payload(vec![]),
            Vec::new,
            |v, m| {
                v.push(Family::parse(&m)?);
                Ok(())
            },
        )
    }
}
