import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { cachePolicyPlugin } from "./build/cache-policy.ts";

const siteDir = fileURLToPath(new URL(".", import.meta.url));

/** Where the dev server sends `/api`: the local stack (`npm start`) by default. */
const apiTarget = process.env.TASKBOARD_API_URL ?? "http://localhost:3000";

export default defineConfig({
  root: siteDir,
  plugins: [cachePolicyPlugin("assets")],
  resolve: {
    // dnd-kit has no `exports` map: take its ES module build everywhere (tests included), never the CommonJS one.
    mainFields: ["browser", "module", "jsnext:main", "jsnext", "main"],
    // dnd-kit is written for React; preact/compat provides the same API at a fraction of the size.
    alias: [
      { find: /^react$/, replacement: "preact/compat" },
      { find: /^react-dom$/, replacement: "preact/compat" },
      { find: /^react\/jsx-runtime$/, replacement: "preact/jsx-runtime" },
    ],
  },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../dist/site",
    emptyOutDir: true,
    assetsDir: "assets",
    // Everything becomes a file under assets/: no data: URIs, so the CSP needs no `data:` source.
    assetsInlineLimit: 0,
    target: "es2022",
    sourcemap: false,
  },
  server: {
    proxy: { "/api": { target: apiTarget, changeOrigin: true } },
  },
  preview: {
    proxy: { "/api": { target: apiTarget, changeOrigin: true } },
  },
  test: {
    // dnd-kit imports `react`: it must go through Vite so the alias above applies.
    server: { deps: { inline: [/@dnd-kit\//] } },
    projects: [
      // Pure modules and the API client (against a real loopback server): plain Node, fast.
      { extends: true, test: { name: "unit", environment: "node", include: ["src/**/*.test.ts", "tests/**/*.test.ts"] } },
      // Components render into happy-dom and talk to the same loopback server over HTTP.
      { extends: true, test: { name: "dom", environment: "happy-dom", include: ["src/**/*.test.tsx", "tests/**/*.test.tsx"] } },
    ],
  },
});
