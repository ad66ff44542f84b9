import { cdkNag, checkov, fail, notApplicable, pass, securityHub, type GuardrailRule } from "../../rule";

export const S3BucketAccessLogged: GuardrailRule = {
  id: "TB-S3-5",
  name: "S3BucketAccessLogged",
  reason: "Server access logs are the record of who read or changed objects, for incident response and audits.",
  level: "required",
  resourceTypes: ["aws_s3_bucket"],
  references: [checkov("CKV_AWS_18"), cdkNag("AwsSolutions-S1"), securityHub("S3.9", false)],
  fix: "pass accessLogs: { bucket: <the stack's access-log bucket>, prefix: \"s3/<purpose>/\" } to SecureBucket",
  check(bucket, { index }) {
    if (index.referrers(bucket, "aws_s3_bucket_logging", "target_bucket").length > 0) {
      // Logging the log bucket into itself would log its own log deliveries, forever.
      return notApplicable("the bucket is a server access log destination");
    }
    const logging = index.referrers(bucket, "aws_s3_bucket_logging", "bucket");
    return logging.length > 0 ? pass() : fail("no aws_s3_bucket_logging sends the bucket's server access logs anywhere");
  },
};
