//! The script that brings the islands to life. Leptos's own (`HydrationScripts`) preloads
//! the JavaScript and the WASM at high priority from the head, and starts them when the
//! browser is first idle: on a phone's slow connection those 140 KB share the line with the
//! page's first paint. Here nothing is fetched before the page has loaded (the `load`
//! event, then an idle moment); the page works meanwhile, as it does without JavaScript.
//! The islands are then hydrated as Leptos's script does: each `<leptos-island>` by its
//! component's export, nested islands after their parent.

use leptos::config::LeptosOptions;
use leptos::prelude::*;

const LOADER: &str = r#"((pkg, js, wasm) => {
  const pending = [];
  async function hydrateIsland(el, id, mod) {
    const island = mod[id];
    if (!island) { console.warn(`no WASM export for the island ${id}`); return; }
    const children = pending[pending.length - 1];
    if (children) children();
    const done = island(el);
    if (done && done.then) await done;
  }
  async function walk(node, mod) {
    for (const child of node.children) {
      const tag = child.tagName.toLowerCase();
      if (tag === "leptos-island") {
        await hydrateIsland(child, child.dataset.component || null, mod);
        await walk(child, mod);
      } else if (tag === "leptos-children") {
        pending.push(child.$$on_hydrate);
        await walk(child, mod);
        pending.pop();
      } else {
        await walk(child, mod);
      }
    }
  }
  function start() {
    import(`/${pkg}/${js}.js`).then(async (mod) => {
      await mod.default({ module_or_path: `/${pkg}/${wasm}.wasm` });
      mod.hydrate();
      window.__hydrateIsland = (el, id) => hydrateIsland(el, id, mod);
      await walk(document.body, mod);
    });
  }
  const idle = () => ("requestIdleCallback" in window ? requestIdleCallback(start, { timeout: 2000 }) : setTimeout(start, 1));
  if (document.readyState === "complete") idle(); else addEventListener("load", idle, { once: true });
})"#;

/// The JS and WASM file names of this build: `storefront.<hash>` as cargo-leptos's hash
/// file beside the binary names them, else `storefront` (and `storefront_bg` for the WASM
/// when the build did not name its output), as Leptos itself resolves them.
fn bundle_names(options: &LeptosOptions) -> (String, String) {
    let mut js = options.output_name.to_string();
    let mut wasm = options.output_name.to_string();
    if options.hash_files {
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .and_then(|file| std::fs::read_to_string(file).ok())
            .unwrap_or_default();
        for (kind, hash) in hashes.lines().filter_map(|line| line.split_once(':')) {
            match kind.trim() {
                "js" => js.push_str(&format!(".{}", hash.trim())),
                "wasm" => wasm.push_str(&format!(".{}", hash.trim())),
                _ => {}
            }
        }
    } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
        wasm.push_str("_bg");
    }
    (js, wasm)
}

/// The islands' loader, in place of Leptos's `HydrationScripts` (islands mode).
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // As Leptos's islands mode does: the server render emits hydration markers only
    // inside islands.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let (js, wasm) = bundle_names(&options);
    let nonce = leptos::nonce::use_nonce();
    let pkg = options.site_pkg_dir.to_string();
    view! {
        <script type="module" nonce=nonce>
            {format!("{LOADER}({pkg:?}, {js:?}, {wasm:?});")}
        </script>
    }
}
