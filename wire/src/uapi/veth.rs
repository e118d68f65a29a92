//! `include/uapi/linux/veth.h`.

crate::uapi_enum! {
    /// veth's IFLA_INFO_DATA attributes.
    pub enum VethInfo: u16 {
        VETH_INFO_UNSPEC = 0 => Unspec,
        VETH_INFO_PEER = 1 => Peer,
    }
}
