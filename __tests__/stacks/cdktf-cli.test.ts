import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("cdktf CLI", () => {
  it("synthesizes every stack through cdktf.json's app command, as `cdktf synth` users expect", () => {
    const output = mkdtempSync(join(tmpdir(), "cdktf-cli-"));
    execFileSync("npx", ["cdktf", "synth", "--output", output], {
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1" },
      stdio: "pipe",
      timeout: 120_000,
    });
    const manifest = JSON.parse(readFileSync(join(output, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
    expect(Object.keys(manifest.stacks).sort()).toEqual([
      "bootstrap-dev",
      "bootstrap-prod",
      "bootstrap-staging",
      "dev",
      "prod",
      "staging",
    ]);
    expect(existsSync(join(output, "stacks", "prod", "cdk.tf.json"))).toBe(true);
  });
});
