//! The engine's one error type. Each variant maps to a stable code of the ABI (`ABI.md`).

use std::fmt;

/// Stable error codes, shared with the TypeScript side (`pkg-ts/src/engine/codes.ts`).
/// The ABI returns them negated. Never renumber: add at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum ErrorCode {
    Internal = 1,
    InvalidArgument = 2,
    KeyTooLarge = 3,
    ValueTooLarge = 4,
    TxnTooLarge = 5,
    TxnConflict = 6,
    TxnNotFound = 7,
    CursorNotFound = 8,
    Corruption = 9,
    Truncated = 10,
    InvalidState = 11,
    UnsupportedFormat = 12,
    LimitExceeded = 13,
    OutOfMemory = 14,
}

impl ErrorCode {
    /// Every code, for the table test that checks the TypeScript mirror.
    pub const ALL: [ErrorCode; 14] = [
        ErrorCode::Internal,
        ErrorCode::InvalidArgument,
        ErrorCode::KeyTooLarge,
        ErrorCode::ValueTooLarge,
        ErrorCode::TxnTooLarge,
        ErrorCode::TxnConflict,
        ErrorCode::TxnNotFound,
        ErrorCode::CursorNotFound,
        ErrorCode::Corruption,
        ErrorCode::Truncated,
        ErrorCode::InvalidState,
        ErrorCode::UnsupportedFormat,
        ErrorCode::LimitExceeded,
        ErrorCode::OutOfMemory,
    ];

    /// The stable name, as the TypeScript errors carry it in `code`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::KeyTooLarge => "KEY_TOO_LARGE",
            ErrorCode::ValueTooLarge => "VALUE_TOO_LARGE",
            ErrorCode::TxnTooLarge => "TXN_TOO_LARGE",
            ErrorCode::TxnConflict => "TXN_CONFLICT",
            ErrorCode::TxnNotFound => "TXN_NOT_FOUND",
            ErrorCode::CursorNotFound => "CURSOR_NOT_FOUND",
            ErrorCode::Corruption => "CORRUPTION",
            ErrorCode::Truncated => "TRUNCATED",
            ErrorCode::InvalidState => "INVALID_STATE",
            ErrorCode::UnsupportedFormat => "UNSUPPORTED_FORMAT",
            ErrorCode::LimitExceeded => "LIMIT_EXCEEDED",
            ErrorCode::OutOfMemory => "OUT_OF_MEMORY",
        }
    }
}

/// An engine error: a stable code and a message that says what happened and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error { code, message: message.into() }
    }

    pub fn corruption(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::Corruption, message)
    }

    /// A decoder ran out of bytes: `what` names the structure being read.
    pub fn truncated(what: &str) -> Error {
        Error::new(ErrorCode::Truncated, format!("{} ends early: the file is truncated or damaged", what))
    }

    pub fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::InvalidArgument, message)
    }

    pub fn invalid_state(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::InvalidState, message)
    }

    /// `what` needed a block of `bytes` the engine's memory could not give; `aftermath` says what
    /// state that left.
    pub fn out_of_memory(what: &str, bytes: usize, aftermath: &str) -> Error {
        let mb = (bytes + (1 << 20) - 1) >> 20;
        Error::new(ErrorCode::OutOfMemory, format!("{} needs a block of {} MB, which the engine's memory cannot give{}; {}", what, mb, memory_note(), aftermath))
    }
}

/// The engine's memory size, for out-of-memory messages (wasm32 only: natively there is no cap).
fn memory_note() -> String {
    #[cfg(target_arch = "wasm32")]
    return format!(" (it holds {} MB; WebAssembly caps one engine at 4 GiB)", crate::abi::heap::memory_bytes() >> 20);
    #[cfg(not(target_arch = "wasm32"))]
    return String::new();
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
