//! Uploads (product pictures, content covers, infographics and downloads): the file's bytes
//! (never its name or declared type) decide what it is. PNG, JPEG and WebP are accepted as
//! they are, SVG only when it contains nothing that can run or fetch (and it is served under
//! a sandboxing CSP besides); PDF and EPUB are the two download formats.

use crate::error::AppError;
use crate::forms::{show_error, PageContext};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::request::Parts;
use axum::response::Response;
use std::collections::HashMap;
use std::path::Path;

/// Largest accepted image (5 MiB).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Largest accepted download (white paper or e-book): 20 MiB.
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Png,
    Jpeg,
    Webp,
    Svg,
    Pdf,
    Epub,
}

impl FileKind {
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
            FileKind::Webp => "webp",
            FileKind::Svg => "svg",
            FileKind::Pdf => "pdf",
            FileKind::Epub => "epub",
        }
    }

    pub fn from_extension(ext: &str) -> Option<FileKind> {
        match ext {
            "png" => Some(FileKind::Png),
            "jpg" => Some(FileKind::Jpeg),
            "webp" => Some(FileKind::Webp),
            "svg" => Some(FileKind::Svg),
            "pdf" => Some(FileKind::Pdf),
            "epub" => Some(FileKind::Epub),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
            FileKind::Svg => "image/svg+xml",
            FileKind::Pdf => "application/pdf",
            FileKind::Epub => "application/epub+zip",
        }
    }

    /// Downloads are saved, not shown inside our pages.
    pub fn is_document(self) -> bool {
        matches!(self, FileKind::Pdf | FileKind::Epub)
    }
}

/// Where an upload belongs; each is a folder under the media directory and a URL prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadFolder {
    Products,
    Content,
}

impl UploadFolder {
    pub fn name(self) -> &'static str {
        match self {
            UploadFolder::Products => "products",
            UploadFolder::Content => "content",
        }
    }

    pub fn parse(name: &str) -> Option<UploadFolder> {
        match name {
            "products" => Some(UploadFolder::Products),
            "content" => Some(UploadFolder::Content),
            _ => None,
        }
    }
}

/// What the bytes are, or a message a person can act on, reported at `field`.
pub fn identify_image(field: &str, bytes: &[u8]) -> Result<FileKind, AppError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(AppError::invalid(
            field,
            "That image is larger than 5 MB. Please resize or compress it.",
        ));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(FileKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(FileKind::Jpeg);
    }
    if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(FileKind::Webp);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let lower = text.to_ascii_lowercase();
        if lower.contains("<svg") {
            return check_svg(&lower)
                .map(|()| FileKind::Svg)
                .map_err(|message| AppError::invalid(field, message));
        }
    }
    Err(AppError::invalid(
        field,
        "Upload a PNG, JPEG, WebP or SVG image.",
    ))
}

/// A white paper or e-book download: PDF or EPUB, by their signatures.
pub fn identify_document(field: &str, bytes: &[u8]) -> Result<FileKind, AppError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::invalid(
            field,
            "That file is larger than 20 MB. Compress it, or host it elsewhere and enter its https:// address.",
        ));
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(FileKind::Pdf);
    }
    // An EPUB is a ZIP whose first entry is the uncompressed file "mimetype".
    if bytes.starts_with(b"PK\x03\x04")
        && bytes.get(30..58) == Some(b"mimetypeapplication/epub+zip")
    {
        return Ok(FileKind::Epub);
    }
    Err(AppError::invalid(
        field,
        "Upload the download as a PDF or EPUB file.",
    ))
}

/// Refuses SVGs that could run script, embed other documents or fetch from elsewhere.
fn check_svg(lower: &str) -> Result<(), &'static str> {
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
        return Err(
            "That SVG contains scripts, event handlers or links to other files, which we don't accept. Export it as a plain drawing, or upload a PNG.",
        );
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

/// Writes the file under `media_dir/{folder}/` with a random name and returns its URL.
pub async fn store_upload(
    media_dir: &Path,
    folder: UploadFolder,
    bytes: &[u8],
    kind: FileKind,
) -> anyhow::Result<String> {
    use anyhow::Context;
    let folder_name = folder.name();
    let folder = media_dir.join(folder_name);
    tokio::fs::create_dir_all(&folder)
        .await
        .with_context(|| format!("creating {}", folder.display()))?;
    let file = format!("{}.{}", crate::token::new_id(), kind.extension());
    let path = folder.join(&file);
    tokio::fs::write(&path, bytes)
        .await
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(format!("/media/uploads/{folder_name}/{file}"))
}

pub type Fields = HashMap<String, String>;

/// The page for an error outside any form: 404/403 pages as the guard decided.
pub async fn refuse(ctx: &PageContext, parts: Parts, error: AppError) -> Response {
    show_error(ctx, parts, "", HashMap::new(), error).await
}

/// A form read from multipart: its text fields in order (a name may repeat) and the
/// non-empty files of the expected file fields.
pub struct UploadForm {
    pub pairs: Vec<(String, String)>,
    pub files: HashMap<String, Vec<u8>>,
}

impl UploadForm {
    pub fn fields(&self) -> Fields {
        self.pairs.iter().cloned().collect()
    }
}

/// Reads a multipart form; `too_large` is the message when a part exceeds the body limit.
pub async fn read_upload_form(
    parts: &Parts,
    body: axum::body::Body,
    file_fields: &[&str],
    too_large: (&str, &str),
) -> Result<UploadForm, AppError> {
    let request = Request::from_parts(parts.clone(), body);
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| AppError::bad_request("That form could not be read; please try again."))?;
    let mut form = UploadForm {
        pairs: Vec::new(),
        files: HashMap::new(),
    };
    let (size_field, size_message) = too_large;
    loop {
        let next = multipart.next_field().await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::invalid(size_field, size_message)
            } else {
                AppError::bad_request("The upload was interrupted; please try again.")
            }
        })?;
        let Some(part) = next else { break };
        let name = part.name().unwrap_or_default().to_string();
        let is_file = part.file_name().is_some();
        let bytes = part
            .bytes()
            .await
            .map_err(|_| AppError::invalid(size_field, size_message))?;
        if is_file && file_fields.contains(&name.as_str()) {
            if !bytes.is_empty() {
                form.files.insert(name, bytes.to_vec());
            }
        } else {
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| AppError::bad_request("The form contained text we could not read."))?;
            form.pairs.push((name, text));
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(
            identify_image("image", b"\x89PNG\r\n\x1a\n....").unwrap(),
            FileKind::Png
        );
        assert_eq!(
            identify_image("image", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).unwrap(),
            FileKind::Jpeg
        );
        assert_eq!(
            identify_image("image", b"RIFF\x10\0\0\0WEBPVP8 ").unwrap(),
            FileKind::Webp
        );
        assert_eq!(
            identify_image(
                "image",
                br#"<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>"#
            )
            .unwrap(),
            FileKind::Svg
        );
        assert!(identify_image("image", b"GIF89a").is_err());
        assert!(identify_image("image", b"<html><script>alert(1)</script>").is_err());
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
            assert!(identify_image("image", bad.as_bytes()).is_err(), "{bad}");
        }
        // Words that merely contain "on" are fine.
        assert!(identify_image(
            "image",
            br#"<svg><text font-family="mono">polygon</text></svg>"#
        )
        .is_ok());
    }

    #[test]
    fn downloads_are_pdf_or_epub_by_their_bytes() {
        assert_eq!(
            identify_document("media_file", b"%PDF-1.7\n...").unwrap(),
            FileKind::Pdf
        );
        let mut epub = b"PK\x03\x04".to_vec();
        epub.extend_from_slice(&[0; 26]);
        epub.extend_from_slice(b"mimetypeapplication/epub+zip");
        assert_eq!(
            identify_document("media_file", &epub).unwrap(),
            FileKind::Epub
        );
        let plain_zip = b"PK\x03\x04 some other archive";
        assert!(identify_document("media_file", plain_zip).is_err());
        assert!(identify_document("media_file", b"<html>").is_err());
        let big = vec![b'%'; MAX_DOCUMENT_BYTES + 1];
        assert!(identify_document("media_file", &big)
            .unwrap_err()
            .to_string()
            .contains("20 MB"));
    }

    #[test]
    fn oversized_images_are_refused_with_a_size_message() {
        let big = vec![0u8; MAX_IMAGE_BYTES + 1];
        assert!(identify_image("image", &big)
            .unwrap_err()
            .to_string()
            .contains("5 MB"));
    }
}
