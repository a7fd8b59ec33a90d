//! The `vitrine` command line.

mod config;
mod import;
mod media;
mod transfer;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use vitrine::app::{self, Parts};
use vitrine::background::Background;
use vitrine::clock::SystemClock;
use vitrine_domain::clock::Clock;
use vitrine_domain::user::{Plan, Role, Scopes};
use vitrine_storage::{open_store, Db, DbOptions, S3Settings, StoreUrl};

use crate::config::{Config, FlagOverrides};

#[derive(Parser)]
#[command(
    name = "vitrine",
    version,
    about = "A self-hosted media gallery server"
)]
struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Folder for the embedded defaults (SQLite file and blobs).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Metadata database: postgres://… or sqlite://PATH.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Blob store: s3://bucket/prefix, file://PATH or a path.
    #[arg(long, global = true)]
    store: Option<String>,
    /// How log lines are written to stderr: `text` for people, `json` (one object per
    /// line, with the request id and span fields) for log collectors.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// The media pipeline.
    #[command(subcommand)]
    Media(MediaCommand),
    /// Import a folder tree of photos and videos into a user's library, several files at
    /// once; files whose content the user has already are skipped, so it can be re-run.
    Import {
        /// The folder to import.
        dir: PathBuf,
        /// Whose library.
        #[arg(long)]
        user: String,
        /// Also add everything imported to this collection (made when missing).
        #[arg(long)]
        collection: Option<String>,
        /// Mirror the directories as folders.
        #[arg(long)]
        folders: bool,
    },
    /// Copy this installation (rows and blobs, verified by SHA-256) to another database
    /// and store, e.g. from the embedded default to PostgreSQL + S3.
    Transfer {
        #[arg(long)]
        to_database_url: String,
        #[arg(long)]
        to_store: String,
        /// Continue into a target that already holds data (an interrupted transfer).
        #[arg(long)]
        resume: bool,
    },
}

#[derive(Subcommand)]
enum MediaCommand {
    /// Rebuild variants (after changing their settings), with a progress bar.
    Regenerate {
        /// Every item.
        #[arg(long, conflicts_with = "missing", required_unless_present = "missing")]
        all: bool,
        /// Only items without a thumb.
        #[arg(long)]
        missing: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user.
    Add(UserAdd),
    /// Change a user's storage plan.
    SetPlan { name: String, plan: String },
}

#[derive(Args)]
struct UserAdd {
    name: String,
    #[arg(long)]
    password: String,
    #[arg(long)]
    admin: bool,
    #[arg(long, default_value = "free")]
    plan: String,
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Create an API key and print it; it is shown only this once.
    Create {
        #[arg(long)]
        user: String,
        /// Comma-separated scopes; default: all the user's role allows.
        #[arg(long)]
        scopes: Option<String>,
    },
    /// Revoke an API key.
    Revoke {
        #[arg(long)]
        user: String,
        key: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Kept to the end of main: dropping it writes out the lines still queued.
    let _logs = init_logging(cli.log_format);
    let listen = match &cli.command {
        Command::Serve { listen } => listen.clone(),
        _ => None,
    };
    let flags = FlagOverrides {
        data_dir: cli.data_dir.clone(),
        database_url: cli.database_url.clone(),
        store: cli.store.clone(),
        listen,
    };
    let config = Config::load(cli.config.as_deref(), flags).context("reading configuration")?;
    actix_web::rt::System::new().block_on(run(cli.command, config))
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let db = Arc::new(connect(&config).await?);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let accounts = app::accounts(&db, app::passwords(config.password_checks()), &clock);
    match command {
        Command::Serve { .. } => serve(config, db, clock).await,
        Command::Media(MediaCommand::Regenerate { missing, .. }) => {
            media::regenerate(&config, db, clock, missing).await
        }
        Command::Migrate => {
            println!("database is up to date");
            Ok(())
        }
        Command::User(UserCommand::Add(add)) => {
            let role = if add.admin { Role::Admin } else { Role::User };
            let plan: Plan = add.plan.parse()?;
            let user = accounts
                .add_user(&add.name, &add.password, role, plan)
                .await?;
            println!("created user {} ({}, {})", user.name, user.role, user.plan);
            Ok(())
        }
        Command::User(UserCommand::SetPlan { name, plan }) => {
            let user = accounts.operator_set_plan(&name, plan.parse()?).await?;
            println!("{} is now on the {} plan", user.name, user.plan);
            Ok(())
        }
        Command::Import {
            dir,
            user,
            collection,
            folders,
        } => {
            let who = accounts.operator_principal(&user).await?;
            import(&config, db, clock, &who, dir, collection, folders).await
        }
        Command::Transfer {
            to_database_url,
            to_store,
            resume,
        } => {
            let target = transfer::Target {
                database_url: to_database_url,
                store: to_store,
                resume,
            };
            transfer::run(&config, db, target).await
        }
        Command::Key(KeyCommand::Revoke { user, key }) => {
            accounts.revoke_api_key(&user, &key).await?;
            println!("revoked");
            Ok(())
        }
        Command::Key(KeyCommand::Create { user, scopes }) => {
            let scopes = scopes.as_deref().map(Scopes::parse_list).transpose()?;
            let key = accounts.create_api_key(&user, scopes).await?;
            // Only the key on stdout, so scripts can capture it.
            println!("{key}");
            Ok(())
        }
    }
}

/// Logs to stderr at `RUST_LOG`'s levels (default: info). A request only queues its lines
/// (the access log is one per request): a thread of their own writes them, as many as
/// are waiting in one write, so serving never waits on stderr. None are dropped: when
/// the queue is full (128k lines), requests wait. Lines still queued are written when the
/// returned guard is dropped; a process killed outright loses those.
fn init_logging(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("vitrine-log")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        // Colours only for a person at a terminal, not for files and log collectors.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(writer);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().with_current_span(true).init(),
    }
    guard
}

/// Connects and migrates off the async runtime: both may block on I/O.
async fn connect(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url();
    let options = DbOptions {
        max_connections: config.database_connections,
    };
    tokio::task::spawn_blocking(move || Db::connect_with(&url, options))
        .await?
        .context("opening the database")
}

async fn serve(config: Config, db: Arc<Db>, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    // Checked before anything starts.
    let http = config.http().context("checking the configuration")?;
    let store_url = StoreUrl::parse(&config.store())?;
    let store = open_store(&store_url, &S3Settings::from_env())
        .await
        .context("opening the blob store")?;
    let state = app::state(Parts {
        db,
        store: Arc::new(store),
        prober: Arc::new(config.prober()),
        limits: config.limits(),
        http,
        clock,
        password_checks: config.password_checks(),
    })
    .await?;
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let background = Background {
        media_workers: config.media_workers.unwrap_or(cores),
        jobs: config.jobs(),
        idle: Duration::from_millis(500),
        trash_purge: Some(Duration::from_secs(config.trash_purge_interval_secs)),
        expiry_sweep: Some(Duration::from_secs(config.expiry_sweep_interval_secs)),
        orphan_sweep: Some(Duration::from_secs(config.orphan_sweep_interval_secs)),
        orphan_grace: Duration::from_secs(config.orphan_grace_secs),
    };
    background.spawn(&state.library, &state.metrics);
    let listener = std::net::TcpListener::bind(&config.listen)
        .with_context(|| format!("listening on {}", config.listen))?;
    let workers = config.workers.unwrap_or(cores);
    tracing::info!(
        listen = %config.listen,
        database = %redact(&config.database_url()),
        store = %config.store(),
        "vitrine is serving"
    );
    let library = state.library.clone();
    // Returns once a SIGTERM or SIGINT has stopped the server gracefully.
    vitrine_http::serve(listener, state, workers)?.await?;
    // The workers' jobs go back to the queue for another instance to take at once.
    match library.release_claimed_jobs().await {
        Ok(0) => {}
        Ok(released) => tracing::info!(released, "media jobs handed back"),
        Err(err) => tracing::warn!(error = %err, "media jobs could not be handed back"),
    }
    tracing::info!("vitrine stopped");
    Ok(())
}

/// Hides a password in a database URL before it reaches the log.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `vitrine import`: the use cases over this installation's database and store, a progress
/// bar, then a summary (and the reasons for what was refused).
async fn import(
    config: &Config,
    db: Arc<Db>,
    clock: Arc<dyn Clock>,
    who: &vitrine_domain::user::Principal,
    root: PathBuf,
    collection: Option<String>,
    mirror_folders: bool,
) -> anyhow::Result<()> {
    anyhow::ensure!(root.is_dir(), "{} is not a folder", root.display());
    let store = open_store(&StoreUrl::parse(&config.store())?, &S3Settings::from_env()).await?;
    let parts = Parts {
        db: db.clone(),
        store: Arc::new(store),
        prober: Arc::new(config.prober()),
        limits: config.limits(),
        http: config.http()?,
        clock: clock.clone(),
        password_checks: config.password_checks(),
    };
    let uses = import::UseCases {
        library: app::library(&parts),
        folders: vitrine_domain::organise::Folders::new(db.clone(), db.clone(), clock.clone()),
        collections: vitrine_domain::organise::Collections::new(db.clone(), db, clock),
        jobs: config.jobs(),
    };
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let job = import::Import {
        root,
        collection,
        mirror_folders,
        at_once: cores * 2,
    };
    let bar = import::progress_bar();
    let summary = import::run(&job, &uses, who, &bar).await?;
    bar.finish_and_clear();
    println!(
        "imported {}, skipped {} (already there), refused {}",
        summary.imported,
        summary.skipped,
        summary.refused.len()
    );
    for (path, reason) in &summary.refused {
        println!("refused {}: {reason}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn database_passwords_never_reach_the_log() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/v"),
            "postgres://app:***@db:5432/v"
        );
        assert_eq!(redact("sqlite://./x.db"), "sqlite://./x.db");
    }
}
