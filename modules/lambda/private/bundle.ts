import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, existsSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync, version as esbuildVersion, type Message } from "esbuild";
import { zipSync, type ZipOptions } from "fflate";

/**
 * The repository root: the nearest folder above this module holding `cdktf.json`.
 * Found by walking up, so it is right both from the sources and from a bundled synth entry.
 */
export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "cdktf.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no cdktf.json above ${start}: run from a checkout of the repository`);
  }
}

/** Where built artifacts go; `.build/` is git-ignored. */
export const LAMBDA_BUILD_DIR = join(REPO_ROOT, ".build", "lambda");

/** The file the bundle is written as inside the zip; `.mjs` makes Node load it as ESM without a package.json. */
export const BUNDLE_FILE = "index.mjs";

/** The export the entry must provide. */
export const HANDLER_EXPORT = "handler";

/** The function's handler setting: `<file without extension>.<export>`. */
export const LAMBDA_HANDLER = `${BUNDLE_FILE.replace(/\.mjs$/, "")}.${HANDLER_EXPORT}`;

/**
 * 1980-01-01 00:00 in local time, the earliest time a zip (DOS) timestamp can
 * hold. Zip stores local wall-clock fields, and fflate reads them with
 * `getFullYear()`/`getHours()`, so a local-time date gives the same bytes in
 * every time zone.
 */
export const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Deflate level; part of the artifact's identity, so fixed. */
const ZIP_LEVEL = 9;

/** Unix, regular file, rw-r--r--: Lambda needs world-readable files. */
const ZIP_FILE_ATTRS: Pick<ZipOptions, "os" | "attrs"> = { os: 3, attrs: (0o100644 << 16) >>> 0 };

/**
 * Prepended to the ESM bundle: bundled CommonJS code that calls `require`
 * (SDK dependencies do, for Node built-ins) needs a real `require` in ESM.
 */
const REQUIRE_SHIM = 'import{createRequire as __lambdaCreateRequire}from"node:module";const require=__lambdaCreateRequire(import.meta.url);';

export interface BundleOptions {
  /** The handler's source file; it must export `handler`. Relative paths resolve against `rootDir`. */
  readonly entry: string;
  /**
   * esbuild's working directory. Every path esbuild records is relative to it,
   * so no machine path reaches the bundle.
   * @default - the repository root
   */
  readonly rootDir?: string;
  /**
   * Reuse a bundle already built for the same entry and root: in this process,
   * or on disk when every source file esbuild read for it is unchanged.
   * @default true
   */
  readonly cache?: boolean;
  /** Where the disk cache keeps its records. @default `.build/lambda/cache` */
  readonly cacheDir?: string;
}

export interface BundledFile {
  /** Path inside the zip. */
  readonly path: string;
  readonly sizeBytes: number;
}

export interface LambdaBundle {
  /** The deployment package: entries sorted, every timestamp 1980-01-01 00:00. */
  readonly zip: Uint8Array;
  /** sha256 of `zip`, hex: names the artifact in S3 and on disk. */
  readonly sha256Hex: string;
  /** sha256 of `zip`, base64: what Lambda reports as `CodeSha256` and Terraform wants as `source_code_hash`. */
  readonly sha256Base64: string;
  /** The zip's entries, in zip order. */
  readonly files: readonly BundledFile[];
  /** Source files that went into the bundle, relative to `rootDir`, sorted (for reviews and cache keys). */
  readonly inputs: readonly string[];
  /** Whether esbuild ran, or the bundle came from a cache (its bytes are the same either way). */
  readonly origin: "built" | "disk-cache";
}

const cache = new Map<string, LambdaBundle>();

/**
 * Everything besides the sources that decides the bytes: a change here
 * invalidates every cached bundle.
 */
const BUILD_FINGERPRINT = JSON.stringify({ esbuild: esbuildVersion, zipLevel: ZIP_LEVEL, shim: REQUIRE_SHIM, format: 2 });

interface CacheRecord {
  readonly fingerprint: string;
  /** sha256 over every input's path and content. */
  readonly inputsHash: string;
  readonly inputs: readonly string[];
  readonly sha256Hex: string;
  readonly files: readonly BundledFile[];
}

/**
 * Bundles a handler with esbuild (in memory) and packs it in a reproducible
 * zip: the same sources give the same bytes on any machine, path, time zone
 * or file mtime, so the artifact's hash changes only when the code does.
 *
 * AWS SDK clients the handler imports are bundled, not taken from the
 * runtime: what ships is the pinned version that was tested.
 */
export function bundleHandler(options: BundleOptions): LambdaBundle {
  const rootDir = resolve(options.rootDir ?? REPO_ROOT);
  const entry = resolve(rootDir, options.entry);
  const key = `${rootDir}\0${entry}`;
  const useCache = options.cache !== false;
  if (useCache) {
    const hit = cache.get(key) ?? readDiskCache(key, rootDir, options.cacheDir);
    if (hit) {
      cache.set(key, hit);
      return hit;
    }
  }
  const bundle = build(entry, rootDir);
  cache.set(key, bundle);
  if (useCache) writeDiskCache(key, rootDir, bundle, options.cacheDir);
  return bundle;
}

/**
 * The disk cache: a record per entry lists the files esbuild read; when each
 * still hashes the same, the zip on disk (named by its own sha256, checked on
 * read) is the one a new build would produce. Saves esbuild and deflate on
 * every synth where the handlers did not change.
 */
function recordPath(key: string, cacheDir: string | undefined): string {
  const name = createHash("sha256").update(key).digest("hex");
  return join(cacheDir ?? join(LAMBDA_BUILD_DIR, "cache"), `${name}.json`);
}

function hashInputs(rootDir: string, inputs: readonly string[]): string | undefined {
  const hash = createHash("sha256");
  for (const input of inputs) {
    const path = resolve(rootDir, input);
    if (!existsSync(path)) return undefined;
    hash.update(input).update("\0").update(readFileSync(path)).update("\0");
  }
  return hash.digest("hex");
}

function readDiskCache(key: string, rootDir: string, cacheDir: string | undefined): LambdaBundle | undefined {
  let record: CacheRecord;
  try {
    record = JSON.parse(readFileSync(recordPath(key, cacheDir), "utf8")) as CacheRecord;
  } catch {
    return undefined;
  }
  if (record.fingerprint !== BUILD_FINGERPRINT || hashInputs(rootDir, record.inputs) !== record.inputsHash) return undefined;
  const zipPath = join(LAMBDA_BUILD_DIR, `${record.sha256Hex}.zip`);
  if (!existsSync(zipPath)) return undefined;
  const zip = new Uint8Array(readFileSync(zipPath));
  const digest = createHash("sha256").update(zip).digest();
  if (digest.toString("hex") !== record.sha256Hex) return undefined;
  return Object.freeze({
    zip,
    sha256Hex: record.sha256Hex,
    sha256Base64: digest.toString("base64"),
    files: record.files,
    inputs: record.inputs,
    origin: "disk-cache" as const,
  });
}

function writeDiskCache(key: string, rootDir: string, bundle: LambdaBundle, cacheDir: string | undefined): void {
  const inputsHash = hashInputs(rootDir, bundle.inputs);
  if (inputsHash === undefined) return;
  writeArtifact(bundle);
  const record: CacheRecord = {
    fingerprint: BUILD_FINGERPRINT,
    inputsHash,
    inputs: bundle.inputs,
    sha256Hex: bundle.sha256Hex,
    files: bundle.files,
  };
  const path = recordPath(key, cacheDir);
  mkdirSync(join(path, ".."), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(record));
  renameSync(temporary, path);
}

function build(entry: string, rootDir: string): LambdaBundle {
  if (!existsSync(entry)) {
    throw new Error(`Lambda entry ${entry} does not exist; pass the path of a handler source file (relative to ${rootDir})`);
  }
  const entryPoint = relative(rootDir, entry);
  if (isAbsolute(entryPoint) || entryPoint.startsWith(`..${sep}`) || entryPoint === "..") {
    // Paths outside the root would be recorded as ../../..., which depend on where the checkout is.
    throw new Error(`Lambda entry ${entry} is outside ${rootDir}; keep handlers inside the repository`);
  }
  const result = (() => {
    try {
      return buildSync({
        absWorkingDir: rootDir,
        entryPoints: [entryPoint],
        outfile: BUNDLE_FILE,
        write: false,
        bundle: true,
        platform: "node",
        target: "node22",
        format: "esm",
        // ESM-first packages (SDK v3 ships `module` builds) tree-shake better.
        mainFields: ["module", "main"],
        minify: true,
        legalComments: "none",
        sourcemap: false,
        charset: "utf8",
        banner: { js: REQUIRE_SHIM },
        // A fixed tsconfig: a tsconfig.json found near the entry cannot change the output.
        tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
        metafile: true,
        logLevel: "silent",
      });
    } catch (error) {
      const errors = (error as { errors?: Message[] }).errors ?? [];
      const detail = errors.length > 0 ? errors.map(formatMessage).join("\n") : String(error);
      throw new Error(`esbuild could not bundle ${entryPoint}:\n${detail}`);
    }
  })();

  const output = result.outputFiles[0];
  const meta = result.metafile.outputs[BUNDLE_FILE];
  if (!output || !meta) throw new Error(`esbuild produced no ${BUNDLE_FILE} for ${entryPoint}`);
  if (!meta.exports.includes(HANDLER_EXPORT)) {
    throw new Error(
      `${entryPoint} does not export "${HANDLER_EXPORT}" (exports: ${meta.exports.join(", ") || "none"}); ` +
        `export the Lambda handler as \`export const ${HANDLER_EXPORT} = ...\``,
    );
  }

  const entries: Record<string, Uint8Array> = { [BUNDLE_FILE]: output.contents };
  const zip = packZip(entries);
  const digest = createHash("sha256").update(zip).digest();
  return Object.freeze({
    zip,
    sha256Hex: digest.toString("hex"),
    sha256Base64: digest.toString("base64"),
    files: Object.keys(entries)
      .sort()
      .map((path) => ({ path, sizeBytes: entries[path]?.length ?? 0 })),
    inputs: Object.keys(result.metafile.inputs).sort(),
    origin: "built" as const,
  });
}

/** A zip whose bytes depend only on the entries' names and contents. */
export function packZip(entries: Readonly<Record<string, Uint8Array>>): Uint8Array {
  const sorted: Record<string, [Uint8Array, ZipOptions]> = {};
  for (const name of Object.keys(entries).sort()) {
    const data = entries[name];
    if (data) sorted[name] = [data, { ...ZIP_FILE_ATTRS, mtime: ZIP_MTIME, level: ZIP_LEVEL }];
  }
  return zipSync(sorted, { ...ZIP_FILE_ATTRS, mtime: ZIP_MTIME, level: ZIP_LEVEL });
}

/**
 * Writes the bundle's zip as `<dir>/<sha256hex>.zip` (once: the name is the
 * content) and returns the path. Written to a temporary name and renamed, so
 * two processes building the same artifact never see a half-written file.
 */
export function writeArtifact(bundle: LambdaBundle, dir: string = LAMBDA_BUILD_DIR): string {
  const path = join(dir, `${bundle.sha256Hex}.zip`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bundle.zip);
  renameSync(temporary, path);
  return path;
}

function formatMessage(message: Message): string {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column}: ` : "";
  return `  ${where}${message.text}`;
}
