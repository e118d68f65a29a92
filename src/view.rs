//! Zero-copy views over received netlink bytes, smoltcp-style: a datagram is walked as borrowed
//! [`MsgView`]s and a payload as borrowed [`AttrView`]s, without allocating. Convert to the typed
//! forms of the `netlink-packet-*` crates only where needed.
//!
//! These are `nltwin-wire`'s views and walkers under the names the client has always used: one
//! walker for the client, the model and the harness. [`MsgView`] is a checked
//! [`nlmsg::Packet`](nltwin_wire::nlmsg::Packet) (`msg_type`, `flags`, `seq`, `pid`,
//! `payload`, `attrs`); [`AttrView`] is an [`Attr`] (`kind`, `raw_type`, `payload`, `nested`,
//! `u8`..`u64`, `str`, and the attribute's offset in the walk).
//!
//! The iterators never panic: a length that runs past the buffer ends the walk and is reported
//! by [`Messages::malformed`] / [`Attrs::malformed`].

pub use nltwin_wire::nla::{Attr, Attrs};
pub use nltwin_wire::nlmsg::Messages;

/// One netlink message inside a received datagram (header checked, trimmed to `nlmsg_len`).
pub type MsgView<'a> = nltwin_wire::nlmsg::Packet<&'a [u8]>;

/// One attribute of a payload, as [`Attrs`] yields it.
pub type AttrView<'a> = Attr<'a>;

#[cfg(test)]
mod tests {
    use nltwin_wire::builder::datagram;
    use nltwin_wire::nlmsgerr::error_code_bytes;
    use nltwin_wire::uapi::netlink::{NLMSG_DONE, NLM_F_MULTI};
    use nltwin_wire::MessageBuilder;

    use super::*;

    #[test]
    fn walks_messages_and_attributes() {
        // two messages; the first carries attributes 3 "lo" and a nest 26 holding u32 4 = 1500
        let d = datagram([
            MessageBuilder::new(16, NLM_F_MULTI, 7, 9)
                .str(3, "lo")
                .nest_flagged(26, |b| b.u32(4, 1500))
                .build(),
            MessageBuilder::new(NLMSG_DONE, NLM_F_MULTI, 7, 9)
                .payload(&error_code_bytes(0))
                .build(),
        ]);
        let ms: Vec<MsgView<'_>> = Messages::new(&d).collect();
        assert_eq!(ms.len(), 2);
        assert_eq!(
            (ms[0].msg_type(), ms[0].flags(), ms[0].seq(), ms[0].pid()),
            (16, 2, 7, 9)
        );
        let attrs: Vec<AttrView<'_>> = ms[0].attrs(0).collect();
        assert_eq!(attrs[0].str(), Some("lo"));
        assert!(attrs[1].is_nested_flag());
        assert_eq!(attrs[1].kind(), 26);
        assert_eq!(attrs[1].nested().find(4).and_then(|a| a.u32()), Some(1500));
        assert_eq!(ms[1].msg_type(), 3);
    }

    #[test]
    fn truncated_input_ends_the_walk_without_panic() {
        let d = MessageBuilder::new(16, 0, 7, 9)
            .attr(1, &[1, 2, 3, 4])
            .build();
        for cut in 0..d.len() {
            let mut it = Messages::new(&d[..cut]);
            assert!(it.next().is_none());
            assert_eq!(it.malformed(), cut > 0);
        }
        let bad_attr = [200u8, 0, 1, 0, 0, 0];
        let mut a = Attrs::new(&bad_attr);
        assert!(a.next().is_none());
        assert!(a.malformed());
    }
}
