import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, str } from "../../private/values";

export const CloudFrontAccessLogging: GuardrailRule = {
  id: "TB-CF-4",
  name: "CloudFrontAccessLogging",
  reason: "Access logs are the only record of what viewers requested at the edge (attacks, abuse, errors).",
  level: "required",
  resourceTypes: ["aws_cloudfront_distribution"],
  references: [checkov("CKV_AWS_86"), cdkNag("AwsSolutions-CFR3"), securityHub("CloudFront.5")],
  fix: "pass logBucket to StaticSite (modules/static-site), which delivers standard logs (v2) to it",
  check(distribution, { index }) {
    if (str(block(distribution.attributes.logging_config)?.bucket)) return pass();
    // Standard logging v2: a delivery source on the distribution, connected to a destination by a delivery.
    const sources = index
      .referrers(distribution, "aws_cloudwatch_log_delivery_source", "resource_arn")
      .filter((s) => str(s.attributes.log_type) === "ACCESS_LOGS");
    const delivered = sources.some((source) => index.referrers(source, "aws_cloudwatch_log_delivery", "delivery_source_name").length > 0);
    return delivered ? pass() : fail("neither logging_config nor a log delivery (ACCESS_LOGS) is configured");
  },
};
