import { describe, expect, it } from "vitest";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { SecureBucket } from "../../modules/bucket";
import { ServiceRole } from "../../modules/iam-role";
import { synth, testStack } from "../support/synth";

describe("SecureBucket", () => {
  it("blocks public access, disables ACLs and denies requests without TLS", () => {
    const stack = testStack();
    new SecureBucket(stack, "data", { purpose: "data" });
    const out = synth(stack);
    expect(JSON.stringify(out.json)).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(out.resource("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(out.policyStatements("data/policy")).toContainEqual(
      expect.objectContaining({
        sid: "DenyInsecureTransport",
        effect: "Deny",
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      }),
    );
  });

  it("encrypts with a customer managed key of its own and bucket keys by default", () => {
    const stack = testStack();
    new SecureBucket(stack, "data", { purpose: "data" });
    const out = synth(stack);
    const rule = (out.resource("aws_s3_bucket_server_side_encryption_configuration").rule as Record<string, unknown>[])[0];
    expect(rule).toMatchObject({
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: expect.stringContaining("aws_kms_key.") },
      bucket_key_enabled: true,
    });
    expect(out.resource("aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
  });

  it("uses SSE-S3 when asked, for writers that cannot use KMS", () => {
    const stack = testStack();
    new SecureBucket(stack, "alb-logs", { purpose: "alb-logs", encryption: { type: "s3-managed" } });
    const out = synth(stack);
    expect(Object.keys(out.resources("aws_kms_key"))).toHaveLength(0);
    const rule = (out.resource("aws_s3_bucket_server_side_encryption_configuration").rule as Record<string, unknown>[])[0];
    expect(rule).toMatchObject({ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } });
  });

  it("is versioned and expires noncurrent versions", () => {
    const stack = testStack();
    new SecureBucket(stack, "data", { purpose: "data", expireAfterDays: 400 });
    const out = synth(stack);
    expect(out.resource("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    const rule = (out.resource("aws_s3_bucket_lifecycle_configuration").rule as Record<string, unknown>[])[0];
    expect(rule).toMatchObject({ expiration: [{ days: 400 }], noncurrent_version_expiration: [{ noncurrent_days: 90 }] });
  });

  it("delivers server access logs to the log bucket, admitting only the source bucket", () => {
    const stack = testStack();
    const logs = new SecureBucket(stack, "logs", { purpose: "logs", encryption: { type: "s3-managed" } });
    new SecureBucket(stack, "data", { purpose: "data", accessLogs: { bucket: logs, prefix: "s3/data/" } });
    const out = synth(stack);
    expect(out.resource("aws_s3_bucket_logging")).toMatchObject({ target_prefix: "s3/data/" });
    const statement = out.policyStatements("logs/policy").find((s) => s.sid === "ServerAccessLogs1");
    expect(statement).toMatchObject({
      actions: ["s3:PutObject"],
      principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
      condition: expect.arrayContaining([expect.objectContaining({ test: "ArnLike", variable: "aws:SourceArn" })]),
    });
  });

  it("grants read on a prefix and decrypt on its key, nothing wider", () => {
    const stack = testStack();
    const bucket = new SecureBucket(stack, "data", { purpose: "data" });
    const role = new ServiceRole(stack, "reader", { purpose: "reader", assumedBy: ["lambda.amazonaws.com"] });
    bucket.grantRead(role, "ReadReports", "reports/");
    const out = synth(stack);
    const statements = out.policyStatements("reader/grant-");
    expect(statements).toHaveLength(2);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ sid: "ReadReports", actions: ["s3:GetObject"], resources: [expect.stringMatching(/\.arn\}\/reports\/\*$/)] }),
      expect.objectContaining({ sid: "ReadReportsKey", actions: ["kms:Decrypt", "kms:DescribeKey"] }),
    ]));
  });

  it("throws when expireAfterDays is not a positive whole number", () => {
    expect(() => new SecureBucket(testStack(), "data", { purpose: "data", expireAfterDays: 0 })).toThrow(
      /expireAfterDays must be a whole number of days, at least 1; got 0/,
    );
  });
});
