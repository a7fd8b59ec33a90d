//! Spec 4's `/gallery/by-project`: a page of the projects a user sees, each with its
//! statistics and its first images by the chosen sort.

use chrono::NaiveDateTime;

use super::{Claim, Feedback, ProjectId, ReviewStatus};
use crate::item::Processing;
use crate::ItemId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    OriginalFilename,
    QualityScore,
}

/// Whose images: the caller's own, or the other members'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    Mine,
    Shared,
}

/// The page and filters, checked by the surface (spec 4's bounds and defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct BoardQuery {
    /// From 1.
    pub page: i64,
    pub per_page: i64,
    /// Newest first when true (projects by creation, images by `sort_by`).
    pub descending: bool,
    pub project: Option<ProjectId>,
    pub status: Option<Processing>,
    /// Any of these; `None` in the list stands for "no feedback yet".
    pub feedback: Option<Vec<Option<Feedback>>>,
    pub sort_by: SortBy,
    pub ownership: Option<Ownership>,
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
pub struct Board {
    /// Projects after every filter, on all pages.
    pub total: i64,
    pub projects: Vec<BoardProject>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BoardProject {
    pub id: ProjectId,
    pub name: String,
    pub key: String,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    /// Over every active image of the project, whatever the image filters.
    pub total_images: i64,
    pub completed_images: i64,
    pub failed_images: i64,
    pub images: Vec<BoardImage>,
}

/// A project image with what spec 4 shows of it. URLs are made by the surface from the
/// IDs and variants.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardImage {
    pub id: ItemId,
    /// Whether it has a stored thumb.
    pub has_thumb: bool,
    /// The items it was made from, in order, and whether each has a thumb.
    pub inputs: Vec<(ItemId, bool)>,
    pub job_id: Option<String>,
    pub image_index: Option<i32>,
    pub group_index: Option<i32>,
    pub version: i32,
    pub original_filename: String,
    pub download_filename: Option<String>,
    /// JSON object text.
    pub input_description: Option<String>,
    pub status: Processing,
    pub quality_score: Option<f64>,
    /// Seconds its media job took, when one ran.
    pub processing_time: Option<f64>,
    pub error_message: Option<String>,
    pub feedback: Option<Feedback>,
    pub feedback_comment: Option<String>,
    pub created_at: NaiveDateTime,
    pub review_status: Option<ReviewStatus>,
    /// JSON text.
    pub review_annotations: Option<String>,
    pub retouch_claim: Option<Claim>,
}
