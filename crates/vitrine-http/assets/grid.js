// The library as a windowed grid: the scroll area is as tall as every row would be, and
// only the rows near the screen exist as elements, so 100,000 items cost what a screenful
// does. Items are fetched a page at a time as their rows come near.

import { api, el } from "./api.js";
import { thumbHashToDataURL } from "./vendor/thumbhash.js";

const PAGE = 100; // the API's largest page
const KEPT_PAGES = 24; // pages held in memory; the farthest go first
const GAP = 8;
const BUFFER_ROWS = 3; // rows drawn above and below the screen

function placeholder(hash) {
  try {
    const bytes = Uint8Array.from(atob(hash), (c) => c.charCodeAt(0));
    return `url("${thumbHashToDataURL(bytes)}")`;
  } catch {
    return "";
  }
}

export function label(item) {
  return item.title || item.originalFilename;
}

export class Grid {
  constructor(container, { onOpen, onSelect }) {
    this.container = container;
    this.onOpen = onOpen;
    this.onSelect = onSelect;
    this.pages = new Map(); // page number -> items, or a promise of them
    this.tiles = new Map(); // index -> element
    this.selected = new Map(); // id -> item
    this.lastPicked = null;
    this.total = 0;
    this.query = new URLSearchParams();
    this.generation = 0;
    const redraw = () => {
      if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
    };
    addEventListener("scroll", redraw, { passive: true });
    new ResizeObserver(() => { this.layout(); redraw(); }).observe(container);
  }

  /** Shows the items `query` (the API's listing parameters) finds, from the first page. */
  async show(query) {
    this.query = new URLSearchParams(query);
    this.query.delete("item");
    this.generation += 1;
    this.pages.clear();
    for (const tile of this.tiles.values()) tile.remove();
    this.tiles.clear();
    const first = await this.page(1);
    this.total = first ? this.totalSeen : 0;
    this.layout();
    this.draw();
    return this.total;
  }

  layout() {
    const width = this.container.clientWidth || 300;
    const target = width < 500 ? 110 : 180;
    this.columns = Math.max(2, Math.floor((width + GAP) / (target + GAP)));
    this.side = (width - GAP * (this.columns - 1)) / this.columns;
    this.rowHeight = this.side + GAP;
    const rows = Math.ceil(this.total / this.columns);
    this.container.style.height = `${Math.max(0, rows * this.rowHeight - GAP)}px`;
    for (const tile of this.tiles.values()) tile.remove();
    this.tiles.clear();
  }

  page(number) {
    const known = this.pages.get(number);
    if (known) return Promise.resolve(known);
    const generation = this.generation;
    const params = new URLSearchParams(this.query);
    params.set("limit", PAGE);
    params.set("page", number);
    const pending = api("GET", `/api/v1/gallery?${params}`).then((body) => {
      if (generation !== this.generation) return null;
      this.totalSeen = body.total;
      this.pages.set(number, body.items);
      this.forget(number);
      return body.items;
    });
    this.pages.set(number, pending);
    pending.catch(() => this.pages.delete(number));
    return pending;
  }

  /** Drops the pages farthest from `near` once more than KEPT_PAGES are held. */
  forget(near) {
    if (this.pages.size <= KEPT_PAGES) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const number of far.slice(0, this.pages.size - KEPT_PAGES)) this.pages.delete(number);
  }

  /** The item at `index` if its page is here. */
  item(index) {
    const items = this.pages.get(Math.floor(index / PAGE) + 1);
    return Array.isArray(items) ? items[index % PAGE] : undefined;
  }

  indexOf(id) {
    for (const [number, items] of this.pages) {
      if (!Array.isArray(items)) continue;
      const at = items.findIndex((item) => item.id === id);
      if (at >= 0) return (number - 1) * PAGE + at;
    }
    return -1;
  }

  /** The item at `index`, fetching its page when needed. */
  async itemAt(index) {
    if (index < 0 || index >= this.total) return undefined;
    await this.page(Math.floor(index / PAGE) + 1);
    return this.item(index);
  }

  visibleRange() {
    const top = this.container.getBoundingClientRect().top + scrollY;
    const first = Math.floor((scrollY - top) / this.rowHeight) - BUFFER_ROWS;
    const last = Math.ceil((scrollY + innerHeight - top) / this.rowHeight) + BUFFER_ROWS;
    const from = Math.max(0, first) * this.columns;
    const to = Math.min(this.total, Math.max(0, last) * this.columns);
    return [from, to];
  }

  draw() {
    if (!this.total) {
      this.container.replaceChildren();
      return;
    }
    const [from, to] = this.visibleRange();
    for (const [index, tile] of this.tiles) {
      if (index < from || index >= to) {
        tile.remove();
        this.tiles.delete(index);
      }
    }
    const missing = new Set();
    const ordered = [];
    for (let index = from; index < to; index += 1) {
      const item = this.item(index);
      let tile = this.tiles.get(index);
      if (tile && tile.dataset.id !== (item?.id ?? "")) {
        tile.remove();
        tile = undefined;
      }
      if (!tile) {
        tile = this.tile(index, item);
        this.tiles.set(index, tile);
      }
      if (!item) missing.add(Math.floor(index / PAGE) + 1);
      ordered.push(tile);
    }
    // Elements in index order, so the keyboard's Tab follows the grid.
    this.container.replaceChildren(...ordered);
    for (const number of missing) this.page(number).then((items) => items && this.draw());
  }

  tile(index, item) {
    const row = Math.floor(index / this.columns);
    const column = index % this.columns;
    const tile = el("div", { class: "tile", role: "listitem" });
    Object.assign(tile.style, {
      width: `${this.side}px`,
      height: `${this.side}px`,
      transform: `translate(${column * (this.side + GAP)}px, ${row * this.rowHeight}px)`,
    });
    tile.dataset.index = index;
    tile.dataset.id = item?.id ?? "";
    if (!item) return tile;
    if (item.placeholder) tile.style.backgroundImage = placeholder(item.placeholder);
    const name = label(item);
    const image = el("img", {
      alt: item.altText || name,
      loading: "lazy",
      decoding: "async",
      src: item.thumbnailUrl || item.frameUrl || item.url,
      sizes: `${Math.ceil(this.side)}px`,
    });
    if (item.thumbnailUrl && item.type === "image") {
      image.srcset = `${item.thumbnailUrl} 256w, ${item.mediumUrl || item.url} ${item.mediumUrl ? 1024 : item.width || 1024}w`;
    }
    const link = el("a", { href: `?${this.withItem(item.id)}` }, image);
    link.addEventListener("click", (event) => {
      if (event.shiftKey || event.ctrlKey || event.metaKey) {
        event.preventDefault();
        this.pick(index, item, event.shiftKey);
        return;
      }
      event.preventDefault();
      this.onOpen(index, item);
    });
    const box = el("input", { type: "checkbox", class: "pick", "aria-label": `Select ${name}` });
    box.checked = this.selected.has(item.id);
    box.addEventListener("click", (event) => {
      event.stopPropagation();
      this.pick(index, item, event.shiftKey, box.checked);
    });
    tile.classList.toggle("selected", box.checked);
    tile.append(link, box);
    if (item.type === "video") {
      const seconds = Math.round(item.duration ?? 0);
      tile.append(el("span", { class: "badge" }, `▶ ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`));
    }
    if (item.favorite) tile.append(el("span", { class: "fav", "aria-label": "Favorite" }, "★"));
    return tile;
  }

  withItem(id) {
    const params = new URLSearchParams(location.search);
    params.set("item", id);
    return params.toString();
  }

  /** Selects or clears one item; with shift, everything loaded between it and the last. */
  pick(index, item, range, checked) {
    const on = checked ?? !this.selected.has(item.id);
    const indexes = range && this.lastPicked !== null
      ? Array.from({ length: Math.abs(index - this.lastPicked) + 1 }, (_, i) => Math.min(index, this.lastPicked) + i)
      : [index];
    for (const at of indexes) {
      const found = this.item(at);
      if (!found) continue;
      if (on) this.selected.set(found.id, found);
      else this.selected.delete(found.id);
    }
    this.lastPicked = index;
    this.redrawSelection();
  }

  /** Selects every item drawn now (the screenful and a little around it). */
  pickShown() {
    for (const index of this.tiles.keys()) {
      const item = this.item(index);
      if (item) this.selected.set(item.id, item);
    }
    this.redrawSelection();
  }

  clearSelection() {
    this.selected.clear();
    this.lastPicked = null;
    this.redrawSelection();
  }

  redrawSelection() {
    for (const tile of this.tiles.values()) {
      const on = this.selected.has(tile.dataset.id);
      tile.classList.toggle("selected", on);
      const box = tile.querySelector(".pick");
      if (box) box.checked = on;
    }
    this.onSelect(this.selected);
  }
}
