import { describe, expect, it } from "vitest";
import { Testing } from "cdktf";
import { loadEnvironments } from "../../config";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { stateLocation } from "../../stacks/platform-stack";

const [dev, , prod] = loadEnvironments({});

type TerraformJson = {
  terraform: { backend: Record<string, Record<string, unknown>> };
  provider: { aws: Record<string, unknown>[] };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
};

function synthEnvironment(config = dev!): TerraformJson {
  const stack = new EnvironmentStack(Testing.app(), config.name, config);
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

describe("environment stack", () => {
  it("keeps state in the environment's own bucket, encrypted with its key, locked with a lock file", () => {
    const { backend } = synthEnvironment().terraform;
    expect(backend).toEqual({
      s3: {
        bucket: "taskboard-dev-tfstate-111111111111",
        key: "taskboard/dev/terraform.tfstate",
        region: "ap-northeast-2",
        encrypt: true,
        kms_key_id: "arn:aws:kms:ap-northeast-2:111111111111:alias/taskboard-dev-tfstate",
        use_lockfile: true,
      },
    });
  });

  it("pins both providers to the environment's account, so dev config can never apply to prod", () => {
    const providers = synthEnvironment(prod).provider.aws;
    expect(providers).toHaveLength(2);
    for (const provider of providers) expect(provider.allowed_account_ids).toEqual(["333333333333"]);
  });

  it("has a us-east-1 provider alias for CloudFront's certificates, WAF and billing metrics", () => {
    const providers = synthEnvironment().provider.aws;
    expect(providers.map((p) => [p.alias ?? "default", p.region])).toEqual([
      ["default", "ap-northeast-2"],
      ["global", "us-east-1"],
    ]);
  });

  it("tags every resource with application, environment, manager and cost centre", () => {
    for (const provider of synthEnvironment().provider.aws) {
      expect(provider.default_tags).toEqual([
        { tags: { Application: "taskboard", Environment: "dev", ManagedBy: "cdktf", CostCentre: "taskboard-dev" } },
      ]);
    }
  });
});

describe("bootstrap stack", () => {
  function synthBootstrap(): TerraformJson {
    const stack = new BootstrapStack(Testing.app(), "bootstrap-dev", dev!);
    return JSON.parse(Testing.synth(stack)) as TerraformJson;
  }

  it("keeps its own state locally, since the bucket it creates does not exist yet", () => {
    expect(Object.keys(synthBootstrap().terraform.backend)).toEqual(["local"]);
  });

  it("creates exactly the bucket and key alias the environment's backend names", () => {
    const json = synthBootstrap();
    const state = stateLocation(dev!);
    const bucket = Object.values(json.resource!.aws_s3_bucket!)[0]!;
    expect(bucket.bucket).toBe(state.bucket);
    expect(Object.values(json.resource!.aws_kms_alias!)[0]!.name).toBe(state.kmsKeyAlias);
  });

  it("protects the state bucket: versioned, KMS-encrypted, public access blocked, never destroyed by Terraform", () => {
    const resources = synthBootstrap().resource!;
    const bucket = Object.values(resources.aws_s3_bucket!)[0]!;
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(bucket.force_destroy).toBe(false);
    expect(Object.values(resources.aws_s3_bucket_versioning!)[0]!.versioning_configuration).toEqual({ status: "Enabled" });
    expect(Object.values(resources.aws_s3_bucket_public_access_block!)[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const rule = (Object.values(resources.aws_s3_bucket_server_side_encryption_configuration!)[0]!.rule as Record<string, unknown>[])[0];
    expect(rule).toMatchObject({ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } });
  });
});
