//! The kernel backend: real AF_NETLINK sockets (SKELETON: filled in by the foundation work).
