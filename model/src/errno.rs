//! What a modeled system call returns: an errno as Linux numbers them ([`Errno`], from
//! `nltwin-wire`), or the honest statement that the model does not implement the path.

use std::fmt;

pub use nltwin_wire::Errno;

/// What the model does not implement, named: the answer `unimplemented` in traces, never an
/// invented errno. One type across the crates (the client's transport and the harness carry
/// it as it is).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Unimplemented {
    what: std::borrow::Cow<'static, str>,
}

impl Unimplemented {
    /// The model does not implement `what`.
    pub fn new(what: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        Unimplemented { what: what.into() }
    }

    /// What is missing.
    pub fn what(&self) -> &str {
        &self.what
    }
}

impl fmt::Display for Unimplemented {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not implemented in the model: {}", self.what)
    }
}

impl std::error::Error for Unimplemented {}

/// The answer for a path the model does not implement.
pub fn unimplemented(what: &'static str) -> SysError {
    SysError::Unimplemented(Unimplemented::new(what))
}

/// What a modeled system call can fail with: an errno the kernel would return, or an honest
/// statement that the model does not implement the path the call took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SysError {
    /// The kernel's answer: an errno.
    Errno(Errno),
    /// The model does not implement this path; the string names what is missing.
    Unimplemented(Unimplemented),
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
            SysError::Unimplemented(u) => write!(f, "{u}"),
        }
    }
}

impl std::error::Error for SysError {}

/// The result of a modeled system call.
pub type SysResult<T> = Result<T, SysError>;
