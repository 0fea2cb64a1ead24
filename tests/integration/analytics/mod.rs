//! The shared funnel view (`app/src/analytics`): staff only.

mod rollups;
mod staff;
