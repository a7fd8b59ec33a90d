// The share form of an item or a collection: expiry, password, downloads, hidden details;
// the new link with a Copy button (it is shown only now); revoking the live link.

import { api, el, toast } from "./api.js";

/** Fills `section` with the form for the target at `base` (its API path). */
export function shareForm(section, base) {
  const form = el("form", { "aria-label": "Share link" },
    el("h3", {}, "Share"),
    el("label", {}, "Expires", el("select", { name: "expiresIn" },
      [["1h", "In an hour"], ["1d", "In a day"], ["7d", "In a week"], ["30d", "In 30 days"], ["never", "Never"]]
        .map(([value, text]) => el("option", { value, selected: value === "7d" }, text)))),
    el("label", {}, "Password (optional)", el("input", { name: "password", type: "password", autocomplete: "new-password", maxlength: "1024" })),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "allowDownload" }), "Allow download"),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "hideMetadata" }), "Hide title and description"),
    el("div", { class: "actions" },
      el("button", { type: "submit", class: "primary" }, "Create link"),
      el("button", {
        type: "button", class: "danger",
        onclick: async () => {
          try {
            await api("DELETE", `${base}/share`);
            toast("Link revoked");
            section.replaceChildren();
          } catch (error) {
            toast(error.message);
          }
        },
      }, "Revoke link")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      const share = await api("POST", `${base}/share`, {
        expiresIn: data.get("expiresIn"),
        password: data.get("password") || undefined,
        allowDownload: data.get("allowDownload") === "on",
        hideMetadata: data.get("hideMetadata") === "on",
      });
      const link = el("input", { readonly: true, value: share.shareUrl, "aria-label": "Share link", class: "share-url" });
      form.querySelector(".share-link")?.remove();
      form.append(el("div", { class: "share-link" }, link,
        el("button", {
          type: "button",
          onclick: async () => {
            link.select();
            try {
              await navigator.clipboard.writeText(share.shareUrl);
              toast("Link copied");
            } catch {
              toast("Press Ctrl+C to copy the selected link");
            }
          },
        }, "Copy")));
    } catch (error) {
      toast(error.message);
    }
  });
  section.replaceChildren(form);
  form.querySelector("select").focus();
}
