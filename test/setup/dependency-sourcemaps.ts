/**
 * A Vite plugin for the workers projects, which run every dependency through Vite: a dependency
 * whose source map names source files it does not ship (standardwebhooks' names `../src/*.ts`)
 * is loaded without its map, instead of Vite warning "Sourcemap … points to missing source files"
 * on every run. Maps that are whole are kept.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Plugin } from "vitest/config";

const MAP_COMMENT = /\n\/\/# sourceMappingURL=([^\s]+)\s*$/;

export function dropIncompleteDependencySourcemaps(): Plugin {
  return {
    name: "edgekeys:drop-incomplete-dependency-sourcemaps",
    enforce: "pre",
    load(id) {
      if (!id.includes("/node_modules/") || !/\.[cm]?js$/.test(id) || !existsSync(id)) return null;
      const code = readFileSync(id, "utf8");
      const ref = MAP_COMMENT.exec(code)?.[1];
      if (!ref || ref.startsWith("data:")) return null;
      const mapFile = path.resolve(path.dirname(id), ref);
      if (!existsSync(mapFile)) return { code: code.replace(MAP_COMMENT, "\n"), map: null };
      const map = JSON.parse(readFileSync(mapFile, "utf8")) as {
        sources?: string[];
        sourcesContent?: (string | null)[];
        sourceRoot?: string;
      };
      const base = path.resolve(path.dirname(mapFile), map.sourceRoot ?? "");
      const whole = (map.sources ?? []).every((source, i) => map.sourcesContent?.[i] != null || existsSync(path.resolve(base, source)));
      return whole ? null : { code: code.replace(MAP_COMMENT, "\n"), map: null };
    },
  };
}
