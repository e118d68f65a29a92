//! `struct rtnl_link_stats64` (IFLA_STATS64) and `struct rtnl_link_stats` (IFLA_STATS): a
//! link's counters, read the way `ip` reads them: counters a shorter structure (an older
//! kernel's) lacks read as zero, counters past the 25 known are ignored.

pub use crate::uapi::if_link::{RTNL_LINK_STATS64_LEN, RTNL_LINK_STATS_LEN};

/// The counters of `struct rtnl_link_stats64`, in their uapi order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Repr {
    /// `rx_packets`.
    pub rx_packets: u64,
    /// `tx_packets`.
    pub tx_packets: u64,
    /// `rx_bytes`.
    pub rx_bytes: u64,
    /// `tx_bytes`.
    pub tx_bytes: u64,
    /// `rx_errors`.
    pub rx_errors: u64,
    /// `tx_errors`.
    pub tx_errors: u64,
    /// `rx_dropped`.
    pub rx_dropped: u64,
    /// `tx_dropped`.
    pub tx_dropped: u64,
    /// `multicast`.
    pub multicast: u64,
    /// `collisions`.
    pub collisions: u64,
    /// `rx_length_errors`.
    pub rx_length_errors: u64,
    /// `rx_over_errors`.
    pub rx_over_errors: u64,
    /// `rx_crc_errors`.
    pub rx_crc_errors: u64,
    /// `rx_frame_errors`.
    pub rx_frame_errors: u64,
    /// `rx_fifo_errors`.
    pub rx_fifo_errors: u64,
    /// `rx_missed_errors`.
    pub rx_missed_errors: u64,
    /// `tx_aborted_errors`.
    pub tx_aborted_errors: u64,
    /// `tx_carrier_errors`.
    pub tx_carrier_errors: u64,
    /// `tx_fifo_errors`.
    pub tx_fifo_errors: u64,
    /// `tx_heartbeat_errors`.
    pub tx_heartbeat_errors: u64,
    /// `tx_window_errors`.
    pub tx_window_errors: u64,
    /// `rx_compressed`.
    pub rx_compressed: u64,
    /// `tx_compressed`.
    pub tx_compressed: u64,
    /// `rx_nohandler`.
    pub rx_nohandler: u64,
    /// `rx_otherhost_dropped` (64-bit structure only).
    pub rx_otherhost_dropped: u64,
}

impl Repr {
    /// From the counters in order.
    fn from_counters(c: [u64; 25]) -> Repr {
        Repr {
            rx_packets: c[0],
            tx_packets: c[1],
            rx_bytes: c[2],
            tx_bytes: c[3],
            rx_errors: c[4],
            tx_errors: c[5],
            rx_dropped: c[6],
            tx_dropped: c[7],
            multicast: c[8],
            collisions: c[9],
            rx_length_errors: c[10],
            rx_over_errors: c[11],
            rx_crc_errors: c[12],
            rx_frame_errors: c[13],
            rx_fifo_errors: c[14],
            rx_missed_errors: c[15],
            tx_aborted_errors: c[16],
            tx_carrier_errors: c[17],
            tx_fifo_errors: c[18],
            tx_heartbeat_errors: c[19],
            tx_window_errors: c[20],
            rx_compressed: c[21],
            tx_compressed: c[22],
            rx_nohandler: c[23],
            rx_otherhost_dropped: c[24],
        }
    }

    /// An IFLA_STATS64 payload (`rtnl_link_stats64`, u64 counters).
    pub fn parse_stats64(payload: &[u8]) -> Repr {
        let mut c = [0u64; 25];
        for (v, b) in c.iter_mut().zip(payload.chunks_exact(8)) {
            *v = crate::ne::u64(b);
        }
        Repr::from_counters(c)
    }

    /// An IFLA_STATS payload (`rtnl_link_stats`, u32 counters; it has no
    /// `rx_otherhost_dropped`).
    pub fn parse_stats32(payload: &[u8]) -> Repr {
        let mut c = [0u64; 25];
        for (v, b) in c[..24].iter_mut().zip(payload.chunks_exact(4)) {
            *v = u64::from(crate::ne::u32(b));
        }
        Repr::from_counters(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_in_uapi_order_short_ones_zero() {
        let mut p = Vec::new();
        for i in 1..=26u64 {
            p.extend_from_slice(&i.to_ne_bytes());
        }
        let s = Repr::parse_stats64(&p[..RTNL_LINK_STATS64_LEN + 8]);
        assert_eq!((s.rx_packets, s.rx_bytes, s.rx_over_errors), (1, 3, 12));
        assert_eq!((s.rx_missed_errors, s.rx_otherhost_dropped), (16, 25));
        let short = Repr::parse_stats64(&p[..8 * 23 + 3]);
        assert_eq!((short.tx_compressed, short.rx_nohandler), (23, 0));
        let mut q = Vec::new();
        for i in 1..=24u32 {
            q.extend_from_slice(&i.to_ne_bytes());
        }
        let s = Repr::parse_stats32(&q[..RTNL_LINK_STATS_LEN]);
        assert_eq!((s.tx_carrier_errors, s.rx_nohandler), (18, 24));
        assert_eq!(s.rx_otherhost_dropped, 0);
    }
}
