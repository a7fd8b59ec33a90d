// Projects (spec 4): the by-project board with each project's counts, its images' status
// and quality score, like/dislike with a comment, and the review status; the filters of
// the spec, kept in the URL.

import { api, el, toast } from "./api.js";
import { attempt } from "./sections.js";

const FILTERS = ["search", "status", "feedback", "ownership", "sort_by", "order"];
const PER_PAGE = 10;

function card(image) {
  const name = image.download_filename || image.original_filename;
  const feedback = (value, label) => el("button", {
    type: "button",
    "aria-pressed": String(image.feedback === value),
    "aria-label": `${label} ${name}`,
    onclick: async () => {
      const next = image.feedback === value ? null : value;
      if (await attempt(() => api("PUT", `/api/v1/gallery/${image.id}/feedback`, { feedback: next, comment: comment.value.trim() || null }), next ? `${label}d` : "Feedback cleared")) {
        image.feedback = next;
        for (const button of row.querySelectorAll("button[aria-pressed]")) button.setAttribute("aria-pressed", String(button.dataset.value === next));
      }
    },
  }, label);
  const like = feedback("like", "Like");
  like.dataset.value = "like";
  const dislike = feedback("dislike", "Dislike");
  dislike.dataset.value = "dislike";
  const comment = el("input", { value: image.feedback_comment ?? "", maxlength: "2000", "aria-label": `Comment on ${name}`, placeholder: "Comment" });
  comment.addEventListener("change", () => attempt(() => api("PUT", `/api/v1/gallery/${image.id}/feedback`, { feedback: image.feedback ?? null, comment: comment.value.trim() || null }), "Comment saved"));
  const review = el("select", { "aria-label": `Review of ${name}` },
    [["", "Not reviewed"], ["pending", "Pending"], ["approved", "Approved"], ["rejected", "Rejected"]]
      .map(([value, text]) => el("option", { value, selected: (image.review_status ?? "") === value }, text)));
  review.addEventListener("change", () => attempt(() => api("PUT", `/api/v1/gallery/${image.id}/review`, { status: review.value || null }), "Review saved"));
  const row = el("div", { class: "row" }, like, dislike);
  return el("li", { class: "project-image" },
    image.output.thumbnail
      ? el("img", { src: image.output.thumbnail, alt: name, loading: "lazy", width: "160", height: "160" })
      : el("div", { class: "no-thumb" }, image.status),
    el("span", { class: "name" }, name),
    el("span", { class: "hint" }, `${image.status}${image.quality_score != null ? ` · quality ${Math.round(image.quality_score)}` : ""}`),
    row, comment, review);
}

export async function projectsPage() {
  const form = document.getElementById("project-filters");
  const board = document.getElementById("projects");
  const pages = document.getElementById("project-pages");

  async function show() {
    const params = new URLSearchParams(location.search);
    for (const name of FILTERS) if (params.has(name)) form.elements[name].value = params.get(name);
    const query = new URLSearchParams({ per_page: PER_PAGE, page: params.get("page") ?? "1", max_images_per_project: "50" });
    for (const name of FILTERS) if (params.get(name)) query.set(name, params.get(name));
    let body;
    try {
      body = await api("GET", `/gallery/by-project?${query}`);
    } catch (error) {
      board.replaceChildren(el("p", { class: "error" }, error.message));
      return;
    }
    board.replaceChildren(...(body.projects.length ? body.projects.map((project) => el("section", { class: "project", "aria-label": project.project_name },
      el("h2", {}, project.project_name, " ", el("span", { class: "hint" }, project.project_key)),
      el("p", { class: "hint" }, `${project.total_images} images · ${project.completed_images} completed · ${project.failed_images} failed`),
      el("ul", { class: "project-images" }, project.images.map(card))))
      : [el("p", { class: "hint" }, "No projects match.")]));
    const { page, pages: count } = body.pagination;
    const go = (to) => el("a", { href: "#", onclick: (event) => { event.preventDefault(); const p = new URLSearchParams(location.search); p.set("page", to); history.pushState(null, "", `?${p}`); show(); } });
    pages.replaceChildren(
      body.pagination.has_prev ? Object.assign(go(page - 1), { textContent: "← Previous" }) : "",
      el("span", { class: "hint" }, ` Page ${page} of ${Math.max(count, 1)} `),
      body.pagination.has_next ? Object.assign(go(page + 1), { textContent: "Next →" }) : "");
  }

  form.addEventListener("input", () => {
    const params = new URLSearchParams();
    for (const name of FILTERS) if (form.elements[name].value) params.set(name, form.elements[name].value);
    history.pushState(null, "", `?${params}`);
    show();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  addEventListener("popstate", show);
  show();
}
