// Starts Swagger UI on /docs from files the Worker serves itself (no other host, no inline script,
// so the page works offline and under a strict Content-Security-Policy).
window.addEventListener("load", () => {
  window.ui = window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
});
