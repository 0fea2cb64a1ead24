//! The admin shell (`app/src/admin`): the guard every staff page stands behind, and the
//! pages that belong to no one feature — staff accounts, the outbox, the audit log. Each
//! feature's own staff side is tested with that feature (`catalog::staff`,
//! `content::staff`, `checkout::staff`, `tickets::staff`).

mod guard;
mod staff;
