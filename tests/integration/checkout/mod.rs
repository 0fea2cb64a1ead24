//! Checkout (`app/src/checkout`): paying for a cart. The customer's side (the demo
//! provider's card page, stock held, orders expiring), the payment side (webhooks, the
//! reconciler, Stripe's API), and the staff side (the orders desk and refunds).

mod addresses;
mod customer;
mod payments;
mod recovery;
mod returns;
mod shipping;
mod staff;
mod taxes;
