// Starts Swagger UI on the API docs page. A file, not an inline script, so the page can be
// served with a Content-Security-Policy that allows no inline script at all.
"use strict";
window.addEventListener("load", () => {
  const container = document.getElementById("swagger-ui-container");
  window.ui = SwaggerUIBundle({ url: container.dataset.specUrl, dom_id: "#swagger-ui-container" });
});
