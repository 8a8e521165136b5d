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
    let dir = root.join(name);
    if dir.is_dir() {
        files(&dir, &mut paths);
    } else {
        paths.push(root.join(format!("{name}.rs")));
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
    let rules: [(&str, &[&str]); 9] = [
        ("domain", &[]),
        ("db", &[]),
        ("clock", &[]),
        ("net", &[]),
        ("i18n", &["domain"]),
        ("import", &["domain"]),
        ("pdf", &["domain"]),
        ("config", &["domain", "net"]),
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
