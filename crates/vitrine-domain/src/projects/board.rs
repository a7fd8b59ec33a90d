//! Spec 4's `/gallery/by-project`: a page of the projects a user sees, each with its
//! statistics and its first images by the chosen sort.

use chrono::NaiveDateTime;

use super::{Claim, Feedback, ProjectId, ReviewStatus};
use crate::item::Processing;
use crate::ItemId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// How a board sorts each project's images.
pub enum SortBy {
    /// By file name (spec 4's default).
    OriginalFilename,
    /// By quality score.
    QualityScore,
}

/// Whose images: the caller's own, or the other members'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// The caller's own projects.
    Mine,
    /// Projects shared with the caller through a group.
    Shared,
}

/// The page and filters, checked by the surface (spec 4's bounds and defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct BoardQuery {
    /// From 1.
    pub page: i64,
    /// Projects per page.
    pub per_page: i64,
    /// Newest first when true (projects by creation, images by `sort_by`).
    pub descending: bool,
    /// Only this project.
    pub project: Option<ProjectId>,
    /// Only images whose processing is in this state.
    pub status: Option<Processing>,
    /// Any of these; `None` in the list stands for "no feedback yet".
    pub feedback: Option<Vec<Option<Feedback>>>,
    /// How each project's images are sorted.
    pub sort_by: SortBy,
    /// Only the caller's own projects, or only those shared with them.
    pub ownership: Option<Ownership>,
    /// At most this many images per project.
    pub max_images: i64,
    /// In a project's name or key (any case), or its ID.
    pub search: Option<String>,
}

impl BoardQuery {
    /// Whether an image filter is given: then projects with no matching image are left
    /// out.
    pub fn filters_images(&self) -> bool {
        self.status.is_some() || self.feedback.is_some() || self.ownership.is_some()
    }
}

#[derive(Debug, Clone, PartialEq)]
/// One page of the projects a user sees.
pub struct Board {
    /// Projects after every filter, on all pages.
    pub total: i64,
    /// The projects on this page.
    pub projects: Vec<BoardProject>,
}

#[derive(Debug, Clone, PartialEq)]
/// A project as the board shows it, with its statistics and first images.
pub struct BoardProject {
    /// Its id.
    pub id: ProjectId,
    /// Its name.
    pub name: String,
    /// Its key.
    pub key: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// Its owner's name.
    pub created_by: String,
    /// Over every active image of the project, whatever the image filters.
    pub total_images: i64,
    /// Its images whose processing completed.
    pub completed_images: i64,
    /// Its images whose processing failed.
    pub failed_images: i64,
    /// Its first images, sorted as asked.
    pub images: Vec<BoardImage>,
}

/// A project image with what spec 4 shows of it. URLs are made by the surface from the
/// IDs and variants.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardImage {
    /// The item's id.
    pub id: ItemId,
    /// Whether it has a stored thumb.
    pub has_thumb: bool,
    /// The items it was made from, in order, and whether each has a thumb.
    pub inputs: Vec<(ItemId, bool)>,
    /// The job it came from.
    pub job_id: Option<String>,
    /// Its index in the job.
    pub image_index: Option<i32>,
    /// Its group's index in the job.
    pub group_index: Option<i32>,
    /// Its version.
    pub version: i32,
    /// The name it was uploaded with.
    pub original_filename: String,
    /// The name a download of it gets.
    pub download_filename: Option<String>,
    /// JSON object text.
    pub input_description: Option<String>,
    /// Where its processing stands.
    pub status: Processing,
    /// 0–100 from the pixels.
    pub quality_score: Option<f64>,
    /// Seconds its media job took, when one ran.
    pub processing_time: Option<f64>,
    /// Why its processing failed, when it did.
    pub error_message: Option<String>,
    /// The reviewer's verdict.
    pub feedback: Option<Feedback>,
    /// The reviewer's comment.
    pub feedback_comment: Option<String>,
    /// When it was uploaded.
    pub created_at: NaiveDateTime,
    /// Where its review stands.
    pub review_status: Option<ReviewStatus>,
    /// JSON text.
    pub review_annotations: Option<String>,
    /// Who is retouching it, when someone is.
    pub retouch_claim: Option<Claim>,
}
