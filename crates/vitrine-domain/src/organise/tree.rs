//! The rules of one owner's folder tree: no cycles, bounded depth, sibling names unique
//! regardless of case. Pure: the use cases load the tree inside a transaction that holds
//! the tree's lock, check here, then write.

use std::collections::HashMap;

use super::MAX_FOLDER_DEPTH;
use crate::tx::FolderNode;
use crate::{DomainError, FolderId, Result};

/// A user's folders by id, to check moves and names against the whole tree.
pub struct FolderTree {
    nodes: HashMap<FolderId, FolderNode>,
}

impl FolderTree {
    /// The tree the nodes make.
    pub fn new(nodes: Vec<FolderNode>) -> Self {
        Self {
            nodes: nodes.into_iter().map(|n| (n.id.clone(), n)).collect(),
        }
    }

    /// Checks that `folder` (`None`: a new one) may sit under `parent` (`None`: the root)
    /// with `name`. Refuses a missing parent (`NotFound`), a parent that is the folder or
    /// lies below it, a tree deeper than [`MAX_FOLDER_DEPTH`], and a sibling already
    /// named alike (all `Conflict`).
    pub fn check_place(
        &self,
        folder: Option<&FolderId>,
        parent: Option<&FolderId>,
        name: &str,
    ) -> Result<()> {
        if let Some(parent) = parent {
            if !self.nodes.contains_key(parent) {
                return Err(DomainError::NotFound("folder"));
            }
            if let Some(folder) = folder {
                if self.ancestors_and_self(parent).any(|id| id == folder) {
                    return Err(DomainError::Conflict(
                        "a folder cannot move into itself or one of its subfolders".into(),
                    ));
                }
            }
        }
        let height = folder.map_or(1, |f| self.height(f));
        if self.depth(parent) + height > MAX_FOLDER_DEPTH {
            return Err(DomainError::Conflict(format!(
                "folders nest at most {MAX_FOLDER_DEPTH} levels deep"
            )));
        }
        if let Some(sibling) = self.sibling_named(parent, name, folder) {
            return Err(DomainError::Conflict(format!(
                "a folder named '{}' already exists there",
                sibling.name
            )));
        }
        Ok(())
    }

    /// Checks that the children of `folder` can move up into its parent: none of them
    /// may share a name with a folder already there.
    pub fn check_children_move_up(&self, folder: &FolderId) -> Result<()> {
        let Some(node) = self.nodes.get(folder) else {
            return Err(DomainError::NotFound("folder"));
        };
        for child in self.children(Some(folder)) {
            if let Some(clash) = self.sibling_named(node.parent.as_ref(), &child.name, Some(folder))
            {
                return Err(DomainError::Conflict(format!(
                    "its subfolder '{}' would clash with '{}' in the folder above",
                    child.name, clash.name
                )));
            }
        }
        Ok(())
    }

    /// `id`, its parent, its parent's parent… up to the root. Bounded by the tree's size,
    /// so even a damaged tree with a cycle ends.
    fn ancestors_and_self<'a>(&'a self, id: &'a FolderId) -> impl Iterator<Item = &'a FolderId> {
        let mut current = Some(id);
        std::iter::from_fn(move || {
            let id = current?;
            current = self.nodes.get(id).and_then(|n| n.parent.as_ref());
            Some(id)
        })
        .take(self.nodes.len() + 1)
    }

    /// Levels from the root down to a folder placed under `parent` (0 for the root itself).
    fn depth(&self, parent: Option<&FolderId>) -> usize {
        parent.map_or(0, |p| self.ancestors_and_self(p).count())
    }

    /// Levels in the subtree rooted at `id`, itself included.
    fn height(&self, id: &FolderId) -> usize {
        let mut height = 1;
        let mut level = vec![id];
        while height <= MAX_FOLDER_DEPTH {
            level = level
                .into_iter()
                .flat_map(|parent| self.children(Some(parent)).map(|c| &c.id))
                .collect();
            if level.is_empty() {
                break;
            }
            height += 1;
        }
        height
    }

    fn children<'a>(
        &'a self,
        parent: Option<&FolderId>,
    ) -> impl Iterator<Item = &'a FolderNode> + use<'a> {
        let parent = parent.cloned();
        self.nodes.values().filter(move |n| n.parent == parent)
    }

    fn sibling_named(
        &self,
        parent: Option<&FolderId>,
        name: &str,
        except: Option<&FolderId>,
    ) -> Option<&FolderNode> {
        let name = name.to_lowercase();
        self.children(parent)
            .find(|n| Some(&n.id) != except && n.name.to_lowercase() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> FolderId {
        FolderId::from(name.to_owned())
    }

    /// `(id, parent)` pairs; each folder is named after its ID.
    fn tree(pairs: &[(&str, Option<&str>)]) -> FolderTree {
        FolderTree::new(
            pairs
                .iter()
                .map(|(name, parent)| FolderNode {
                    id: id(name),
                    parent: parent.map(id),
                    name: (*name).to_owned(),
                })
                .collect(),
        )
    }

    fn conflict(result: Result<()>) -> String {
        match result {
            Err(DomainError::Conflict(message)) => message,
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    #[test]
    fn moves_into_its_own_subtree_are_refused() {
        let t = tree(&[("a", None), ("b", Some("a")), ("c", Some("b")), ("d", None)]);
        for target in ["a", "b", "c"] {
            let message = conflict(t.check_place(Some(&id("a")), Some(&id(target)), "a"));
            assert!(message.contains("subfolders"), "{target}: {message}");
        }
        assert!(t.check_place(Some(&id("a")), Some(&id("d")), "a").is_ok());
        assert!(t.check_place(Some(&id("c")), None, "c").is_ok());
    }

    #[test]
    fn a_missing_parent_is_not_found() {
        let t = tree(&[("a", None)]);
        let result = t.check_place(None, Some(&id("zz")), "new");
        assert!(
            matches!(result, Err(DomainError::NotFound("folder"))),
            "{result:?}"
        );
    }

    #[test]
    fn sibling_names_are_unique_regardless_of_case_but_may_repeat_elsewhere() {
        let t = tree(&[("Trips", None), ("x", Some("Trips"))]);
        assert!(conflict(t.check_place(None, None, "TRIPS")).contains("Trips"));
        assert!(t.check_place(None, Some(&id("Trips")), "Trips").is_ok());
        // Renaming a folder to its own name, in another case, is fine.
        assert!(t.check_place(Some(&id("Trips")), None, "trips").is_ok());
    }

    #[test]
    fn depth_counts_the_whole_subtree_that_moves() {
        let mut pairs: Vec<(String, Option<String>)> = Vec::new();
        // A chain l1 … l30 and, beside it, a chain m1 … m3.
        for i in 1..=30 {
            pairs.push((format!("l{i}"), (i > 1).then(|| format!("l{}", i - 1))));
        }
        for i in 1..=3 {
            pairs.push((format!("m{i}"), (i > 1).then(|| format!("m{}", i - 1))));
        }
        let borrowed: Vec<(&str, Option<&str>)> = pairs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_deref()))
            .collect();
        let t = tree(&borrowed);
        // m1's subtree is 3 deep: under l29 it would reach 32, under l30 33.
        assert!(t
            .check_place(Some(&id("m1")), Some(&id("l29")), "m1")
            .is_ok());
        assert!(conflict(t.check_place(Some(&id("m1")), Some(&id("l30")), "m1")).contains("32"));
        assert!(t.check_place(None, Some(&id("l30")), "new").is_ok());
        assert!(t.check_place(None, Some(&id("m3")), "new").is_ok());
    }

    #[test]
    fn children_moving_up_must_not_clash_with_the_folders_above() {
        let t = tree(&[
            ("Inbox", None),
            ("a", None),
            ("b", Some("a")),
            ("inbox", Some("a")),
        ]);
        assert!(conflict(t.check_children_move_up(&id("a"))).contains("inbox"));
        assert!(t.check_children_move_up(&id("b")).is_ok());
    }
}
