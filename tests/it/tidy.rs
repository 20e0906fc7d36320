//! The layers of `src/`, checked (as rust-analyzer's tidy tests check its
//! tree): a module never uses one of a higher layer, and no two modules
//! use each other, at the top level or among the site's parts.
//! ARCHITECTURE.md lists the same layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first: a module may use its own layer and those
/// below.
const LAYERS: &[&[&str]] = &[
    &["model"],
    &[
        "parse",
        "formats",
        "paging",
        "markdown",
        "search",
        "thread",
        "cut",
        "thumbnail",
        "store",
    ],
    &["load"],
    &["site"],
    &["web", "export"],
    &["watch"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The module a file belongs to at `depth` (0: `src/site/pages/x.rs` is
/// `site`; 1: `pages`), or `None` for the crate's root files.
fn module_of(path: &str, depth: usize) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    let part = parts.get(depth)?;
    let name = part.trim_end_matches(".rs");
    let root = parts.len() == 1 && (name == "lib" || name == "main");
    (!root && (parts.len() > depth + 1 || name != "mod")).then(|| name.to_owned())
}

/// Each `crate::a::b` a file uses, outside comments and its unit tests
/// (which may use any module to make their input).
fn uses(content: &str) -> Vec<Vec<String>> {
    let code = content
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    let mut found = Vec::new();
    for line in code.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let path: String = rest[at + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            found.push(
                path.split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            );
            rest = &rest[at + 7..];
        }
    }
    found
}

/// Pairs of modules that use each other within one graph.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (a, targets) in graph {
        for b in targets {
            if a < b && graph.get(b).is_some_and(|back| back.contains(a)) {
                out.push(format!("{a} and {b} use each other"));
            }
        }
    }
    out
}

/// What is wrong with the layering of `files` (paths relative to `src/`,
/// and contents).
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut site: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, content) in files {
        let Some(module) = module_of(path, 0) else {
            continue;
        };
        let Some(own) = rank(&module) else {
            problems.push(format!(
                "{path}: {module} is in no layer (add it to LAYERS)"
            ));
            continue;
        };
        for used in uses(content) {
            let Some(target) = used.first() else { continue };
            match rank(target) {
                Some(theirs) if theirs > own => problems.push(format!(
                    "{path}: {module} uses crate::{} of a higher layer",
                    used.join("::")
                )),
                Some(_) if *target != module => {
                    top.entry(module.clone())
                        .or_default()
                        .insert(target.clone());
                }
                Some(_) if module == "site" => {
                    let (Some(part), Some(theirs)) = (module_of(path, 1), used.get(1)) else {
                        continue;
                    };
                    if part != *theirs {
                        site.entry(part).or_default().insert(theirs.clone());
                    }
                }
                _ => {}
            }
        }
        if module == "site" {
            let Some(part) = module_of(path, 1) else {
                continue;
            };
            for line in content.lines().filter(|l| l.starts_with("use super::")) {
                let theirs: String = line["use super::".len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                // `super` of a page is `pages`, of the others `site`.
                if !path.starts_with("site/pages/") && theirs != part && !theirs.is_empty() {
                    site.entry(part.clone()).or_default().insert(theirs);
                }
            }
        }
    }
    problems.extend(cycles(&top));
    problems.extend(cycles(&site));
    problems
}

fn sources(dir: &Path, prefix: &str, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let relative = format!("{prefix}{name}");
        if path.is_dir() {
            sources(&path, &format!("{relative}/"), out);
        } else if name.ends_with(".rs") {
            out.push((relative, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn no_module_uses_a_higher_layer_or_one_that_uses_it_back() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        "",
        &mut files,
    );
    assert!(files.len() > 30, "{} files read", files.len());
    let problems = violations(&files);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_check_finds_an_upward_use_and_a_cycle() {
    let file = |path: &str, content: &str| (path.to_owned(), content.to_owned());
    let upward = [file("model.rs", "use crate::web::AppState;\n")];
    assert_eq!(
        violations(&upward),
        ["model.rs: model uses crate::web::AppState of a higher layer"]
    );
    let in_a_comment = [file("model.rs", "/// See [`crate::web::AppState`].\n")];
    assert!(violations(&in_a_comment).is_empty());
    let cycle = [
        file("parse.rs", "use crate::thread::SortOrder;\n"),
        file("thread.rs", "fn f() { crate::parse::parse(\"\", \"\"); }\n"),
    ];
    assert_eq!(violations(&cycle), ["parse and thread use each other"]);
    let site_cycle = [
        file("site/view.rs", "use super::derived::PagedOrder;\n"),
        file("site/derived.rs", "use crate::site::view::visible;\n"),
    ];
    assert_eq!(violations(&site_cycle), ["derived and view use each other"]);
    let tested = [file(
        "model.rs",
        "fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::parse::parse;\n}\n",
    )];
    assert!(violations(&tested).is_empty());
    let unknown = [file("new.rs", "")];
    assert_eq!(violations(&unknown).len(), 1);
}
