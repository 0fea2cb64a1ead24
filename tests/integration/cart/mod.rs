//! The cart (`app/src/cart`). Customers only: `app/src/cart` has no staff side (staff
//! see what is in a cart on a ticket's page, `tickets`).

mod customer;
