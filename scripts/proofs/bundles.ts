/**
 * Container code for the least-privilege proof. Lambda code needs nothing
 * here (the proof reads the zip each function references); a container image
 * is referenced by digest only, so its bundle is built the way the Dockerfile
 * builds it, once per run.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildTasksApiBundle } from "../../handlers/tasks-api/build";
import { firstParty, type CodeBundle } from "./least-privilege";

export interface ContainerBundles {
  /** By workload: the construct id of the task definition's owner (`tasks-api`). */
  readonly bundles: Readonly<Record<string, CodeBundle>>;
  /** Deletes the temporary build folder. */
  dispose(): void;
}

/** Builds every service image's bundle into a temporary folder (the tasks-api: about a second). */
export async function buildContainerBundles(): Promise<ContainerBundles> {
  const dir = mkdtempSync(join(tmpdir(), "taskboard-proofs-"));
  try {
    const outfile = join(dir, "tasks-api", "main.mjs");
    const built = await buildTasksApiBundle(outfile);
    // esbuild records inputs relative to its working directory, the process's.
    const sources = firstParty(Object.keys(built.metafile.inputs)).map((input) => resolve(input));
    return {
      bundles: { "tasks-api": { code: readFileSync(outfile, "utf8"), origin: "handlers/tasks-api (built as the Dockerfile does)", sources } },
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
