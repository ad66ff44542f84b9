/**
 * `npm run check`: synthesizes every environment in-process and runs each
 * check section over the result, printing what it proves (the compliance
 * pack's rules × environments table first). Exits 1 if any section fails,
 * after all of them have printed.
 *
 * Usage: node --import tsx scripts/check.ts [--environments-only]
 *   Checks every environment stack and its bootstrap-<env> stack (no waivers apply to those);
 *   --environments-only skips the bootstrap stacks. (--bootstrap is accepted and is the default.)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { App } from "cdktf";
import { loadEnvironments } from "../config";
import { BootstrapStack } from "../stacks/bootstrap-stack";
import { EnvironmentStack } from "../stacks/environment-stack";
import { GUARDRAILS_MODE_CONTEXT } from "../stacks/platform-stack";
import { complianceSection } from "./lib/check-compliance";
import type { CheckContext, CheckSection, CheckStack } from "./lib/check-section";
import { leastPrivilegeSection, reachabilitySection } from "./proofs/sections";

/** The sections, in the order they print. Append new proofs here. */
export const SECTIONS: CheckSection[] = [complianceSection, leastPrivilegeSection, reachabilitySection];

/**
 * Synthesizes the configured environments (and optionally their bootstrap
 * stacks) into `outdir`, exactly as `npm run synth` would but with the
 * compliance pack in report mode, so a violation is reported instead of thrown.
 */
export function synthesizeForCheck(outdir: string, options: { bootstrap?: boolean } = {}): CheckStack[] {
  const app = new App({ outdir, stackTraces: false, context: { [GUARDRAILS_MODE_CONTEXT]: "report" } });
  const built: { name: string; kind: CheckStack["kind"]; config: CheckStack["config"] }[] = [];
  for (const config of loadEnvironments()) {
    new EnvironmentStack(app, config.name, config);
    built.push({ name: config.name, kind: "environment", config });
    if (options.bootstrap) {
      new BootstrapStack(app, `bootstrap-${config.name}`, config);
      built.push({ name: `bootstrap-${config.name}`, kind: "bootstrap", config });
    }
  }
  app.synth();
  return built.map((stack) => {
    const directory = join(outdir, "stacks", stack.name);
    return { ...stack, directory, json: JSON.parse(readFileSync(join(directory, "cdk.tf.json"), "utf8")) as unknown };
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { bootstrap: { type: "boolean", default: true }, "environments-only": { type: "boolean", default: false } },
  });
  const outdir = mkdtempSync(join(tmpdir(), "taskboard-check-"));
  try {
    const context: CheckContext = { stacks: synthesizeForCheck(outdir, { bootstrap: values.bootstrap && !values["environments-only"] }) };
    let ok = true;
    for (const section of SECTIONS) {
      const result = await section.run(context);
      console.log(`\n== ${section.title}: ${result.ok ? "ok" : "FAILED"}\n`);
      for (const line of result.lines) console.log(line);
      ok &&= result.ok;
    }
    console.log(`\ncheck: ${ok ? "all sections passed" : "FAILED"}`);
    return ok ? 0 : 1;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
