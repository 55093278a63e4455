// userapi: point Swagger UI at the server's own OpenAPI document (this file shadows the webjar's).
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: new URL("/api/openapi.yaml", window.location.href).href,
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
