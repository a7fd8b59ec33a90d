// Ordered galleries (spec 3): create, edit the address, status and cover, a translation
// per language, add items from the library, reorder them by dragging (or with the
// keyboard's Move up/down), captions, publish, and open the public page.

import { api, el, toast } from "./api.js";
import { attempt } from "./sections.js";

const STATUSES = ["draft", "published", "archived"];

export async function galleriesPage() {
  const list = document.getElementById("galleries");
  const editor = document.getElementById("gallery-editor");
  const form = document.getElementById("new-gallery");

  async function load() {
    const galleries = await api("GET", "/api/v1/galleries?limit=100");
    list.replaceChildren(...(galleries.length ? galleries.map((g) => el("li", {},
      el("a", { class: "grow", href: `?id=${g.id}`, onclick: (event) => { event.preventDefault(); open(g.id); } }, g.slug),
      el("span", { class: "hint" }, g.status),
      g.status === "published" ? el("a", { href: `/g/${g.slug}`, target: "_blank" }, "Public page") : null))
      : [el("li", { class: "hint" }, "No galleries yet.")]));
  }

  async function open(id) {
    history.replaceState(null, "", `?id=${id}`);
    let gallery;
    let languages;
    try {
      [gallery, languages] = await Promise.all([api("GET", `/api/v1/galleries/${id}`), api("GET", "/api/v1/languages")]);
    } catch (error) {
      toast(error.message);
      return;
    }
    render(gallery, languages);
  }

  function render(gallery, languages) {
    const media = [...gallery.gallery_media].sort((a, b) => a.order - b.order);
    const settings = el("form", { class: "inline", "aria-label": "Gallery settings" },
      el("label", {}, "Address", el("input", { name: "slug", value: gallery.slug, required: true, maxlength: "200" })),
      el("label", {}, "Status", el("select", { name: "status" }, STATUSES.map((s) => el("option", { value: s, selected: s === gallery.status }, s)))),
      el("label", {}, "Cover", el("select", { name: "cover" },
        el("option", { value: "" }, "None"),
        media.map((m) => el("option", { value: m.media_id, selected: m.media_id === gallery.cover_image_id }, m.caption || m.media.original_filename)))),
      el("button", { type: "submit", class: "primary" }, "Save"));
    settings.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(settings);
      const body = { slug: data.get("slug"), status: data.get("status"), cover_image_id: data.get("cover") || null };
      if (await attempt(() => api("PATCH", `/api/v1/galleries/${gallery.id}`, body), "Saved")) {
        await load();
        open(gallery.id);
      }
    });

    const translations = el("div", { class: "translations" }, languages.map((language) => {
      const found = gallery.translations.find((t) => t.language_id === language.id) ?? {};
      const fields = [["title", "Title"], ["description", "Description"], ["meta_title", "Title in search results"], ["meta_description", "Description in search results"]];
      const form = el("form", { "aria-label": `${language.name} text` },
        fields.map(([name, label]) => el("label", {}, label, name.includes("description")
          ? el("textarea", { name, rows: "2", maxlength: "5000" }, found[name] ?? "")
          : el("input", { name, value: found[name] ?? "", maxlength: "500" }))),
        el("button", { type: "submit" }, `Save ${language.name}`));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const body = { language_id: language.id };
        for (const [name, value] of new FormData(form)) body[name] = value.trim() || null;
        attempt(() => api("PUT", `/api/v1/galleries/${gallery.id}/translations`, body), `${language.name} saved`);
      });
      return el("details", { open: !!found.title }, el("summary", {}, `${language.name} (${language.code})`), form);
    }));

    const order = el("ol", { class: "ordered", id: "gallery-media", "aria-label": "Items in order" });
    const save = () => attempt(() => api("POST", `/api/v1/galleries/${gallery.id}/media/reorder`,
      { media_ids: [...order.children].map((li) => li.dataset.id) }), "Order saved");
    let dragged = null;
    for (const m of media) {
      const caption = el("input", { value: m.caption ?? "", maxlength: "1000", "aria-label": `Caption of ${m.media.original_filename}` });
      caption.addEventListener("change", () => attempt(() => api("PATCH", `/api/v1/galleries/${gallery.id}/media/${m.media_id}`, { caption: caption.value.trim() || null }), "Caption saved"));
      const row = el("li", { draggable: "true" },
        el("img", { src: m.media.thumbnail_url || m.media.url, alt: m.media.alt_text || m.media.original_filename, width: "64", height: "64" }),
        el("span", { class: "grow" }, caption),
        el("button", { type: "button", "aria-label": `Move ${m.media.original_filename} up`, onclick: () => { if (row.previousElementSibling) { order.insertBefore(row, row.previousElementSibling); save(); } } }, "↑"),
        el("button", { type: "button", "aria-label": `Move ${m.media.original_filename} down`, onclick: () => { if (row.nextElementSibling) { order.insertBefore(row.nextElementSibling, row); save(); } } }, "↓"),
        el("button", {
          type: "button", class: "danger",
          onclick: async () => { if (await attempt(() => api("DELETE", `/api/v1/galleries/${gallery.id}/media/${m.media_id}`), "Removed")) open(gallery.id); },
        }, "Remove"));
      row.dataset.id = m.media_id;
      row.addEventListener("dragstart", (event) => {
        dragged = row;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", m.media_id);
      });
      row.addEventListener("dragover", (event) => event.preventDefault());
      row.addEventListener("drop", (event) => {
        event.preventDefault();
        if (!dragged || dragged === row) return;
        const after = event.clientY > row.getBoundingClientRect().top + row.offsetHeight / 2;
        order.insertBefore(dragged, after ? row.nextElementSibling : row);
        dragged = null;
        save();
      });
      order.append(row);
    }

    const results = el("div", { class: "picker" });
    const search = el("input", { type: "search", "aria-label": "Find items to add", placeholder: "Find items to add" });
    const find = async () => {
      const params = new URLSearchParams({ limit: "24" });
      if (search.value.trim()) params.set("search", search.value.trim());
      const found = await api("GET", `/api/v1/gallery?${params}`);
      const inside = new Set(media.map((m) => m.media_id));
      results.replaceChildren(...found.items.filter((item) => !inside.has(item.id)).map((item) => el("button", {
        type: "button", class: "pick-item", "aria-label": `Add ${item.title || item.originalFilename}`,
        onclick: async () => { if (await attempt(() => api("POST", `/api/v1/galleries/${gallery.id}/media`, { media_id: item.id }), "Added")) open(gallery.id); },
      }, el("img", { src: item.thumbnailUrl || item.url, alt: "" }))));
    };
    let typing = 0;
    search.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(find, 300); });
    find().catch((error) => toast(error.message));

    editor.replaceChildren(
      el("h2", { id: "editor-title", tabindex: "-1" }, `Gallery ${gallery.slug}`),
      gallery.status === "published" ? el("p", {}, el("a", { href: `/g/${gallery.slug}`, target: "_blank" }, "Open the public page")) : el("p", { class: "hint" }, "Publish it to give it a public page."),
      settings,
      el("h3", {}, "Text per language"), translations,
      el("h3", {}, "Items, in order"),
      el("p", { class: "hint" }, "Drag to reorder, or use the arrows."),
      media.length ? order : el("p", { class: "hint" }, "No items yet."),
      el("h3", {}, "Add from the library"), search, results,
      el("p", {}, el("button", {
        type: "button", class: "danger",
        onclick: async () => {
          if (confirm(`Delete the gallery ${gallery.slug}? Its items stay in the library.`)
            && await attempt(() => api("DELETE", `/api/v1/galleries/${gallery.id}`), "Gallery deleted")) {
            editor.hidden = true;
            history.replaceState(null, "", location.pathname);
            load();
          }
        },
      }, "Delete gallery")));
    editor.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const made = await api("POST", "/api/v1/galleries", { slug: form.elements.slug.value.trim(), status: "draft" });
      form.reset();
      await load();
      open(made.id);
    } catch (error) {
      toast(error.message);
    }
  });
  await load().catch((error) => toast(error.message));
  const id = new URLSearchParams(location.search).get("id");
  if (id) open(id);
}
