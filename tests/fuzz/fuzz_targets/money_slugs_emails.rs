//! Money, slugs and emails from arbitrary input: formatting never panics (i64::MIN
//! included), a slug made from any name is valid or empty, and normalising an email twice
//! is normalising it once.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() >= 8 {
        let minor = i64::from_le_bytes(data[..8].try_into().unwrap());
        for currency in ["USD", "EUR", "GBP"] {
            let currency = app::money::Currency::parse(currency).unwrap();
            let money = app::money::Money::new(minor, currency);
            let _ = (money.format(), money.format_short(), money.decimal());
        }
    }
    let text = String::from_utf8_lossy(data);
    let slug = app::slug::slugify(&text);
    assert!(slug.is_empty() || app::slug::is_valid_slug(&slug), "{slug:?}");
    if let Ok(email) = app::accounts::model::Email::parse(&text) {
        let again = app::accounts::model::Email::parse(email.as_str()).expect("a stored email parses");
        assert_eq!(again.as_str(), email.as_str());
    }
});
