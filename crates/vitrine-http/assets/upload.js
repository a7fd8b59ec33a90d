// Uploads from the file picker or dropped anywhere on the page: a row per file with its
// progress, and the server's reason beside any file it refuses (quota, type, size).

import { el, upload } from "./api.js";

const AT_ONCE = 3;

export function uploader(input, list, landed) {
  const queue = [];
  let running = 0;

  function next() {
    while (running < AT_ONCE && queue.length) {
      const { file, bar, status } = queue.shift();
      running += 1;
      status.textContent = "Uploading…";
      upload(file, (sent, total) => {
        bar.max = total;
        bar.value = sent;
      }).then(() => {
        bar.value = bar.max;
        status.textContent = "Done";
        status.className = "done";
        landed();
      }, (error) => {
        status.textContent = error.message;
        status.className = "error";
      }).finally(() => {
        running -= 1;
        next();
      });
    }
  }

  function add(files) {
    for (const file of files) {
      const bar = el("progress", { max: String(file.size || 1), value: "0", "aria-label": `Upload of ${file.name}` });
      const status = el("span", {}, "Waiting");
      list.append(el("li", {}, el("span", { class: "name" }, file.name), bar, status));
      queue.push({ file, bar, status });
    }
    next();
  }

  input.addEventListener("change", () => {
    add([...input.files]);
    input.value = "";
  });
  let depth = 0;
  addEventListener("dragenter", (event) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    depth += 1;
    document.body.classList.add("dragging");
  });
  addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (!depth) document.body.classList.remove("dragging");
  });
  addEventListener("dragover", (event) => event.preventDefault());
  addEventListener("drop", (event) => {
    event.preventDefault();
    depth = 0;
    document.body.classList.remove("dragging");
    if (event.dataTransfer?.files.length) add([...event.dataTransfer.files]);
  });
}
