//! Customer and staff accounts. So far: the rules for what an email address and a
//! password must be, and password hashing; sign-up, sessions and the admin panel come next.

pub mod model;
#[cfg(feature = "ssr")]
pub mod password;
