import { describe, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketAcl } from "@cdktf/provider-aws/lib/s3-bucket-acl";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SecureBucket } from "../../modules/bucket";
import { PolicyDocument } from "../../modules/core/policy";
import { S3BucketAccessLogged } from "../../modules/guardrails/rules/s3/S3BucketAccessLogged";
import { S3BucketAclsDisabled } from "../../modules/guardrails/rules/s3/S3BucketAclsDisabled";
import { S3BucketEncrypted } from "../../modules/guardrails/rules/s3/S3BucketEncrypted";
import { S3BucketPublicAccessBlocked } from "../../modules/guardrails/rules/s3/S3BucketPublicAccessBlocked";
import { S3BucketTlsOnly } from "../../modules/guardrails/rules/s3/S3BucketTlsOnly";
import { S3BucketVersioned } from "../../modules/guardrails/rules/s3/S3BucketVersioned";
import { describeRules } from "./cases";
import { expectCompliant, expectNotApplicable, expectViolation } from "./support";

/** A SecureBucket that logs to a log bucket: the platform's compliant bucket. */
function secureBucket(stack: TerraformStack): string {
  const logs = new SecureBucket(stack, "logs", { purpose: "logs", encryption: { type: "s3-managed" } });
  new SecureBucket(stack, "data", { purpose: "data", accessLogs: { bucket: logs, prefix: "s3/data/" } });
  return "test/data/bucket";
}

function rawBucket(stack: TerraformStack): S3Bucket {
  return new S3Bucket(stack, "raw", { bucketPrefix: "raw-" });
}

describeRules([
  {
    rule: S3BucketPublicAccessBlocked,
    compliant: secureBucket,
    noncompliant: (stack) => {
      const bucket = rawBucket(stack);
      new S3BucketPublicAccessBlock(stack, "pab", {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: false,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      return "test/raw";
    },
    detail: /leaves block_public_policy off/,
  },
  {
    rule: S3BucketEncrypted,
    compliant: secureBucket,
    noncompliant: (stack) => {
      const bucket = rawBucket(stack);
      new S3BucketServerSideEncryptionConfigurationA(stack, "sse", {
        bucket: bucket.id,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
      });
      return "test/raw";
    },
    detail: /AWS managed aws\/s3 key/,
  },
  {
    rule: S3BucketTlsOnly,
    compliant: secureBucket,
    noncompliant: (stack) => {
      const bucket = rawBucket(stack);
      // Denies only the objects, so bucket-level calls over HTTP still pass.
      const policy = new PolicyDocument(stack, "policy", {
        statements: [
          {
            sid: "DenyInsecureObjects",
            effect: "Deny",
            actions: ["s3:*"],
            resources: [`${bucket.arn}/*`],
            principals: [{ type: "*", identifiers: ["*"] }],
            conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
          },
        ],
      });
      new S3BucketPolicy(stack, "bucket-policy", { bucket: bucket.id, policy: policy.json });
      return "test/raw";
    },
    detail: /no bucket policy statement denies s3:\*/,
  },
  {
    rule: S3BucketVersioned,
    compliant: secureBucket,
    noncompliant: (stack) => {
      const bucket = rawBucket(stack);
      new S3BucketVersioningA(stack, "versioning", { bucket: bucket.id, versioningConfiguration: { status: "Suspended" } });
      return "test/raw";
    },
    detail: /versioning is not Enabled/,
  },
  {
    rule: S3BucketAccessLogged,
    compliant: secureBucket,
    noncompliant: (stack) => {
      new SecureBucket(stack, "data", { purpose: "data" });
      return "test/data/bucket";
    },
    detail: /no aws_s3_bucket_logging/,
  },
  {
    rule: S3BucketAclsDisabled,
    compliant: secureBucket,
    noncompliant: (stack) => {
      const bucket = rawBucket(stack);
      new S3BucketOwnershipControls(stack, "ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerPreferred" } });
      new S3BucketAcl(stack, "acl", { bucket: bucket.id, acl: "private" });
      return "test/raw";
    },
    detail: /aws_s3_bucket_acl grants access by ACL/,
  },
]);

describe("S3 rule details", () => {
  it("TB-S3-1 fails a bucket with no public access block at all", () => {
    expectViolation(S3BucketPublicAccessBlocked, (stack) => (rawBucket(stack), "test/raw"), /no aws_s3_bucket_public_access_block/);
  });

  it("TB-S3-2 accepts SSE-S3, the log bucket's encryption (ALB and S3 log delivery cannot use SSE-KMS)", () => {
    expectCompliant(S3BucketEncrypted, (stack) => {
      new SecureBucket(stack, "logs", { purpose: "logs", encryption: { type: "s3-managed" } });
      return "test/logs/bucket";
    });
  });

  it("TB-S3-3 fails a bucket whose policy lets HTTP through (no TLS deny at all)", () => {
    expectViolation(S3BucketTlsOnly, (stack) => (rawBucket(stack), "test/raw"), /has no aws_s3_bucket_policy/);
  });

  it("TB-S3-5 does not ask the access-log bucket to log into itself", () => {
    expectNotApplicable(S3BucketAccessLogged, (stack) => {
      const logs = rawBucket(stack);
      const data = new S3Bucket(stack, "data", { bucketPrefix: "data-" });
      new S3BucketLoggingA(stack, "logging", { bucket: data.id, targetBucket: logs.bucket, targetPrefix: "s3/" });
      return "test/raw";
    });
  });
});

