//! The file names of this build's stylesheet, JavaScript and WASM. cargo-leptos names them
//! by content hash and lists the hashes in `hash.txt` beside the binary; the server reads
//! that list once at start-up (to inline the stylesheet and to check the files are there)
//! and every page's loader names the same files, without touching the disk per render.

use leptos::config::LeptosOptions;
use std::sync::OnceLock;

/// The three files a page needs, as names inside the site's `pkg` directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildAssets {
    pub css: String,
    pub js: String,
    pub wasm: String,
}

impl BuildAssets {
    /// From cargo-leptos's hash file ("js: <hash>" per line): `storefront.<hash>.js` and
    /// so on. A kind the file does not name keeps its unhashed name.
    pub fn from_hash_file(output_name: &str, text: &str) -> Self {
        let mut assets = Self::unhashed(output_name, true);
        for (kind, hash) in text.lines().filter_map(|line| line.split_once(':')) {
            let hashed = |ext: &str| format!("{output_name}.{}.{ext}", hash.trim());
            match kind.trim() {
                "css" => assets.css = hashed("css"),
                "js" => assets.js = hashed("js"),
                "wasm" => assets.wasm = hashed("wasm"),
                _ => {}
            }
        }
        assets
    }

    /// A build without hashing. wasm-bindgen calls the WASM `<name>_bg.wasm` unless the
    /// build named its output (`LEPTOS_OUTPUT_NAME`), as Leptos itself resolves it.
    pub fn unhashed(output_name: &str, named_output: bool) -> Self {
        let wasm_stem = if named_output {
            output_name.to_string()
        } else {
            format!("{output_name}_bg")
        };
        Self {
            css: format!("{output_name}.css"),
            js: format!("{output_name}.js"),
            wasm: format!("{wasm_stem}.wasm"),
        }
    }

    /// The hash file beside the running binary, when this build hashes its files.
    pub fn hash_file_path(options: &LeptosOptions) -> Option<std::path::PathBuf> {
        let exe = std::env::current_exe().ok()?;
        Some(exe.parent()?.join(options.hash_file.as_ref()))
    }

    /// Reads what `options` describe: the hash file when names are hashed (an unreadable
    /// file leaves the unhashed names, which the server's start-up check then refuses).
    pub fn read(options: &LeptosOptions) -> Self {
        let name = options.output_name.as_ref();
        if !options.hash_files {
            return Self::unhashed(name, option_env!("LEPTOS_OUTPUT_NAME").is_some());
        }
        let text = Self::hash_file_path(options)
            .and_then(|file| std::fs::read_to_string(file).ok())
            .unwrap_or_default();
        Self::from_hash_file(name, &text)
    }

    /// This build's names, read on first use and kept for the life of the process.
    pub fn current(options: &LeptosOptions) -> &'static Self {
        static ASSETS: OnceLock<BuildAssets> = OnceLock::new();
        ASSETS.get_or_init(|| Self::read(options))
    }
}

#[cfg(test)]
mod tests {
    use super::BuildAssets;

    #[test]
    fn the_hash_file_names_each_kind() {
        let assets = BuildAssets::from_hash_file("storefront", "js: AAAA\ncss: BBBB\nwasm: CCCC\n");
        assert_eq!(assets.js, "storefront.AAAA.js");
        assert_eq!(assets.css, "storefront.BBBB.css");
        assert_eq!(assets.wasm, "storefront.CCCC.wasm");
    }

    #[test]
    fn unnamed_builds_call_the_wasm_bg() {
        assert_eq!(
            BuildAssets::unhashed("storefront", false).wasm,
            "storefront_bg.wasm"
        );
        assert_eq!(
            BuildAssets::unhashed("storefront", true).wasm,
            "storefront.wasm"
        );
    }
}
