//! The userspace ABI constants, from `nltwin-wire` (one module per kernel uapi header).

pub use nltwin_wire::uapi::*;
