/**
 * `validate`: terraform init (through the offline provider mirror) and
 * `terraform validate` for every synthesized stack.
 * `plan`: an offline `terraform plan` of every stack, printing add/change/destroy.
 *
 * Usage: node --import tsx scripts/terraform-check.ts <validate|plan> [--outdir cdktf.out] [--stack name]...
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  ToolMissingError,
  findProviderMirror,
  listStacks,
  mapLimited,
  requireTerraform,
  runTerraform,
  writeCliConfig,
  type RunResult,
  type SynthesizedStack,
} from "./lib/terraform";
import { OfflinePlanError, countPlan, requiredVariables, toOfflineConfig, type PlanCounts, type TerraformJson } from "./lib/offline";
import { OFFLINE_VARIABLE_VALUES } from "./offline-values";

type Mode = "validate" | "plan";

interface StackOutcome {
  readonly stack: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly counts?: PlanCounts;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { outdir: { type: "string", default: "cdktf.out" }, stack: { type: "string", multiple: true } },
  });
  const mode = positionals[0];
  if (mode !== "validate" && mode !== "plan") {
    console.error("usage: terraform-check.ts <validate|plan> [--outdir cdktf.out] [--stack name]...");
    return 2;
  }
  const terraformVersion = requireTerraform();
  const mirror = findProviderMirror();
  const workDir = mkdtempSync(join(tmpdir(), `taskboard-${mode}-`));
  try {
    const cliConfig = writeCliConfig(workDir, mirror);
    const stacks = selectStacks(listStacks(values.outdir), values.stack);
    console.log(`terraform ${terraformVersion}, provider mirror ${mirror}: ${mode} of ${stacks.length} stack(s)`);
    const outcomes = await mapLimited(stacks, 2, (stack) =>
      mode === "validate" ? validateStack(stack, cliConfig) : planStack(stack, cliConfig, workDir),
    );
    report(mode, outcomes);
    return outcomes.every((o) => o.ok) ? 0 : 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function selectStacks(all: SynthesizedStack[], wanted: string[] | undefined): SynthesizedStack[] {
  if (!wanted || wanted.length === 0) return all;
  const unknown = wanted.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown stack(s) ${unknown.join(", ")}; synthesized: ${all.map((s) => s.name).join(", ")}`);
  }
  return all.filter((s) => wanted.includes(s.name));
}

async function validateStack(stack: SynthesizedStack, cliConfig: string): Promise<StackOutcome> {
  const init = await runTerraform(["init", "-backend=false", "-input=false", "-no-color"], stack.dir, cliConfig);
  if (init.code !== 0) return failed(stack, "init", init);
  const validate = await runTerraform(["validate", "-no-color"], stack.dir, cliConfig);
  if (validate.code !== 0) return failed(stack, "validate", validate);
  return { stack: stack.name, ok: true, detail: "valid" };
}

async function planStack(stack: SynthesizedStack, cliConfig: string, workDir: string): Promise<StackOutcome> {
  const copy = join(workDir, "stacks", stack.name);
  cpSync(stack.dir, copy, { recursive: true, filter: (source) => !source.includes(".terraform") });
  const configPath = join(copy, "cdk.tf.json");
  const config = JSON.parse(readFileSync(configPath, "utf8")) as TerraformJson;
  let offline: TerraformJson;
  try {
    offline = toOfflineConfig(stack.name, config);
  } catch (error) {
    if (error instanceof OfflinePlanError) return { stack: stack.name, ok: false, detail: error.message };
    throw error;
  }
  writeFileSync(configPath, JSON.stringify(offline, null, 2));

  const varArgs: string[] = [];
  for (const name of requiredVariables(config)) {
    const value = OFFLINE_VARIABLE_VALUES[name];
    if (value === undefined) {
      return { stack: stack.name, ok: false, detail: `variable ${name} has no default and no offline value in scripts/offline-values.ts` };
    }
    varArgs.push("-var", `${name}=${value}`);
  }

  const init = await runTerraform(["init", "-input=false", "-no-color"], copy, cliConfig);
  if (init.code !== 0) return failed(stack, "init", init);
  const plan = await runTerraform(
    ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-out=offline.tfplan", ...varArgs],
    copy,
    cliConfig,
  );
  if (plan.code !== 0) return failed(stack, "plan", plan);
  const show = await runTerraform(["show", "-json", "offline.tfplan"], copy, cliConfig);
  if (show.code !== 0) return failed(stack, "show", show);
  const counts = countPlan(JSON.parse(show.stdout) as Parameters<typeof countPlan>[0]);
  return { stack: stack.name, ok: true, detail: "planned", counts };
}

function failed(stack: SynthesizedStack, step: string, result: RunResult): StackOutcome {
  const output = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-40).join("\n");
  return { stack: stack.name, ok: false, detail: `terraform ${step} failed (exit ${result.code}):\n${output}` };
}

function report(mode: Mode, outcomes: readonly StackOutcome[]): void {
  const width = Math.max(5, ...outcomes.map((o) => o.stack.length));
  if (mode === "plan") {
    console.log(`${"stack".padEnd(width)}  ${"add".padStart(5)}  ${"change".padStart(6)}  ${"destroy".padStart(7)}`);
  }
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      console.log(`${outcome.stack.padEnd(width)}  FAILED\n${indent(outcome.detail)}`);
    } else if (outcome.counts) {
      const { add, change, destroy } = outcome.counts;
      console.log(`${outcome.stack.padEnd(width)}  ${String(add).padStart(5)}  ${String(change).padStart(6)}  ${String(destroy).padStart(7)}`);
    } else {
      console.log(`${outcome.stack.padEnd(width)}  ${outcome.detail}`);
    }
  }
  const failures = outcomes.filter((o) => !o.ok).length;
  console.log(`${mode}: ${outcomes.length - failures} passed, ${failures} failed`);
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ToolMissingError) {
      console.error(`error: ${error.message}`);
      process.exit(3);
    }
    console.error(error);
    process.exit(1);
  },
);
