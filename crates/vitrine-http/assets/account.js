// The account (storage, API keys, the ShareX file), the user's live links, and the
// admin's users, languages and categories.

import { api, el, saveDownload, toast } from "./api.js";
import { attempt } from "./sections.js";

const SCOPES = [
  "media:read", "media:write", "media:delete", "shares:write",
  "galleries:read", "galleries:create", "galleries:update", "galleries:delete",
  "projects:read", "projects:write",
];

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "never");

export async function account() {
  try {
    const storage = await api("GET", "/api/v1/gallery/storage");
    const bar = document.getElementById("storage-bar");
    bar.max = storage.limit ?? Math.max(storage.used, 1);
    bar.value = storage.used;
    document.getElementById("storage-text").textContent = storage.limit
      ? `${storage.usedFormatted} of ${storage.limitFormatted} used`
      : `${storage.usedFormatted} used (no limit)`;
  } catch (error) {
    toast(error.message);
  }
  const list = document.getElementById("keys");
  const form = document.getElementById("new-key");
  const shown = document.getElementById("new-key-shown");
  document.getElementById("key-scopes").replaceChildren(...SCOPES.map((scope) =>
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "scope", value: scope, checked: true }), scope)));
  async function load() {
    const { keys } = await api("GET", "/api/v1/keys");
    list.replaceChildren(...(keys.length ? keys.map((key) => el("li", {},
      el("code", {}, key.id),
      el("span", { class: "grow hint" }, `${key.scopes.join(", ")} · made ${when(key.createdAt)}`),
      el("button", {
        type: "button", class: "danger", "aria-label": `Revoke key ${key.id}`,
        onclick: async () => {
          if (confirm("Revoke this key? Programs using it stop working.")
            && await attempt(() => api("DELETE", `/api/v1/keys/${key.id}`), "Key revoked")) load();
        },
      }, "Revoke"))) : [el("li", { class: "hint" }, "No API keys.")]));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const scopes = new FormData(form).getAll("scope");
    try {
      const made = await api("POST", "/api/v1/keys", { scopes });
      const value = el("input", { readonly: true, value: made.key, id: "new-key-value", "aria-label": "The new API key" });
      shown.replaceChildren(
        el("p", {}, "Your new key. Copy it now: it is shown only this once."),
        el("div", { class: "share-link" }, value,
          el("button", { type: "button", onclick: () => { value.select(); navigator.clipboard?.writeText(made.key).then(() => toast("Key copied"), () => {}); } }, "Copy")),
        el("p", {}, el("button", {
          type: "button",
          onclick: () => saveDownload("/api/1/sharex", undefined, "vitrine.sxcu", { method: "GET", headers: { "X-API-Key": made.key } })
            .catch((error) => toast(error.message)),
        }, "Download the ShareX file for this key")));
      shown.hidden = false;
      value.focus();
      value.select();
      load();
    } catch (error) {
      toast(error.message);
    }
  });
  load().catch((error) => toast(error.message));
}

export async function sharesPage() {
  const list = document.getElementById("shares");
  async function load() {
    const { shares } = await api("GET", "/api/v1/gallery/shares");
    list.replaceChildren(...(shares.length ? shares.map((share) => {
      const item = share.targetType === "item";
      const target = item ? `/?item=${share.targetId}` : `/?collection=${share.targetId}`;
      const flags = [
        share.passwordProtected ? "password" : "no password",
        share.allowDownload ? "downloads allowed" : "no downloads",
        share.hideMetadata ? "details hidden" : null,
        `expires ${when(share.expiresAt)}`,
      ].filter(Boolean).join(" · ");
      return el("li", {},
        el("a", { href: target, class: "grow" }, item ? `Item ${share.targetId}` : `Collection ${share.targetId}`),
        el("span", { class: "hint" }, flags),
        el("button", {
          type: "button", class: "danger",
          onclick: async () => {
            const path = item ? `/api/v1/gallery/${share.targetId}/share` : `/api/v1/gallery/collections/${share.targetId}/share`;
            if (await attempt(() => api("DELETE", path), "Link revoked")) load();
          },
        }, "Revoke"));
    }) : [el("li", { class: "hint" }, "No live links.")]));
  }
  load().catch((error) => toast(error.message));
}

export async function adminPage() {
  const users = document.getElementById("users");
  if (!users) return;
  async function loadUsers() {
    const body = await api("GET", "/api/v1/admin/users");
    users.replaceChildren(...body.users.map((user) => {
      const plan = el("select", { "aria-label": `Plan of ${user.name}` },
        ["free", "pro", "enterprise"].map((p) => el("option", { value: p, selected: p === user.plan }, p)));
      plan.addEventListener("change", () => attempt(() => api("PUT", `/api/v1/admin/users/${encodeURIComponent(user.name)}/plan`, { plan: plan.value }), "Plan changed"));
      const role = el("select", { "aria-label": `Role of ${user.name}` },
        ["user", "admin"].map((r) => el("option", { value: r, selected: r === user.role }, r)));
      role.addEventListener("change", async () => {
        if (!await attempt(() => api("PUT", `/api/v1/admin/users/${encodeURIComponent(user.name)}/role`, { role: role.value }), "Role changed")) loadUsers();
      });
      return el("li", {}, el("span", { class: "grow" }, user.name), el("span", { class: "hint" }, user.limitFormatted), plan, role);
    }));
  }
  async function loadLanguages() {
    const languages = await api("GET", "/api/v1/languages");
    document.getElementById("languages").replaceChildren(...languages.map((l) => el("li", {}, el("code", {}, l.code), el("span", { class: "grow" }, l.name))));
  }
  async function loadCategories() {
    const categories = await api("GET", "/api/v1/categories");
    const all = Array.isArray(categories) ? categories : categories.categories ?? [];
    document.getElementById("categories").replaceChildren(...all.map((c) => el("li", {}, el("span", { class: "grow" }, c.name))));
  }
  const submit = (id, path, reload, shape = (data) => data) => {
    const form = document.getElementById(id);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(form));
      if (await attempt(() => api("POST", path, shape(data)), "Added")) {
        form.reset();
        reload();
      }
    });
  };
  submit("new-user", "/api/v1/admin/users", loadUsers);
  submit("new-language", "/api/v1/languages", loadLanguages);
  submit("new-category", "/api/v1/categories", loadCategories);
  await Promise.all([loadUsers(), loadLanguages(), loadCategories()]).catch((error) => toast(error.message));
}
