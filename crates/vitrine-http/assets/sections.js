// The smaller sections: collections, nested folders, and the account's storage.

import { api, ask, el, toast } from "./api.js";
import { shareForm } from "./share.js";

/** Folders with their full path ("Trips / 2026 / Alps"), sorted by it. */
export function folderPaths(folders) {
  const byId = new Map(folders.map((f) => [f.id, f]));
  const path = (folder, seen = new Set()) => {
    const parent = byId.get(folder.parentId);
    if (!parent || seen.has(parent.id)) return folder.name;
    seen.add(parent.id);
    return `${path(parent, seen)} / ${folder.name}`;
  };
  return folders.map((f) => ({ ...f, path: path(f) })).sort((a, b) => a.path.localeCompare(b.path));
}

export async function attempt(call, message) {
  try {
    await call();
    if (message) toast(message);
    return true;
  } catch (error) {
    toast(error.message);
    return false;
  }
}

export async function collectionsPage() {
  const list = document.getElementById("collections");
  async function load() {
    const { collections } = await api("GET", "/api/v1/gallery/collections");
    list.replaceChildren(...(collections.length ? collections.map((c) => el("li", {},
      el("a", { class: "grow", href: `/?collection=${encodeURIComponent(c.id)}` }, c.name),
      el("span", { class: "hint" }, `${c.itemCount} items`),
      el("a", { class: "button", href: `/api/v1/gallery/collections/${c.id}/download`, download: "" }, "Download ZIP"),
      el("button", {
        type: "button", "aria-label": `Share ${c.name}`,
        onclick: (event) => {
          const row = event.target.closest("li");
          const section = row.querySelector(".share-here") ?? el("section", { class: "share-here", "aria-label": `Share ${c.name}` });
          row.append(section);
          shareForm(section, `/api/v1/gallery/collections/${c.id}`);
        },
      }, "Share"),
      el("button", {
        type: "button",
        onclick: async () => {
          const name = await ask("Rename the collection", "Name", { value: c.name });
          if (name && await attempt(() => api("PATCH", `/api/v1/gallery/collections/${c.id}`, { name }), "Renamed")) load();
        },
      }, "Rename"),
      el("button", {
        type: "button", class: "danger",
        onclick: async () => {
          if (confirm(`Delete the collection ${c.name}? Its items stay in the library.`)
            && await attempt(() => api("DELETE", `/api/v1/gallery/collections/${c.id}`), "Deleted")) load();
        },
      }, "Delete"))) : [el("li", { class: "hint" }, "No collections yet.")]));
  }
  const form = document.getElementById("new-collection");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    if (await attempt(() => api("POST", "/api/v1/gallery/collections", { name }), "Created")) {
      form.reset();
      load();
    }
  });
  load().catch((error) => toast(error.message));
}

export async function foldersPage() {
  const tree = document.getElementById("folders");
  const form = document.getElementById("new-folder");
  async function load() {
    const folders = folderPaths((await api("GET", "/api/v1/gallery/folders")).folders);
    const children = (parent) => folders.filter((f) => (f.parentId ?? null) === parent);
    const options = (except) => [["", "Root"], ...folders.filter((f) => f.id !== except).map((f) => [f.id, f.path])];
    const branch = (parent) => children(parent).map((f) => el("li", {},
      el("a", { class: "grow", href: `/?folderId=${encodeURIComponent(f.id)}` }, f.name),
      el("span", { class: "hint" }, `${f.itemCount} items`),
      el("button", {
        type: "button",
        onclick: async () => {
          const name = await ask("Rename the folder", "Name", { value: f.name });
          if (name && await attempt(() => api("PATCH", `/api/v1/gallery/folders/${f.id}`, { name }), "Renamed")) load();
        },
      }, "Rename"),
      el("button", {
        type: "button",
        onclick: async () => {
          const parent = await ask(`Move ${f.name}`, "Into", { options: options(f.id) });
          if (parent !== null && await attempt(() => api("PATCH", `/api/v1/gallery/folders/${f.id}`, { parentId: parent || null }), "Moved")) load();
        },
      }, "Move"),
      el("button", {
        type: "button", class: "danger",
        onclick: async () => {
          if (confirm(`Delete the folder ${f.name}? What it holds moves up to its parent.`)
            && await attempt(() => api("DELETE", `/api/v1/gallery/folders/${f.id}?moveContents=true`), "Deleted")) load();
        },
      }, "Delete"),
      children(f.id).length ? el("ul", {}, branch(f.id)) : null));
    tree.replaceChildren(...(folders.length ? branch(null) : [el("li", { class: "hint" }, "No folders yet.")]));
    form.elements.parentId.replaceChildren(...options(null).map(([id, path]) => new Option(path, id)));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: form.elements.name.value.trim(), parentId: form.elements.parentId.value || null };
    if (await attempt(() => api("POST", "/api/v1/gallery/folders", body), "Created")) {
      form.reset();
      load();
    }
  });
  load().catch((error) => toast(error.message));
}
