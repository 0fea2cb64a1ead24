//! Compresses the built assets once, after `cargo leptos build`, so the server's `/pkg`
//! hands out `file.br` / `file.gz` as they are (tower-http's `ServeDir` picks them by the
//! request's `Accept-Encoding`) instead of compressing the same bytes on every request.
//! A release build gets the best (slowest) levels; a debug build quick ones.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

pub fn precompress_pkg(root: &Path, release: bool) -> Result<()> {
    let dir = root.join("target/site/pkg");
    let (brotli_quality, gzip_level) = if release { (11, 9) } else { (5, 6) };
    let mut done = 0;
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let Some(ext) = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if !matches!(ext.as_str(), "js" | "wasm" | "css") {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: brotli_quality,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut bytes.as_slice(), &mut br, &params)?;
        std::fs::write(path.with_extension(format!("{ext}.br")), &br)?;
        let mut gz =
            flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(gzip_level));
        gz.write_all(&bytes)?;
        std::fs::write(path.with_extension(format!("{ext}.gz")), gz.finish()?)?;
        println!(
            "precompressed {}: {} → {} bytes (brotli)",
            path.file_name().unwrap_or_default().to_string_lossy(),
            bytes.len(),
            br.len()
        );
        done += 1;
    }
    if done == 0 {
        anyhow::bail!("no assets to precompress in {}", dir.display());
    }
    Ok(())
}
