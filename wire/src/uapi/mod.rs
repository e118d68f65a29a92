//! The kernel's userspace ABI constants, one module per uapi header they come from.
//!
//! Each enumeration is declared once with [`uapi_enum!`](crate::uapi_enum): that gives the plain constant a
//! handler writes (`IFLA_MTU`), a typed value with an `Unknown` case for what a reader meets
//! (`Ifla::Mtu`, `Ifla::Unknown(70)`), and the kernel's name of each value (`"IFLA_MTU"`), so
//! names are written in one place only. Flag sets are declared with [`uapi_flags!`](crate::uapi_flags): the
//! constants and their names.

/// Declares a uapi enumeration: a `pub const` per kernel name, a typed enum with an `Unknown`
/// case, and the names.
#[macro_export]
macro_rules! uapi_enum {
    (
        $(#[$meta:meta])*
        pub enum $Enum:ident: $repr:ty {
            $($Const:ident = $value:expr => $Variant:ident,)*
        }
    ) => {
        $(
            #[doc = concat!("`", stringify!($Const), "`.")]
            pub const $Const: $repr = $value;
        )*

        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $Enum {
            $(
                #[doc = concat!("`", stringify!($Const), "`.")]
                $Variant,
            )*
            /// A value this table does not name.
            Unknown($repr),
        }

        impl From<$repr> for $Enum {
            fn from(v: $repr) -> Self {
                match v {
                    $($Const => $Enum::$Variant,)*
                    other => $Enum::Unknown(other),
                }
            }
        }

        impl From<$Enum> for $repr {
            fn from(v: $Enum) -> $repr {
                match v {
                    $($Enum::$Variant => $Const,)*
                    $Enum::Unknown(other) => other,
                }
            }
        }

        impl $Enum {
            /// Every named value with its kernel name, in declaration order.
            pub const NAMES: &'static [($repr, &'static str)] = &[$(($Const, stringify!($Const)),)*];

            /// The kernel's name of this value, if it has one.
            pub fn name(self) -> Option<&'static str> {
                match self {
                    $($Enum::$Variant => Some(stringify!($Const)),)*
                    $Enum::Unknown(_) => None,
                }
            }

            /// The value a kernel name stands for.
            pub fn from_name(name: &str) -> Option<$Enum> {
                Self::NAMES.iter().find(|(_, n)| *n == name).map(|&(v, _)| $Enum::from(v))
            }

            /// The kernel's name of a raw value, if it has one.
            pub fn name_of(v: $repr) -> Option<&'static str> {
                $Enum::from(v).name()
            }
        }
    };
}

/// Declares a set of flag constants and their names (`NAMES`, in declaration order) in a
/// module-level unit struct named after the set.
#[macro_export]
macro_rules! uapi_flags {
    (
        $(#[$meta:meta])*
        pub struct $Set:ident: $repr:ty {
            $($Const:ident = $value:expr,)*
        }
    ) => {
        $(
            #[doc = concat!("`", stringify!($Const), "`.")]
            pub const $Const: $repr = $value;
        )*

        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $Set;

        impl $Set {
            /// Every flag with its kernel name, in declaration order (values may repeat where
            /// the kernel gives one bit several meanings).
            pub const NAMES: &'static [($repr, &'static str)] = &[$(($Const, stringify!($Const)),)*];

            /// The value of a flag's kernel name.
            pub fn from_name(name: &str) -> Option<$repr> {
                Self::NAMES.iter().find(|(_, n)| *n == name).map(|&(v, _)| v)
            }
        }
    };
}

pub mod errno;
pub mod fib_rules;
pub mod genetlink;
pub mod if_;
pub mod if_addr;
pub mod if_arp;
pub mod if_bridge;
pub mod if_ether;
pub mod if_link;
pub mod ip;
pub mod ipv6;
pub mod neighbour;
pub mod net_namespace;
pub mod netconf;
pub mod netlink;
pub mod nexthop;
pub mod route;
pub mod rtnetlink;
pub mod socket;
pub mod sockios;
pub mod veth;
