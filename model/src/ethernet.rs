//! Ethernet devices (`net/ethernet/eth.c`): `ether_setup`, random and valid addresses.

use crate::errno::Errno;
use crate::netdevice::NetDevice;
use crate::random::RandomSource;
use crate::rtnetlink::newlink::IfAttrs;
use crate::uapi::if_::{IFF_BROADCAST, IFF_MULTICAST};
use crate::uapi::if_arp::ARPHRD_ETHER;
use crate::uapi::if_ether::{ETH_ALEN, ETH_DATA_LEN, ETH_MAX_MTU, ETH_MIN_MTU};
use crate::uapi::if_link::IFLA_ADDRESS;

/// `ether_setup`: an Ethernet device, down, broadcast address all ones, MTU 1500 within
/// [68, 65535] (`ETH_MIN_MTU`, `ETH_MAX_MTU`), queue length 1000.
pub fn ether_setup(dev: &mut NetDevice) {
    dev.ty = ARPHRD_ETHER;
    dev.flags = IFF_BROADCAST | IFF_MULTICAST;
    dev.set_initial_mtu(ETH_DATA_LEN);
    dev.min_mtu = ETH_MIN_MTU;
    dev.max_mtu = ETH_MAX_MTU;
    dev.txqlen = 1000;
    dev.addr = vec![0; ETH_ALEN];
    dev.broadcast = vec![0xff; ETH_ALEN];
}

/// `eth_hw_addr_random` (`eth_random_addr`): a random locally administered unicast address.
pub fn eth_random_addr(random: &mut dyn RandomSource) -> Vec<u8> {
    let mut a: Vec<u8> = (0..ETH_ALEN)
        .map(|_| random.get_random_u32_below(256) as u8)
        .collect();
    a[0] = (a[0] & 0xfe) | 0x02;
    a
}

/// `is_valid_ether_addr`: not multicast and not all zeros.
pub fn is_valid_ether_addr(addr: &[u8]) -> bool {
    addr.len() == ETH_ALEN && addr[0] & 1 == 0 && addr.iter().any(|&b| b != 0)
}

/// The address check Ethernet kinds share in their `validate` (`veth_validate`,
/// `br_validate`, `ifb_validate`): a given IFLA_ADDRESS is 6 bytes (EINVAL) and a valid
/// unicast address (EADDRNOTAVAIL); no ext-ack message.
pub fn eth_validate_addr_attr(tb: &IfAttrs<'_>) -> Result<(), Errno> {
    if let Some(addr) = tb.get(IFLA_ADDRESS) {
        if addr.len() != ETH_ALEN {
            return Err(Errno::EINVAL);
        }
        if !is_valid_ether_addr(addr) {
            return Err(Errno::EADDRNOTAVAIL);
        }
    }
    Ok(())
}

/// `LLC_SAP_BSPAN`: the LLC service access point of the spanning tree's BPDUs.
pub const LLC_SAP_BSPAN: u8 = 0x42;

/// An 802.3 frame carrying LLC (`llc_mac_hdr_init` over `llc_pdu_header_init`): the MAC header
/// (its type field the frame's length), a three-byte unnumbered-information LLC header between
/// `dsap` and `ssap`, then `data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LlcFrame {
    /// The destination address.
    pub dest: [u8; 6],
    /// The source address.
    pub source: [u8; 6],
    /// The destination service access point.
    pub dsap: u8,
    /// The source service access point.
    pub ssap: u8,
    /// What follows the LLC header.
    pub data: Vec<u8>,
}

impl LlcFrame {
    /// `skb->len` as the device sends it: the MAC header, the LLC header (`struct llc_pdu_un`,
    /// three bytes) and the data.
    pub fn len(&self) -> u64 {
        crate::ip6_output::ETH_HLEN + 3 + self.data.len() as u64
    }

    /// Whether there is nothing after the headers.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// `is_link_local_ether_addr`: 01:80:c2:00:00:0X, the reserved group addresses bridges do not
/// forward as they forward others.
pub fn is_link_local_ether_addr(addr: &[u8; 6]) -> bool {
    addr[..5] == [0x01, 0x80, 0xc2, 0x00, 0x00] && addr[5] & 0xf0 == 0
}
