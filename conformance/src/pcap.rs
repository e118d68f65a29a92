//! pcap export: the datagrams of a run, framed as `LINKTYPE_NETLINK` (253) so Wireshark and
//! tshark decode them as netlink, like a capture on an `nlmon` device.
//!
//! Each record carries the 16-byte cooked header nlmon produces (`struct sll_header` fields in
//! network byte order: packet type, ARPHRD_NETLINK, address length 0, 8 address bytes, and the
//! netlink protocol as the "protocol" field) followed by the netlink bytes as they crossed the
//! socket (host byte order).

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::Duration;

use etherparse::{ArpHardwareId, LinuxSllHeader, LinuxSllPacketType, LinuxSllProtocolType};
use pcap_file::pcap::{PcapHeader, PcapPacket};
use pcap_file::{DataLink, Endianness, PcapError, TsResolution};

/// `LINKTYPE_NETLINK`.
pub const LINKTYPE_NETLINK: u32 = 253;
/// The capture's snapshot length: longer datagrams are recorded cut to it (their full length
/// kept as the original length), as a capture would.
pub const SNAPLEN: u32 = 256 * 1024;

/// Which way a datagram went, as nlmon's packet type says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From a user socket to the kernel (or another socket): `PACKET_OUTGOING`.
    Sent,
    /// Delivered to the user socket: `PACKET_HOST`.
    Received,
}

fn io_error(e: PcapError) -> io::Error {
    match e {
        PcapError::IoError(e) => e,
        e => io::Error::other(e),
    }
}

/// The cooked header nlmon puts before each datagram (`struct sll_header`): the packet type,
/// ARPHRD_NETLINK, no address, and the netlink protocol.
pub fn nlmon_header(dir: Direction, protocol: u16) -> [u8; LinuxSllHeader::LEN] {
    LinuxSllHeader {
        packet_type: match dir {
            Direction::Received => LinuxSllPacketType::HOST,
            Direction::Sent => LinuxSllPacketType::OUTGOING,
        },
        arp_hrd_type: ArpHardwareId::NETLINK,
        sender_address_valid_length: 0,
        sender_address: [0; 8],
        protocol_type: LinuxSllProtocolType::NetlinkProtocolType(protocol),
    }
    .to_bytes()
}

/// A pcap file being written (through `pcap-file`).
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: pcap_file::pcap::PcapWriter<W>,
    records: u64,
}

impl<W: Write> PcapWriter<W> {
    /// Start a pcap file (little-endian, microsecond timestamps, snaplen 256 KiB) on `out`.
    pub fn new(out: W) -> io::Result<Self> {
        let header = PcapHeader {
            version_major: 2,
            version_minor: 4,
            ts_correction: 0,
            ts_accuracy: 0,
            snaplen: SNAPLEN,
            datalink: DataLink::NETLINK,
            ts_resolution: TsResolution::MicroSecond,
            endianness: Endianness::Little,
        };
        let out = pcap_file::pcap::PcapWriter::with_header(out, header).map_err(io_error)?;
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
        let mut frame = nlmon_header(dir, protocol).to_vec();
        frame.extend_from_slice(data);
        let orig_len = u32::try_from(frame.len()).unwrap_or(u32::MAX);
        frame.truncate(SNAPLEN as usize);
        let packet = PcapPacket {
            timestamp: Duration::from_micros(micros),
            orig_len,
            data: Cow::Owned(frame),
        };
        self.out.write_packet(&packet).map_err(io_error)?;
        self.records += 1;
        Ok(())
    }

    /// How many datagrams were written.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Flush and return the writer.
    pub fn finish(self) -> io::Result<W> {
        let mut out = self.out.into_writer();
        out.flush()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_file::pcap::PcapReader;

    #[test]
    fn header_and_record_layout() {
        let mut w = PcapWriter::new(Vec::new()).unwrap();
        w.write_datagram(1_500_000, Direction::Sent, 16, &[1, 2, 3, 4])
            .unwrap();
        let b = w.finish().unwrap();
        assert_eq!(b.len(), 24 + 16 + 16 + 4);
        let mut r = PcapReader::new(&b[..]).unwrap();
        let h = r.header();
        assert_eq!(u32::from(h.datalink), LINKTYPE_NETLINK);
        assert_eq!(h.endianness, Endianness::Little);
        let p = r.next_packet().unwrap().unwrap();
        assert_eq!(p.timestamp, Duration::new(1, 500_000_000));
        assert_eq!((p.orig_len, p.data.len()), (20, 20));
        let (sll, rest) = LinuxSllHeader::from_slice(&p.data).unwrap();
        assert_eq!(sll.packet_type, LinuxSllPacketType::OUTGOING);
        assert_eq!(u16::from(sll.arp_hrd_type), 824);
        assert_eq!(
            sll.protocol_type,
            LinuxSllProtocolType::NetlinkProtocolType(16)
        );
        assert_eq!(rest, &[1, 2, 3, 4]);
        assert!(r.next_packet().is_none());
    }

    #[test]
    fn a_datagram_longer_than_the_snapshot_is_cut_to_it() {
        let mut w = PcapWriter::new(Vec::new()).unwrap();
        w.write_datagram(0, Direction::Received, 0, &vec![7; SNAPLEN as usize])
            .unwrap();
        let b = w.finish().unwrap();
        let mut r = PcapReader::new(&b[..]).unwrap();
        // (pcap-file's checked reader refuses an original length past the snapshot, which
        // captures have; the raw record shows it.)
        let p = r.next_raw_packet().unwrap().unwrap();
        assert_eq!((p.incl_len, p.data.len()), (SNAPLEN, SNAPLEN as usize));
        assert_eq!(p.orig_len, SNAPLEN + 16);
    }
}
