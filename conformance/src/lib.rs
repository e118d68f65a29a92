//! The nltwin harness.
