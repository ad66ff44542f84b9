import { awsConfig, cdkNag, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { conditionsOn, isAnyone, isServiceWildcard } from "../../private/policy";

export const S3BucketTlsOnly: GuardrailRule = {
  id: "TB-S3-3",
  name: "S3BucketTlsOnly",
  reason: "Requests over plain HTTP expose data and credentials in transit; the bucket policy must refuse them.",
  level: "required",
  resourceTypes: ["aws_s3_bucket"],
  references: [cdkNag("AwsSolutions-S10"), securityHub("S3.5"), awsConfig("s3-bucket-ssl-requests-only")],
  fix: "use SecureBucket (modules/bucket), whose policy starts with denyInsecureTransport (modules/core/policy.ts) for the bucket and its objects",
  check(bucket, { index }) {
    const policies = index.referrers(bucket, "aws_s3_bucket_policy", "bucket");
    if (policies.length === 0) return fail("the bucket has no aws_s3_bucket_policy, so nothing denies aws:SecureTransport = false");
    const arn = `\${${bucket.address}.arn}`;
    for (const policy of policies) {
      const statements = index.policyStatements(policy.attributes.policy);
      if (!statements) return fail(`the policy of ${policy.path} cannot be read; build it as a PolicyDocument`);
      const denies = statements.some(
        (s) =>
          s.effect === "Deny" &&
          s.principals.some(isAnyone) &&
          s.actions.some((a) => a === "*" || a === "s3:*" || isServiceWildcard(a)) &&
          s.resources.includes(arn) &&
          s.resources.includes(`${arn}/*`) &&
          conditionsOn(s, "aws:SecureTransport").some((c) => c.test === "Bool" && c.values.includes("false")),
      );
      if (denies) return pass();
    }
    return fail("no bucket policy statement denies s3:* to everyone on the bucket and its objects when aws:SecureTransport is false");
  },
};

