/**
 * `/docs`: Swagger UI over `/openapi.json`, from files served beside the Worker
 * (`/docs-assets/`, Workers static assets, pinned by package.json), never from
 * another host, and under a strict Content-Security-Policy: no inline script.
 */
import type { Context } from "hono";

/** Where the page's own files live; part of edgekeys' own paths. */
export const DOCS_ASSETS = "/docs-assets";

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>edgekeys API</title>
    <!-- No favicon request (a 404 in the browser's console): the page loads its own files and the document. -->
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${DOCS_ASSETS}/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_ASSETS}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_ASSETS}/init.js"></script>
  </body>
</html>
`;

/** Swagger UI styles elements inline and shows data: images; everything else is this origin's. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const docsPage = (c: Context) => c.html(PAGE, 200, { "Content-Security-Policy": CSP });
