//! One typed configuration: defaults → TOML file → `VITRINE_*` environment → flags.

use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use vitrine_domain::fetch_policy::FetchPolicy;
use vitrine_domain::library::jobs::JobSettings;
use vitrine_domain::limits::{FormLimits, ImageLimits, Limits, LoginLimits, PlanQuotas};
use vitrine_domain::shares::ShareLimits;
use vitrine_domain::DomainError;
use vitrine_http::url_source::UrlFetcher;
use vitrine_http::{ConnectionLimits, HttpSettings};
use vitrine_media::{VariantFormat, VariantSpec, VideoTools};

const GIB: i64 = 1024 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address `serve` listens on.
    pub listen: String,
    /// Home of the embedded defaults: `vitrine.db` and `blobs/`.
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite://PATH`; default `sqlite://DATA_DIR/vitrine.db`.
    pub database_url: Option<String>,
    /// Database connections this process holds at most; default by backend and cores
    /// (docs/OPERATIONS.md, "Database connections").
    pub database_connections: Option<u32>,
    /// `s3://bucket/prefix`, `file://PATH` or a path; default `DATA_DIR/blobs`.
    pub store: Option<String>,
    /// Base of the absolute URLs in responses; default `http://LISTEN`.
    pub public_url: Option<String>,
    pub signed_url_ttl_secs: u64,
    pub token_ttl_secs: u64,
    /// How long a dashboard sign-in lasts.
    pub session_ttl_secs: u64,
    /// The Bearer token `/metrics` takes; unset: no `/metrics`.
    pub metrics_token: Option<String>,
    /// Shared secrets; when unset they are generated once and kept in the database.
    pub url_signing_secret: Option<String>,
    pub jwt_secret: Option<String>,
    pub max_upload_bytes: u64,
    pub default_page_size: u32,
    pub max_page_size: u32,
    /// Storage per plan in bytes; 0 means unlimited.
    pub quota_free_bytes: i64,
    pub quota_pro_bytes: i64,
    pub quota_enterprise_bytes: i64,
    /// Days a trashed item is kept before the trash job purges it.
    pub trash_retention_days: u32,
    /// How often each `serve` process runs the trash job.
    pub trash_purge_interval_secs: u64,
    /// How often expired items (spec 5's `expiration`) are deleted.
    pub expiry_sweep_interval_secs: u64,
    /// How often each `serve` process sweeps objects no row references (left by a
    /// crash), and how old such an object must be: longer than any upload takes.
    pub orphan_sweep_interval_secs: u64,
    pub orphan_grace_secs: u64,
    /// Largest image decoded or rewritten on request (share previews, metadata removal).
    pub max_render_bytes: u64,
    /// Images up to this size get variants before the upload answers; bigger ones queue.
    pub fast_path_max_bytes: u64,
    /// Memory for share previews and metadata-free originals made on request.
    pub render_cache_bytes: u64,
    /// Largest image decoded, checked from its header: pixels, pixels per side, frames.
    pub max_image_pixels: u64,
    pub max_image_side: u32,
    pub max_image_frames: u32,
    /// `jpeg` (the faster to make) or `webp` (smaller files) for thumbs and mediums.
    pub variant_format: VariantFormat,
    /// Encoder quality of the variants, 1–100.
    pub variant_quality: u8,
    /// Wrong share passwords allowed per link and per client address in each window.
    pub share_attempts_per_link: i64,
    pub share_attempts_per_client: i64,
    pub share_attempt_window_secs: u64,
    /// Wrong login passwords allowed per account and per client address in each window.
    pub login_attempts_per_account: i64,
    pub login_attempts_per_client: i64,
    pub login_attempt_window_secs: u64,
    /// How long a checked API key or token user is trusted without the database: the
    /// longest a key revoked or a plan changed by another process goes unseen. 0: never.
    pub credential_cache_secs: u64,
    /// Fields an upload form may hold (the file among them), and bytes of all its text.
    pub upload_max_fields: usize,
    pub upload_max_text_bytes: usize,
    /// A url-encoded upload body (spec 5), read whole.
    pub upload_max_urlencoded_bytes: usize,
    /// Password hashes (argon2) computed at once; default one per core.
    pub password_checks_at_once: Option<usize>,
    /// A request's head must arrive within this; a body that sends nothing for
    /// `body_idle_timeout_secs` is cut; idle keep-alive connections close after
    /// `keep_alive_secs`.
    pub request_head_timeout_secs: u64,
    pub body_idle_timeout_secs: u64,
    pub keep_alive_secs: u64,
    /// Connections this process holds at most, and per client address (further ones get
    /// 429 and are closed).
    pub max_connections: usize,
    pub max_connections_per_client: usize,
    /// On SIGTERM: how long requests in flight may take to finish before the process
    /// exits; media jobs in hand are handed back to the queue.
    pub shutdown_grace_secs: u64,
    /// HTTP worker threads; default one per core.
    pub workers: Option<usize>,
    /// Media pipeline workers in this process; default one per core, 0 for none.
    pub media_workers: Option<usize>,
    /// How long a claimed media job is its worker's before another may take it over.
    pub media_job_lease_secs: u64,
    pub media_job_max_attempts: i32,
    pub ffmpeg_path: String,
    pub ffprobe_path: String,
    /// libheif's decoder for AVIF and HEIC; without it they are kept without variants.
    pub heif_convert_path: String,
    /// How long one run of ffprobe, ffmpeg or heif-convert may take before it is killed
    /// and the file refused.
    pub media_tool_timeout_secs: u64,
    /// Decoded pixels in flight at once (4 bytes a pixel), across every upload and worker
    /// of the process; decodes past it wait.
    pub decode_budget_bytes: u64,
    /// Address ranges a URL source (spec 5) may be fetched from although the fetch policy
    /// refuses them (loopback, private…): CIDRs or addresses, a list in the TOML file or
    /// comma-separated in `VITRINE_URL_FETCH_ALLOW`.
    #[serde(deserialize_with = "list_or_commas")]
    pub url_fetch_allow: Vec<String>,
    /// How long fetching a URL source may take, body included.
    pub url_fetch_timeout_secs: u64,
}

/// A list, or one string of comma-separated entries (as environment variables give it).
fn list_or_commas<'de, D: serde::Deserializer<'de>>(input: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        One(String),
        Many(Vec<String>),
    }
    let entries = match Given::deserialize(input)? {
        Given::One(text) => text.split(',').map(str::to_owned).collect(),
        Given::Many(list) => list,
    };
    Ok(entries
        .into_iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect())
}

impl Default for Config {
    fn default() -> Self {
        let limits = Limits::default();
        let connections = ConnectionLimits::default();
        Self {
            listen: "127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./vitrine-data"),
            database_url: None,
            database_connections: None,
            store: None,
            public_url: None,
            signed_url_ttl_secs: 24 * 3600,
            token_ttl_secs: 3600,
            session_ttl_secs: 7 * 24 * 3600,
            metrics_token: None,
            url_signing_secret: None,
            jwt_secret: None,
            max_upload_bytes: limits.max_upload_bytes,
            default_page_size: limits.default_page_size,
            max_page_size: limits.max_page_size,
            quota_free_bytes: GIB,
            quota_pro_bytes: 50 * GIB,
            quota_enterprise_bytes: 0,
            trash_retention_days: limits.trash_retention_days,
            trash_purge_interval_secs: 3600,
            expiry_sweep_interval_secs: 30,
            orphan_sweep_interval_secs: 3600,
            orphan_grace_secs: 24 * 3600,
            max_render_bytes: limits.max_render_bytes,
            fast_path_max_bytes: limits.fast_path_max_bytes,
            render_cache_bytes: limits.render_cache_bytes,
            max_image_pixels: limits.image.max_pixels,
            max_image_side: limits.image.max_side,
            max_image_frames: limits.image.max_frames,
            variant_format: VariantFormat::default(),
            variant_quality: VariantSpec::default().quality,
            share_attempts_per_link: limits.shares.attempts_per_link,
            share_attempts_per_client: limits.shares.attempts_per_client,
            share_attempt_window_secs: limits.shares.window.num_seconds() as u64,
            login_attempts_per_account: limits.logins.attempts_per_account,
            login_attempts_per_client: limits.logins.attempts_per_client,
            login_attempt_window_secs: limits.logins.window.num_seconds() as u64,
            credential_cache_secs: limits.logins.credentials_trusted_for.as_secs(),
            upload_max_fields: limits.form.max_fields,
            upload_max_text_bytes: limits.form.max_text_bytes,
            upload_max_urlencoded_bytes: limits.form.max_urlencoded_bytes,
            password_checks_at_once: None,
            request_head_timeout_secs: connections.request_head_timeout.as_secs(),
            body_idle_timeout_secs: connections.body_idle_timeout.as_secs(),
            keep_alive_secs: connections.keep_alive.as_secs(),
            max_connections: connections.max_connections,
            max_connections_per_client: connections.max_connections_per_client,
            shutdown_grace_secs: connections.shutdown_grace.as_secs(),
            workers: None,
            media_workers: None,
            media_job_lease_secs: 600,
            media_job_max_attempts: 3,
            ffmpeg_path: "ffmpeg".to_owned(),
            ffprobe_path: "ffprobe".to_owned(),
            heif_convert_path: "heif-convert".to_owned(),
            media_tool_timeout_secs: vitrine_media::DEFAULT_TOOL_TIMEOUT.as_secs(),
            decode_budget_bytes: vitrine_media::DEFAULT_DECODE_BUDGET_BYTES,
            url_fetch_allow: Vec::new(),
            url_fetch_timeout_secs: 60,
        }
    }
}

/// Values given as flags; only those present override the rest.
#[derive(Debug, Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
}

impl Config {
    pub fn load(file: Option<&Path>, flags: FlagOverrides) -> Result<Config, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(Env::prefixed("VITRINE_"))
            .merge(Serialized::defaults(flags))
            .extract()
            .map_err(Box::new)
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("vitrine.db").display()))
    }

    pub fn store(&self) -> String {
        self.store
            .clone()
            .unwrap_or_else(|| self.data_dir.join("blobs").display().to_string())
    }

    pub fn limits(&self) -> Limits {
        let quota = |bytes: i64| (bytes > 0).then_some(bytes);
        Limits {
            max_upload_bytes: self.max_upload_bytes,
            default_page_size: self.default_page_size,
            max_page_size: self.max_page_size,
            quotas: PlanQuotas {
                free: quota(self.quota_free_bytes),
                pro: quota(self.quota_pro_bytes),
                enterprise: quota(self.quota_enterprise_bytes),
            },
            trash_retention_days: self.trash_retention_days,
            max_render_bytes: self.max_render_bytes,
            fast_path_max_bytes: self.fast_path_max_bytes,
            render_cache_bytes: self.render_cache_bytes,
            image: ImageLimits {
                max_pixels: self.max_image_pixels,
                max_side: self.max_image_side,
                max_frames: self.max_image_frames,
            },
            shares: ShareLimits {
                attempts_per_link: self.share_attempts_per_link,
                attempts_per_client: self.share_attempts_per_client,
                window: chrono::Duration::seconds(self.share_attempt_window_secs as i64),
                ..ShareLimits::default()
            },
            form: FormLimits {
                max_fields: self.upload_max_fields.max(1),
                max_text_bytes: self.upload_max_text_bytes,
                max_urlencoded_bytes: self.upload_max_urlencoded_bytes,
            },
            logins: LoginLimits {
                attempts_per_account: self.login_attempts_per_account,
                attempts_per_client: self.login_attempts_per_client,
                window: chrono::Duration::seconds(self.login_attempt_window_secs as i64),
                credentials_trusted_for: Duration::from_secs(self.credential_cache_secs),
            },
        }
    }

    /// Password hashes at once: as configured, else one per core.
    pub fn password_checks(&self) -> usize {
        self.password_checks_at_once.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        })
    }

    pub fn jobs(&self) -> JobSettings {
        JobSettings {
            lease: chrono::Duration::seconds(self.media_job_lease_secs.max(1) as i64),
            max_attempts: self.media_job_max_attempts.max(1),
        }
    }

    pub fn prober(&self) -> vitrine_media::Prober {
        let video = VideoTools {
            ffmpeg: self.ffmpeg_path.clone(),
            ffprobe: self.ffprobe_path.clone(),
            timeout: Duration::from_secs(self.media_tool_timeout_secs.max(1)),
        };
        vitrine_media::Prober::with_video_tools(video)
            .with_heif_convert(&self.heif_convert_path)
            .with_decode_budget(vitrine_media::DecodeBudget::new(self.decode_budget_bytes))
            .with_variants(VariantSpec {
                format: self.variant_format,
                quality: self.variant_quality.clamp(1, 100),
                ..VariantSpec::default()
            })
    }

    /// The fetcher of URL sources.
    fn url_fetcher(&self) -> Result<UrlFetcher, DomainError> {
        Ok(UrlFetcher::new(
            FetchPolicy::new(&self.url_fetch_allow)?,
            Duration::from_secs(self.url_fetch_timeout_secs.max(1)),
        ))
    }

    /// What the HTTP layer is configured with; a `url_fetch_allow` entry that is not an
    /// address or a CIDR range is refused here, when the server starts.
    pub fn http(&self) -> Result<HttpSettings, DomainError> {
        Ok(HttpSettings {
            url_fetcher: self.url_fetcher()?,
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.listen)),
            signed_url_ttl: Duration::from_secs(self.signed_url_ttl_secs),
            token_ttl: Duration::from_secs(self.token_ttl_secs),
            session_ttl: Duration::from_secs(self.session_ttl_secs.max(60)),
            metrics_token: self.metrics_token.clone().filter(|t| !t.is_empty()),
            url_signing_secret: self.url_signing_secret.clone(),
            jwt_secret: self.jwt_secret.clone(),
            limits: ConnectionLimits {
                request_head_timeout: Duration::from_secs(self.request_head_timeout_secs.max(1)),
                body_idle_timeout: Duration::from_secs(self.body_idle_timeout_secs.max(1)),
                keep_alive: Duration::from_secs(self.keep_alive_secs),
                max_connections: self.max_connections.max(1),
                max_connections_per_client: self.max_connections_per_client.max(1),
                shutdown_grace: Duration::from_secs(self.shutdown_grace_secs),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_the_file_and_defaults_fill_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vitrine.toml");
        std::fs::write(&file, "listen = \"0.0.0.0:9000\"\nmax_page_size = 50\n").unwrap();
        let flags = FlagOverrides {
            listen: Some("127.0.0.1:7000".into()),
            ..FlagOverrides::default()
        };
        let config = Config::load(Some(&file), flags).unwrap();
        assert_eq!(config.listen, "127.0.0.1:7000");
        assert_eq!(config.max_page_size, 50);
        assert_eq!(config.token_ttl_secs, 3600);
        assert_eq!(config.http().unwrap().public_url, "http://127.0.0.1:7000");
    }

    #[test]
    fn url_fetch_allow_is_a_list_or_comma_separated_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let load = |toml: &str| {
            let file = dir.path().join("vitrine.toml");
            std::fs::write(&file, toml).unwrap();
            Config::load(Some(&file), FlagOverrides::default()).unwrap()
        };
        let listed = load("url_fetch_allow = [\"127.0.0.1/32\", \"10.0.0.0/8\"]\n");
        let commas = load("url_fetch_allow = \"127.0.0.1/32, 10.0.0.0/8,\"\n");
        assert_eq!(listed.url_fetch_allow, ["127.0.0.1/32", "10.0.0.0/8"]);
        assert_eq!(commas.url_fetch_allow, listed.url_fetch_allow);
        assert!(listed.url_fetcher().is_ok());
        assert!(Config::default().url_fetch_allow.is_empty());
        let bad = load("url_fetch_allow = \"localhost\"\n");
        let refused = bad.url_fetcher().err().unwrap().to_string();
        assert!(
            refused.contains("\"localhost\" is not an address"),
            "{refused}"
        );
    }

    #[test]
    fn zero_quota_means_unlimited() {
        let limits = Config::default().limits();
        assert_eq!(limits.quotas.free, Some(GIB));
        assert_eq!(limits.quotas.enterprise, None);
    }
}
