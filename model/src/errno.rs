//! What a modeled system call returns: an errno as Linux numbers them ([`Errno`], from
//! `nltwin-wire`), or the honest statement that the model does not implement the path.

use std::fmt;

pub use nltwin_wire::Errno;

/// What a modeled system call can fail with: an errno the kernel would return, or an honest
/// statement that the model does not implement the path the call took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SysError {
    /// The kernel's answer: an errno.
    Errno(Errno),
    /// The model does not implement this path; the string names what is missing.
    Unimplemented(&'static str),
}

impl From<Errno> for SysError {
    fn from(e: Errno) -> Self {
        SysError::Errno(e)
    }
}

impl fmt::Display for SysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SysError::Errno(e) => write!(f, "{e}"),
            SysError::Unimplemented(what) => write!(f, "not implemented in the model: {what}"),
        }
    }
}

impl std::error::Error for SysError {}

/// The result of a modeled system call.
pub type SysResult<T> = Result<T, SysError>;
