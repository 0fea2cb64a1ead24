//! Accounts (`app/src/accounts`). Customers only: staff accounts are made and changed in
//! the admin shell (`admin::staff`), and `app/src/accounts` has no staff side of its own.

mod customer;
