//! # idv-handoff
//!
//! The client and edge side of hosted identity verification (KYC): create the session through
//! the integrator's own proxy, hand the person off to the provider's hosted page, and parse what
//! comes back. Compiled to WebAssembly and shipped as the npm package `idv-handoff`.
//!
//! The core modules are plain Rust and tested natively; [`bindings`] (wasm32 only) is the one
//! layer that converts JavaScript values to core types and back.
//!
//! ```
//! use idv_handoff::callback::{parse_callback, CallbackOptions};
//! use idv_handoff::provider::CallbackStatus;
//!
//! let cb = parse_callback(
//!     "https://yourapp.com/done?session_id=abc123&status=failed&reason=face_mismatch",
//!     &CallbackOptions::default(),
//! )
//! .unwrap();
//! assert_eq!(cb.session_id, "abc123");
//! assert_eq!(cb.status, CallbackStatus::Failed);
//! ```
#![deny(missing_docs)]
// The npm package is built without the `std` feature: a no_std cdylib whose panics trap without
// formatting a message, which keeps core::fmt and std's panic machinery (about 2.5 KB of gzip)
// out of the wasm. Its allocator is std's own on wasm32, dlmalloc (src/bindings/mod.rs).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod callback;
pub mod error;
pub mod handoff;
pub mod json;
pub mod provider;
pub mod query;
pub mod result;
pub mod server;
pub mod session;
pub mod time;
pub mod web_url;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

pub use error::Error;
