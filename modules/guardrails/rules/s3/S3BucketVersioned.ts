import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, str } from "../../private/values";

export const S3BucketVersioned: GuardrailRule = {
  id: "TB-S3-4",
  name: "S3BucketVersioned",
  reason: "Versioning keeps overwritten and deleted objects recoverable (a bad deploy, a ransomware-style overwrite).",
  level: "required",
  resourceTypes: ["aws_s3_bucket"],
  references: [checkov("CKV_AWS_21"), securityHub("S3.14", false)],
  fix: "keep SecureBucket's versioned default (true); expire noncurrent versions with noncurrentVersionExpireDays instead of turning versioning off",
  check(bucket, { index }) {
    const versioning = index.referrers(bucket, "aws_s3_bucket_versioning", "bucket");
    const enabled = versioning.some((v) => str(block(v.attributes.versioning_configuration)?.status) === "Enabled");
    return enabled ? pass() : fail(versioning.length === 0 ? "no aws_s3_bucket_versioning refers to the bucket" : "versioning is not Enabled");
  },
};
