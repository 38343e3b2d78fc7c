//! The one decode error type: a field path, the byte offset where the bad item starts, a reason.
use std::borrow::Cow;
use std::fmt;

/// A decode failure. `field` is a dotted path such as `transactions[3].outputs[1].value`;
/// `offset` is the absolute byte offset (in the buffer given to the top-level decoder) of the item
/// that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub field: String,
    pub offset: usize,
    pub reason: Cow<'static, str>,
}

impl DecodeError {
    pub fn new(field: &str, offset: usize, reason: impl Into<Cow<'static, str>>) -> Box<Self> {
        Box::new(DecodeError {
            field: field.to_owned(),
            offset,
            reason: reason.into(),
        })
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at offset {}: {}",
            self.field, self.offset, self.reason
        )
    }
}

impl std::error::Error for DecodeError {}

/// Result of every decoder. The error is boxed so the happy path stays small and fast.
pub type Result<T> = std::result::Result<T, Box<DecodeError>>;

/// Prefixes a path segment onto errors coming from a nested decoder (only runs on the error path).
pub(crate) trait Within<T> {
    /// `prefix` is a field name such as `outputs`; `index` is the element index if any.
    fn within(self, prefix: &str, index: Option<usize>) -> Result<T>;
}

impl<T> Within<T> for Result<T> {
    #[inline]
    fn within(self, prefix: &str, index: Option<usize>) -> Result<T> {
        self.map_err(|mut e| {
            let head = match index {
                Some(i) => format!("{prefix}[{i}]"),
                None => prefix.to_owned(),
            };
            e.field = if e.field.is_empty() {
                head
            } else if e.field.starts_with('[') {
                format!("{head}{}", e.field)
            } else {
                format!("{head}.{}", e.field)
            };
            e
        })
    }
}
