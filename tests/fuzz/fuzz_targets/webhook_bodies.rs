//! Webhook deliveries: any header and body is refused or accepted without a panic, and
//! any body we sign verifies.
#![no_main]
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "whsec_fuzz";

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (header, body) = data.split_at(split);
    let header = String::from_utf8_lossy(header);
    let now = 1_800_000_000;
    let _ = app::signature::verify(SECRET, &header, body, now);
    if let Ok(text) = std::str::from_utf8(body) {
        let signed = app::signature::sign(SECRET, now, text);
        assert!(app::signature::verify(SECRET, &signed, body, now).is_ok());
    }
});
