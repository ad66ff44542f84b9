import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { blocks, str } from "../../private/values";

export const S3BucketAclsDisabled: GuardrailRule = {
  id: "TB-S3-6",
  name: "S3BucketAclsDisabled",
  reason: "With ACLs disabled (BucketOwnerEnforced) only policies grant access, and objects written by others still belong to the account.",
  level: "required",
  resourceTypes: ["aws_s3_bucket"],
  references: [securityHub("S3.12", false), checkov("CKV2_AWS_65", false)],
  fix: "use SecureBucket (modules/bucket), which sets aws_s3_bucket_ownership_controls to BucketOwnerEnforced",
  check(bucket, { index }) {
    if (index.referrers(bucket, "aws_s3_bucket_acl", "bucket").length > 0) return fail("an aws_s3_bucket_acl grants access by ACL");
    const controls = index.referrers(bucket, "aws_s3_bucket_ownership_controls", "bucket");
    const enforced = controls.some((c) => blocks(c.attributes.rule).some((r) => str(r.object_ownership) === "BucketOwnerEnforced"));
    return enforced ? pass() : fail("object ownership is not BucketOwnerEnforced, so ACLs still apply");
  },
};
