/**
 * Copies the tasks-api image built once by the deploy workflow (an OCI
 * archive, `docker buildx build --output type=oci`) into one environment's
 * ECR repository, byte for byte: same manifest, same digest. Every
 * environment then runs exactly the image that was tested before it.
 *
 *   node --import tsx scripts/delivery/promote-image.ts digest --archive tasks-api.oci.tar
 *   node --import tsx scripts/delivery/promote-image.ts push --archive tasks-api.oci.tar --digest sha256:... \
 *     --repository-url 111111111111.dkr.ecr.ap-northeast-2.amazonaws.com/taskboard-dev-tasks-api --tag <commit> [--dry-run]
 *
 * `push` uses skopeo (on GitHub's Ubuntu runners) with `--preserve-digests`,
 * so nothing is recompressed; tags are immutable in the repository, so a
 * re-run finds the tag and checks its digest instead of pushing again.
 */
import { spawn } from "node:child_process";
import { openSync, readSync, closeSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { AwsCliError, awsCli, quote, type AwsCli } from "./lib/aws";

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Reads one file out of a tar archive (ustar/pax headers; no compression), without extracting. */
export function readTarEntry(archive: string, wanted: string): Buffer | undefined {
  const fd = openSync(archive, "r");
  try {
    const header = Buffer.alloc(512);
    let offset = 0;
    let longName: string | undefined;
    for (;;) {
      if (readSync(fd, header, 0, 512, offset) < 512 || header.every((byte) => byte === 0)) return undefined;
      const field = (start: number, length: number) => header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
      const prefix = field(345, 155);
      const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
      longName = undefined;
      const size = parseInt(field(124, 12).trim() || "0", 8);
      const type = field(156, 1);
      const dataStart = offset + 512;
      if (type === "L") {
        // GNU long name: the next entry's name is this entry's data.
        const data = Buffer.alloc(size);
        readSync(fd, data, 0, size, dataStart);
        longName = data.toString("utf8").replace(/\0.*$/s, "");
      } else if ((type === "0" || type === "") && name.replace(/^\.\//, "") === wanted) {
        const data = Buffer.alloc(size);
        readSync(fd, data, 0, size, dataStart);
        return data;
      }
      offset = dataStart + Math.ceil(size / 512) * 512;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The image digest of a single-platform OCI archive: the one manifest its
 * `index.json` names. An archive with several manifests (a multi-platform
 * build, or attestations left on) is refused: the stack pins one arm64 image.
 */
export function ociArchiveDigest(archive: string): string {
  const index = readTarEntry(archive, "index.json");
  if (!index) throw new Error(`${archive} has no index.json: build it with --output type=oci,dest=${archive}`);
  const manifests = (JSON.parse(index.toString("utf8")) as { manifests?: { digest?: string; mediaType?: string }[] }).manifests ?? [];
  if (manifests.length !== 1 || !manifests[0]?.digest || !DIGEST.test(manifests[0].digest)) {
    throw new Error(
      `${archive} names ${manifests.length} manifests; build one platform without attestations (--platform linux/arm64 --provenance=false --sbom=false)`,
    );
  }
  return manifests[0].digest;
}

export type Promotion = { readonly kind: "push" } | { readonly kind: "present" };

/** What to do given the digest the tag already names in the repository (undefined: no such tag). */
export function decidePromotion(existingDigest: string | undefined, wantedDigest: string, tag: string): Promotion {
  if (existingDigest === undefined) return { kind: "push" };
  if (existingDigest === wantedDigest) return { kind: "present" };
  throw new Error(
    `tag ${tag} already names ${existingDigest} in the repository, not ${wantedDigest}; tags are immutable: ` +
      "rebuild from a new commit rather than re-tagging",
  );
}

export function parseRepositoryUrl(url: string): { registry: string; repositoryName: string; region: string } {
  const match = /^(\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com)\/([a-z0-9._/-]+)$/.exec(url);
  if (!match) throw new Error(`${url} is not an ECR repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>)`);
  return { registry: match[1] as string, region: match[2] as string, repositoryName: match[3] as string };
}

async function digestOfTag(aws: AwsCli, repositoryName: string, tag: string): Promise<string | undefined> {
  try {
    const answer = await aws.json<{ imageDetails?: { imageDigest?: string }[] } | undefined>([
      "ecr", "describe-images", "--repository-name", repositoryName, "--image-ids", `imageTag=${tag}`,
    ]);
    return answer?.imageDetails?.[0]?.imageDigest;
  } catch (error) {
    if (error instanceof AwsCliError && error.is("ImageNotFoundException")) return undefined;
    throw error;
  }
}

function runTool(command: string, args: readonly string[], stdin?: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: [stdin === undefined ? "ignore" : "pipe", "inherit", "inherit"] });
    child.on("error", (error) => reject(new Error(`${command} could not start (${error.message}); it ships with GitHub's Ubuntu runners`)));
    child.on("close", (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} ${args[0] ?? ""} exited ${code}`))));
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

export interface PushOptions {
  readonly archive: string;
  readonly digest: string;
  readonly repositoryUrl: string;
  readonly tag: string;
  readonly aws: AwsCli;
  readonly log?: (line: string) => void;
}

export async function pushImage(options: PushOptions): Promise<Promotion> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (!DIGEST.test(options.digest)) throw new Error(`--digest ${options.digest} is not sha256:<64 hex>`);
  const archiveDigest = ociArchiveDigest(options.archive);
  if (archiveDigest !== options.digest) {
    throw new Error(`${options.archive} holds ${archiveDigest}, but the release recorded ${options.digest}: the artifact is not the one built`);
  }
  const { registry, repositoryName, region } = parseRepositoryUrl(options.repositoryUrl);
  const decision = decidePromotion(await digestOfTag(options.aws, repositoryName, options.tag), options.digest, options.tag);
  if (decision.kind === "present") {
    log(`${repositoryName}:${options.tag} already holds ${options.digest}`);
    return decision;
  }
  const copyArgs = ["copy", "--preserve-digests", "--retry-times", "3", `oci-archive:${options.archive}`, `docker://${options.repositoryUrl}:${options.tag}`];
  if (options.aws.dryRun) {
    log(`[dry-run] aws ecr get-login-password --region ${region} | skopeo login --username AWS --password-stdin ${registry}`);
    log(`[dry-run] skopeo ${copyArgs.map(quote).join(" ")}`);
    return decision;
  }
  const password = await new Promise<string>((resolvePromise, reject) => {
    const child = spawn("aws", ["ecr", "get-login-password", "--region", region], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolvePromise(out.trim()) : reject(new Error(`aws ecr get-login-password exited ${code}`))));
  });
  await runTool("skopeo", ["login", "--username", "AWS", "--password-stdin", registry], password);
  await runTool("skopeo", copyArgs);
  const pushed = await digestOfTag(options.aws, repositoryName, options.tag);
  if (pushed !== options.digest) throw new Error(`ECR reports ${pushed ?? "nothing"} for ${options.tag}, expected ${options.digest}`);
  log(`pushed ${repositoryName}:${options.tag} = ${pushed}`);
  return decision;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      archive: { type: "string" },
      digest: { type: "string" },
      "repository-url": { type: "string" },
      tag: { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  const command = positionals[0];
  if (!values.archive || (command !== "digest" && command !== "push")) {
    console.error("usage: promote-image.ts digest --archive a.tar | push --archive a.tar --digest sha256:... --repository-url URL --tag TAG [--dry-run]");
    return 2;
  }
  if (command === "digest") {
    process.stdout.write(`${ociArchiveDigest(values.archive)}\n`);
    return 0;
  }
  if (!values.digest || !values["repository-url"] || !values.tag) throw new Error("push needs --digest, --repository-url and --tag");
  await pushImage({
    archive: values.archive,
    digest: values.digest,
    repositoryUrl: values["repository-url"],
    tag: values.tag,
    aws: awsCli({ dryRun: values["dry-run"] }),
  });
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
