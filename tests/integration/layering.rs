//! Dependencies point one way (README, "Architecture"): a module of `app/src` may use
//! modules of its own layer or below, never above. A plain source scan of every
//! `crate::…` path. The upward uses that still exist are listed in `KNOWN_UPWARD` with why;
//! a new one fails this test, and so does a listed one that has gone (keep the list true).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Lowest first. `staff_frame` is the part of `admin/` every feature's staff room uses
/// (guard, audit, frame, upload checks, the Markdown editor); the rest of `admin/` (the
/// dashboard, staff, outbox and audit pages) is the shell on top.
const ORDER: &[&str] = &[
    "kernel",
    "ui",
    "cards",
    "staff_frame",
    "journey",
    "catalog",
    "content",
    "discounts",
    "cart",
    "quotes",
    "checkout",
    "tickets",
    "analytics",
    "accounts",
    "admin",
];

const KERNEL: &[&str] = &[
    "db",
    "error",
    "money",
    "time",
    "html",
    "forms",
    "security",
    "seo",
    "markdown",
    "email",
    "request",
    "token",
    "slug",
    "signature",
];
const STAFF_FRAME: &[&str] = &["guard", "audit", "frame", "media", "islands"];

/// (file, what it uses above itself): upward uses left as they are, each with its reason.
/// None today; an entry needs a reason a reviewer accepts.
const KNOWN_UPWARD: &[(&str, &str)] = &[];

fn layer_of_file(relative: &str) -> Option<&'static str> {
    let mut parts = relative.split('/');
    let top = parts.next()?.trim_end_matches(".rs");
    if top == "admin" {
        let file = parts.next()?.trim_end_matches(".rs");
        return Some(if STAFF_FRAME.contains(&file) {
            "staff_frame"
        } else {
            "admin"
        });
    }
    layer_of_path(&[top])
}

fn layer_of_path(segments: &[&str]) -> Option<&'static str> {
    let top = *segments.first()?;
    if top == "admin" {
        let second = segments.get(1).copied().unwrap_or("");
        return Some(if STAFF_FRAME.contains(&second) {
            "staff_frame"
        } else {
            "admin"
        });
    }
    if KERNEL.contains(&top) {
        return Some("kernel");
    }
    ORDER.iter().copied().find(|layer| *layer == top)
}

/// The first one or two segments of every `crate::a::b` and `crate::{a::b, c}` path.
fn crate_paths(source: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> Vec<String> {
        s.split("::")
            .take(2)
            .map(|seg| {
                seg.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|seg| !seg.is_empty())
            .collect()
    };
    let mut found = Vec::new();
    for (i, _) in source.match_indices("crate::") {
        let rest = &source[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let path = ident(item.trim().trim_start_matches('{'));
                if !path.is_empty() {
                    found.push(path);
                }
            }
        } else {
            let path = ident(rest);
            if !path.is_empty() {
                found.push(path);
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn modules_use_only_their_layer_or_below() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut upward = BTreeSet::new();
    for file in files {
        let relative = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // The route table and the crate root name every page; they sit above everything.
        if relative == "app.rs" || relative == "lib.rs" {
            continue;
        }
        let Some(mine) = layer_of_file(&relative) else {
            continue;
        };
        let source = std::fs::read_to_string(&file).unwrap();
        for path in crate_paths(&source) {
            let segments: Vec<&str> = path.iter().map(String::as_str).collect();
            let Some(theirs) = layer_of_path(&segments) else {
                continue;
            };
            let position = |layer| ORDER.iter().position(|l| *l == layer).unwrap();
            if position(theirs) > position(mine) {
                let used = if theirs == "staff_frame" {
                    segments.join("::")
                } else {
                    segments[0].to_string()
                };
                upward.insert((relative.clone(), used));
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN_UPWARD
        .iter()
        .map(|(file, used)| (file.to_string(), used.to_string()))
        .collect();
    let new: Vec<_> = upward.difference(&known).collect();
    let gone: Vec<_> = known.difference(&upward).collect();
    assert!(
        new.is_empty(),
        "modules that now use a layer above their own (move the shared piece down, or \
         let the higher feature react instead): {new:?}"
    );
    assert!(
        gone.is_empty(),
        "these upward uses are gone; take them off KNOWN_UPWARD: {gone:?}"
    );
}

#[test]
fn the_scan_sees_grouped_and_plain_paths() {
    let paths =
        crate_paths("use crate::{db::Db, cart::owner_of};\nlet x = crate::tickets::repo::f();");
    assert_eq!(
        paths,
        vec![
            vec!["db".to_string(), "Db".to_string()],
            vec!["cart".to_string(), "owner_of".to_string()],
            vec!["tickets".to_string(), "repo".to_string()],
        ]
    );
}
