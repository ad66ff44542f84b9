import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { MODERN_VIEWER_TLS } from "../../defaults";
import { block, blocks, isTrue, str, strs } from "../../private/values";
import { cacheBehaviours } from "../../private/cloudfront";

const VIEWER_HTTPS = new Set(["https-only", "redirect-to-https"]);

export const CloudFrontHttpsOnly: GuardrailRule = {
  id: "TB-CF-1",
  name: "CloudFrontHttpsOnly",
  reason: "Viewers and origins must talk TLS 1.2 or later; plain HTTP and old protocols leak sessions and content.",
  level: "required",
  resourceTypes: ["aws_cloudfront_distribution"],
  references: [
    checkov("CKV_AWS_34"),
    checkov("CKV_AWS_174"),
    cdkNag("AwsSolutions-CFR4", false),
    cdkNag("AwsSolutions-CFR5"),
    securityHub("CloudFront.3"),
    securityHub("CloudFront.9"),
    securityHub("CloudFront.10"),
  ],
  fix: 'use StaticSite (modules/static-site): redirect-to-https on every behaviour, https-only TLSv1.2 origins, and minimum_protocol_version "TLSv1.2_2021" with a custom certificate',
  check(distribution) {
    const problems: string[] = [];
    for (const { label, behaviour } of cacheBehaviours(distribution)) {
      const policy = str(behaviour.viewer_protocol_policy) ?? "allow-all";
      if (!VIEWER_HTTPS.has(policy)) problems.push(`${label} allows HTTP (viewer_protocol_policy ${policy})`);
    }
    for (const origin of blocks(distribution.attributes.origin)) {
      const custom = block(origin.custom_origin_config);
      if (!custom) continue;
      const id = str(origin.origin_id) ?? "?";
      if (str(custom.origin_protocol_policy) !== "https-only") problems.push(`origin ${id} is not https-only`);
      const old = strs(custom.origin_ssl_protocols).filter((p) => p !== "TLSv1.2");
      if (old.length > 0) problems.push(`origin ${id} accepts ${old.join(", ")}`);
    }
    const certificate = block(distribution.attributes.viewer_certificate);
    if (certificate && !isTrue(certificate.cloudfront_default_certificate)) {
      const minimum = str(certificate.minimum_protocol_version) ?? "TLSv1";
      if (!MODERN_VIEWER_TLS.test(minimum)) problems.push(`viewers may use ${minimum}`);
    }
    return problems.length === 0 ? pass() : fail(problems.join("; "));
  },
};
