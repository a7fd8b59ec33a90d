// The JSON API, called with the sign-in session's cookie. Anything that changes something
// carries the page's CSRF token; an error becomes an Error with the API's message.

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function failure(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body.error) message = body.error;
    if (body.detail?.length) message += `: ${body.detail.map((d) => d.message).join("; ")}`;
  } catch {
    /* not JSON: keep the status line */
  }
  if (response.status === 401) location.assign(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
  return new ApiError(response.status, message);
}

function request(method, path, body, extra = {}) {
  const headers = { "X-CSRF-Token": csrf, ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Calls the API and answers its JSON (null when there is none). */
export async function api(method, path, body) {
  const response = await request(method, path, body);
  if (!response.ok) throw await failure(response);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** POSTs `body` (or sends `method` with `headers`) and saves the answer (a ZIP, a
 * ShareX file) under the name the server gives. */
export async function saveDownload(path, body, fallbackName, { method = "POST", headers = {} } = {}) {
  const response = await request(method, path, body, headers);
  if (!response.ok) throw await failure(response);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Uploads one file to the library, telling `progress(sent, total)` as it goes. */
export function upload(file, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/gallery");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = (event) => progress(event.loaded, event.total || file.size);
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* keep null */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body?.error ?? `${xhr.status} ${xhr.statusText}`));
    };
    xhr.onerror = () => reject(new ApiError(0, "The connection failed"));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

/** A short message at the bottom of the screen that screen readers announce. */
export function toast(message) {
  const note = Object.assign(document.createElement("div"), { className: "toast", textContent: message });
  note.setAttribute("role", "status");
  for (const older of document.querySelectorAll(".toast")) older.remove();
  // Inside an open dialog, or it would sit under the dialog's backdrop.
  (document.querySelector("dialog[open]") ?? document.body).append(note);
  setTimeout(() => note.remove(), 3500);
}

/** An element with attributes and children, text escaped by the DOM. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** Asks for one value in a small dialog; answers null when cancelled. */
export function ask(title, label, { type = "text", options = null, value = "" } = {}) {
  const dialog = document.getElementById("prompt");
  return new Promise((resolve) => {
    const field = options
      ? el("select", { name: "value" }, options.map(([v, text]) => el("option", { value: v }, text)))
      : el("input", { name: "value", type, value, required: true, maxlength: "500" });
    const form = el("form", { method: "dialog" },
      el("h2", { id: "prompt-title" }, title),
      el("label", {}, label, field),
      el("div", { class: "actions" },
        el("button", { type: "submit", class: "primary", value: "ok" }, "OK"),
        el("button", { type: "submit", value: "cancel", formnovalidate: true }, "Cancel")));
    dialog.setAttribute("aria-labelledby", "prompt-title");
    dialog.replaceChildren(form);
    dialog.onclose = () => resolve(dialog.returnValue === "ok" ? field.value : null);
    dialog.returnValue = "";
    dialog.showModal();
    field.focus();
  });
}
