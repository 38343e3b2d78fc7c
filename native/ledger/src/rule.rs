//! A broken consensus rule: which rule (a stable kebab-case name users and tests match on) and
//! what exactly was wrong.
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Stable rule name, e.g. `"double-spend"`, `"agency-settlement"`.
    pub rule: &'static str,
    /// Human-readable detail naming the offending item.
    pub detail: String,
}

impl Violation {
    pub fn new(rule: &'static str, detail: impl Into<String>) -> Self {
        Violation {
            rule,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {}: {}", self.rule, self.detail)
    }
}

impl std::error::Error for Violation {}
