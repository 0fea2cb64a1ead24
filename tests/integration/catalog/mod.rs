//! The catalogue (`app/src/catalog`): what customers search, filter, open and compare, and
//! the staff side that makes and edits products and categories.

mod customer;
mod search;
mod staff;
mod variants;
