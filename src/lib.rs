//! # nltwin: a Linux netlink client over the real kernel or over `nltwin-model`
//!
//! Everything here talks to a [`transport::Backend`], the socket contract: the kernel backend
//! makes real system calls, the model backend drives an in-process `nltwin-model` kernel.
//! [`engine::Connection`] is the request engine on top; [`view`] the zero-copy message walk.
#![deny(missing_docs)]

pub mod engine;
pub mod present;
pub mod requests;
pub mod sandbox;
pub mod testing;
pub mod transport;
pub mod view;

pub use nltwin_model as model;
