//! Slugs: the stable, human-readable part of product and category URLs.

/// Longest slug we accept; longer URLs help nobody and bloat indexes.
pub const MAX_SLUG_LEN: usize = 80;

/// True when `s` is a valid slug: lowercase ASCII letters, digits and single hyphens,
/// not starting or ending with a hyphen.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG_LEN
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Turns a product or category name into a slug ("Aurelia Duo 2.0" → "aurelia-duo-2-0").
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug.truncate(MAX_SLUG_LEN);
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_makes_valid_slugs() {
        assert_eq!(slugify("Aurelia Duo 2.0"), "aurelia-duo-2-0");
        assert_eq!(slugify("  Café  Crème -- Deluxe! "), "cafe-creme-deluxe");
        assert_eq!(
            slugify("Kestrel 64 Flat-Burr Grinder"),
            "kestrel-64-flat-burr-grinder"
        );
        for name in ["Aurelia Duo 2.0", "Café", "x", "A--B"] {
            assert!(is_valid_slug(&slugify(name)), "{name}");
        }
    }

    #[test]
    fn slugify_respects_length_limit() {
        let long = "word ".repeat(40);
        let slug = slugify(&long);
        assert!(slug.len() <= MAX_SLUG_LEN);
        assert!(is_valid_slug(&slug));
    }

    #[test]
    fn rejects_invalid_slugs() {
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "Upper",
            "sp ace",
            "ümlaut",
            "a/b",
            &"a".repeat(81),
        ] {
            assert!(!is_valid_slug(bad), "{bad:?} should be invalid");
        }
        assert!(is_valid_slug("kestrel-64"));
    }
}
