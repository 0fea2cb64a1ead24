//! Form bodies and query strings through the input boundary: never a panic, never a
//! control character left after decoding (twice, as the router does), and cleaning twice
//! changes nothing more.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for cleaned in [
        server::input::clean_form_body(data),
        server::input::clean_query(data),
    ] {
        let Some(cleaned) = cleaned else { continue };
        for (key, value) in form_urlencoded::parse(cleaned.as_bytes()) {
            for text in [key, value] {
                let twice = percent_encoding::percent_decode_str(&text).decode_utf8_lossy();
                assert!(
                    !twice.chars().any(|c| c == '\0'),
                    "a NUL survived: {cleaned:?}"
                );
            }
        }
        assert_eq!(server::input::clean_form_body(cleaned.as_bytes()), None);
    }
});
