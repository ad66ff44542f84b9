import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PlatformContext } from "../../modules/core/context";
import { loadStack, type LoadedStack, type StackJson } from "../../scripts/proofs/stack";
import { TEST_ACCOUNT, TEST_REGION } from "../support/synth";

const outdirs: string[] = [];

/** A stack in an app that synthesizes to a temporary folder, assets included (the proofs read the Lambda zips). */
export function fixtureStack(name = "fixture"): { readonly stack: TerraformStack; synth(): LoadedStack } {
  const outdir = mkdtempSync(join(tmpdir(), "taskboard-proofs-fixture-"));
  outdirs.push(outdir);
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, name);
  PlatformContext.set(stack, { app: "taskboard", environment: "test", accountId: TEST_ACCOUNT, region: TEST_REGION });
  new AwsProvider(stack, "aws", { region: TEST_REGION });
  return {
    stack,
    synth: () => {
      app.synth();
      return loadStack(join(outdir, "stacks", name), name);
    },
  };
}

/**
 * A stack's Terraform JSON, construct-path metadata included (`Testing.synth` strips it), without writing
 * assets or running the app's validations: for proofs that read no asset (reachability).
 */
export function jsonStack(stack: TerraformStack, name: string): LoadedStack {
  return { name, dir: "/nonexistent", json: JSON.parse(JSON.stringify(stack.toTerraform())) as StackJson };
}

export function removeFixtureOutput(): void {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
}
