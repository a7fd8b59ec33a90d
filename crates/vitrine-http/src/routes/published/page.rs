//! The page of a published gallery: what the template shows, worked out from the gallery
//! and the visitor's language. Every text is escaped by the template.

use askama::Template;
use base64::Engine;
use vitrine_domain::galleries::{GalleryMedia, Media, PublishedGallery};
use vitrine_domain::item::MediaKind;

/// `templates/gallery.html`.
#[derive(Template)]
#[template(path = "gallery.html")]
pub(super) struct GalleryPage<'a> {
    /// The chosen translation's language, for `<html lang>`.
    lang: Option<&'a str>,
    /// `<title>`: the translation's meta title, else its title, else the slug.
    head_title: &'a str,
    /// The heading: the translation's title, else the slug.
    title: &'a str,
    description: Option<&'a str>,
    meta_description: Option<&'a str>,
    /// This page's own address in the chosen language.
    canonical: String,
    /// The gallery's address without a language: search engines' `x-default`.
    address: String,
    /// The cover's absolute address, for `og:image`.
    og_image: Option<String>,
    /// One per translation: `hreflang` links and the language switch.
    alternates: Vec<Alternate<'a>>,
    cover: Option<Picture<'a>>,
    figures: Vec<Figure<'a>>,
}

pub(super) struct Alternate<'a> {
    code: &'a str,
    name: &'a str,
    href: String,
    current: bool,
}

/// An image with its variants and a placeholder colour shown until it loads.
pub(super) struct Picture<'a> {
    src: String,
    srcset: String,
    width: i32,
    height: i32,
    alt: &'a str,
    placeholder: String,
}

pub(super) enum Shown<'a> {
    Image(Picture<'a>),
    Video {
        src: String,
        poster: Option<String>,
        width: i32,
        height: i32,
        placeholder: String,
    },
}

pub(super) struct Figure<'a> {
    shown: Shown<'a>,
    caption: Option<&'a str>,
    /// The first screenful loads at once; the rest when scrolled near.
    eager: bool,
    /// Basis and growth both in proportion to the aspect ratio, so a row's pictures
    /// share one height: CSS-only justified rows that keep the order left to right.
    /// (Growth factors stay above 1: below it a lone picture would not fill its row.)
    flex: String,
}

/// A row's height before it stretches to fill the width, in CSS pixels.
const ROW_HEIGHT: f32 = 220.0;

/// How many pictures load without waiting to be scrolled near.
const EAGER: usize = 4;

impl<'a> GalleryPage<'a> {
    /// `public_url` is the server's absolute base; `wanted` the visitor's languages,
    /// most wanted first.
    pub(super) fn new(gallery: &'a PublishedGallery, public_url: &str, wanted: &[&str]) -> Self {
        let view = &gallery.view;
        let slug = view.gallery.slug.as_str();
        let address = format!("{public_url}/g/{slug}");
        let chosen = gallery.translation_for(wanted);
        let alternates = view
            .translations
            .iter()
            .filter_map(|t| {
                let language = gallery.language(t)?;
                Some(Alternate {
                    code: &language.code,
                    name: &language.name,
                    href: format!("{address}?lang={}", language.code),
                    current: chosen.is_some_and(|(c, _)| c.id == t.id),
                })
            })
            .collect::<Vec<_>>();
        let text = |pick: fn(&'a vitrine_domain::galleries::Translation) -> &'a Option<String>| {
            chosen
                .and_then(|(t, _)| pick(t).as_deref())
                .filter(|s| !s.trim().is_empty())
        };
        let title = text(|t| &t.title).unwrap_or(slug);
        let description = text(|t| &t.description);
        let base = format!("/g/{slug}/media");
        Self {
            lang: chosen.map(|(_, l)| l.code.as_str()),
            head_title: text(|t| &t.meta_title).unwrap_or(title),
            title,
            meta_description: text(|t| &t.meta_description).or(description),
            description,
            canonical: match chosen {
                Some((_, l)) => format!("{address}?lang={}", l.code),
                None => address.clone(),
            },
            og_image: view
                .cover
                .as_ref()
                .map(|item| format!("{public_url}{}", still(&base, item))),
            cover: view
                .cover
                .as_ref()
                .filter(|item| item.kind == MediaKind::Image)
                .map(|item| picture(&base, item, title)),
            figures: view
                .media
                .iter()
                .enumerate()
                .map(|(n, (placed, item))| figure(&base, placed, item, n < EAGER))
                .collect(),
            alternates,
            address,
        }
    }
}

/// An image for `og:image`: an image's medium size, a video's still.
fn still(base: &str, item: &Media) -> String {
    match item.kind {
        MediaKind::Image => format!("{base}/{}/medium", item.id),
        MediaKind::Video => format!("{base}/{}/{}", item.id, poster_variant(item)),
    }
}

fn poster_variant(item: &Media) -> &'static str {
    if item.variant("frame").is_some() {
        "frame"
    } else {
        "thumb"
    }
}

fn figure<'a>(base: &str, placed: &'a GalleryMedia, item: &'a Media, eager: bool) -> Figure<'a> {
    let caption = placed.caption.as_deref().filter(|c| !c.trim().is_empty());
    let alt = item.alt_text.as_deref().or(caption).unwrap_or_default();
    let shown = match item.kind {
        MediaKind::Image => Shown::Image(picture(base, item, alt)),
        MediaKind::Video => Shown::Video {
            src: format!("{base}/{}/original", item.id),
            poster: (item.variant("frame").is_some() || item.variant("thumb").is_some())
                .then(|| format!("{base}/{}/{}", item.id, poster_variant(item))),
            width: item.width.unwrap_or(16),
            height: item.height.unwrap_or(9),
            placeholder: placeholder(item),
        },
    };
    let (width, height) = match &shown {
        Shown::Image(p) => (p.width, p.height),
        Shown::Video { width, height, .. } => (*width, *height),
    };
    let basis = width.max(1) as f32 / height.max(1) as f32 * ROW_HEIGHT;
    Figure {
        shown,
        caption,
        eager,
        flex: format!("{basis:.1} 1 {basis:.1}px"),
    }
}

fn picture<'a>(base: &str, item: &'a Media, alt: &'a str) -> Picture<'a> {
    let at = |variant: &str| format!("{base}/{}/{variant}", item.id);
    let width = item.width.unwrap_or(1);
    let height = item.height.unwrap_or(1);
    // The medium route renders one when none was stored, so `src` always works; the
    // srcset names the sizes the stored variants really have.
    let mut srcset = Vec::new();
    if let Some(thumb) = item.variant("thumb") {
        srcset.push(format!("{} {}w", at("thumb"), thumb.width));
    }
    let medium_width = item.variant("medium").map_or(width, |m| m.width);
    srcset.push(format!("{} {}w", at("medium"), medium_width));
    Picture {
        src: at("medium"),
        srcset: srcset.join(", "),
        width,
        height,
        alt,
        placeholder: placeholder(item),
    }
}

/// The ThumbHash's average colour, as CSS: a calm block of the picture's own tone.
fn placeholder(item: &Media) -> String {
    let average = item
        .placeholder
        .as_deref()
        .and_then(|hash| base64::engine::general_purpose::STANDARD.decode(hash).ok())
        .and_then(|hash| thumbhash::thumb_hash_to_average_rgba(&hash).ok());
    match average {
        Some((r, g, b, _)) => {
            let byte = |c: f32| (c.clamp(0.0, 1.0) * 255.0).round() as u8;
            format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
        }
        None => "#e5e7eb".to_owned(),
    }
}
