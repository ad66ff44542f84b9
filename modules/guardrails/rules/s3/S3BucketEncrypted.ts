import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, blocks, str } from "../../private/values";

export const S3BucketEncrypted: GuardrailRule = {
  id: "TB-S3-2",
  name: "S3BucketEncrypted",
  reason: "Objects must be encrypted at rest with a key the platform controls (SSE-KMS), or SSE-S3 where the writer cannot use KMS.",
  level: "required",
  resourceTypes: ["aws_s3_bucket"],
  references: [checkov("CKV_AWS_19"), checkov("CKV_AWS_145"), cdkNag("AwsSolutions-S3"), securityHub("S3.17", false)],
  fix: 'use SecureBucket (modules/bucket): SSE-KMS with a customer managed key by default, { type: "s3-managed" } only for log writers that cannot use KMS',
  check(bucket, { index }) {
    const configs = index.referrers(bucket, "aws_s3_bucket_server_side_encryption_configuration", "bucket");
    if (configs.length === 0) return fail("no aws_s3_bucket_server_side_encryption_configuration refers to the bucket");
    for (const config of configs) {
      for (const rule of blocks(config.attributes.rule)) {
        const byDefault = block(rule.apply_server_side_encryption_by_default);
        const algorithm = str(byDefault?.sse_algorithm);
        if (algorithm === "AES256") return pass();
        if ((algorithm === "aws:kms" || algorithm === "aws:kms:dsse") && str(byDefault?.kms_master_key_id)) return pass();
        if (algorithm === "aws:kms") return fail("SSE-KMS uses the AWS managed aws/s3 key; name a customer managed key (kms_master_key_id)");
      }
    }
    return fail("the encryption configuration sets no default algorithm");
  },
};
