// The dashboard's entry: each page says which section it is (`<body data-section>`), and
// this wires that section to the API. docs/ARCHITECTURE.md, "The dashboard".

import { api, ask, saveDownload, toast } from "./api.js";
import { Grid } from "./grid.js";
import { Viewer } from "./item.js";
import { uploader } from "./upload.js";
import { account, adminPage, sharesPage } from "./account.js";
import { galleriesPage } from "./galleries.js";
import { projectsPage } from "./projects.js";
import { collectionsPage, folderPaths, foldersPage } from "./sections.js";

const FILTERS = ["search", "type", "tags", "collection", "folderId", "from", "to", "favorite"];

async function library(trash) {
  const form = document.getElementById("filters");
  const count = document.getElementById("count");
  let folders = [];
  let collections = [];
  const grid = new Grid(document.getElementById("grid"), {
    onOpen: (index, item) => viewer.open(index, item.id),
    onSelect: (selected) => {
      document.getElementById("selection").hidden = selected.size === 0;
      document.getElementById("selected-count").textContent = `${selected.size} selected`;
    },
  });
  const viewer = new Viewer(document.getElementById("viewer"), grid, {
    trash,
    folders: () => folders,
    collections: () => collections,
    changed: () => show(new URLSearchParams(location.search), false),
  });

  /** The filters as the URL holds them, so reload and back/forward show the same. */
  function fromUrl() {
    const params = new URLSearchParams(location.search);
    for (const name of FILTERS) {
      const field = form.elements[name];
      if (field.type === "checkbox") field.checked = params.get(name) === "true";
      else field.value = params.get(name) ?? "";
    }
    return params;
  }

  /** Lists what `params` filter; `openItem`: also open the item the URL names. */
  async function show(params, openItem = true) {
    const query = new URLSearchParams();
    for (const name of FILTERS) if (params.get(name)) query.set(name, params.get(name));
    if (trash) query.set("status", "trash");
    try {
      const total = await grid.show(query);
      count.textContent = total === 1 ? "1 item" : `${total.toLocaleString()} items`;
    } catch (error) {
      count.textContent = error.message;
    }
    const item = params.get("item");
    if (item && openItem) viewer.open(grid.indexOf(item), item);
  }

  function apply() {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (String(value).trim()) params.set(name, String(value).trim());
    const search = params.toString();
    if (search !== location.search.slice(1)) history.pushState(null, "", search ? `?${search}` : location.pathname);
    grid.clearSelection();
    show(params);
  }

  let typing = 0;
  form.addEventListener("input", (event) => {
    clearTimeout(typing);
    typing = setTimeout(apply, event.target.type === "search" || event.target.name === "tags" ? 350 : 0);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  form.addEventListener("reset", () => setTimeout(apply));
  addEventListener("popstate", () => show(fromUrl()));

  // The first page of items does not wait for the filters' lists.
  Promise.all([
    api("GET", "/api/v1/gallery/folders").then((body) => folderPaths(body.folders)),
    api("GET", "/api/v1/gallery/collections").then((body) => body.collections),
  ]).then(([foundFolders, foundCollections]) => {
    [folders, collections] = [foundFolders, foundCollections];
    const keep = new URLSearchParams(location.search);
    form.elements.folderId.append(...folders.map((f) => new Option(f.path, f.id)));
    form.elements.collection.append(...collections.map((c) => new Option(c.name, c.id)));
    form.elements.folderId.value = keep.get("folderId") ?? "";
    form.elements.collection.value = keep.get("collection") ?? "";
  }, (error) => toast(error.message));
  await show(fromUrl());

  if (!trash) {
    let pending = 0;
    uploader(document.getElementById("files"), document.getElementById("uploads"), () => {
      clearTimeout(pending);
      pending = setTimeout(() => show(new URLSearchParams(location.search), false), 250);
    });
  }

  const ids = () => [...grid.selected.keys()];
  const done = async (message) => {
    toast(message);
    grid.clearSelection();
    await show(new URLSearchParams(location.search), false);
  };
  const bulk = {
    async tag() {
      const tags = await ask("Tag the selected items", "Tags, separated by commas");
      if (tags === null) return;
      const list = tags.split(",").map((t) => t.trim()).filter(Boolean);
      await api("POST", "/api/v1/gallery/bulk/tag", { itemIds: ids(), tags: list });
      await done(`Tagged ${ids().length}`);
    },
    async move() {
      const folder = await ask("Move the selected items", "Folder", {
        options: [["", "Root"], ...folders.map((f) => [f.id, f.path])],
      });
      if (folder === null) return;
      await api("POST", "/api/v1/gallery/bulk/move", { itemIds: ids(), folderId: folder || null });
      await done("Moved");
    },
    async collect() {
      if (!collections.length) return toast("Create a collection first (Collections)");
      const collection = await ask("Add the selected items", "Collection", {
        options: collections.map((c) => [c.id, c.name]),
      });
      if (collection === null) return;
      await api("POST", `/api/v1/gallery/collections/${collection}/items`, { itemIds: ids() });
      await done("Added to the collection");
    },
    async zip() {
      await saveDownload("/api/v1/gallery/bulk/download", { itemIds: ids() }, "vitrine.zip");
    },
    async trash() {
      await api("POST", "/api/v1/gallery/bulk/delete", { itemIds: ids() });
      await done("Moved to the trash");
    },
    async restore() {
      for (const id of ids()) await api("POST", `/api/v1/gallery/${id}/restore`);
      await done("Restored");
    },
    async purge() {
      if (!confirm(`Delete ${ids().length} items for good?`)) return;
      for (const id of ids()) await api("DELETE", `/api/v1/gallery/${id}?permanent=true`);
      await done("Deleted for good");
    },
    all: () => grid.pickShown(),
    none: () => grid.clearSelection(),
  };
  document.getElementById("selection").addEventListener("click", async (event) => {
    const action = event.target.closest("button")?.dataset.bulk;
    if (!action) return;
    try {
      await bulk[action]();
    } catch (error) {
      toast(error.message);
    }
  });
  document.getElementById("empty-trash")?.addEventListener("click", async () => {
    if (!confirm("Delete everything in the trash for good?")) return;
    try {
      const body = await api("POST", "/api/v1/gallery/trash/empty");
      await done(`Deleted ${body.purged} for good`);
    } catch (error) {
      toast(error.message);
    }
  });
}

const sections = {
  library: () => library(false),
  trash: () => library(true),
  collections: collectionsPage,
  folders: foldersPage,
  galleries: galleriesPage,
  projects: projectsPage,
  shares: sharesPage,
  account,
  admin: adminPage,
};
sections[document.body.dataset.section]?.();
