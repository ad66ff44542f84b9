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

/** The one resource of `type` that belongs to the state bucket (the bootstrap stack also holds its access-log bucket). */
function stateBucketResource(resources: Record<string, Record<string, Record<string, unknown>>>, type: string): Record<string, unknown> {
  const matches = Object.entries(resources[type] ?? {}).filter(([id]) => id.startsWith("state-bucket_"));
  expect(matches, type).toHaveLength(1);
  return matches[0]![1];
}

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
    const bucket = stateBucketResource(json.resource!, "aws_s3_bucket");
    expect(bucket.bucket).toBe(state.bucket);
    expect(Object.values(json.resource!.aws_kms_alias!)[0]!.name).toBe(state.kmsKeyAlias);
  });

  it("protects the state bucket: versioned, KMS-encrypted, public access blocked, never destroyed by Terraform", () => {
    const resources = synthBootstrap().resource!;
    const bucket = stateBucketResource(resources, "aws_s3_bucket");
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(bucket.force_destroy).toBe(false);
    expect(stateBucketResource(resources, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(stateBucketResource(resources, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const rule = (stateBucketResource(resources, "aws_s3_bucket_server_side_encryption_configuration").rule as Record<string, unknown>[])[0];
    expect(rule).toMatchObject({ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } });
  });

  it("logs every access to the state into an SSE-S3 bucket that Terraform never destroys and that expires logs after a year", () => {
    const resources = synthBootstrap().resource!;
    const logging = stateBucketResource(resources, "aws_s3_bucket_logging");
    expect(logging.target_prefix).toBe("s3/tfstate/");
    expect(logging.target_bucket).toMatch(/^\$\{aws_s3_bucket\.state-access-logs_bucket_[0-9A-F]+\.bucket\}$/);
    const logBucket = Object.entries(resources.aws_s3_bucket!).find(([id]) => id.startsWith("state-access-logs_"))![1];
    expect(logBucket.lifecycle).toEqual({ prevent_destroy: true });
    const sse = Object.entries(resources.aws_s3_bucket_server_side_encryption_configuration!).find(([id]) => id.startsWith("state-access-logs_"))![1];
    expect((sse.rule as Record<string, unknown>[])[0]).toMatchObject({ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } });
    const versioning = Object.entries(resources.aws_s3_bucket_versioning!).find(([id]) => id.startsWith("state-access-logs_"))![1];
    expect(versioning.versioning_configuration).toEqual({ status: "Enabled" });
    const lifecycle = Object.entries(resources.aws_s3_bucket_lifecycle_configuration!).find(([id]) => id.startsWith("state-access-logs_"))![1];
    expect(JSON.stringify(lifecycle.rule)).toContain('"days":365');
  });
});
