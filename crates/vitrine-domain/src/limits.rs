//! Limits that protect the service, with defaults a laptop and a team can both live with.

use crate::user::Plan;

#[derive(Debug, Clone)]
/// Every limit a use case applies, with defaults an operator can change.
pub struct Limits {
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: u64,
    /// Largest `limit`/`pageSize` a listing accepts.
    pub max_page_size: u32,
    /// The page size a listing has unless asked for another.
    pub default_page_size: u32,
    /// Bytes each plan may store.
    pub quotas: PlanQuotas,
    /// Days an item stays in the trash before it is purged for good.
    pub trash_retention_days: u32,
    /// Largest image decoded or rewritten in memory (previews, metadata removal, the
    /// media workers' variants).
    pub max_render_bytes: u64,
    /// Largest image whose variants are made while the upload waits; bigger ones go
    /// through the media queue.
    pub fast_path_max_bytes: u64,
    /// Bytes of share previews and metadata-free originals kept in memory once made, so
    /// a visited link costs one decode, not one per request.
    pub render_cache_bytes: u64,
    /// What an image may be before anything decodes it.
    pub image: ImageLimits,
    /// Password and guessing limits of share links.
    pub shares: crate::shares::ShareLimits,
    /// Login and credential limits.
    pub logins: LoginLimits,
    /// Limits of multipart forms.
    pub form: FormLimits,
}

/// What an upload form may hold besides its file.
#[derive(Debug, Clone, Copy)]
pub struct FormLimits {
    /// Fields, the file among them.
    pub max_fields: usize,
    /// Bytes of every text field together.
    pub max_text_bytes: usize,
    /// A url-encoded upload body (spec 5's `source` as base64 or a URL in a plain form
    /// post); it is read whole, so larger files go as multipart, which streams.
    pub max_urlencoded_bytes: usize,
}

impl Default for FormLimits {
    fn default() -> Self {
        Self {
            max_fields: 32,
            max_text_bytes: 256 * 1024,
            max_urlencoded_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Wrong passwords at `POST /api/v1/auth/token` allowed per window, per account and per
/// client address; the next one answers 429 without a hash. And how long a checked API
/// key or token user is trusted without asking the database: the bound on how long a
/// key revoked or a plan changed by another process goes unseen (accounts module).
#[derive(Debug, Clone)]
pub struct LoginLimits {
    /// Wrong passwords one account takes within `window`.
    pub attempts_per_account: i64,
    /// Wrong passwords one client may try within `window`, over every account.
    pub attempts_per_client: i64,
    /// The window the attempts are counted over.
    pub window: chrono::Duration,
    /// How long a checked credential is trusted without asking the database again.
    pub credentials_trusted_for: std::time::Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            attempts_per_account: 10,
            attempts_per_client: 10,
            window: chrono::Duration::minutes(15),
            credentials_trusted_for: std::time::Duration::from_secs(5),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
            max_page_size: 100,
            default_page_size: 20,
            quotas: PlanQuotas::default(),
            trash_retention_days: 30,
            max_render_bytes: 128 * 1024 * 1024,
            fast_path_max_bytes: 32 * 1024 * 1024,
            render_cache_bytes: 64 * 1024 * 1024,
            image: ImageLimits::default(),
            shares: crate::shares::ShareLimits::default(),
            logins: LoginLimits::default(),
            form: FormLimits::default(),
        }
    }
}

/// Checked from an image's header, before anything large is allocated: a decompression
/// bomb is refused in milliseconds with a message naming the limit.
#[derive(Debug, Clone, Copy)]
pub struct ImageLimits {
    /// Width times height, at most.
    pub max_pixels: u64,
    /// The longest side, at most.
    pub max_side: u32,
    /// Frames of an animated GIF, APNG or WebP.
    pub max_frames: u32,
}

impl Default for ImageLimits {
    fn default() -> Self {
        Self {
            max_pixels: 100_000_000,
            max_side: 65_535,
            max_frames: 1_000,
        }
    }
}

/// Bytes each plan may store; `None` is unlimited.
#[derive(Debug, Clone)]
pub struct PlanQuotas {
    /// The free plan's bytes.
    pub free: Option<i64>,
    /// The pro plan's bytes.
    pub pro: Option<i64>,
    /// The enterprise plan's bytes.
    pub enterprise: Option<i64>,
}

impl Default for PlanQuotas {
    fn default() -> Self {
        const GB: i64 = 1024 * 1024 * 1024;
        Self {
            free: Some(GB),
            pro: Some(50 * GB),
            enterprise: None,
        }
    }
}

impl PlanQuotas {
    /// The bytes a plan allows; `None`: unlimited.
    pub fn limit_for(&self, plan: Plan) -> Option<i64> {
        match plan {
            Plan::Free => self.free,
            Plan::Pro => self.pro,
            Plan::Enterprise => self.enterprise,
        }
    }
}
