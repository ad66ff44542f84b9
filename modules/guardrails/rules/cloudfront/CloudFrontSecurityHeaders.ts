import { checkov, fail, pass, type GuardrailRule } from "../../rule";
import { MIN_HSTS_MAX_AGE_SECONDS } from "../../defaults";
import { block, num, str } from "../../private/values";
import { cacheBehaviours } from "../../private/cloudfront";

export const CloudFrontSecurityHeaders: GuardrailRule = {
  id: "TB-CF-6",
  name: "CloudFrontSecurityHeaders",
  reason: "HSTS, CSP, frame and content-type headers on every response stop downgrade, injection and clickjacking in the browser.",
  level: "required",
  resourceTypes: ["aws_cloudfront_distribution"],
  references: [checkov("CKV2_AWS_32", false)],
  fix: "use StaticSite (modules/static-site), which attaches its security headers policy (HSTS 2 years, CSP, DENY frames, nosniff) to every behaviour",
  check(distribution, { index }) {
    const problems: string[] = [];
    for (const { label, behaviour } of cacheBehaviours(distribution)) {
      const policy = index
        .referencedBy(behaviour.response_headers_policy_id)
        .find((r) => r.type === "aws_cloudfront_response_headers_policy");
      if (!policy) {
        problems.push(`${label} has no response headers policy of this stack`);
        continue;
      }
      const headers = block(policy.attributes.security_headers_config);
      const hsts = block(headers?.strict_transport_security);
      const missing = [
        (num(hsts?.access_control_max_age_sec) ?? 0) < MIN_HSTS_MAX_AGE_SECONDS ? `HSTS max-age >= ${MIN_HSTS_MAX_AGE_SECONDS}` : "",
        str(block(headers?.content_security_policy)?.content_security_policy) ? "" : "Content-Security-Policy",
        block(headers?.content_type_options) ? "" : "X-Content-Type-Options",
        block(headers?.frame_options) ? "" : "X-Frame-Options",
      ].filter(Boolean);
      if (missing.length > 0) problems.push(`${label}'s policy lacks ${missing.join(", ")}`);
    }
    return problems.length === 0 ? pass() : fail(problems.join("; "));
  },
};
