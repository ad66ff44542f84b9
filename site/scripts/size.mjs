#!/usr/bin/env node
/**
 * Prints the gzipped size of the production JavaScript (dist/site/assets/*.js)
 * and fails when the total passes the budget. Run after `npm run build`.
 *
 *   node scripts/size.mjs [--dir ../dist/site] [--budget-kb 100]
 *
 * gzip at zlib's default level (6), what most servers and CDNs use; brotli
 * (CloudFront's preferred encoding) comes out smaller still.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const siteDir = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    dir: { type: "string", default: resolve(siteDir, "../dist/site") },
    "budget-kb": { type: "string", default: "100" },
  },
});
const budgetBytes = Number(values["budget-kb"]) * 1000;
const assetsDir = join(values.dir, "assets");

let names;
try {
  names = (await readdir(assetsDir)).filter((name) => name.endsWith(".js")).sort();
} catch {
  console.error(`no ${assetsDir}: run \`npm --prefix site run build\` first`);
  process.exit(2);
}
if (names.length === 0) {
  console.error(`no .js files in ${assetsDir}`);
  process.exit(2);
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
let raw = 0;
let gzipped = 0;
for (const name of names) {
  const bytes = await readFile(join(assetsDir, name));
  const size = gzipSync(bytes).length;
  raw += bytes.length;
  gzipped += size;
  console.log(`${name.padEnd(32)} ${kb(bytes.length).padStart(10)} raw ${kb(size).padStart(10)} gzip`);
}
console.log(`${"total JavaScript".padEnd(32)} ${kb(raw).padStart(10)} raw ${kb(gzipped).padStart(10)} gzip (budget ${kb(budgetBytes)})`);
if (gzipped > budgetBytes) {
  console.error(`over budget by ${kb(gzipped - budgetBytes)}`);
  process.exit(1);
}
