import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findProviderMirror, listStacks, mapLimited } from "../../scripts/lib/terraform";
import { findRootImports } from "../../scripts/check-imports";

function fakeMirror(): string {
  const dir = mkdtempSync(join(tmpdir(), "mirror-"));
  mkdirSync(join(dir, "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64"), { recursive: true });
  return dir;
}

describe("provider mirror lookup", () => {
  it("uses TF_PROVIDER_MIRROR when it holds the provider", () => {
    const mirror = fakeMirror();
    expect(findProviderMirror({ TF_PROVIDER_MIRROR: mirror }, [])).toBe(mirror);
  });

  it("accepts the packed layout that `terraform providers mirror` writes", () => {
    const dir = mkdtempSync(join(tmpdir(), "mirror-"));
    mkdirSync(join(dir, "registry.terraform.io/hashicorp/aws"), { recursive: true });
    writeFileSync(join(dir, "registry.terraform.io/hashicorp/aws/terraform-provider-aws_5.100.0_linux_amd64.zip"), "");
    expect(findProviderMirror({ TF_PROVIDER_MIRROR: dir }, [])).toBe(dir);
  });

  it("falls back to the first candidate holding the provider", () => {
    const mirror = fakeMirror();
    expect(findProviderMirror({}, ["/nonexistent", mirror])).toBe(mirror);
  });

  it("throws when TF_PROVIDER_MIRROR lacks the pinned provider, saying what it needs", () => {
    const empty = mkdtempSync(join(tmpdir(), "mirror-"));
    expect(() => findProviderMirror({ TF_PROVIDER_MIRROR: empty }, [])).toThrow(
      /holds no registry\.terraform\.io\/hashicorp\/aws 5\.100\.0/,
    );
  });

  it("throws when no mirror is found, saying how to make one", () => {
    expect(() => findProviderMirror({}, ["/nonexistent"])).toThrow(/terraform providers mirror <dir>.*TF_PROVIDER_MIRROR/s);
  });
});

describe("stack listing", () => {
  it("reads the stacks from cdktf's manifest", () => {
    const outdir = mkdtempSync(join(tmpdir(), "out-"));
    writeFileSync(
      join(outdir, "manifest.json"),
      JSON.stringify({ stacks: { dev: { name: "dev", workingDirectory: "stacks/dev" } } }),
    );
    expect(listStacks(outdir)).toEqual([{ name: "dev", dir: join(outdir, "stacks/dev") }]);
  });

  it("throws when nothing was synthesized", () => {
    expect(() => listStacks(mkdtempSync(join(tmpdir(), "out-")))).toThrow(/run `npm run synth` first/);
  });
});

describe("mapLimited", () => {
  it("keeps order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimited([30, 10, 20, 5], 2, async (ms) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running -= 1;
      return ms * 2;
    });
    expect(results).toEqual([60, 20, 40, 10]);
    expect(peak).toBe(2);
  });
});

describe("deep import check", () => {
  it("finds root imports of the provider package in every form", () => {
    const dir = mkdtempSync(join(tmpdir(), "src-"));
    // Built from parts so this test file does not itself contain a root import the check would flag.
    const pkg = ["@cdktf", "provider-aws"].join("/");
    writeFileSync(
      join(dir, "bad.ts"),
      [
        `import { S3Bucket } from "${pkg}";`,
        `import * as aws from "${pkg}/lib";`,
        `const x = require("${pkg}/lib/index");`,
        `import { S3Object } from "${pkg}/lib/s3-object";`,
      ].join("\n"),
    );
    expect(findRootImports(dir).map((hit) => hit.line)).toEqual([1, 2, 3]);
  });

  it("finds none in this repository", () => {
    expect(findRootImports(process.cwd())).toEqual([]);
  });
});
