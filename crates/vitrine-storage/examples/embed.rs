//! Vitrine inside another Rust program, without HTTP: SQLite and a blob folder in a
//! temporary directory, a user, an image stored and processed through the use cases, the
//! library listed, and an ordered gallery built from it.
//!
//! Run: `cargo run -p vitrine-storage --example embed`

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::NaiveDateTime;
use vitrine_domain::accounts::{hash_password, password_matches, Accounts};
use vitrine_domain::clock::Clock;
use vitrine_domain::galleries::{Galleries, NewGallery};
use vitrine_domain::item::ItemQuery;
use vitrine_domain::library::{Library, UploadMeta};
use vitrine_domain::limits::Limits;
use vitrine_domain::ports::Passwords;
use vitrine_domain::user::{Plan, Role};
use vitrine_storage::{open_store, Db, S3Settings, StoreUrl};

/// The program's own clock: Vitrine takes "now" from whatever the host gives it.
struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> NaiveDateTime {
        vitrine_domain::clock::stored(chrono::Utc::now().naive_utc())
    }
}

/// Argon2 inline; a server would run it on a thread pool of its own.
struct InlinePasswords;

#[async_trait]
impl Passwords for InlinePasswords {
    async fn hash(&self, password: &str) -> vitrine_domain::Result<String> {
        hash_password(password)
    }

    async fn verify(&self, hash: &str, password: &str) -> vitrine_domain::Result<bool> {
        password_matches(hash, password)
    }
}

/// A 640×480 PNG made here, so the example needs no file.
fn picture() -> Result<Vec<u8>, image::ImageError> {
    let image = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x / 3) as u8, (y / 2) as u8, 160])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image).write_to(&mut png, image::ImageFormat::Png)?;
    Ok(png.into_inner())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let db = Arc::new(Db::connect(
        &dir.path().join("vitrine.db").display().to_string(),
    )?);
    let store = open_store(
        &StoreUrl::Local(dir.path().join("blobs")),
        &S3Settings::default(),
    )
    .await?;
    let clock: Arc<dyn Clock> = Arc::new(WallClock);

    let accounts = Accounts::new(db.clone(), Arc::new(InlinePasswords), clock.clone());
    accounts
        .add_user("ana", "a long password", Role::User, Plan::Pro)
        .await?;
    let ana = accounts.operator_principal("ana").await?;

    let library = Library::new(
        db.clone(),
        db.clone(),
        Arc::new(store),
        Arc::new(vitrine_media::Prober::default()),
        Limits::default(),
        clock.clone(),
    );
    let body = futures::stream::iter([Ok(Bytes::from(picture()?))]);
    let staged = library.stage(&ana, body).await?;
    let meta = UploadMeta {
        original_filename: Some("dusk.png".into()),
        title: Some("Dusk".into()),
        tags: vec!["evening".into()],
        ..UploadMeta::default()
    };
    let item = library.commit(&ana, staged, meta).await?;
    println!(
        "stored {} ({}x{}, variants: {})",
        item.id,
        item.width.unwrap_or(0),
        item.height.unwrap_or(0),
        item.variants
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );

    let page = library.list(&ana, &ItemQuery::default()).await?;
    println!("the library holds {} item(s)", page.total);

    let galleries = Galleries::new(db.clone(), db.clone(), db.clone(), clock);
    let gallery = galleries
        .create(
            &ana,
            NewGallery {
                slug: "evenings".into(),
                status: Some("published".into()),
                cover_image_id: Some(item.id.to_string()),
                author_id: None,
                translations: Vec::new(),
            },
        )
        .await?;
    let gallery = galleries
        .add_media(
            &ana,
            gallery.gallery.id,
            item.id.as_str(),
            None,
            Some("First".into()),
        )
        .await?;
    println!(
        "gallery {} ({}) holds {} item(s)",
        gallery.gallery.slug,
        gallery.gallery.status.as_str(),
        gallery.media.len()
    );
    Ok(())
}
