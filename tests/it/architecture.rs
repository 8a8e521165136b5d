//! The architecture invariants of `docs/architecture.md`, checked from the source so
//! the document stays true: which layer may name which, and where actix and diesel live.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source of a layer (a folder or one file under `src/`), tests modules included.
fn layer(name: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    // A layer is a folder, a file, or a file with its submodules in a folder beside it.
    let dir = root.join(name);
    if dir.is_dir() {
        files(&dir, &mut paths);
    }
    let file = root.join(format!("{name}.rs"));
    if file.is_file() {
        paths.push(file);
    }
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read source");
            (p, text)
        })
        .collect()
}

/// The crate modules a layer names (`crate::x`), other than itself.
fn names(name: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, text) in layer(name) {
        for part in text.split("crate::").skip(1) {
            let module: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::exists!` is a macro exported at the root, not a module.
            if !module.is_empty() && module != name && module != "exists" {
                out.insert(module);
            }
        }
    }
    out
}

#[test]
fn each_layer_names_only_the_layers_below_it() {
    let rules: [(&str, &[&str]); 12] = [
        ("domain", &[]),
        // The database layer stores the domain's id types (db/ids.rs).
        ("db", &["domain"]),
        ("clock", &[]),
        ("net", &[]),
        ("i18n", &["domain"]),
        ("import", &["domain"]),
        ("pdf", &["domain"]),
        ("config", &["domain", "net"]),
        // The SMTP adapter: the settings, and the domain's mail types.
        ("mailer", &["config", "domain"]),
        // The HTTP adapter of webhooks: the domain's request and answer.
        ("webhook_client", &["domain"]),
        // Word export: the sheets' input and date forms; the importer in its round-trip test.
        ("word", &["domain", "pdf", "import"]),
        (
            "services",
            &["clock", "config", "db", "domain", "i18n", "import", "net", "pdf"],
        ),
    ];
    let mut wrong = Vec::new();
    for (name, allowed) in rules {
        for used in names(name) {
            if !allowed.contains(&used.as_str()) {
                wrong.push(format!("{name} names {used}"));
            }
        }
    }
    // The web layer may use everything but the command line.
    if names("web").contains("cli") {
        wrong.push("web names cli".into());
    }
    assert!(wrong.is_empty(), "layers pointing the wrong way: {wrong:?}");
}

#[test]
fn the_domain_and_the_readers_know_neither_actix_nor_diesel() {
    for name in ["domain", "import", "pdf", "clock", "net", "i18n"] {
        for (path, text) in layer(name) {
            for framework in ["actix", "diesel"] {
                assert!(
                    !text.contains(&format!("{framework}_")) && !text.contains(&format!("{framework}::")),
                    "{} names {framework}",
                    path.display()
                );
            }
        }
    }
}

/// The modules of `dir` (its `.rs` files and folders, `mod.rs` aside).
fn modules(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .expect("source dir")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_stem()?.to_str()?.to_string();
            (name != "mod" && name != "lib" && name != "main" && (path.is_dir() || path.extension()? == "rs"))
                .then_some(name)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The sibling modules a source text names through `prefix` (`super::` or
/// `crate::services::`), brace groups included.
fn siblings_named(text: &str, prefix: &str, siblings: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for part in text.split(prefix).skip(1) {
        let names: Vec<&str> = match part.strip_prefix('{') {
            Some(group) => group
                .split('}')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|n| {
                    let n = n.trim();
                    &n[..n
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(n.len())]
                })
                .collect(),
            None => vec![part
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("")],
        };
        out.extend(
            names
                .into_iter()
                .filter(|n| siblings.iter().any(|s| s == n))
                .map(str::to_string),
        );
    }
    out
}

/// A cycle in a module graph, if there is one, as the path that closes it.
fn cycle(graph: &std::collections::BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut c = path[at..].to_vec();
            c.push(node.to_string());
            return Some(c);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|k| visit(k, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_circle_between_the_use_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/services");
    let services = modules(&dir);
    let mut graph = std::collections::BTreeMap::new();
    for name in &services {
        // A service is `name.rs` or, split in parts, `name/mod.rs` (whose `super::` is the services).
        let file = dir.join(format!("{name}.rs"));
        let file = if file.exists() {
            file
        } else {
            dir.join(name).join("mod.rs")
        };
        let text = std::fs::read_to_string(file).expect("read service");
        let mut uses = siblings_named(&text, "super::", &services);
        uses.extend(siblings_named(&text, "crate::services::", &services));
        uses.remove(name);
        graph.insert(name.clone(), uses);
    }
    assert!(graph.len() > 20, "the service modules were not found");
    assert_eq!(cycle(&graph), None, "services import each other in a circle");
}

#[test]
fn no_circle_between_the_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layers = modules(&root);
    let graph = layers
        .iter()
        .map(|l| (l.clone(), names(l).into_iter().filter(|n| layers.contains(n)).collect()))
        .collect();
    assert_eq!(cycle(&graph), None, "top-level modules name each other in a circle");
}

#[test]
fn the_web_layer_names_no_table_and_opens_no_transaction() {
    for (path, text) in layer("web") {
        for word in ["db::schema::", "diesel"] {
            assert!(!text.contains(word), "{} names {word}", path.display());
        }
    }
}

#[test]
fn no_untyped_rows_in_the_use_cases() {
    for (path, text) in layer("services") {
        for line in text.lines() {
            let t = line.trim_start();
            assert!(
                !(t.starts_with("type ") && t.contains("Row") && t.contains('(')),
                "{}: a row as a tuple: {t}",
                path.display()
            );
        }
    }
}
