import { describe, expect, it } from "vitest";
import { countPlan, requiredVariables, toOfflineConfig, type TerraformJson } from "../../scripts/lib/offline";

const stack: TerraformJson = {
  terraform: { backend: { s3: { bucket: "state", key: "k", use_lockfile: true } }, required_providers: {} },
  provider: {
    aws: [
      { region: "ap-northeast-2", allowed_account_ids: ["111111111111"] },
      { alias: "global", region: "us-east-1", allowed_account_ids: ["111111111111"] },
    ],
  },
  data: { aws_iam_policy_document: { doc: {} } },
  variable: { image_digest: { type: "string" }, with_default: { type: "string", default: "x" } },
};

describe("offline plan transform", () => {
  it("swaps the S3 backend for a local one", () => {
    expect(toOfflineConfig("dev", stack).terraform?.backend).toEqual({ local: { path: "offline.tfstate" } });
  });

  it("drops account pinning and adds static credentials with every AWS lookup skipped", () => {
    const providers = toOfflineConfig("dev", stack).provider!.aws!;
    expect(providers).toHaveLength(2);
    for (const provider of providers) {
      expect(provider).not.toHaveProperty("allowed_account_ids");
      expect(provider).toMatchObject({
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        access_key: expect.any(String),
        secret_key: expect.any(String),
      });
    }
    expect(providers[1]).toMatchObject({ alias: "global", region: "us-east-1" });
  });

  it("leaves the original configuration untouched", () => {
    toOfflineConfig("dev", stack);
    expect(stack.provider!.aws![0]).toHaveProperty("allowed_account_ids");
    expect(stack.terraform!.backend).toHaveProperty("s3");
  });

  it("throws when a data source would call AWS during plan, naming it", () => {
    const withLookup = { ...stack, data: { ...stack.data, aws_caller_identity: { current: {} } } };
    expect(() => toOfflineConfig("dev", withLookup)).toThrow(
      /dev: data source\(s\) aws_caller_identity \(current\) call AWS during plan/,
    );
  });

  it("lists the variables that need a value", () => {
    expect(requiredVariables(stack)).toEqual(["image_digest"]);
  });

  it("counts a plan like terraform does: a replacement is one add and one destroy", () => {
    const counts = countPlan({
      resource_changes: [
        { change: { actions: ["create"] } },
        { change: { actions: ["update"] } },
        { change: { actions: ["delete", "create"] } },
        { change: { actions: ["no-op"] } },
        { mode: "data", change: { actions: ["read"] } },
      ],
    });
    expect(counts).toEqual({ add: 2, change: 1, destroy: 1 });
  });
});
