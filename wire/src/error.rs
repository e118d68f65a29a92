//! What a checked view can refuse.

use std::fmt;

/// Why bytes are not the structure asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The buffer is shorter than the structure's fixed part.
    Truncated,
    /// A length field is impossible: below the header's size or past the buffer's end.
    Malformed,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("truncated"),
            Error::Malformed => f.write_str("malformed length"),
        }
    }
}

impl std::error::Error for Error {}

/// The result of a checked view.
pub type Result<T> = std::result::Result<T, Error>;
