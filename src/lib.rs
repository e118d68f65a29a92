//! # nltwin: a Linux netlink client over the real kernel or over `nltwin-model`
//!
//! Everything here talks to a [`transport::Backend`], the socket contract: the kernel backend
//! makes real system calls, the model backend drives an in-process `nltwin-model` kernel.
//! [`engine::Connection`] is the request engine on top; [`view`] the zero-copy message walk.
//!
//! Every netlink byte the client reads or writes goes through `nltwin-wire` (re-exported as
//! [`wire`]): its checked views and walkers for replies, its builder for requests, its uapi
//! constants for every number with a kernel name.
//!
//! ## Whose types the public API shows
//!
//! A type from another crate in a public signature ties this crate's semver to that crate's:
//! bumping it to a release with a changed type is a breaking change here, whatever nltwin
//! itself changed. So the API is split in two, on purpose:
//!
//! - **Ours, from `nltwin-wire`, everywhere on the core paths**: the engine, the zero-copy
//!   view and the transport show only wire types and the client's own. [`view::MsgView`] is
//!   `wire::nlmsg::Packet<&[u8]>`, [`view::AttrView`] is `wire::nla::Attr`, the walkers are
//!   `wire::nlmsg::Messages` and `wire::nla::Attrs`, errnos are `wire::Errno`, addresses
//!   `wire::SockaddrNl`, constants `wire::uapi::*`. Requests are written with
//!   `wire::builder`. `nltwin-wire` is released with nltwin from the same workspace, so these
//!   types move with our own versions, and the same types are what the model and the harness
//!   use (a message read from either backend is the same value).
//! - **The rust-netlink crates', in typed conveniences only**:
//!   [`requests::link::Link::message`] gives `netlink-packet-route`'s `LinkMessage` (parsed on
//!   first use), [`requests::addr::Address::message`] and [`requests::route::Route::message`]
//!   its `AddressMessage` and `RouteMessage` (parsed on each call, beside the raw payload and
//!   wire-read accessors), and [`requests::family::Family::message`] is
//!   `netlink-packet-generic`'s `GenlCtrl` (`None` when the crate refuses the record). Parsing a whole link message into
//!   typed values (a hundred attribute kinds, link info per driver) is what those crates do
//!   well and what we would otherwise rewrite, so the client keeps using them there; but each
//!   is parsed from bytes the client checked itself, next to accessors of our own that need no
//!   crate (`Link::index`, `Link::name`, `Link::attrs`, `Link::raw`, `Family::id`,
//!   `Family::name`, `Family::attrs`, `Family::raw`, and [`present::IpLink`] and
//!   [`present::IpLinks`] for what `ip link` shows). The crates are re-exported ([`netlink_packet_route`],
//!   [`netlink_packet_generic`], [`netlink_packet_core`]) so a caller names exactly the
//!   versions nltwin was built with; moving to a new major release of one of them is a
//!   breaking release of nltwin, and nothing else in the API changes with it.
//!
//! - **netlink-sys's, in one adapter**: [`transport::async_model::ModelSocket`] implements
//!   `netlink_sys::AsyncSocket` (so rtnetlink, genetlink and netlink-proto run over the
//!   model) and so shows `netlink_sys::Socket` and `SocketAddr`; [`netlink_sys`] is
//!   re-exported for the same reason as the others.
//!
//! New API follows the same rule: it takes and returns wire types or the client's own; a
//! rust-netlink type enters only as an extra typed view beside a raw accessor, never as the
//! only way to reach the data.
#![deny(missing_docs)]

pub mod engine;
pub mod model_server;
pub mod present;
pub mod process_tree;
pub mod requests;
pub mod sandbox;
pub mod task_caps;
pub mod task_netns;
pub mod testing;
pub mod transport;
pub mod view;

pub use netlink_packet_core;
pub use netlink_packet_generic;
pub use netlink_packet_route;
pub use netlink_sys;
pub use nltwin_model as model;
pub use nltwin_wire as wire;
