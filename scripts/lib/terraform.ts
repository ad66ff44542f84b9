import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The provider version the typed bindings were generated for; the mirror must hold exactly this one. */
export const AWS_PROVIDER_VERSION = "5.100.0";
const AWS_PROVIDER = "registry.terraform.io/hashicorp/aws";

/** Where an offline provider mirror is looked for when `TF_PROVIDER_MIRROR` is not set. */
export const MIRROR_CANDIDATES = [
  "/opt/tf-plugins",
  join(homedir(), ".terraform.d", "plugins"),
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
];

export class ToolMissingError extends Error {
  override name = "ToolMissingError";
}

/** The terraform binary's version, or a `ToolMissingError` that says what to install. */
export function requireTerraform(): string {
  try {
    const output = execFileSync("terraform", ["version", "-json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const version = (JSON.parse(output) as { terraform_version: string }).terraform_version;
    const [major, minor] = version.split(".").map(Number);
    if (major === undefined || minor === undefined || major < 1 || (major === 1 && minor < 10)) {
      throw new ToolMissingError(
        `terraform ${version} is too old: the S3 backend's use_lockfile needs Terraform >= 1.10. Install Terraform 1.11.`,
      );
    }
    return version;
  } catch (error) {
    if (error instanceof ToolMissingError) throw error;
    throw new ToolMissingError(
      "terraform was not found on PATH. Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install) and run again.",
    );
  }
}

/**
 * The filesystem mirror holding hashicorp/aws 5.100.0: `TF_PROVIDER_MIRROR` if
 * set, otherwise the first of `MIRROR_CANDIDATES` that has it.
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env, candidates = MIRROR_CANDIDATES): string {
  const holdsProvider = (dir: string) => mirrorHoldsProvider(dir);
  const configured = env.TF_PROVIDER_MIRROR;
  if (configured) {
    if (holdsProvider(configured)) return resolve(configured);
    throw new ToolMissingError(
      `TF_PROVIDER_MIRROR=${configured} holds no ${AWS_PROVIDER} ${AWS_PROVIDER_VERSION}. ` +
        `Point it at a filesystem mirror with ${AWS_PROVIDER}/${AWS_PROVIDER_VERSION}/<os_arch>/ inside.`,
    );
  }
  const found = candidates.find(holdsProvider);
  if (found) return found;
  throw new ToolMissingError(
    `No offline mirror of ${AWS_PROVIDER} ${AWS_PROVIDER_VERSION} found in ${candidates.join(", ")}. ` +
      "Create one with `terraform providers mirror <dir>` on a networked machine (from any synthesized stack), " +
      "then set TF_PROVIDER_MIRROR=<dir>.",
  );
}

/**
 * Whether a filesystem mirror holds the pinned provider, in either layout
 * Terraform reads: unpacked (`<version>/<os_arch>/`, what this image ships) or
 * packed (`terraform-provider-aws_<version>_<os_arch>.zip`, what
 * `terraform providers mirror` writes).
 */
export function mirrorHoldsProvider(dir: string): boolean {
  const providerDir = join(dir, AWS_PROVIDER);
  if (existsSync(join(providerDir, AWS_PROVIDER_VERSION))) return true;
  if (!existsSync(providerDir)) return false;
  return readdirSync(providerDir).some((entry) => entry.startsWith(`terraform-provider-aws_${AWS_PROVIDER_VERSION}_`) && entry.endsWith(".zip"));
}

/**
 * Writes a Terraform CLI configuration that installs hashicorp/* only from the
 * mirror. An unpacked mirror is symlinked into each stack's `.terraform`, so no
 * plugin cache is needed; a shared cache would also race between parallel inits.
 */
export function writeCliConfig(workDir: string, mirror: string): string {
  const path = join(workDir, "terraform.rc");
  writeFileSync(
    path,
    [
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = ["registry.terraform.io/hashicorp/*"]`,
      "  }",
      "  direct {",
      `    exclude = ["registry.terraform.io/hashicorp/*"]`,
      "  }",
      "}",
      "disable_checkpoint = true",
      "",
    ].join("\n"),
  );
  return path;
}

export interface SynthesizedStack {
  readonly name: string;
  /** Directory holding `cdk.tf.json`. */
  readonly dir: string;
}

/** The stacks in a cdktf output directory, in manifest order. */
export function listStacks(outdir: string): SynthesizedStack[] {
  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath)) {
    throw new Error(`${manifestPath} not found: run \`npm run synth\` first.`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    stacks: Record<string, { name: string; workingDirectory: string }>;
  };
  return Object.values(manifest.stacks).map((stack) => ({
    name: stack.name,
    dir: resolve(outdir, stack.workingDirectory),
  }));
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs terraform in `cwd` with the given CLI config, capturing output; never throws on a non-zero exit. */
export function runTerraform(args: readonly string[], cwd: string, cliConfig: string): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("terraform", args, {
      cwd,
      env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs `task` over `items` with at most `limit` in flight, keeping input order in the results. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
