//! # nltwin-conformance: the harness behind `nltwin exchange` and `nltwin diff`
//!
//! A scenario is a [`trace::Trace`] of socket operations; [`runner::run`] plays it on any
//! backend of the socket contract and gives typed [`results`] (JSON only when printed, or
//! where the sandboxed kernel child's output is read); [`normalize`] applies the design's
//! named normalizations; [`diff`] compares the kernel (in a fresh sandbox) with the model
//! operation by operation; [`fuzz`] mutates scenarios and files the divergences it finds.
//!
//! Every netlink byte the harness reads or writes goes through `nltwin-wire`: its walkers and
//! views, its builder, and its message catalogue (names, family headers, attribute spaces,
//! volatile fields), which [`compose`], [`explain`], [`coverage`], [`normalize`] and
//! [`requires`] all read.
#![deny(missing_docs)]

pub mod capture;
pub mod cli_error;
pub mod cmd_genl;
pub mod command_exchange;
pub mod commands;
pub mod compose;
pub mod coverage;
pub mod diff;
pub mod exchange;
pub mod explain;
pub mod facts;
pub mod fuzz;
pub mod html;
pub mod monitor;
pub mod normalize;
pub mod pcap;
pub mod recording;
pub mod replay;
pub mod report;
pub mod requires;
pub mod results;
pub mod runner;
pub mod side_guard;
pub mod suite;
pub mod trace;
