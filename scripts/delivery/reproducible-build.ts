/**
 * Builds the release artifacts twice, from two clean checkouts of one
 * commit, and proves them byte-identical; then keeps one copy and its digest
 * manifest for the deploy.
 *
 *   node --import tsx scripts/delivery/reproducible-build.ts [--ref HEAD] [--out dist/release] [--only lambda,site] [--keep] [--npm-ci]
 *
 * Checkouts are `git clone --shared` of this repository into temporary
 * folders (the working tree and its uncommitted changes play no part; git
 * state here is only read).
 *
 * Dependencies: each checkout gets a hard-linked copy of this working tree's
 * `node_modules` and `site/node_modules` (`cp -al`, under a second per tree)
 * instead of two `npm ci` runs. That is sound when they were installed from
 * the same lock files, which is checked package by package; `--npm-ci`
 * installs in each checkout instead. A copy, not a symlink: esbuild writes
 * the real path of every bundled module into the tasks-api bundle, and a
 * symlink would put this machine's path there (identical twice here, but
 * different from a build anywhere else). Builds only ever add files under
 * `node_modules` (caches), never rewrite one, so the shared inodes stay intact.
 * The two builds run one after the other, so they share no build caches.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ARTIFACT_KINDS, compareManifests, renderComparison, type ArtifactKind, type ArtifactManifest } from "./artifacts";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ARTIFACTS_SCRIPT = join(REPO_ROOT, "scripts", "delivery", "artifacts.ts");

interface LockPackage {
  readonly version?: string;
  readonly optional?: boolean;
  readonly dev?: boolean;
  readonly link?: boolean;
}

/**
 * Whether `node_modules` under `installDir` holds what `lockfile` pins: every
 * package the lock file requires (optional ones may be absent, as npm skips
 * other platforms' binaries) is installed at the pinned version, per npm's own
 * record of the tree (`node_modules/.package-lock.json`).
 */
export function installedMatchesLock(lockfileText: string, hiddenLockText: string | undefined): { ok: boolean; problems: string[] } {
  if (hiddenLockText === undefined) return { ok: false, problems: ["node_modules/.package-lock.json is missing (not installed by npm ci?)"] };
  const lock = JSON.parse(lockfileText) as { packages?: Record<string, LockPackage> };
  const installed = (JSON.parse(hiddenLockText) as { packages?: Record<string, LockPackage> }).packages ?? {};
  const problems: string[] = [];
  for (const [path, pkg] of Object.entries(lock.packages ?? {})) {
    if (path === "" || pkg.link || !path.startsWith("node_modules/")) continue;
    const have = installed[path];
    if (!have) {
      if (!pkg.optional) problems.push(`${path} is not installed`);
    } else if (have.version !== pkg.version) {
      problems.push(`${path} is ${have.version}, the lock file pins ${pkg.version}`);
    }
  }
  return { ok: problems.length === 0, problems };
}

function git(args: readonly string[], cwd: string = REPO_ROOT): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} ${args.join(" ")} exited ${code}`))));
  });
}

/** A hard-linked copy where the file system allows it (GNU cp), else a plain copy. */
function copyTree(source: string, target: string): void {
  try {
    execFileSync("cp", ["-al", source, target], { stdio: ["ignore", "ignore", "pipe"] });
  } catch {
    rmSync(target, { recursive: true, force: true });
    cpSync(source, target, { recursive: true, verbatimSymlinks: true });
  }
}

/** `rm -rf` where there is one: Node's recursive rm takes half a minute over two copies of node_modules. */
function removeTree(path: string): void {
  try {
    execFileSync("rm", ["-rf", path], { stdio: "ignore" });
  } catch {
    rmSync(path, { recursive: true, force: true });
  }
}

/** The package folders whose node_modules a build needs. */
const PACKAGES = ["", "site"] as const;

async function prepareCheckout(dir: string, commit: string, npmCi: boolean): Promise<void> {
  git(["clone", "--quiet", "--shared", "--no-checkout", REPO_ROOT, dir]);
  git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit], dir);
  for (const pkg of PACKAGES) {
    const target = join(dir, pkg);
    if (npmCi) {
      await run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], target);
      continue;
    }
    const source = join(REPO_ROOT, pkg, "node_modules");
    const check = installedMatchesLock(
      readFileSync(join(target, "package-lock.json"), "utf8"),
      existsSync(join(source, ".package-lock.json")) ? readFileSync(join(source, ".package-lock.json"), "utf8") : undefined,
    );
    if (!check.ok) {
      throw new Error(
        `${source} does not match ${commit.slice(0, 12)}'s ${pkg || "root"} package-lock.json, so linking it is unsound:\n  ` +
          `${check.problems.slice(0, 10).join("\n  ")}\nRun \`npm ci\` here, or pass --npm-ci.`,
      );
    }
    copyTree(source, join(target, "node_modules"));
  }
}

export interface ReproducibleBuildResult {
  readonly commit: string;
  readonly comparison: ReturnType<typeof compareManifests>;
  readonly manifest: ArtifactManifest;
  readonly seconds: number;
}

export async function reproducibleBuild(options: {
  readonly ref: string;
  readonly out?: string;
  readonly kinds: readonly ArtifactKind[];
  readonly keep: boolean;
  readonly npmCi: boolean;
  readonly log?: (line: string) => void;
}): Promise<ReproducibleBuildResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  const commit = git(["rev-parse", "--verify", `${options.ref}^{commit}`]);
  const work = mkdtempSync(join(tmpdir(), "taskboard-repro-"));
  try {
    const manifests: ArtifactManifest[] = [];
    for (const side of ["a", "b"]) {
      const checkout = join(work, `checkout-${side}`);
      log(`[${side}] clean checkout of ${commit.slice(0, 12)} in ${checkout}`);
      await prepareCheckout(checkout, commit, options.npmCi);
      const out = join(work, `out-${side}`);
      await run(process.execPath, ["--import", "tsx", ARTIFACTS_SCRIPT, "build", "--root", checkout, "--out", out, "--only", options.kinds.join(","), "--commit", commit], checkout);
      manifests.push(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as ArtifactManifest);
    }
    const [a, b] = manifests as [ArtifactManifest, ArtifactManifest];
    const comparison = compareManifests(a, b);
    log(renderComparison(comparison).trimEnd());
    if (comparison.identical && options.out) {
      const out = resolve(options.out);
      rmSync(out, { recursive: true, force: true });
      cpSync(join(work, "out-a"), out, { recursive: true });
      writeFileSync(join(out, "manifest.json"), `${JSON.stringify(a, null, 2)}\n`);
      log(`release artifacts and manifest in ${out}`);
    }
    return { commit, comparison, manifest: a, seconds: (Date.now() - started) / 1000 };
  } finally {
    if (options.keep) log(`kept ${work}`);
    else removeTree(work);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ref: { type: "string", default: "HEAD" },
      out: { type: "string" },
      only: { type: "string" },
      keep: { type: "boolean", default: false },
      "npm-ci": { type: "boolean", default: false },
    },
  });
  const kinds = values.only ? (values.only.split(",") as ArtifactKind[]) : [...ARTIFACT_KINDS];
  const result = await reproducibleBuild({ ref: values.ref, ...(values.out ? { out: values.out } : {}), kinds, keep: values.keep, npmCi: values["npm-ci"] });
  console.log(`${result.comparison.identical ? "reproducible" : "NOT reproducible"} (${result.seconds.toFixed(1)} s)`);
  return result.comparison.identical ? 0 : 1;
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
