//! `vitrine import DIR --user NAME [--collection NAME] [--folders]`: a folder tree of photos
//! and videos into a user's library through the same use cases as an upload, several files
//! at once. A file whose content the user already has (by SHA-256, trash included) is
//! skipped, so an interrupted import is simply run again. Items take the date the photo
//! says it was taken; `--folders` mirrors the directories as folders (two imports at once
//! share them). The skip is per process: two imports of the same tree running at the same
//! time may both store a file they each saw first; run one at a time.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::stream::{self, StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use tokio_util::io::ReaderStream;
use vitrine_domain::library::jobs::JobSettings;
use vitrine_domain::library::{Library, UploadMeta};
use vitrine_domain::organise::{Collections, Folders};
use vitrine_domain::user::Principal;
use vitrine_domain::{DomainError, FolderId, ItemId};

/// What to import and how.
pub struct Import {
    pub root: PathBuf,
    pub collection: Option<String>,
    pub mirror_folders: bool,
    /// Files in flight at once.
    pub at_once: usize,
}

/// The use cases an import goes through.
pub struct UseCases {
    pub library: Library,
    pub folders: Folders,
    pub collections: Collections,
    pub jobs: JobSettings,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Summary {
    pub imported: usize,
    /// Content the user had already (or met twice in this tree).
    pub skipped: usize,
    /// Files that were not taken, with the reason.
    pub refused: Vec<(PathBuf, String)>,
}

enum Outcome {
    Imported(ItemId, PathBuf),
    Skipped,
    Refused(PathBuf, String),
}

/// Bulk changes take at most this many items at a time.
const BATCH: usize = 1000;

pub async fn run(
    import: &Import,
    uses: &UseCases,
    who: &Principal,
    bar: &ProgressBar,
) -> anyhow::Result<Summary> {
    let files = files_under(&import.root)?;
    bar.set_length(files.len() as u64);
    let folders = if import.mirror_folders {
        mirror(&uses.folders, who, &files).await?
    } else {
        HashMap::new()
    };
    let known = uses.library.content_hashes(who).await?;
    // With nothing to skip yet (a first import), a file is hashed as it is stored; otherwise
    // first, so a re-run reads what it skips but never stores it again.
    let hash_first = !known.is_empty();
    let seen = Arc::new(Mutex::new(known));
    let outcomes: Vec<Outcome> = stream::iter(files)
        .map(|(path, dir)| {
            let seen = seen.clone();
            async move {
                let outcome = import_one(&uses.library, who, &path, dir, &seen, hash_first).await;
                bar.inc(1);
                outcome
            }
        })
        .buffer_unordered(import.at_once.max(1))
        .collect()
        .await;

    let mut summary = Summary::default();
    let mut by_dir: HashMap<PathBuf, Vec<ItemId>> = HashMap::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Imported(id, dir) => {
                summary.imported += 1;
                by_dir.entry(dir).or_default().push(id);
            }
            Outcome::Skipped => summary.skipped += 1,
            Outcome::Refused(path, reason) => summary.refused.push((path, reason)),
        }
    }
    for (dir, ids) in &by_dir {
        if let Some(folder) = folders.get(dir) {
            for batch in ids.chunks(BATCH) {
                uses.library.move_many(who, batch, Some(folder)).await?;
            }
        }
    }
    if let Some(name) = &import.collection {
        let collection = match uses
            .collections
            .list(who)
            .await?
            .into_iter()
            .find(|c| c.name.eq_ignore_ascii_case(name.trim()))
        {
            Some(found) => found,
            None => uses.collections.create(who, name, None).await?,
        };
        let ids: Vec<ItemId> = by_dir.into_values().flatten().collect();
        for batch in ids.chunks(BATCH) {
            uses.collections
                .add_items(who, &collection.id, batch)
                .await?;
        }
    }
    // Videos' stills and other deferred work: done here, as `media regenerate` does.
    while uses.library.run_one_job(&uses.jobs).await? {}
    summary.refused.sort();
    Ok(summary)
}

async fn import_one(
    library: &Library,
    who: &Principal,
    path: &Path,
    dir: PathBuf,
    seen: &Mutex<HashSet<String>>,
    hash_first: bool,
) -> Outcome {
    let refused = |reason: String| Outcome::Refused(path.to_owned(), reason);
    // A content is claimed once, so the same file twice in the tree goes in once.
    let claim = |sha256: String| seen.lock().is_ok_and(|mut seen| seen.insert(sha256));
    if hash_first {
        match hash_file(path.to_owned()).await {
            Ok(sha256) => {
                if !claim(sha256) {
                    return Outcome::Skipped;
                }
            }
            Err(err) => return refused(err.to_string()),
        }
    }
    let file = match tokio::fs::File::open(path).await {
        Ok(file) => file,
        Err(err) => return refused(err.to_string()),
    };
    let body = ReaderStream::with_capacity(file, 256 * 1024).map_err(DomainError::internal);
    let staged = match library.stage(who, body).await {
        Ok(staged) => staged,
        Err(err) => return refused(err.to_string()),
    };
    if !hash_first && !claim(staged.blob.sha256.clone()) {
        library.discard(staged).await;
        return Outcome::Skipped;
    }
    let meta = UploadMeta {
        original_filename: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        use_file_date: true,
        ..UploadMeta::default()
    };
    match library.commit(who, staged, meta).await {
        Ok(item) => Outcome::Imported(item.id, dir),
        Err(err) => refused(err.to_string()),
    }
}

async fn hash_file(path: PathBuf) -> std::io::Result<String> {
    tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(path)?;
        let mut hash = Sha256::new();
        std::io::copy(&mut file, &mut hash)?;
        Ok(hex::encode(hash.finalize()))
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Every file under `root` (hidden ones and hidden directories left out), each with its
/// directory relative to `root`, in path order.
fn files_under(root: &Path) -> std::io::Result<Vec<(PathBuf, PathBuf)>> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if kind.is_file() {
                let relative = dir.strip_prefix(root).unwrap_or(Path::new("")).to_owned();
                files.push((entry.path(), relative));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The user's folder for every directory that holds files, made where missing (existing
/// folders of the same name under the same parent are reused).
async fn mirror(
    folders: &Folders,
    who: &Principal,
    files: &[(PathBuf, PathBuf)],
) -> anyhow::Result<HashMap<PathBuf, FolderId>> {
    let mut known = existing(folders, who).await?;
    let dirs: BTreeSet<&PathBuf> = files.iter().map(|(_, dir)| dir).collect();
    let mut mapped = HashMap::new();
    for dir in dirs {
        let mut parent: Option<FolderId> = None;
        for part in dir.components() {
            let name = part.as_os_str().to_string_lossy().into_owned();
            let key = (parent.clone(), name.to_lowercase());
            let id = match known.get(&key) {
                Some(id) => id.clone(),
                None => match folders.create(who, &name, parent.clone()).await {
                    Ok(made) => {
                        known.insert(key, made.id.clone());
                        made.id
                    }
                    // Another import (or a person) made it meanwhile: use theirs.
                    Err(DomainError::Conflict(_)) => {
                        known = existing(folders, who).await?;
                        known
                            .get(&key)
                            .cloned()
                            .ok_or_else(|| anyhow::anyhow!("folder {name} vanished while made"))?
                    }
                    Err(err) => return Err(err.into()),
                },
            };
            parent = Some(id);
        }
        if let Some(folder) = parent {
            mapped.insert(dir.clone(), folder);
        }
    }
    Ok(mapped)
}

/// The user's folders by parent and lower-case name (names are unique among siblings,
/// case aside).
async fn existing(
    folders: &Folders,
    who: &Principal,
) -> anyhow::Result<HashMap<(Option<FolderId>, String), FolderId>> {
    Ok(folders
        .list(who)
        .await?
        .into_iter()
        .map(|f| ((f.parent, f.name.to_lowercase()), f.id))
        .collect())
}

/// A bar that says where an import is.
pub fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    if let Ok(style) =
        ProgressStyle::with_template("import [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
