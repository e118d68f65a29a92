//! Attribute parsing and policy validation (`lib/nlattr.c`), and the policy description writer
//! behind ext-ack `NLMSGERR_ATTR_POLICY` and nlctrl GETPOLICY (`net/netlink/policy.c`).
//!
//! SKELETON: filled in by the generic netlink work (issue 5), shared with rtnetlink.
