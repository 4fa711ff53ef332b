//! Where the site goes, and whether it may be replaced: the output folder
//! resolved through links and `..` before anything is created, and the
//! rules that keep a build from replacing the project or a folder that is
//! not a site. Checked once, before any writing starts.

use std::io;
use std::path::{Path, PathBuf};

use super::{OutputError, io_err};

/// Where `out` really is, worked out before anything is created: made
/// absolute, the part that exists resolved through every symbolic link
/// (`canonicalize`), then the rest appended with `.` and `..` resolved
/// lexically (that part does not exist yet, so it holds no link). This is
/// the folder `create_dir_all` + rename would end up replacing:
/// `x/nothere/../precious` is `x/precious`.
pub(crate) fn resolve_target(out: &Path) -> io::Result<PathBuf> {
    use std::path::Component;
    let abs = std::path::absolute(out)?;
    let parts: Vec<Component<'_>> = abs.components().collect();
    let mut existing = parts.len();
    while existing > 0 {
        let prefix: PathBuf = parts[..existing].iter().collect();
        match std::fs::metadata(&prefix) {
            Ok(_) => break,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                // A link whose target is missing exists itself: the
                // rename would replace the link, not what it names.
                if std::fs::symlink_metadata(&prefix).is_ok_and(|m| m.is_symlink()) {
                    let target = std::fs::read_link(&prefix).unwrap_or_default();
                    return Err(io::Error::new(
                        io::ErrorKind::NotFound,
                        format!(
                            "{} is a symbolic link to {}, which does not exist",
                            prefix.display(),
                            target.display()
                        ),
                    ));
                }
                existing -= 1;
            }
            Err(e) => return Err(e),
        }
    }
    let base: PathBuf = parts[..existing.max(1)].iter().collect();
    let mut resolved = std::fs::canonicalize(&base)?;
    for part in &parts[existing.max(1)..] {
        match part {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => resolved.push(name),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    Ok(resolved)
}

/// Guards against replacing something that is not a site: the project
/// itself, a folder holding it, a folder inside its `content/` or
/// `templates/`, or a non-empty folder that was not written by crosscheck.
/// Paths are compared resolved ([`resolve_target`]), so neither `..` nor a
/// link gets around a rule. A link as `out` (a deploy folder) is
/// followed: the folder it leads to is the one replaced, atomically, and
/// the link stays. Returns the resolved folder.
pub(crate) fn check_target(root: &Path, out: &Path) -> Result<PathBuf, OutputError> {
    let out_res = resolve_target(out).map_err(io_err(out))?;
    let via = if std::fs::symlink_metadata(out).is_ok_and(|m| m.is_symlink()) {
        format!(" (the link leads to {})", out_res.display())
    } else {
        String::new()
    };
    let refuse = |why: &str| {
        Err(OutputError::Refused {
            path: out.to_path_buf(),
            why: format!("{why}{via}"),
        })
    };
    let root_res = resolve_target(root).map_err(io_err(root))?;
    if root_res.starts_with(&out_res) {
        return refuse("it contains the project itself");
    }
    for inside in ["content", "templates"] {
        let lexical = root_res.join(inside);
        let real = resolve_target(&lexical).unwrap_or_else(|_| lexical.clone());
        if out_res.starts_with(&lexical) || out_res.starts_with(&real) {
            return refuse("it is inside content/ or templates/");
        }
    }
    if out_res.is_file() {
        return refuse("it is a file");
    }
    if out_res.is_dir() {
        let mut entries = std::fs::read_dir(&out_res).map_err(io_err(out))?;
        let empty = entries.next().is_none();
        if !empty && !out_res.join("data.json").is_file() {
            return refuse(
                "it is a non-empty folder without data.json, so not a crosscheck site; remove it or choose another --out",
            );
        }
    }
    Ok(out_res)
}

#[cfg(test)]
mod tests {
    use crate::output::write_site;

    #[test]
    fn refuses_folders_that_are_not_sites() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let e = write_site(&dir.path().join("proj"), dir.path(), &[]).unwrap_err();
        assert!(e.to_string().contains("contains the project"), "{e}");
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("thesis.tex"), "mine").unwrap();
        let e = write_site(dir.path(), &other, &[]).unwrap_err();
        assert!(e.to_string().contains("not a crosscheck site"), "{e}");
        assert_eq!(
            std::fs::read_to_string(other.join("thesis.tex")).unwrap(),
            "mine"
        );
    }
}
