//! pcap export: the datagrams of a run, framed as `LINKTYPE_NETLINK` (253) so Wireshark and
//! tshark decode them as netlink, like a capture on an `nlmon` device.
//!
//! Each record carries the 16-byte cooked header nlmon produces (`struct sll_header` fields in
//! network byte order: packet type, ARPHRD_NETLINK, address length 0, 8 address bytes, and the
//! netlink protocol as the "protocol" field) followed by the netlink bytes as they crossed the
//! socket (host byte order).

use std::io::{self, Write};

/// `LINKTYPE_NETLINK`.
pub const LINKTYPE_NETLINK: u32 = 253;
/// `ARPHRD_NETLINK`.
const ARPHRD_NETLINK: u16 = 824;

/// Which way a datagram went, as nlmon's packet type says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From a user socket to the kernel (or another socket): `PACKET_OUTGOING`.
    Sent,
    /// Delivered to the user socket: `PACKET_HOST`.
    Received,
}

/// A pcap file being written.
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    records: u64,
}

impl<W: Write> PcapWriter<W> {
    /// Start a pcap file (microsecond timestamps, snaplen 256 KiB) on `out`.
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(&0xa1b2_c3d4u32.to_le_bytes())?;
        out.write_all(&2u16.to_le_bytes())?;
        out.write_all(&4u16.to_le_bytes())?;
        out.write_all(&0i32.to_le_bytes())?; // thiszone
        out.write_all(&0u32.to_le_bytes())?; // sigfigs
        out.write_all(&(256 * 1024u32).to_le_bytes())?;
        out.write_all(&LINKTYPE_NETLINK.to_le_bytes())?;
        Ok(PcapWriter { out, records: 0 })
    }

    /// Append one datagram of netlink `protocol`; `micros` is its timestamp (the harness uses
    /// the operation's index so captures are reproducible).
    pub fn write_datagram(
        &mut self,
        micros: u64,
        dir: Direction,
        protocol: u16,
        data: &[u8],
    ) -> io::Result<()> {
        let len = (16 + data.len()) as u32;
        self.out
            .write_all(&((micros / 1_000_000) as u32).to_le_bytes())?;
        self.out
            .write_all(&((micros % 1_000_000) as u32).to_le_bytes())?;
        self.out.write_all(&len.to_le_bytes())?;
        self.out.write_all(&len.to_le_bytes())?;
        let pkttype: u16 = match dir {
            Direction::Received => 0,
            Direction::Sent => 4,
        };
        self.out.write_all(&pkttype.to_be_bytes())?;
        self.out.write_all(&ARPHRD_NETLINK.to_be_bytes())?;
        self.out.write_all(&0u16.to_be_bytes())?;
        self.out.write_all(&[0u8; 8])?;
        self.out.write_all(&protocol.to_be_bytes())?;
        self.out.write_all(data)?;
        self.records += 1;
        Ok(())
    }

    /// How many datagrams were written.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Flush and return the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_record_layout() {
        let mut w = PcapWriter::new(Vec::new()).unwrap();
        w.write_datagram(1_500_000, Direction::Sent, 16, &[1, 2, 3, 4])
            .unwrap();
        let b = w.finish().unwrap();
        assert_eq!(b.len(), 24 + 16 + 16 + 4);
        assert_eq!(&b[20..24], &253u32.to_le_bytes());
        assert_eq!(&b[24..28], &1u32.to_le_bytes());
        assert_eq!(&b[28..32], &500_000u32.to_le_bytes());
        assert_eq!(&b[32..36], &20u32.to_le_bytes());
        assert_eq!(&b[40..42], &[0, 4]); // outgoing
        assert_eq!(&b[42..44], &824u16.to_be_bytes());
        assert_eq!(&b[54..56], &16u16.to_be_bytes());
        assert_eq!(&b[56..], &[1, 2, 3, 4]);
    }
}
