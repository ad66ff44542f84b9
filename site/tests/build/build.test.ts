import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CACHE_POLICY_FILE, IMMUTABLE, REVALIDATE, type CachePolicy } from "../../build/cache-policy";

const siteDir = fileURLToPath(new URL("../..", import.meta.url));
let outDir: string;
let assets: string[];
let indexHtml: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "taskboard-site-"));
  await build({ root: siteDir, configFile: join(siteDir, "vite.config.ts"), logLevel: "silent", build: { outDir, emptyOutDir: true } });
  assets = (await readdir(join(outDir, "assets"))).sort();
  indexHtml = await readFile(join(outDir, "index.html"), "utf8");
}, 120_000);

afterAll(() => rm(outDir, { recursive: true, force: true }));

describe("the production build", () => {
  it("names every asset by its content hash and leaves index.html unhashed", () => {
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const name of assets) expect(name).toMatch(/^[\w-]+-[\w-]{8}\.(js|css|svg)$/);
    expect(indexHtml).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]{8}\.js"><\/script>/);
    expect(indexHtml).toMatch(/<link rel="stylesheet" crossorigin href="\/assets\/index-[\w-]{8}\.css">/);
  });

  it("needs no inline script or style, so the CSP can forbid both", () => {
    expect(indexHtml).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(indexHtml).not.toMatch(/<style|\sstyle=/);
    expect(indexHtml).not.toMatch(/data:/);
  });

  it("writes the cache policy for the upload: assets immutable, index.html revalidated", async () => {
    const policy = JSON.parse(await readFile(join(outDir, CACHE_POLICY_FILE), "utf8")) as CachePolicy;
    const expected = Object.fromEntries([...assets.map((name) => [`assets/${name}`, IMMUTABLE]), ["index.html", REVALIDATE]]);
    expect(policy.files).toEqual(expected);
    expect(policy.rules).toEqual([
      { match: "assets/*", cacheControl: "public, max-age=31536000, immutable" },
      { match: "*", cacheControl: "no-cache" },
    ]);
  });

  it("keeps the JavaScript under 100 kB gzipped, without zod", async () => {
    let gzipped = 0;
    for (const name of assets.filter((n) => n.endsWith(".js"))) {
      const code = await readFile(join(outDir, "assets", name));
      gzipped += gzipSync(code).length;
      // The site imports only types from contracts/; a value import would pull zod in.
      expect(code.toString("utf8")).not.toMatch(/ZodError|\$ZodType/);
    }
    expect(gzipped).toBeLessThan(100_000);
  });
});
