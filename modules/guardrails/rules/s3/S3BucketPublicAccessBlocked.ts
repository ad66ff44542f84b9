import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { isTrue } from "../../private/values";

const FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;

export const S3BucketPublicAccessBlocked: GuardrailRule = {
  id: "TB-S3-1",
  name: "S3BucketPublicAccessBlocked",
  reason: "A bucket without its own public access block is one policy or ACL edit away from being public.",
  level: "required",
  resourceTypes: ["aws_s3_bucket"],
  references: [checkov("CKV2_AWS_6"), checkov("CKV_AWS_53"), checkov("CKV_AWS_56"), cdkNag("AwsSolutions-S2"), securityHub("S3.8", false)],
  fix: "create the bucket with SecureBucket (modules/bucket), which adds an aws_s3_bucket_public_access_block with all four settings true",
  check(bucket, { index }) {
    const blocks = index.referrers(bucket, "aws_s3_bucket_public_access_block", "bucket");
    if (blocks.length === 0) return fail("no aws_s3_bucket_public_access_block refers to the bucket");
    const off = FLAGS.filter((flag) => !blocks.some((b) => isTrue(b.attributes[flag])));
    return off.length === 0 ? pass() : fail(`the public access block leaves ${off.join(", ")} off`);
  },
};
