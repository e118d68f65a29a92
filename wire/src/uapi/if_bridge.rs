//! `include/uapi/linux/if_bridge.h`: bridge port states.

crate::uapi_enum! {
    /// A bridge port's state (`BR_STATE_*`, IFLA_BRPORT_STATE).
    pub enum BrState: u8 {
        BR_STATE_DISABLED = 0 => Disabled,
        BR_STATE_LISTENING = 1 => Listening,
        BR_STATE_LEARNING = 2 => Learning,
        BR_STATE_FORWARDING = 3 => Forwarding,
        BR_STATE_BLOCKING = 4 => Blocking,
    }
}
