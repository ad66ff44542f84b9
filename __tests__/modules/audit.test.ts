import { describe, expect, it } from "vitest";
import { TerraformOutput } from "cdktf";
import { AuditTrail, type AuditTrailProps } from "../../modules/audit";
import { SecureBucket } from "../../modules/bucket";
import type { PolicyStatement } from "../../modules/core/policy";
import { TEST_ACCOUNT, TEST_REGION, synth, testStack, type Synthesized } from "../support/synth";

type Json = Record<string, unknown>;

const SITE_BUCKET = "arn:aws:s3:::taskboard-test-site";
const TRAIL_ARN = `arn:aws:cloudtrail:${TEST_REGION}:${TEST_ACCOUNT}:trail/taskboard-test-audit`;
const SOURCE_IS_TRAIL = { test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] };

function build(props: Partial<AuditTrailProps> = {}): { out: Synthesized; audit: AuditTrail } {
  const stack = testStack();
  const audit = new AuditTrail(stack, "audit", { logExpireAfterDays: 365, logRetentionDays: 30, ...props });
  return { out: synth(stack), audit };
}

/** The trail's own key (the stack also holds the shared logs key). */
function trailKey(out: Synthesized): [string, Json] {
  const entries = Object.entries(out.resources("aws_kms_key")).filter(([id]) => id.startsWith("audit_key"));
  if (entries.length !== 1) throw new Error(`expected one trail key, found ${entries.length}`);
  return entries[0]!;
}

function onlyEntry(out: Synthesized, type: string): [string, Json] {
  const entries = Object.entries(out.resources(type));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return entries[0]!;
}

describe("AuditTrail", () => {
  it("records every region and global services, validates log files and encrypts with its own key", () => {
    const { out, audit } = build();
    const [keyId, key] = trailKey(out);
    const [bucketId] = onlyEntry(out, "aws_s3_bucket");
    const trail = out.resource("aws_cloudtrail");
    expect(trail).toMatchObject({
      name: "taskboard-test-audit",
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      kms_key_id: `\${aws_kms_key.${keyId}.arn}`,
      s3_bucket_name: `\${aws_s3_bucket.${bucketId}.bucket}`,
    });
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(audit.trailName).toBe("taskboard-test-audit");
  });

  it("exposes the trail's own ARN attribute", () => {
    const stack = testStack();
    const audit = new AuditTrail(stack, "audit", { logExpireAfterDays: 365, logRetentionDays: 30 });
    new TerraformOutput(stack, "trail-arn", { value: audit.trailArn });
    const out = synth(stack);
    const [trailId] = onlyEntry(out, "aws_cloudtrail");
    expect(out.json.output?.["trail-arn"]?.value).toBe(`\${aws_cloudtrail.${trailId}.arn}`);
  });

  it("admits CloudTrail to the key only for this trail, as AWS documents it", () => {
    const { out } = build();
    const statements = out.policyStatements("audit/key/policy");
    expect(statements).toContainEqual(
      expect.objectContaining({
        sid: "AllowCloudTrailEncryptLogs",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
        actions: ["kms:GenerateDataKey*"],
        resources: ["*"],
        condition: [
          SOURCE_IS_TRAIL,
          {
            test: "StringLike",
            variable: "kms:EncryptionContext:aws:cloudtrail:arn",
            values: [`arn:aws:cloudtrail:*:${TEST_ACCOUNT}:trail/*`],
          },
        ],
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        sid: "AllowCloudTrailDescribeKey",
        principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
        actions: ["kms:DescribeKey"],
        condition: [SOURCE_IS_TRAIL],
      }),
    );
    // No other service principal may use the key.
    const services = statements.flatMap((s) => ((s.principals as Json[] | undefined) ?? []).filter((p) => p.type === "Service"));
    expect(services.flatMap((p) => p.identifiers as string[])).toEqual(["cloudtrail.amazonaws.com", "cloudtrail.amazonaws.com"]);
  });

  it("names the trail by a built ARN in policies, with no reference back to the trail", () => {
    const { out } = build();
    const documents = JSON.stringify(out.dataSources("aws_iam_policy_document"));
    expect(documents).toContain(TRAIL_ARN);
    expect(documents).not.toContain("aws_cloudtrail.");
  });

  it("lets CloudTrail check the bucket ACL and write only its own prefix, for this trail, with bucket-owner-full-control", () => {
    const { out } = build();
    const [bucketId] = onlyEntry(out, "aws_s3_bucket");
    const statements = out.policyStatements("audit/bucket/policy");
    expect(statements).toContainEqual({
      sid: "CloudTrailAclCheck",
      effect: "Allow",
      actions: ["s3:GetBucketAcl"],
      resources: [`\${aws_s3_bucket.${bucketId}.arn}`],
      principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
      condition: [SOURCE_IS_TRAIL],
    });
    expect(statements).toContainEqual({
      sid: "CloudTrailWrite",
      effect: "Allow",
      actions: ["s3:PutObject"],
      resources: [`\${aws_s3_bucket.${bucketId}.arn}/AWSLogs/${TEST_ACCOUNT}/*`],
      principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
      condition: [{ test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }, SOURCE_IS_TRAIL],
    });
    expect(statements).toContainEqual(expect.objectContaining({ sid: "DenyInsecureTransport", effect: "Deny" }));
  });

  it("keeps trail files in a private, versioned bucket encrypted with the trail key, expiring by prop", () => {
    const { out } = build({ logExpireAfterDays: 400 });
    const [keyId, key] = trailKey(out);
    expect(out.resource("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(out.resource("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    const encryption = (out.resource("aws_s3_bucket_server_side_encryption_configuration").rule as Json[])[0];
    expect(encryption).toMatchObject({
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: `\${aws_kms_key.${keyId}.arn}` },
    });
    const rule = (out.resource("aws_s3_bucket_lifecycle_configuration").rule as Json[])[0];
    expect(rule).toMatchObject({ status: "Enabled", expiration: [{ days: 400 }] });
    expect(out.resource("aws_s3_bucket").force_destroy).toBe(false);
  });

  it("delivers to an encrypted log group with retention through a role that may only write that group's streams", () => {
    const { out } = build({ logRetentionDays: 90 });
    const [groupId, group] = onlyEntry(out, "aws_cloudwatch_log_group");
    const [roleId, role] = onlyEntry(out, "aws_iam_role");
    expect(group).toMatchObject({
      name: "/aws/cloudtrail/taskboard-test-audit",
      retention_in_days: 90,
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.logs-key_[A-Z0-9]+\.arn\}$/),
    });
    expect(out.resource("aws_cloudtrail")).toMatchObject({
      cloud_watch_logs_group_arn: `\${aws_cloudwatch_log_group.${groupId}.arn}:*`,
      cloud_watch_logs_role_arn: `\${aws_iam_role.${roleId}.arn}`,
    });
    expect(role.name).toBe("taskboard-test-audit-trail-logs");
    expect(out.policyStatements("audit/logs-role/trust")).toEqual([
      {
        sid: "TrustService",
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] }],
      },
    ]);
    expect(Object.keys(out.resources("aws_iam_role_policy"))).toHaveLength(1);
    expect(out.policyStatements("audit/logs-role/grant-")).toEqual([
      {
        sid: "DeliverTrailToLogGroup",
        effect: "Allow",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`\${aws_cloudwatch_log_group.${groupId}.arn}:*`],
      },
    ]);
  });

  it("is created after the bucket policy and the role's permissions", () => {
    const { out } = build();
    const [policyId] = onlyEntry(out, "aws_s3_bucket_policy");
    const [rolePolicyId] = onlyEntry(out, "aws_iam_role_policy");
    expect(out.resource("aws_cloudtrail").depends_on).toEqual([`aws_s3_bucket_policy.${policyId}`, `aws_iam_role_policy.${rolePolicyId}`]);
  });

  it("sends the trail bucket's server access logs to the given bucket, and the log bucket admits only that source", () => {
    const stack = testStack();
    const logs = new SecureBucket(stack, "logs", { purpose: "access-logs", encryption: { type: "s3-managed" } });
    new AuditTrail(stack, "audit", { logExpireAfterDays: 365, logRetentionDays: 30, accessLogs: { bucket: logs, prefix: "s3/audit/" } });
    const out = synth(stack);
    const [trailBucketId] = Object.keys(out.resources("aws_s3_bucket")).filter((id) => id.startsWith("audit_bucket"));
    const [logBucketId] = Object.keys(out.resources("aws_s3_bucket")).filter((id) => id.startsWith("logs_bucket"));
    expect(out.resource("aws_s3_bucket_logging")).toMatchObject({
      bucket: `\${aws_s3_bucket.${trailBucketId}.id}`,
      target_bucket: `\${aws_s3_bucket.${logBucketId}.bucket}`,
      target_prefix: "s3/audit/",
    });
    expect(out.policyStatements("logs/policy")).toContainEqual(
      expect.objectContaining({
        actions: ["s3:PutObject"],
        resources: [`\${aws_s3_bucket.${logBucketId}.arn}/s3/audit/*`],
        principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
      }),
    );
  });

  it("has no server access logs unless asked", () => {
    expect(build().out.resources("aws_s3_bucket_logging")).toEqual({});
  });

  it("logs management events only when no bucket is watched", () => {
    const { out } = build();
    expect(out.resource("aws_cloudtrail").advanced_event_selector).toEqual([
      { name: "Management events", field_selector: [{ field: "eventCategory", equals: ["Management"] }] },
    ]);
    expect(out.resource("aws_cloudtrail").event_selector).toBeUndefined();
  });

  it("records object writes on the watched buckets as S3 data events", () => {
    const { out } = build({ dataEventBucketArns: [SITE_BUCKET, "arn:aws:s3:::other-bucket"] });
    const selectors = out.resource("aws_cloudtrail").advanced_event_selector as Json[];
    expect(selectors).toHaveLength(2);
    expect(selectors[0]).toEqual({ name: "Management events", field_selector: [{ field: "eventCategory", equals: ["Management"] }] });
    expect(selectors[1]).toEqual({
      name: "S3 object writes to watched buckets",
      field_selector: [
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::S3::Object"] },
        { field: "resources.ARN", starts_with: [`${SITE_BUCKET}/`, "arn:aws:s3:::other-bucket/"] },
        { field: "readOnly", equals: ["false"] },
      ],
    });
  });

  it("records reads too when asked", () => {
    const { out } = build({ dataEventBucketArns: [SITE_BUCKET], dataEventScope: "read-write" });
    const selectors = out.resource("aws_cloudtrail").advanced_event_selector as Json[];
    const fields = (selectors[1]?.field_selector as Json[]).map((f) => f.field);
    expect(fields).toEqual(["eventCategory", "resources.type", "resources.ARN"]);
  });

  it("grants reading trail files under the account's prefix, decrypting through S3", () => {
    const stack = testStack();
    const audit = new AuditTrail(stack, "audit", { logExpireAfterDays: 365, logRetentionDays: 30 });
    const statements: PolicyStatement[] = [];
    audit.grantReadLogs({ roleArn: "r", roleName: "r", addToPolicy: (s) => statements.push(s) }, "ReadTrail");
    expect(statements).toEqual([
      { sid: "ReadTrail", actions: ["s3:GetObject"], resources: [`${audit.logBucket.bucketArn}/AWSLogs/${TEST_ACCOUNT}/*`] },
      expect.objectContaining({
        sid: "ReadTrailKey",
        actions: ["kms:Decrypt", "kms:DescribeKey"],
        resources: [audit.encryptionKey.keyArn],
        conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [`s3.${TEST_REGION}.amazonaws.com`] }],
      }),
    ]);
  });

  it("throws when logExpireAfterDays is not a whole number of at least 1", () => {
    expect(() => build({ logExpireAfterDays: 0 })).toThrow(/audit: logExpireAfterDays 0 must be a whole number of days, at least 1/);
    expect(() => build({ logExpireAfterDays: 1.5 })).toThrow(/logExpireAfterDays 1.5/);
  });

  it("throws when a data event bucket ARN is not a bucket ARN", () => {
    expect(() => build({ dataEventBucketArns: ["arn:aws:s3:::site/"] })).toThrow(/dataEventBucketArns entry "arn:aws:s3:::site\/" is not a bucket ARN/);
    expect(() => build({ dataEventBucketArns: ["my-site"] })).toThrow(/is not a bucket ARN/);
  });

  it("throws when a data event bucket is listed twice", () => {
    expect(() => build({ dataEventBucketArns: [SITE_BUCKET, SITE_BUCKET] })).toThrow(/lists "arn:aws:s3:::taskboard-test-site" twice/);
  });

  it("throws when the log group retention is not a CloudWatch value (validated by LogGroup)", () => {
    expect(() => build({ logRetentionDays: 10 })).toThrow(/audit\/log-group: retentionDays 10/);
  });
});
