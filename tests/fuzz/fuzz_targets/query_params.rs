//! Catalogue query strings: parsing never panics, and what a parsed search writes back
//! into links parses to the same search.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(data).into_owned().collect();
    let Ok(parsed) = app::catalog::model::SearchParams::parse(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ) else {
        return;
    };
    let query = parsed.params.to_query();
    let again: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let reparsed = app::catalog::model::SearchParams::parse(
        again.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )
    .expect("a query we wrote parses");
    assert_eq!(reparsed.params, parsed.params, "{query}");
});
