//! The script that brings the islands to life. Leptos's own (`HydrationScripts`) preloads
//! the JavaScript and the WASM at high priority from the head, and starts them when the
//! browser is first idle: on a phone's slow connection those 140 KB share the line with the
//! page's first paint. Here nothing is fetched before the page has loaded (the `load`
//! event, then an idle moment); the page works meanwhile, as it does without JavaScript.
//! The islands are then hydrated as Leptos's script does: each `<leptos-island>` by its
//! component's export, nested islands after their parent.

use super::build_assets::BuildAssets;
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
    import(`/${pkg}/${js}`).then(async (mod) => {
      await mod.default({ module_or_path: `/${pkg}/${wasm}` });
      mod.hydrate();
      window.__hydrateIsland = (el, id) => hydrateIsland(el, id, mod);
      await walk(document.body, mod);
    });
  }
  const idle = () => ("requestIdleCallback" in window ? requestIdleCallback(start, { timeout: 2000 }) : setTimeout(start, 1));
  if (document.readyState === "complete") idle(); else addEventListener("load", idle, { once: true });
})"#;

/// The islands' loader, in place of Leptos's `HydrationScripts` (islands mode).
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // As Leptos's islands mode does: the server render emits hydration markers only
    // inside islands.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let assets = BuildAssets::current(&options);
    let (js, wasm) = (&assets.js, &assets.wasm);
    let nonce = leptos::nonce::use_nonce();
    let pkg = options.site_pkg_dir.to_string();
    view! {
        <script type="module" nonce=nonce>
            {format!("{LOADER}({pkg:?}, {js:?}, {wasm:?});")}
        </script>
    }
}
