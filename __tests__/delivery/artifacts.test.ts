import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareManifests, manifestOf, renderComparison, verifyStacks, type ArtifactManifest } from "../../scripts/delivery/artifacts";
import { installedMatchesLock, reproducibleBuild } from "../../scripts/delivery/reproducible-build";

const entry = (sha256: string) => ({ sha256, bytes: 1 });
const manifest = (artifacts: Record<string, string>): ArtifactManifest => ({
  version: 1,
  artifacts: Object.fromEntries(Object.entries(artifacts).map(([path, sha]) => [path, entry(sha)])),
});

describe("digest comparison", () => {
  it("calls two builds identical only when every artifact's sha256 matches and both hold the same artifacts", () => {
    const a = manifest({ "lambda/auth.zip": "aa", "site/index.html": "bb" });
    expect(compareManifests(a, manifest({ "site/index.html": "bb", "lambda/auth.zip": "aa" }))).toEqual({
      identical: true,
      onlyInA: [],
      onlyInB: [],
      differing: [],
      compared: 2,
    });
  });

  it("names each differing artifact with both digests, and artifacts only one build produced", () => {
    const result = compareManifests(
      manifest({ "lambda/auth.zip": "aa", "site/index.html": "bb", "tasks-api/main.mjs": "cc" }),
      manifest({ "lambda/auth.zip": "aa", "site/index.html": "b2", "site/extra.js": "dd" }),
    );
    expect(result).toMatchObject({
      identical: false,
      onlyInA: ["tasks-api/main.mjs"],
      onlyInB: ["site/extra.js"],
      differing: [{ path: "site/index.html", a: "bb", b: "b2" }],
    });
    expect(renderComparison(result)).toContain("NOT reproducible: 1 differ, 1 only in A, 1 only in B");
  });

  it("never calls two empty builds reproducible", () => {
    expect(compareManifests(manifest({}), manifest({})).identical).toBe(false);
  });

  it("digests a folder of artifacts, skipping the manifest itself", () => {
    const dir = mkdtempSync(join(tmpdir(), "artifacts-"));
    mkdirSync(join(dir, "site"));
    writeFileSync(join(dir, "site", "index.html"), "<html>");
    writeFileSync(join(dir, "manifest.json"), "{}");
    expect(manifestOf(dir, "abc")).toEqual({
      version: 1,
      commit: "abc",
      artifacts: { "site/index.html": { sha256: "b7d082ee12e91b756ea22e8513b8594eebcf5d39fab813da3cb55794dc888ad7", bytes: 6 } },
    });
  });

  it("checks that a synthesized stack uploads only Lambda packages the release manifest holds", () => {
    const outdir = mkdtempSync(join(tmpdir(), "cdktf-"));
    const stack = (name: string, hashes: string[]) => {
      mkdirSync(join(outdir, "stacks", name), { recursive: true });
      const objects = Object.fromEntries(hashes.map((hash, i) => [`fn${i}_artifact`, { key: `lambda/fn${i}/${hash}.zip`, source_hash: hash }]));
      writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify({ resource: { aws_s3_object: objects } }));
    };
    stack("dev", ["aa", "bb"]);
    stack("prod", ["aa", "ff"]);
    expect(verifyStacks(manifest({ "lambda/a.zip": "aa", "lambda/b.zip": "bb", "site/index.html": "ff" }), outdir)).toEqual({
      checked: 4,
      // A site file with the same digest does not count: only Lambda artifacts do.
      missing: ["prod: fn1_artifact (lambda/fn1/ff.zip)"],
    });
  });
});

describe("linking the working tree's node_modules into a clean checkout", () => {
  const lock = JSON.stringify({
    packages: {
      "": { name: "x" },
      "node_modules/esbuild": { version: "0.28.2" },
      "node_modules/@esbuild/darwin-arm64": { version: "0.28.2", optional: true },
      "node_modules/local": { link: true },
    },
  });

  it("is sound when npm installed every pinned package at its pinned version (other platforms' optional ones may be absent)", () => {
    const installed = JSON.stringify({ packages: { "node_modules/esbuild": { version: "0.28.2" } } });
    expect(installedMatchesLock(lock, installed)).toEqual({ ok: true, problems: [] });
  });

  it("is unsound when a version differs, a package is missing, or npm left no record", () => {
    expect(installedMatchesLock(lock, JSON.stringify({ packages: { "node_modules/esbuild": { version: "0.27.0" } } })).problems).toEqual([
      "node_modules/esbuild is 0.27.0, the lock file pins 0.28.2",
    ]);
    expect(installedMatchesLock(lock, JSON.stringify({ packages: {} })).problems).toEqual(["node_modules/esbuild is not installed"]);
    expect(installedMatchesLock(lock, undefined).ok).toBe(false);
  });
});

describe("reproducible build", () => {
  it(
    "builds the Lambda zips and the site twice from two clean checkouts of HEAD, byte for byte the same",
    async () => {
      const out = mkdtempSync(join(tmpdir(), "release-"));
      const lines: string[] = [];
      const result = await reproducibleBuild({ ref: "HEAD", out, kinds: ["lambda", "site"], keep: false, npmCi: false, log: (line) => lines.push(line) });
      expect(renderComparison(result.comparison)).toMatch(/^identical: \d+ artifact\(s\), every sha256 equal/);
      const paths = Object.keys(result.manifest.artifacts);
      expect(paths.filter((path) => path.startsWith("lambda/")).sort()).toEqual(["lambda/auth.zip", "lambda/authorizer.zip", "lambda/notifier.zip"]);
      expect(paths).toEqual(expect.arrayContaining(["site/index.html", "site/.cache-policy.json"]));
      expect(paths.some((path) => /^site\/assets\/index-[\w-]+\.js$/.test(path))).toBe(true);
      const written = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as ArtifactManifest;
      expect(written.commit).toBe(result.commit);
      expect(written.artifacts).toEqual(result.manifest.artifacts);
    },
    180_000,
  );
});
