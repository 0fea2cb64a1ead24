//! The staff side of tickets: the inbox, the ticket page (conversation, research
//! timeline, replies, notes, assignment, outcome, quotes) and its form posts.

#[cfg(feature = "ssr")]
pub mod handlers;
pub mod pages;
