//! Creating a verification session through the integrator's proxy: the request, validated and
//! put in the provider's snake_case form before any byte is sent ([`request`]); the retry policy
//! over the proxy's answers ([`retry`]); and the session read back from a successful answer
//! ([`answer`]).

pub mod answer;
pub mod request;
pub mod retry;

pub use crate::time::{http_date_ms, is_date, rfc3339_ms};
pub use answer::*;
pub use request::*;
pub use retry::*;
