//! Putting an edited file on disk: atomically, and only if the file is
//! still the one the edit was based on.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{EditError, version_of};

/// Writes `bytes` to `path` atomically, provided the file still has the
/// bytes `expected` (what the edit was based on): a temporary file in the
/// same folder is written and fsynced, renamed over the file, and the
/// folder fsynced. The file's permissions are kept.
pub fn write_atomic(
    path: &Path,
    name: &str,
    expected: &[u8],
    bytes: &[u8],
) -> Result<(), EditError> {
    let write_err = |source| EditError::Write {
        path: name.to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".crosscheck-edit-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(write_err)?;
    tmp.write_all(bytes).map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    // Never blocks, and refuses anything but a regular file.
    let current = crate::input::read_regular(path).map_err(std::io::Error::from);
    match &current {
        Ok(now) if now.as_slice() == expected => {}
        Ok(now) => {
            return Err(EditError::Conflict {
                path: name.to_string(),
                found: version_of(now),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && expected.is_empty() => {}
        Err(_) => {
            return Err(EditError::Conflict {
                path: name.to_string(),
                found: "missing".into(),
            });
        }
    }
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        // Makes the rename durable; not all platforms allow it on folders.
        let _ = d.sync_all();
    }
    Ok(())
}
