//! Projects, groups and review (spec 4): the records and the rules on their inputs.
//! A project's images are ordinary items that carry a place in it (job, indexes, version,
//! what they were made from) and the team's review. A project is its owner's; shared with
//! one group, its members see it, add their own items to it and review its images.
//! Projects and groups have integer IDs, as spec 4 shows.

mod board;
mod editing;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;

use crate::user::text_enum;
use crate::{DomainError, ItemId, Result, UserId};

pub use board::{Board, BoardImage, BoardProject, BoardQuery, Ownership, SortBy};
pub use editing::{NewProject, PlacementPatch, ProjectPatch, Projects, Review};

/// A project's id.
pub type ProjectId = i32;
/// A group's id.
pub type GroupId = i32;

#[derive(Debug, Clone, PartialEq, Eq)]
/// A project (spec 4): items grouped for review, shared with a group.
pub struct Project {
    /// Its id.
    pub id: ProjectId,
    /// The user who made it.
    pub owner: UserId,
    /// The owner's name, which spec 4 shows as `created_by`.
    pub owner_name: String,
    /// Its name.
    pub name: String,
    /// Its short key, unique per owner.
    pub key: String,
    /// The group it is shared with.
    pub group: Option<GroupId>,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it last changed.
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// Users who share projects.
pub struct Group {
    /// Its id.
    pub id: GroupId,
    /// Its name.
    pub name: String,
    /// The user who made it.
    pub created_by: UserId,
    /// That user's name.
    pub created_by_name: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// Member names, sorted.
    pub members: Vec<String>,
}

/// The fields of an item's place in a project, as a client sends them: absent fields
/// stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    /// The job the item came from.
    pub job_id: Option<Option<String>>,
    /// Its index in the job.
    pub image_index: Option<Option<i32>>,
    /// Its group's index in the job.
    pub group_index: Option<Option<i32>>,
    /// Its version (1 and up).
    pub version: Option<i32>,
    /// A JSON object, as text.
    pub input_description: Option<Option<String>>,
    /// The name a download of it gets.
    pub download_filename: Option<Option<String>>,
}

/// What happens to an item's place in a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectChange {
    /// Into this project (or it stays there), with these fields changed.
    Join(ProjectId, Placement),
    /// Fields changed where the item already is; `NotFound`-free: an item in no project
    /// is refused before this is made.
    Edit(Placement),
    /// Out of its project; the item stays.
    Leave,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// A reviewer's verdict on an item.
pub enum Feedback {
    /// Liked.
    Like,
    /// Disliked.
    Dislike,
}

text_enum!(Feedback, "feedback", { Like => "like", Dislike => "dislike" });

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Where an item's review stands.
pub enum ReviewStatus {
    /// Not reviewed yet.
    Pending,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
}

text_enum!(ReviewStatus, "status", {
    Pending => "pending",
    Approved => "approved",
    Rejected => "rejected",
});

/// `raw` as one of `T`'s names, or 400 naming `field` and what it may be.
pub fn parse_named<T: FromStr>(raw: &str, field: &str, allowed: &str) -> Result<T> {
    raw.parse()
        .map_err(|_| DomainError::invalid_field(field, format!("one of {allowed}")))
}

/// Who took an image to retouch it, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The name of the user who holds the claim.
    pub by: String,
    /// When they took it.
    pub at: NaiveDateTime,
}

/// The longest project or group name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest project key, in characters.
pub const MAX_KEY_CHARS: usize = 32;
/// The longest job id, in characters.
pub const MAX_JOB_ID_CHARS: usize = 64;
/// The largest input description, in bytes of JSON.
pub const MAX_INPUT_DESCRIPTION_BYTES: usize = 16 * 1024;
/// The largest review annotations, in bytes of JSON.
pub const MAX_ANNOTATIONS_BYTES: usize = 64 * 1024;
/// The longest feedback comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;
/// The most input items an item may name.
pub const MAX_INPUTS: usize = 32;

/// A project or group name: trimmed, 1 to 200 characters.
pub fn check_name(name: &str, field: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::invalid_field(
            field,
            format!("1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

/// A key a client gives: upper-case letters, digits and hyphens, starting with a letter
/// or digit, at most 32 characters.
pub fn check_key(key: &str) -> Result<()> {
    let valid = !key.is_empty()
        && key.len() <= MAX_KEY_CHARS
        && !key.starts_with('-')
        && key
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(DomainError::invalid_field(
            "key",
            format!("1 to {MAX_KEY_CHARS} upper-case letters, digits and hyphens"),
        ))
    }
}

/// The key a project gets from its name: `Summer 2026!` is `SUMMER-2026`. Letters
/// outside ASCII are left out; a name with nothing left is `PROJECT`.
pub fn key_from_name(name: &str) -> String {
    let mut key = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_uppercase());
        } else if !key.is_empty() && !key.ends_with('-') {
            key.push('-');
        }
    }
    // Room for a "-N" suffix when the key is taken.
    key.truncate(MAX_KEY_CHARS - 4);
    let key = key.trim_end_matches('-');
    if key.is_empty() {
        "PROJECT".to_owned()
    } else {
        key.to_owned()
    }
}

impl Placement {
    /// Bounds on every field given.
    pub fn check(&self) -> Result<()> {
        if let Some(Some(job)) = &self.job_id {
            if job.is_empty() || job.chars().count() > MAX_JOB_ID_CHARS {
                return Err(DomainError::invalid_field(
                    "job_id",
                    format!("1 to {MAX_JOB_ID_CHARS} characters"),
                ));
            }
        }
        for (field, value) in [
            ("image_index", self.image_index),
            ("group_index", self.group_index),
        ] {
            if let Some(Some(n)) = value {
                if n < 0 {
                    return Err(DomainError::invalid_field(field, "0 or more"));
                }
            }
        }
        if let Some(version) = self.version {
            if version < 1 {
                return Err(DomainError::invalid_field("version", "1 or more"));
            }
        }
        if let Some(Some(text)) = &self.input_description {
            check_json(text, "input_description", MAX_INPUT_DESCRIPTION_BYTES, true)?;
        }
        if let Some(Some(name)) = &self.download_filename {
            let bad = name.is_empty()
                || name.chars().count() > 255
                || name
                    .chars()
                    .any(|c| c.is_control() || c == '/' || c == '\\');
            if bad {
                return Err(DomainError::invalid_field(
                    "download_filename",
                    "1 to 255 characters, no slashes or control characters",
                ));
            }
        }
        Ok(())
    }

    /// Nothing to change.
    pub fn is_empty(&self) -> bool {
        self == &Placement::default()
    }
}

/// JSON text of at most `max` bytes; an object when `object` is set.
pub fn check_json(text: &str, field: &str, max: usize, object: bool) -> Result<()> {
    if text.len() > max {
        return Err(DomainError::invalid_field(
            field,
            format!("at most {} KiB", max / 1024),
        ));
    }
    if object && !(text.trim_start().starts_with('{')) {
        return Err(DomainError::invalid_field(field, "must be a JSON object"));
    }
    Ok(())
}

/// The caller's inputs, at most 32, each once.
pub fn check_inputs(inputs: &[ItemId]) -> Result<()> {
    let distinct: std::collections::HashSet<&ItemId> = inputs.iter().collect();
    if inputs.len() > MAX_INPUTS || distinct.len() != inputs.len() {
        return Err(DomainError::invalid_field(
            "inputs",
            format!("at most {MAX_INPUTS} item IDs, each once"),
        ));
    }
    Ok(())
}

/// A feedback comment: at most `MAX_COMMENT_CHARS` characters.
pub fn check_comment(comment: &str) -> Result<()> {
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(DomainError::invalid_field(
            "comment",
            format!("at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_names() {
        assert_eq!(key_from_name("Summer 2026"), "SUMMER-2026");
        assert_eq!(key_from_name("  café -- shoot!  "), "CAF-SHOOT");
        assert_eq!(key_from_name("日本"), "PROJECT");
        assert_eq!(key_from_name(&"a".repeat(100)).len(), MAX_KEY_CHARS - 4);
        assert!(check_key(&key_from_name("x y z")).is_ok());
    }

    #[test]
    fn given_keys_are_upper_case_words() {
        for good in ["A", "SUMMER-2026", "Q3"] {
            assert!(check_key(good).is_ok(), "{good}");
        }
        for bad in ["", "summer", "-A", "A B", "Ä", &"A".repeat(33)] {
            assert!(check_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn placements_are_bounded() {
        let ok = Placement {
            job_id: Some(Some("job-1".into())),
            image_index: Some(Some(0)),
            version: Some(2),
            input_description: Some(Some("{\"prompt\": \"x\"}".into())),
            ..Placement::default()
        };
        assert!(ok.check().is_ok());
        let field = |p: Placement| match p.check().unwrap_err() {
            DomainError::Invalid { detail, .. } => detail[0].field.clone(),
            other => panic!("{other}"),
        };
        assert_eq!(
            field(Placement {
                job_id: Some(Some("j".repeat(65))),
                ..Placement::default()
            }),
            "job_id"
        );
        assert_eq!(
            field(Placement {
                group_index: Some(Some(-1)),
                ..Placement::default()
            }),
            "group_index"
        );
        assert_eq!(
            field(Placement {
                version: Some(0),
                ..Placement::default()
            }),
            "version"
        );
        assert_eq!(
            field(Placement {
                input_description: Some(Some("[1]".into())),
                ..Placement::default()
            }),
            "input_description"
        );
        assert_eq!(
            field(Placement {
                download_filename: Some(Some("../x.png".into())),
                ..Placement::default()
            }),
            "download_filename"
        );
    }
}
