/**
 * Bundles the tasks-api into one ES module for `node` 22:
 * `node --import tsx handlers/tasks-api/build.ts [outfile]`
 * (default `dist/tasks-api/main.mjs`). The Dockerfile runs this.
 *
 * Migrations are TypeScript string constants, so they are inside the bundle.
 * `@electric-sql/pglite` stays external: it loads its WASM and data files
 * from beside its own module, and the image has no use for it (Aurora in AWS).
 * The bundle loads it only when PGLITE_DATA_DIR is set, from node_modules.
 * `pg-native` is pg's optional native binding, never used.
 */
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";

export const TASKS_API_EXTERNALS = ["@electric-sql/pglite", "pg-native"] as const;

const entryPoint = resolve(dirname(fileURLToPath(import.meta.url)), "main.ts");

export interface TasksApiBundle {
  readonly outfile: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

export async function buildTasksApiBundle(outfile: string = resolve("dist/tasks-api/main.mjs")): Promise<TasksApiBundle> {
  await mkdir(dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    // The SDK's ESM builds tree-shake (node's default prefers `main`, the CommonJS build, which bundles every
    // command of every client): only the commands the code imports ship, which the least-privilege proof reads.
    mainFields: ["module", "main"],
    external: [...TASKS_API_EXTERNALS],
    // CommonJS dependencies (pg, the AWS SDK) call require() for Node built-ins; ESM has no require.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    sourcemap: "linked",
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  const output = result.metafile.outputs[Object.keys(result.metafile.outputs).find((path) => path.endsWith(".mjs")) ?? ""];
  return { outfile, bytes: output?.bytes ?? 0, metafile: result.metafile };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bundle = await buildTasksApiBundle(process.argv[2] ? resolve(process.argv[2]) : undefined);
  process.stdout.write(`tasks-api bundle: ${bundle.outfile} (${(bundle.bytes / 1024).toFixed(0)} KiB)\n`);
}
