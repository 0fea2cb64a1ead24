//! Compression of responses that are not kept already compressed (static files, pages of
//! a signed-in visitor, JSON). A streaming encoder lives as long as its response is being
//! sent and holds its window and hash tables all that time: 64 visitors of a 100 KB file
//! meant 64 brotli encoders at once and 60 MB more resident memory, for no more
//! throughput than two cores give. So a body of known, modest size is compressed in one
//! piece, by at most as many encoders as the machine has cores, with a window sized to
//! the body; the encoder is gone before the first byte is sent. Larger or unending bodies
//! (an export, an event stream) are left to tower-http's streaming layer around this one.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;
use std::io::Write;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Bodies up to this size are compressed whole; larger ones stream.
const WHOLE_BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Below this, compression costs more than it saves.
const MIN_COMPRESSIBLE: usize = 256;
/// The brotli quality for responses compressed as they are served: quick, a little less
/// tight than the kept pages' 5.
const ON_THE_FLY_QUALITY: u32 = 4;

/// How many bodies may be compressed at once.
pub fn encoders() -> Arc<Semaphore> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    Arc::new(Semaphore::new(cores))
}

/// brotli when the browser takes it, else gzip, else none (`q=0` refuses).
pub fn preferred_encoding(request: &HeaderMap) -> Option<&'static str> {
    let accepted: Vec<String> = request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';');
            let name = parts.next()?.trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (!refused).then_some(name)
        })
        .collect();
    ["br", "gzip"]
        .into_iter()
        .find(|encoding| accepted.iter().any(|a| a == encoding))
}

/// `bytes` in brotli at `quality`, with the smallest window that holds them (brotli's
/// window is 2^10 to 2^24 bytes; a bigger one than the input only costs memory).
pub fn brotli(bytes: &[u8], quality: u32) -> Vec<u8> {
    let window = (usize::BITS - bytes.len().max(1).leading_zeros()).clamp(10, 22);
    let mut out = Vec::with_capacity(bytes.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, window);
        let _ = writer.write_all(bytes);
    }
    out
}

/// `bytes` in gzip at `level`.
pub fn gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(level),
    );
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Text worth compressing (images, fonts and archives are compressed already; an event
/// stream must flow as it is written).
fn is_compressible(headers: &HeaderMap) -> bool {
    let Some(kind) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let kind = kind.split(';').next().unwrap_or("").trim();
    kind.starts_with("text/") && kind != "text/event-stream"
        || matches!(
            kind,
            "application/json"
                | "application/javascript"
                | "application/xml"
                | "application/ld+json"
                | "application/manifest+json"
                | "image/svg+xml"
        )
}

/// The middleware: compresses a whole body when it is small enough, else passes it on
/// unchanged (to the streaming layer).
pub async fn compress_whole_bodies(
    State(encoders): State<Arc<Semaphore>>,
    request: Request,
    next: Next,
) -> Response {
    let encoding = match *request.method() {
        Method::HEAD => None,
        _ => preferred_encoding(request.headers()),
    };
    let response = next.run(request).await;
    let Some(encoding) = encoding else {
        return response;
    };
    let headers = response.headers();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if response.status() != StatusCode::OK
        || headers.contains_key(header::CONTENT_ENCODING)
        || headers.contains_key(header::CONTENT_RANGE)
        || !is_compressible(headers)
        || declared.is_some_and(|n| !(MIN_COMPRESSIBLE..=WHOLE_BODY_LIMIT).contains(&n))
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Read up to the limit; a body that turns out longer goes on streaming, read part
    // first, so nothing is lost.
    let mut stream = body.into_data_stream();
    let mut read: Vec<Bytes> = Vec::new();
    let mut length = 0;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => {
                length += chunk.len();
                read.push(chunk);
                if length > WHOLE_BODY_LIMIT {
                    let rest = futures::stream::iter(read.into_iter().map(Ok)).chain(stream);
                    return Response::from_parts(parts, Body::from_stream(rest));
                }
            }
            Err(error) => {
                // The handler failed mid-body: end the response as the stream would have.
                let failed = futures::stream::iter(
                    read.into_iter().map(Ok).chain(std::iter::once(Err(error))),
                );
                return Response::from_parts(parts, Body::from_stream(failed));
            }
        }
    }
    let whole: Bytes = match read.len() {
        1 => read.pop().unwrap_or_default(),
        _ => read.concat().into(),
    };
    if whole.len() < MIN_COMPRESSIBLE {
        return Response::from_parts(parts, Body::from(whole));
    }
    let compressed = {
        let Ok(_permit) = encoders.acquire().await else {
            return Response::from_parts(parts, Body::from(whole));
        };
        let input = whole.clone();
        match tokio::task::spawn_blocking(move || match encoding {
            "br" => brotli(&input, ON_THE_FLY_QUALITY),
            _ => gzip(&input, 6),
        })
        .await
        {
            Ok(compressed) => compressed,
            Err(_) => return Response::from_parts(parts, Body::from(whole)),
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ACCEPT_RANGES);
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    Response::from_parts(parts, Body::from(compressed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_follow_accept_encoding() {
        let mut headers = HeaderMap::new();
        assert_eq!(preferred_encoding(&headers), None);
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate, br"),
        );
        assert_eq!(preferred_encoding(&headers), Some("br"));
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("br;q=0, gzip"),
        );
        assert_eq!(preferred_encoding(&headers), Some("gzip"));
    }

    #[test]
    fn brotli_with_a_small_window_round_trips() {
        for size in [0usize, 1, 300, 70_000, 3_000_000] {
            let text: Vec<u8> = (0..size).map(|i| b"storefront "[i % 11]).collect();
            let packed = brotli(&text, ON_THE_FLY_QUALITY);
            let mut unpacked = Vec::new();
            brotli::BrotliDecompress(&mut &packed[..], &mut unpacked).unwrap();
            assert_eq!(unpacked, text, "{size} bytes");
        }
    }

    #[test]
    fn only_text_is_compressed() {
        let with = |kind: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            is_compressible(&headers)
        };
        assert!(with("text/html; charset=utf-8"));
        assert!(with("application/json"));
        assert!(with("image/svg+xml"));
        assert!(!with("text/event-stream"));
        assert!(!with("image/webp"));
        assert!(!with("application/wasm"));
    }
}
