//! Gives the program a digest of the source it is built from
//! (`CROSSCHECK_SOURCE_DIGEST`): every file under `src/`, `templates/` and
//! `i18n/`, and `Cargo.lock`. A page's key (`render::Renderer::page_key`)
//! starts from it, so a crosscheck built from other code never keeps a
//! page rendered by this one, while the same source built anywhere gives
//! the same keys (the example site's manifest is committed).

use std::hash::Hasher;
use std::path::{Path, PathBuf};

fn main() {
    let mut files = Vec::new();
    for dir in ["src", "templates", "i18n"] {
        println!("cargo:rerun-if-changed={dir}");
        collect(Path::new(dir), &mut files);
    }
    println!("cargo:rerun-if-changed=Cargo.lock");
    files.push(PathBuf::from("Cargo.lock"));
    files.sort();
    // SipHash with fixed keys: the same on every machine for one compiler.
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    for file in &files {
        let name = file.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(file).unwrap_or_default();
        h.write_u64(name.len() as u64);
        h.write(name.as_bytes());
        h.write_u64(bytes.len() as u64);
        h.write(&bytes);
    }
    println!(
        "cargo:rustc-env=CROSSCHECK_SOURCE_DIGEST={:016x}",
        h.finish()
    );
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
