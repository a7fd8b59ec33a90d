// One item in a dialog: the medium picture or the video, its facts, edits, and every
// action on it. Left and right arrows walk the grid.

import { api, el, toast } from "./api.js";
import { label } from "./grid.js";
import { shareForm } from "./share.js";

function size(bytes) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

function facts(item) {
  const rows = [
    ["Type", item.mimeType],
    ["Size", size(item.size)],
    ["Dimensions", item.width ? `${item.width} × ${item.height}` : null],
    ["Duration", item.duration ? `${item.duration.toFixed(1)} s` : null],
    ["Camera", item.camera],
    ["Taken", item.takenAt],
    ["File", item.originalFilename],
    ["Uploaded", new Date(item.createdAt).toLocaleString()],
    ["Tags", item.tags.join(", ") || null],
    ["Quality", item.qualityScore != null ? item.qualityScore.toFixed(0) : null],
  ];
  return el("dl", {}, rows.filter(([, v]) => v).flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))]));
}

export class Viewer {
  constructor(dialog, grid, { trash, folders, collections, changed }) {
    this.dialog = dialog;
    this.grid = grid;
    this.changed = changed;
    this.trash = trash;
    this.folders = folders;
    this.collections = collections;
    // On the document: a re-render can take the focused button away.
    document.addEventListener("keydown", (event) => {
      if (!dialog.open || event.target.closest?.("input, textarea, select, video")) return;
      if (event.key === "ArrowRight") this.step(1);
      if (event.key === "ArrowLeft") this.step(-1);
    });
    dialog.addEventListener("close", () => {
      const params = new URLSearchParams(location.search);
      if (params.has("item")) {
        params.delete("item");
        history.replaceState(null, "", `?${params}`);
      }
      this.dialog.replaceChildren();
    });
  }

  async open(index, id) {
    this.index = index;
    let item;
    try {
      item = await api("GET", `/api/v1/gallery/${encodeURIComponent(id)}`);
    } catch (error) {
      toast(error.message);
      return;
    }
    this.item = item;
    const params = new URLSearchParams(location.search);
    params.set("item", item.id);
    history.replaceState(null, "", `?${params}`);
    this.render();
    if (!this.dialog.open) this.dialog.showModal();
    this.dialog.querySelector(".close")?.focus();
  }

  async step(by) {
    const index = this.index >= 0 ? this.index : this.grid.indexOf(this.item.id);
    const next = await this.grid.itemAt(index + by);
    if (next) this.open(index + by, next.id);
  }

  render() {
    const item = this.item;
    const name = label(item);
    const stage = item.type === "video"
      ? el("video", { controls: true, preload: "metadata", src: item.url, poster: item.frameUrl ?? undefined, "aria-label": name })
      : el("img", { src: item.mediumUrl || item.url, alt: item.altText || name });
    const side = el("div", { class: "side" },
      el("div", { class: "actions" },
        el("button", { type: "button", class: "close", onclick: () => this.dialog.close() }, "Close"),
        el("button", { type: "button", "aria-label": "Previous item", onclick: () => this.step(-1) }, "←"),
        el("button", { type: "button", "aria-label": "Next item", onclick: () => this.step(1) }, "→")),
      el("h2", { id: "viewer-title", tabindex: "-1" }, name),
      item.description ? el("p", {}, item.description) : null,
      facts(item),
      this.trash ? this.trashActions() : this.libraryActions(),
      this.trash ? null : this.editForm(),
      this.trash ? null : this.placeForm(),
      this.trash ? null : el("section", { id: "share", "aria-label": "Share" }),
      el("section", { "aria-label": "Similar items" }, el("h3", {}, "Similar"), this.similar()));
    this.dialog.replaceChildren(el("div", { class: "viewer" }, el("div", { class: "stage" }, stage), side));
    // Keep the keyboard inside the dialog when the element that had it was replaced.
    if (this.dialog.open && !this.dialog.contains(document.activeElement)) this.dialog.querySelector("h2").focus();
  }

  libraryActions() {
    const item = this.item;
    return el("div", { class: "actions" },
      el("button", {
        type: "button", "aria-pressed": String(item.favorite),
        onclick: () => this.change({ favorite: !item.favorite }),
      }, item.favorite ? "★ Favorite" : "☆ Favorite"),
      el("a", { class: "button", href: `/api/v1/gallery/${item.id}/download`, download: "" }, "Download"),
      el("button", { type: "button", onclick: () => this.shareForm() }, "Share"),
      el("button", {
        type: "button", class: "danger",
        onclick: async () => {
          await this.act(() => api("DELETE", `/api/v1/gallery/${item.id}`), "Moved to the trash");
          this.dialog.close();
        },
      }, "Delete"));
  }

  trashActions() {
    const item = this.item;
    return el("div", { class: "actions" },
      el("button", {
        type: "button", class: "primary",
        onclick: async () => {
          await this.act(() => api("POST", `/api/v1/gallery/${item.id}/restore`), "Restored");
          this.dialog.close();
        },
      }, "Restore"),
      el("button", {
        type: "button", class: "danger",
        onclick: async () => {
          if (!confirm(`Delete ${label(item)} for good?`)) return;
          await this.act(() => api("DELETE", `/api/v1/gallery/${item.id}?permanent=true`), "Deleted for good");
          this.dialog.close();
        },
      }, "Delete for good"));
  }

  editForm() {
    const item = this.item;
    const form = el("form", { "aria-label": "Edit" },
      el("label", {}, "Title", el("input", { name: "title", value: item.title ?? "", maxlength: "500" })),
      el("label", {}, "Description", el("textarea", { name: "description", rows: "3", maxlength: "5000" }, item.description ?? "")),
      el("label", {}, "Alt text", el("input", { name: "altText", value: item.altText ?? "", maxlength: "1000" })),
      el("label", {}, "Tags", el("input", { name: "tags", value: item.tags.join(", "), maxlength: "1000" })),
      el("button", { type: "submit", class: "primary" }, "Save"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const text = (name) => data.get(name).trim() || null;
      this.change({
        title: text("title"),
        description: text("description"),
        altText: text("altText"),
        tags: data.get("tags").split(",").map((t) => t.trim()).filter(Boolean),
      }, "Saved");
    });
    return form;
  }

  placeForm() {
    const item = this.item;
    const folder = el("select", { name: "folder", "aria-label": "Folder" },
      el("option", { value: "" }, "Root"),
      this.folders().map((f) => el("option", { value: f.id, selected: f.id === item.folderId }, f.path)));
    folder.addEventListener("change", () => this.change({ folderId: folder.value || null }, "Moved"));
    const collection = el("select", { name: "collection", "aria-label": "Collection" },
      el("option", { value: "" }, "Add to collection…"),
      this.collections().map((c) => el("option", { value: c.id }, c.name)));
    collection.addEventListener("change", async () => {
      if (!collection.value) return;
      await this.act(() => api("POST", `/api/v1/gallery/collections/${collection.value}/items`, { itemIds: [item.id] }), "Added to the collection");
      collection.value = "";
    });
    return el("div", { class: "actions" }, el("label", {}, "Folder", folder), el("label", {}, "Collection", collection));
  }

  shareForm() {
    shareForm(this.dialog.querySelector("#share"), `/api/v1/gallery/${this.item.id}`);
  }

  similar() {
    const list = el("div", { class: "similar" }, el("span", { class: "hint" }, "Looking…"));
    api("GET", `/api/v1/gallery/${this.item.id}/similar?limit=8`).then((body) => {
      const others = body.items.filter((other) => other.id !== this.item.id);
      list.replaceChildren(...(others.length
        ? others.map((other) => el("a", {
          href: `?item=${other.id}`,
          onclick: (event) => { event.preventDefault(); this.index = -1; this.open(-1, other.id); },
        }, el("img", { src: other.thumbnailUrl || other.url, alt: label(other) })))
        : [el("span", { class: "hint" }, "No near-duplicates.")]));
    }, () => list.replaceChildren(el("span", { class: "hint" }, "Not available.")));
    return list;
  }

  async change(patch, message) {
    await this.act(async () => {
      this.item = await api("PATCH", `/api/v1/gallery/${this.item.id}`, patch);
      this.render();
    }, message);
  }

  /** Runs an API call, says how it went, and refreshes the grid behind the dialog. */
  async act(call, message) {
    try {
      await call();
      if (message) toast(message);
      this.changed();
    } catch (error) {
      toast(error.message);
      throw error;
    }
  }
}
