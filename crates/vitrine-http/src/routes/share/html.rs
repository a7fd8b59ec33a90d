//! The share pages: server-rendered, no JavaScript, readable on a phone. Every value
//! that comes from a user goes through `escape`.

use std::fmt::Write;

use vitrine_domain::item::{Item, MediaKind};
use vitrine_domain::shares::Share;

const STYLE: &str = "body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#111;color:#eee}\
main{max-width:1100px;margin:0 auto;padding:16px}\
h1{font-size:1.4rem;margin:.2em 0 .6em;word-break:break-word}\
img.media,video.media{display:block;max-width:100%;max-height:80vh;margin:0 auto;border-radius:6px}\
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}\
.grid img{width:100%;aspect-ratio:1;object-fit:cover;border-radius:4px;background:#222}\
.button{display:inline-block;margin:16px 0;padding:10px 18px;border-radius:6px;background:#3b82f6;color:#fff;text-decoration:none;border:0;font-size:1rem}\
form{max-width:320px;margin:15vh auto}input{width:100%;box-sizing:border-box;padding:10px;font-size:1rem;margin:8px 0;border-radius:6px;border:1px solid #555;background:#222;color:#eee}\
.note{color:#aaa}.error{color:#f87171}a{color:#93c5fd}";

pub(super) use crate::format::html_escape as escape;

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

fn item_title(item: &Item) -> &str {
    item.title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(&item.original_filename)
}

/// The item as the visitor sees it. `base` is the share's path, `/share/{token}`.
pub(super) fn item_page(base: &str, share: &Share, item: &Item, back: bool) -> String {
    let assets = format!("{base}/items/{}", escape(item.id.as_str()));
    let title = if share.hide_metadata {
        "Shared file"
    } else {
        item_title(item)
    };
    let mut body = String::new();
    if back {
        let _ = write!(body, "<p><a href=\"{base}\">← All items</a></p>");
    }
    let _ = write!(body, "<h1>{}</h1>", escape(title));
    match (item.kind, share.allow_download) {
        (MediaKind::Image, _) => {
            let _ = write!(
                body,
                "<img class=\"media\" src=\"{assets}/medium\" alt=\"{}\">",
                escape(title)
            );
        }
        (MediaKind::Video, true) => {
            let _ = write!(
                body,
                "<video class=\"media\" controls preload=\"metadata\" src=\"{assets}/original\"></video>"
            );
        }
        (MediaKind::Video, false) => body.push_str(
            "<p class=\"note\">This video is shared without downloads, so it cannot be played here.</p>",
        ),
    }
    if let (Some(description), false) = (&item.description, share.hide_metadata) {
        let _ = write!(body, "<p>{}</p>", escape(description));
    }
    if share.allow_download {
        let _ = write!(
            body,
            "<a class=\"button\" href=\"{assets}/original?download=1\">Download</a>"
        );
    }
    layout(title, &body)
}

pub(super) fn collection_page(base: &str, share: &Share, name: &str, items: &[Item]) -> String {
    let mut body = format!("<h1>{}</h1>", escape(name));
    if share.allow_download && !items.is_empty() {
        let _ = write!(
            body,
            "<a class=\"button\" href=\"{base}/zip\">Download all ({})</a>",
            items.len()
        );
    }
    if items.is_empty() {
        body.push_str("<p class=\"note\">Nothing here yet.</p>");
    }
    body.push_str("<div class=\"grid\">");
    for (n, item) in items.iter().enumerate() {
        let id = escape(item.id.as_str());
        let label = if share.hide_metadata {
            let kind = match item.kind {
                MediaKind::Image => "Image",
                MediaKind::Video => "Video",
            };
            format!("{kind} {}", n + 1)
        } else {
            escape(item_title(item))
        };
        let preview = match item.kind {
            MediaKind::Image => {
                format!("<img src=\"{base}/items/{id}/thumb\" alt=\"{label}\" loading=\"lazy\">")
            }
            MediaKind::Video => format!("<span>▶ {label}</span>"),
        };
        let _ = write!(body, "<a href=\"{base}/items/{id}\">{preview}</a>");
    }
    body.push_str("</div>");
    layout(name, &body)
}

pub(super) fn password_page(action: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\">{}</p>", escape(e)))
        .unwrap_or_default();
    let body = format!(
        "<form method=\"post\" action=\"{action}\"><h1>This link is protected</h1>{error}\
         <label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required autofocus>\
         <button class=\"button\" type=\"submit\">Open</button></form>"
    );
    layout("Password required", &body)
}

pub(super) fn message_page(title: &str, message: &str) -> String {
    let body = format!("<h1>{}</h1><p>{}</p>", escape(title), escape(message));
    layout(title, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_user_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        let page = message_page("<b>", "<i>");
        assert!(page.contains("<h1>&lt;b&gt;</h1><p>&lt;i&gt;</p>"));
    }
}
