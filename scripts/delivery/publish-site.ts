/**
 * Publishes the built site (`dist/site`, from the release artifact) to the
 * environment's site bucket and invalidates only what changed.
 *
 *   node --import tsx scripts/delivery/publish-site.ts --site-dir dist/site \
 *     --bucket taskboard-dev-site-... --distribution E123... [--wait] [--dry-run [--previous manifest.json]]
 *
 * Order: changed assets first, `index.html` last (a visitor never gets an
 * index naming assets that are not there yet), then the new manifest, then
 * the stale files, then one invalidation of the changed non-immutable paths.
 * Files of the previous release are kept one more release: a browser that
 * loaded the old `index.html` a moment ago still finds its assets.
 *
 * The deployed manifest (`_deploy/site-manifest.json`) records each file's
 * sha256: under SSE-KMS an object's ETag is not its MD5, so S3 cannot say
 * whether a file changed.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { AwsCliError, awsCli, commandOf, type AwsCli } from "./lib/aws";

export const MANIFEST_KEY = "_deploy/site-manifest.json";
const CACHE_POLICY_FILE = ".cache-policy.json";
const ENTRY_DOCUMENT = "index.html";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

export interface SiteFile {
  readonly sha256: string;
  readonly cacheControl: string;
  readonly contentType: string;
  readonly bytes: number;
}

export interface SiteManifest {
  readonly version: 1;
  /** Every file of this release, by path relative to the site root. */
  readonly files: Readonly<Record<string, SiteFile>>;
  /** Paths of the release before, kept one more release for pages already loaded. */
  readonly retained: readonly string[];
}

interface CachePolicy {
  readonly version: number;
  readonly files: Readonly<Record<string, string>>;
}

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) out.push(relative(dir, path).split(sep).join("/"));
    }
  };
  visit(dir);
  return out.sort();
}

/**
 * The manifest of a built site: every file with its sha256 and the
 * Cache-Control the build decided (`.cache-policy.json`, written by the
 * site's Vite plugin). A file the policy does not list, or a listed file that
 * is missing, is an error: the build and the upload would disagree.
 */
export function readSite(siteDir: string): SiteManifest {
  const policyPath = join(siteDir, CACHE_POLICY_FILE);
  if (!existsSync(policyPath)) throw new Error(`${policyPath} not found: build the site with \`npm --prefix site run build\``);
  const policy = JSON.parse(readFileSync(policyPath, "utf8")) as CachePolicy;
  if (policy.version !== 1) throw new Error(`${policyPath}: version ${policy.version} is not 1`);
  const onDisk = listFiles(siteDir).filter((path) => path !== CACHE_POLICY_FILE);
  const unlisted = onDisk.filter((path) => policy.files[path] === undefined);
  const missing = Object.keys(policy.files).filter((path) => !onDisk.includes(path));
  if (unlisted.length > 0 || missing.length > 0) {
    throw new Error(
      `${siteDir} and its cache policy disagree: ${unlisted.length > 0 ? `not in the policy: ${unlisted.join(", ")}` : ""}` +
        `${missing.length > 0 ? ` missing on disk: ${missing.join(", ")}` : ""}; rebuild the site`,
    );
  }
  if (!onDisk.includes(ENTRY_DOCUMENT)) throw new Error(`${siteDir} has no ${ENTRY_DOCUMENT}`);
  const files: Record<string, SiteFile> = {};
  for (const path of onDisk) {
    const bytes = readFileSync(join(siteDir, path));
    files[path] = {
      sha256: createHash("sha256").update(bytes).digest("hex"),
      cacheControl: policy.files[path] ?? "no-cache",
      contentType: contentTypeOf(path),
      bytes: bytes.length,
    };
  }
  return { version: 1, files, retained: [] };
}

export interface PublishPlan {
  /** In upload order: immutable assets, other files, `index.html` last. */
  readonly uploads: readonly string[];
  readonly unchanged: readonly string[];
  /** Objects to delete after the upload: neither in this release nor in the one before. */
  readonly deletes: readonly string[];
  /** CloudFront paths to invalidate (empty: no invalidation). */
  readonly invalidations: readonly string[];
  /** The manifest to store with this release. */
  readonly manifest: SiteManifest;
}

const isImmutable = (file: SiteFile) => /\bimmutable\b/.test(file.cacheControl);

/**
 * What to upload, delete and invalidate to go from the deployed release
 * (`previous`, undefined on a first publish) to `next`, given the keys now in
 * the bucket.
 *
 * Only changed paths that caches may hold under the same name are
 * invalidated: content-hashed assets get new names, so a new asset needs no
 * invalidation; a changed `index.html` does (and `/`, which serves it).
 */
export function planPublish(previous: SiteManifest | undefined, next: SiteManifest, existingKeys: readonly string[]): PublishPlan {
  const uploads: string[] = [];
  const unchanged: string[] = [];
  const invalidations = new Set<string>();
  for (const [path, file] of Object.entries(next.files)) {
    const before = previous?.files[path];
    if (before && before.sha256 === file.sha256 && before.cacheControl === file.cacheControl && before.contentType === file.contentType) {
      unchanged.push(path);
      continue;
    }
    uploads.push(path);
    // A path that was served before with other bytes or headers may sit in edge caches.
    if (before && (before.sha256 !== file.sha256 || before.cacheControl !== file.cacheControl)) {
      invalidations.add(`/${path}`);
      if (path === ENTRY_DOCUMENT) invalidations.add("/");
    }
  }
  const rank = (path: string) => (path === ENTRY_DOCUMENT ? 2 : isImmutable(next.files[path] as SiteFile) ? 0 : 1);
  uploads.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

  const retained = Object.keys(previous?.files ?? {})
    .filter((path) => next.files[path] === undefined)
    .sort();
  const keep = new Set([...Object.keys(next.files), ...retained, MANIFEST_KEY]);
  const deletes = existingKeys.filter((key) => !keep.has(key)).sort();
  return {
    uploads,
    unchanged: unchanged.sort(),
    deletes,
    invalidations: [...invalidations].sort(),
    manifest: { ...next, retained },
  };
}

export interface PublishOptions {
  readonly siteDir: string;
  readonly bucket: string;
  readonly distributionId: string;
  readonly wait: boolean;
  readonly aws: AwsCli;
  readonly log?: (line: string) => void;
}

async function readDeployedManifest(aws: AwsCli, bucket: string, workDir: string): Promise<SiteManifest | undefined> {
  const target = join(workDir, "previous-manifest.json");
  try {
    await aws.json(["s3api", "get-object", "--bucket", bucket, "--key", MANIFEST_KEY, target]);
  } catch (error) {
    if (error instanceof AwsCliError && error.is("NoSuchKey", "404")) return undefined;
    throw error;
  }
  if (!existsSync(target)) return undefined;
  return JSON.parse(readFileSync(target, "utf8")) as SiteManifest;
}

async function listKeys(aws: AwsCli, bucket: string): Promise<string[]> {
  // The CLI follows the continuation tokens itself.
  const answer = await aws.json<{ Contents?: { Key: string }[] } | undefined>(["s3api", "list-objects-v2", "--bucket", bucket]);
  return (answer?.Contents ?? []).map((object) => object.Key);
}

/** Runs a publish plan against S3 and CloudFront. */
export async function publishSite(options: PublishOptions, previousOverride?: SiteManifest): Promise<PublishPlan> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { aws, bucket } = options;
  const workDir = mkdtempSync(join(tmpdir(), "taskboard-publish-"));
  try {
    const next = readSite(options.siteDir);
    const previous = previousOverride ?? (aws.dryRun ? undefined : await readDeployedManifest(aws, bucket, workDir));
    const existing = aws.dryRun ? [...Object.keys(previous?.files ?? {}), ...(previous?.retained ?? [])] : await listKeys(aws, bucket);
    const plan = planPublish(previous, next, existing);
    log(`site: ${plan.uploads.length} to upload, ${plan.unchanged.length} unchanged, ${plan.deletes.length} stale to delete, ${plan.invalidations.length} path(s) to invalidate`);

    for (const path of plan.uploads) {
      const file = next.files[path] as SiteFile;
      await aws.json([
        "s3api", "put-object",
        "--bucket", bucket,
        "--key", path,
        "--body", join(options.siteDir, path),
        "--cache-control", file.cacheControl,
        "--content-type", file.contentType,
        "--checksum-algorithm", "SHA256",
      ]);
    }
    const manifestPath = join(workDir, "site-manifest.json");
    writeFileSync(manifestPath, `${JSON.stringify(plan.manifest, null, 2)}\n`);
    await aws.json([
      "s3api", "put-object",
      "--bucket", bucket,
      "--key", MANIFEST_KEY,
      "--body", manifestPath,
      "--cache-control", "no-store",
      "--content-type", "application/json",
    ]);
    for (let start = 0; start < plan.deletes.length; start += 1000) {
      const batch = plan.deletes.slice(start, start + 1000);
      await aws.json([
        "s3api", "delete-objects",
        "--bucket", bucket,
        "--delete", JSON.stringify({ Objects: batch.map((Key) => ({ Key })), Quiet: true }),
      ]);
    }
    if (plan.invalidations.length > 0) {
      const batch = { Paths: { Quantity: plan.invalidations.length, Items: plan.invalidations }, CallerReference: `deploy-${randomUUID()}` };
      const created = await aws.json<{ Invalidation?: { Id: string } } | undefined>([
        "cloudfront", "create-invalidation",
        "--distribution-id", options.distributionId,
        "--invalidation-batch", JSON.stringify(batch),
      ]);
      if (options.wait && created?.Invalidation?.Id) {
        await aws.json(["cloudfront", "wait", "invalidation-completed", "--distribution-id", options.distributionId, "--id", created.Invalidation.Id]);
      }
    }
    return plan;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "site-dir": { type: "string", default: "dist/site" },
      bucket: { type: "string" },
      distribution: { type: "string" },
      previous: { type: "string" },
      wait: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
    },
  });
  if (!values.bucket || !values.distribution) {
    console.error("usage: publish-site.ts --site-dir dist/site --bucket <bucket> --distribution <id> [--wait] [--dry-run [--previous manifest.json]]");
    return 2;
  }
  const siteDir = resolve(values["site-dir"]);
  if (!existsSync(siteDir) || !statSync(siteDir).isDirectory()) throw new Error(`${siteDir} is not a directory`);
  const previous = values.previous ? (JSON.parse(readFileSync(values.previous, "utf8")) as SiteManifest) : undefined;
  const aws = awsCli({
    dryRun: values["dry-run"],
    responses: (args) => (commandOf(args) === "cloudfront create-invalidation" ? { Invalidation: { Id: "DRYRUN" } } : undefined),
  });
  const plan = await publishSite({ siteDir, bucket: values.bucket, distributionId: values.distribution, wait: values.wait, aws }, previous);
  console.log(JSON.stringify({ uploads: plan.uploads, deletes: plan.deletes, invalidations: plan.invalidations }, null, 2));
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`error: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
