/**
 * The release artifacts and their digests.
 *
 *   build   --root <checkout> --out <dir> [--only lambda,site,tasks-api]
 *           builds from the checkout at --root, with that checkout's own build code:
 *           Lambda zips (the reproducible bundler, no cache), the site (`vite build`),
 *           the tasks-api bundle; writes <dir>/manifest.json (path -> sha256).
 *   compare <manifest a> <manifest b>     exit 1 unless every artifact is byte-identical
 *   verify  --manifest <m> [--outdir cdktf.out]
 *           every Lambda package a synthesized stack uploads is one the manifest holds
 *           (the stack's aws_s3_object source_hash is the zip's sha256).
 *
 * Run with `node --import tsx scripts/delivery/artifacts.ts ...`.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export const ARTIFACT_KINDS = ["lambda", "site", "tasks-api"] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export interface ArtifactEntry {
  readonly sha256: string;
  readonly bytes: number;
}

export interface ArtifactManifest {
  readonly version: 1;
  /** The commit the artifacts were built from, when known. */
  readonly commit?: string;
  /** Artifact path (relative to the manifest's folder, `/`-separated) -> digest. */
  readonly artifacts: Readonly<Record<string, ArtifactEntry>>;
}

export interface ManifestComparison {
  readonly identical: boolean;
  readonly onlyInA: readonly string[];
  readonly onlyInB: readonly string[];
  readonly differing: readonly { readonly path: string; readonly a: string; readonly b: string }[];
  readonly compared: number;
}

/** Compares two builds' manifests artifact by artifact. Pure. */
export function compareManifests(a: ArtifactManifest, b: ArtifactManifest): ManifestComparison {
  const onlyInA = Object.keys(a.artifacts).filter((path) => !(path in b.artifacts)).sort();
  const onlyInB = Object.keys(b.artifacts).filter((path) => !(path in a.artifacts)).sort();
  const differing = Object.keys(a.artifacts)
    .filter((path) => path in b.artifacts && a.artifacts[path]?.sha256 !== b.artifacts[path]?.sha256)
    .sort()
    .map((path) => ({ path, a: a.artifacts[path]?.sha256 ?? "", b: b.artifacts[path]?.sha256 ?? "" }));
  const compared = Object.keys(a.artifacts).filter((path) => path in b.artifacts).length;
  return { identical: onlyInA.length === 0 && onlyInB.length === 0 && differing.length === 0 && compared > 0, onlyInA, onlyInB, differing, compared };
}

export function renderComparison(result: ManifestComparison): string {
  if (result.identical) return `identical: ${result.compared} artifact(s), every sha256 equal\n`;
  const lines = [`NOT reproducible: ${result.differing.length} differ, ${result.onlyInA.length} only in A, ${result.onlyInB.length} only in B`];
  for (const d of result.differing) lines.push(`  differs  ${d.path}\n           A ${d.a}\n           B ${d.b}`);
  for (const path of result.onlyInA) lines.push(`  only A   ${path}`);
  for (const path of result.onlyInB) lines.push(`  only B   ${path}`);
  return `${lines.join("\n")}\n`;
}

function sha256File(path: string): ArtifactEntry {
  const bytes = readFileSync(path);
  return { sha256: createHash("sha256").update(bytes).digest("hex"), bytes: bytes.length };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  if (existsSync(dir)) visit(dir);
  return out.sort();
}

/** Digests every file under `dir` (except the manifest itself). */
export function manifestOf(dir: string, commit?: string): ArtifactManifest {
  const artifacts: Record<string, ArtifactEntry> = {};
  for (const path of listFiles(dir)) {
    const key = relative(dir, path).split(sep).join("/");
    if (key === "manifest.json") continue;
    artifacts[key] = sha256File(path);
  }
  return { version: 1, ...(commit ? { commit } : {}), artifacts };
}

/** The Lambda handlers of a checkout: `handlers/<name>/index.ts` (each exports `handler`). */
export function lambdaEntries(root: string): { name: string; entry: string }[] {
  const handlers = join(root, "handlers");
  return readdirSync(handlers, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(handlers, entry.name, "index.ts")))
    .map((entry) => ({ name: entry.name, entry: `handlers/${entry.name}/index.ts` }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    // The caller's NODE_ENV must not reach the build: Vite builds another bundle (with paths in it) under NODE_ENV=test.
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_ENV: "production", NO_COLOR: "1" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${code}:\n${output.slice(-2000)}`)),
    );
  });
}

type Bundler = typeof import("../../modules/lambda/private/bundle");

/**
 * Builds the artifacts from the checkout at `root` into `out`, using that
 * checkout's own build code (its bundler, build script and Vite config), so
 * what is measured is the commit, not this working tree.
 */
export async function buildArtifacts(root: string, out: string, kinds: readonly ArtifactKind[] = ARTIFACT_KINDS, commit?: string): Promise<ArtifactManifest> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  if (kinds.includes("lambda")) {
    const bundler = (await import(pathToFileURL(join(root, "modules/lambda/private/bundle.ts")).href)) as Bundler;
    mkdirSync(join(out, "lambda"), { recursive: true });
    for (const { name, entry } of lambdaEntries(root)) {
      // No cache: a cached zip would prove nothing about this build.
      const bundle = bundler.bundleHandler({ entry, rootDir: root, cache: false });
      writeFileSync(join(out, "lambda", `${name}.zip`), bundle.zip);
    }
  }
  if (kinds.includes("tasks-api")) {
    // A child process in the checkout, writing inside it: esbuild records paths relative to its working directory
    // and the source map's relative to the output, so both must sit where they do in any checkout.
    await run(process.execPath, ["--import", "tsx", "handlers/tasks-api/build.ts"], root);
    cpSync(join(root, "dist", "tasks-api"), join(out, "tasks-api"), { recursive: true });
  }
  if (kinds.includes("site")) {
    await run("npm", ["run", "--silent", "build"], join(root, "site"));
    cpSync(join(root, "dist", "site"), join(out, "site"), { recursive: true });
  }
  const manifest = manifestOf(out, commit);
  writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

interface StackJson {
  resource?: { aws_s3_object?: Record<string, { key?: string; source_hash?: string }> };
}

/**
 * Checks that every Lambda package the synthesized stacks upload is in the
 * manifest: the deploy applies exactly what was built and compared, and a
 * synth that produced other bytes fails here instead of shipping.
 */
export function verifyStacks(manifest: ArtifactManifest, outdir: string): { checked: number; missing: string[] } {
  const lambdaDigests = new Set(
    Object.entries(manifest.artifacts)
      .filter(([path]) => path.startsWith("lambda/"))
      .map(([, entry]) => entry.sha256),
  );
  const stacksDir = join(outdir, "stacks");
  let checked = 0;
  const missing: string[] = [];
  for (const stack of readdirSync(stacksDir)) {
    const file = join(stacksDir, stack, "cdk.tf.json");
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, "utf8")) as StackJson;
    for (const [id, object] of Object.entries(json.resource?.aws_s3_object ?? {})) {
      if (!object.key?.startsWith("lambda/") || !object.source_hash) continue;
      checked += 1;
      if (!lambdaDigests.has(object.source_hash)) missing.push(`${stack}: ${id} (${object.key})`);
    }
  }
  return { checked, missing };
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      root: { type: "string", default: "." },
      out: { type: "string" },
      only: { type: "string" },
      commit: { type: "string" },
      manifest: { type: "string" },
      outdir: { type: "string", default: "cdktf.out" },
    },
  });
  const command = positionals[0];
  if (command === "build") {
    if (!values.out) throw new Error("build needs --out <dir>");
    const kinds = values.only ? (values.only.split(",") as ArtifactKind[]) : [...ARTIFACT_KINDS];
    const unknown = kinds.filter((kind) => !ARTIFACT_KINDS.includes(kind));
    if (unknown.length > 0) throw new Error(`--only ${unknown.join(",")}: choose from ${ARTIFACT_KINDS.join(", ")}`);
    const manifest = await buildArtifacts(resolve(values.root), resolve(values.out), kinds, values.commit);
    console.log(`built ${Object.keys(manifest.artifacts).length} artifact(s) into ${values.out}`);
    return 0;
  }
  if (command === "compare") {
    const [a, b] = positionals.slice(1);
    if (!a || !b) throw new Error("compare needs two manifest paths");
    const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as ArtifactManifest;
    const result = compareManifests(read(a), read(b));
    process.stdout.write(renderComparison(result));
    return result.identical ? 0 : 1;
  }
  if (command === "verify") {
    if (!values.manifest) throw new Error("verify needs --manifest <manifest.json>");
    const manifest = JSON.parse(readFileSync(values.manifest, "utf8")) as ArtifactManifest;
    const { checked, missing } = verifyStacks(manifest, values.outdir);
    if (checked === 0) throw new Error(`no Lambda packages found in ${values.outdir}/stacks: synthesize first`);
    if (missing.length > 0) {
      console.error(`${missing.length} Lambda package(s) in the synthesized stacks are not release artifacts:\n  ${missing.join("\n  ")}`);
      return 1;
    }
    console.log(`${checked} Lambda package(s) in the synthesized stacks match the release manifest`);
    return 0;
  }
  console.error("usage: artifacts.ts <build --root dir --out dir [--only kinds] | compare a.json b.json | verify --manifest m.json [--outdir cdktf.out]>");
  return 2;
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
