//! Discount codes (`app/src/discounts`): the customer's side (entering a code in the cart,
//! every rule and its message, totals that reconcile on both tax settings, a use held at
//! checkout and counted once when paid, a hundred buyers racing for ten uses) and the
//! staff side (making, changing and pausing codes, audited).

mod customer;
mod staff;
