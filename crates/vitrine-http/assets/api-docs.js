// Renders the OpenAPI document with Swagger UI (vendored, see vendor/README.md). Loaded by
// the /api/docs page, whose policy allows scripts from this server only.
window.addEventListener("DOMContentLoaded", () => {
  window.SwaggerUIBundle({
    url: document.body.dataset.document,
    dom_id: "#docs",
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
