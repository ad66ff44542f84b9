/**
 * Fails when any source file imports `@cdktf/provider-aws` from its package
 * root. The root loads ~2,200 modules (seconds and hundreds of MB per synth);
 * deep imports (`@cdktf/provider-aws/lib/s3-bucket`) load only what is used.
 *
 * Usage: node --import tsx scripts/check-imports.ts [dir...]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SKIP = new Set(["node_modules", "cdktf.out", "dist", ".build", ".git", ".local"]);
const SOURCE = /\.(c|m)?[jt]sx?$/;
/** Matches the package root, `/lib` and `/lib/index`, in static, dynamic and require imports. */
const ROOT_IMPORT = /(?:from\s*|require\s*\(\s*|import\s*\(\s*)["']@cdktf\/provider-aws(?:\/lib(?:\/index(?:\.js)?)?)?\/?["']/;

export interface RootImport {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

export function findRootImports(dir: string, root = dir): RootImport[] {
  const found: RootImport[] = [];
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      found.push(...findRootImports(path, root));
    } else if (SOURCE.test(entry)) {
      readFileSync(path, "utf8")
        .split("\n")
        .forEach((text, index) => {
          if (ROOT_IMPORT.test(text)) found.push({ file: relative(root, path), line: index + 1, text: text.trim() });
        });
    }
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2) : ["."];
  const found = dirs.flatMap((dir) => findRootImports(dir));
  for (const hit of found) {
    console.error(`${hit.file}:${hit.line}: root import of @cdktf/provider-aws: ${hit.text}`);
  }
  if (found.length > 0) {
    console.error('Import each resource from its own module, e.g. import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket".');
    process.exit(1);
  }
  console.log("imports: no root import of @cdktf/provider-aws");
}
