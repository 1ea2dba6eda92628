/**
 * The rules of the house (ARCHITECTURE.md), checked on the source itself so
 * that breaking one fails `npm test`: who may import whom, no import circles
 * (type-only imports included), no source file over 300 lines.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const files = sourceFiles(SRC);
const rel = (path: string) => relative(SRC, path).replaceAll("\\", "/");

/** The project files a file imports (relative specifiers, `import` and `export … from`, type-only too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']/g)].map((m) => m[1]!);
  // A path into node_modules is a package's module that its package does not export by name
  // (src/zod-trim keeps one function of zod's that way), not a project file.
  return specifiers.flatMap((s) => {
    const base = resolve(dirname(file), s);
    if (relative(SRC, base).split(/[\\/]/).includes("node_modules")) return [];
    for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) {
      if (files.includes(candidate)) return [rel(candidate)];
    }
    throw new Error(`${rel(file)} imports ${s}, which is not a source file`);
  });
}

const graph = new Map(files.map((f) => [rel(f), importsOf(f)]));
const layer = (path: string) => path.split("/")[0]!.replace(/\.ts$/, "");

describe("the rules of the house", () => {
  it("has source files to check", () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it("keeps the core free of storage, HTTP, wire formats and frameworks", () => {
    for (const [file, deps] of graph) {
      if (layer(file) !== "core") continue;
      for (const dep of deps) expect(layer(dep), `${file} imports ${dep}`).toBe("core");
      expect(readFileSync(join(SRC, file), "utf8"), file).not.toMatch(/from ["'](hono|@hono\/|zod)/);
    }
  });

  it("keeps the core's shared room (errors, ids, model, audit events) beneath its subdomains", () => {
    const folders = ["shared", "credentials", "orgs", "access", "webhooks", "leaks"];
    for (const [file, deps] of graph) {
      if (layer(file) !== "core") continue;
      // Every core file lives in one subdomain's folder.
      expect(folders, file).toContain(file.split("/")[1]);
      if (file.split("/")[1] !== "shared") continue;
      for (const dep of deps) expect(dep.split("/").slice(0, 2).join("/"), `${file} imports ${dep}`).toBe("core/shared");
    }
  });

  it("keeps http/ to the app's plumbing: it imports only http/, the core and env (app-env alone names the services and the identity, as types)", () => {
    const typesOnly = new Set(["services.ts", "auth/service-auth.ts"]);
    for (const [file, deps] of graph) {
      if (layer(file) !== "http") continue;
      for (const dep of deps) {
        if (file === "http/app-env.ts" && typesOnly.has(dep)) continue;
        expect(["http", "core", "env"], `${file} imports ${dep}`).toContain(layer(dep));
      }
    }
  });

  it("keeps env.ts to the bindings: it imports only the Durable Objects' protocols", () => {
    expect(graph.has("env.ts")).toBe(true);
    for (const dep of graph.get("env.ts") ?? [])
      expect(["auth/home-protocol.ts", "ratelimit/token-bucket.ts"], `env.ts imports ${dep}`).toContain(dep);
  });

  it("keeps the benchmark's room (bench/) out of production code: only app.ts mounts it", () => {
    for (const [file, deps] of graph) {
      if (layer(file) === "bench" || file === "app.ts") continue;
      for (const dep of deps) expect(layer(dep), `${file} imports ${dep}`).not.toBe("bench");
    }
  });

  it("keeps the rate limiter to counting: it imports nothing from the core, auth or storage", () => {
    for (const [file, deps] of graph) {
      if (layer(file) !== "ratelimit") continue;
      for (const dep of deps) expect(["ratelimit", "env"], `${file} imports ${dep}`).toContain(layer(dep));
    }
  });

  it("keeps storage free of wire formats and HTTP", () => {
    for (const [file, deps] of graph) {
      if (layer(file) !== "db") continue;
      for (const dep of deps) expect(["db", "core"], `${file} imports ${dep}`).toContain(layer(dep));
    }
  });

  it("keeps the surfaces from knowing each other", () => {
    const surfaceOf = (path: string) => (path.startsWith("surfaces/") ? path.split("/")[1] : null);
    for (const [file, deps] of graph) {
      const own = surfaceOf(file);
      if (!own || own === "shared" || file === "surfaces/surface.ts") continue;
      for (const dep of deps) {
        const theirs = surfaceOf(dep);
        if (theirs && theirs !== "shared" && dep !== "surfaces/surface.ts") expect(theirs, `${file} imports ${dep}`).toBe(own);
      }
    }
  });

  it("has no import circles, type-only imports included", () => {
    const circles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        circles.push([...path.slice(path.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "open");
      for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });

  it("has no source file over 300 lines", () => {
    const long = files.filter((f) => readFileSync(f, "utf8").split("\n").length > 300).map(rel);
    expect(long).toEqual([]);
  });
});
