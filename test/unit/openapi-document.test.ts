/**
 * The OpenAPI document the Worker serves (`public/docs-assets/openapi.json`, read by
 * `/openapi.json`) is exactly the one generated from the routes: the same route files and zod
 * schemas that validate requests, through the real generator in Node. A route, schema or
 * permission changed without regenerating the file fails here; `npm run openapi` (this test with
 * `--update`) rewrites it.
 */
import { expect, it } from "vitest";
import { createApp } from "../../src/app";
import { openApiDocumentOf } from "../../src/http/openapi-document";

it("public/docs-assets/openapi.json is the document generated from the routes", async () => {
  const generated = `${JSON.stringify(openApiDocumentOf(createApp()), null, 2)}\n`;
  await expect(generated).toMatchFileSnapshot(
    "../../public/docs-assets/openapi.json",
    "the served OpenAPI document is out of date with the routes: run `npm run openapi`",
  );
});
