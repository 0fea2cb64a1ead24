//! Product image uploads: the file's bytes (never its name or declared type) decide what
//! it is; PNG, JPEG and WebP are accepted as they are, SVG only when it contains nothing
//! that can run or fetch (and it is served under a sandboxing CSP besides).

use crate::error::AppError;
use std::path::Path;

/// Largest accepted image (5 MiB).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Webp,
    Svg,
}

impl ImageKind {
    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Webp => "webp",
            ImageKind::Svg => "svg",
        }
    }

    pub fn from_extension(ext: &str) -> Option<ImageKind> {
        match ext {
            "png" => Some(ImageKind::Png),
            "jpg" => Some(ImageKind::Jpeg),
            "webp" => Some(ImageKind::Webp),
            "svg" => Some(ImageKind::Svg),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Webp => "image/webp",
            ImageKind::Svg => "image/svg+xml",
        }
    }
}

fn invalid(message: &str) -> AppError {
    AppError::invalid("image", message)
}

/// What the bytes are, or a message a person can act on.
pub fn identify_image(bytes: &[u8]) -> Result<ImageKind, AppError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(invalid(
            "That image is larger than 5 MB. Please resize or compress it.",
        ));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageKind::Jpeg);
    }
    if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(ImageKind::Webp);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let lower = text.to_ascii_lowercase();
        if lower.contains("<svg") {
            return check_svg(&lower).map(|()| ImageKind::Svg);
        }
    }
    Err(invalid("Upload a PNG, JPEG, WebP or SVG image."))
}

/// Refuses SVGs that could run script, embed other documents or fetch from elsewhere.
fn check_svg(lower: &str) -> Result<(), AppError> {
    const FORBIDDEN: [&str; 9] = [
        "<script",
        "javascript:",
        "<foreignobject",
        "<iframe",
        "<embed",
        "<object",
        "<!entity",
        "data:text/html",
        "<use",
    ];
    if FORBIDDEN.iter().any(|bad| lower.contains(bad))
        || has_event_handler(lower)
        || has_external_reference(lower)
    {
        return Err(invalid(
            "That SVG contains scripts, event handlers or links to other files, which we don't accept. Export it as a plain drawing, or upload a PNG.",
        ));
    }
    Ok(())
}

/// An `on…=` attribute anywhere (onload, onclick …).
fn has_event_handler(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    lower.match_indices("on").any(|(i, _)| {
        let before_is_space = i > 0 && bytes[i - 1].is_ascii_whitespace();
        let rest = &lower[i + 2..];
        let name_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        before_is_space && name_len > 0 && rest[name_len..].trim_start().starts_with('=')
    })
}

fn has_external_reference(lower: &str) -> bool {
    [
        "href=\"http",
        "href='http",
        "href=\"//",
        "href='//",
        "url(http",
        "url(//",
        "@import",
    ]
    .iter()
    .any(|bad| lower.contains(bad))
}

/// Writes the image under `media_dir/products/` with a random name and returns its URL.
pub async fn store_product_image(
    media_dir: &Path,
    bytes: &[u8],
    kind: ImageKind,
) -> anyhow::Result<String> {
    use anyhow::Context;
    let folder = media_dir.join("products");
    tokio::fs::create_dir_all(&folder)
        .await
        .with_context(|| format!("creating {}", folder.display()))?;
    let (token, _) = crate::accounts::token::new_token();
    let file = format!("{}.{}", &token[..32], kind.extension());
    let path = folder.join(&file);
    tokio::fs::write(&path, bytes)
        .await
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(format!("/media/uploads/products/{file}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(
            identify_image(b"\x89PNG\r\n\x1a\n....").unwrap(),
            ImageKind::Png
        );
        assert_eq!(
            identify_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).unwrap(),
            ImageKind::Jpeg
        );
        assert_eq!(
            identify_image(b"RIFF\x10\0\0\0WEBPVP8 ").unwrap(),
            ImageKind::Webp
        );
        assert_eq!(
            identify_image(
                br#"<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>"#
            )
            .unwrap(),
            ImageKind::Svg
        );
        assert!(identify_image(b"GIF89a").is_err());
        assert!(identify_image(b"<html><script>alert(1)</script>").is_err());
    }

    #[test]
    fn svgs_that_can_run_or_fetch_are_refused() {
        for bad in [
            r#"<svg><script>alert(1)</script></svg>"#,
            r#"<svg onload="alert(1)"></svg>"#,
            r#"<svg><a href="javascript:alert(1)">x</a></svg>"#,
            r#"<svg><image href="https://evil.example/x.png"/></svg>"#,
            r#"<svg><foreignObject><iframe/></foreignObject></svg>"#,
            r#"<svg><style>@import url(//evil.example/a.css)</style></svg>"#,
        ] {
            assert!(identify_image(bad.as_bytes()).is_err(), "{bad}");
        }
        // Words that merely contain "on" are fine.
        assert!(identify_image(br#"<svg><text font-family="mono">polygon</text></svg>"#).is_ok());
    }

    #[test]
    fn oversized_images_are_refused_with_a_size_message() {
        let big = vec![0u8; MAX_IMAGE_BYTES + 1];
        assert!(identify_image(&big)
            .unwrap_err()
            .to_string()
            .contains("5 MB"));
    }
}
