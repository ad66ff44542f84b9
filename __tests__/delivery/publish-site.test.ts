import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MANIFEST_KEY, contentTypeOf, planPublish, publishSite, readSite, type SiteManifest } from "../../scripts/delivery/publish-site";
import { awsCli, commandOf } from "../../scripts/delivery/lib/aws";

const IMMUTABLE = "public, max-age=31536000, immutable";

/** A built site as Vite writes it: hashed assets, index.html, and the cache policy beside them. */
function site(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "site-"));
  const policy: Record<string, string> = {};
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
    policy[path] = path.startsWith("assets/") ? IMMUTABLE : "no-cache";
  }
  writeFileSync(join(dir, ".cache-policy.json"), JSON.stringify({ version: 1, rules: [], files: policy }));
  return dir;
}

const release1 = () => site({ "index.html": '<script type="module" src="/assets/index-AAA.js"></script>', "assets/index-AAA.js": "one", "assets/index-CSS1.css": "css", "assets/icon-I.svg": "<svg/>" });
const release2 = () => site({ "index.html": '<script type="module" src="/assets/index-BBB.js"></script>', "assets/index-BBB.js": "two", "assets/index-CSS1.css": "css", "assets/icon-I.svg": "<svg/>" });
const release3 = () => site({ "index.html": '<script type="module" src="/assets/index-CCC.js"></script>', "assets/index-CCC.js": "three", "assets/index-CSS1.css": "css", "assets/icon-I.svg": "<svg/>" });

describe("site manifest", () => {
  it("records every file's sha256, Cache-Control from the build's policy and content type, and not the policy itself", () => {
    const manifest = readSite(release1());
    expect(Object.keys(manifest.files).sort()).toEqual(["assets/icon-I.svg", "assets/index-AAA.js", "assets/index-CSS1.css", "index.html"]);
    expect(manifest.files["assets/index-AAA.js"]).toEqual({
      sha256: "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed",
      cacheControl: IMMUTABLE,
      contentType: "text/javascript; charset=utf-8",
      bytes: 3,
    });
    expect(manifest.files["index.html"]!.cacheControl).toBe("no-cache");
    expect(contentTypeOf("a/b.woff2")).toBe("font/woff2");
  });

  it("throws when the files on disk and the cache policy disagree", () => {
    const dir = release1();
    writeFileSync(join(dir, "stray.txt"), "x");
    expect(() => readSite(dir)).toThrow(/and its cache policy disagree: not in the policy: stray\.txt.*rebuild the site/);
  });
});

describe("publish plan (previous manifest vs new)", () => {
  it("uploads everything on a first publish, assets first and index.html last, and invalidates nothing", () => {
    const plan = planPublish(undefined, readSite(release1()), []);
    expect(plan.uploads).toEqual(["assets/icon-I.svg", "assets/index-AAA.js", "assets/index-CSS1.css", "index.html"]);
    expect(plan.invalidations).toEqual([]);
    expect(plan.deletes).toEqual([]);
  });

  it("uploads only what changed, keeps the previous release's assets, and invalidates only index.html and /", () => {
    const first = planPublish(undefined, readSite(release1()), []).manifest;
    const plan = planPublish(first, readSite(release2()), [...Object.keys(first.files), MANIFEST_KEY]);
    expect(plan.uploads).toEqual(["assets/index-BBB.js", "index.html"]);
    expect(plan.unchanged).toEqual(["assets/icon-I.svg", "assets/index-CSS1.css"]);
    // A new hashed asset has a new name: no cache holds it, so no invalidation.
    expect(plan.invalidations).toEqual(["/", "/index.html"]);
    // Pages loaded a moment ago still ask for index-AAA.js: it stays one more release.
    expect(plan.deletes).toEqual([]);
    expect(plan.manifest.retained).toEqual(["assets/index-AAA.js"]);
  });

  it("deletes files two releases old, and never the manifest", () => {
    const first = planPublish(undefined, readSite(release1()), []).manifest;
    const second = planPublish(first, readSite(release2()), Object.keys(first.files)).manifest;
    const inBucket = ["assets/index-AAA.js", "assets/index-BBB.js", "assets/index-CSS1.css", "assets/icon-I.svg", "index.html", MANIFEST_KEY, "old/leftover.txt"];
    const plan = planPublish(second, readSite(release3()), inBucket);
    expect(plan.deletes).toEqual(["assets/index-AAA.js", "old/leftover.txt"]);
    expect(plan.manifest.retained).toEqual(["assets/index-BBB.js"]);
    expect(plan.uploads).toEqual(["assets/index-CCC.js", "index.html"]);
  });

  it("publishes nothing and invalidates nothing when the release is the one deployed", () => {
    const manifest = readSite(release1());
    const plan = planPublish(manifest, readSite(release1()), Object.keys(manifest.files));
    expect(plan).toMatchObject({ uploads: [], deletes: [], invalidations: [] });
  });

  it("re-uploads and invalidates a file whose Cache-Control changed even if its bytes did not", () => {
    const before = readSite(release1());
    const changed: SiteManifest = { ...before, files: { ...before.files, "index.html": { ...before.files["index.html"]!, cacheControl: "no-store" } } };
    const plan = planPublish(changed, before, Object.keys(before.files));
    expect(plan.uploads).toEqual(["index.html"]);
    expect(plan.invalidations).toEqual(["/", "/index.html"]);
  });
});

describe("publish (dry run)", () => {
  it("prints the S3 operations in order (assets, index.html, manifest, deletes) and one invalidation of the changed paths", async () => {
    const lines: string[] = [];
    const previous = planPublish(undefined, readSite(release1()), []).manifest;
    const aws = awsCli({
      dryRun: true,
      log: (line) => lines.push(line),
      responses: (args) => (commandOf(args) === "cloudfront create-invalidation" ? { Invalidation: { Id: "I1" } } : undefined),
    });
    const plan = await publishSite({ siteDir: release2(), bucket: "taskboard-dev-site-abc", distributionId: "E2EXAMPLE", wait: true, aws, log: (line) => lines.push(line) }, previous);
    expect(plan.invalidations).toEqual(["/", "/index.html"]);
    const commands = lines.filter((line) => line.startsWith("[dry-run]"));
    expect(commands[0]).toMatch(/^\[dry-run\] aws s3api put-object --bucket taskboard-dev-site-abc --key assets\/index-BBB\.js .*--cache-control 'public, max-age=31536000, immutable' --content-type 'text\/javascript; charset=utf-8' --checksum-algorithm SHA256$/);
    expect(commands[1]).toMatch(/--key index\.html .*--cache-control no-cache/);
    expect(commands[2]).toContain(`--key ${MANIFEST_KEY}`);
    expect(commands[3]).toMatch(/^\[dry-run\] aws cloudfront create-invalidation --distribution-id E2EXAMPLE --invalidation-batch '\{"Paths":\{"Quantity":2,"Items":\["\/","\/index\.html"\]\}/);
    expect(commands[4]).toBe("[dry-run] aws cloudfront wait invalidation-completed --distribution-id E2EXAMPLE --id I1");
    expect(commands).toHaveLength(5);
    expect(lines[0]).toBe("site: 2 to upload, 2 unchanged, 0 stale to delete, 2 path(s) to invalidate");
  });
});
