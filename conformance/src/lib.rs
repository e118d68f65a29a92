//! The nltwin harness.
pub mod pcap;
