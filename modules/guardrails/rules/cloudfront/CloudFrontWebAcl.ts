import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { str } from "../../private/values";

export const CloudFrontWebAcl: GuardrailRule = {
  id: "TB-CF-5",
  name: "CloudFrontWebAcl",
  reason: "AWS WAF at the edge rate-limits abusive clients and blocks known-bad inputs before they reach the API.",
  level: "prod",
  resourceTypes: ["aws_cloudfront_distribution"],
  references: [checkov("CKV_AWS_68"), cdkNag("AwsSolutions-CFR2"), securityHub("CloudFront.6")],
  fix: "set edge.waf.enabled to true in config/environments.ts, so StaticSite attaches its web ACL",
  check(distribution, { index }) {
    const acl = str(distribution.attributes.web_acl_id);
    if (!acl) return fail("no web ACL is attached (web_acl_id)");
    const referenced = index.referencedBy(acl).find((r) => r.type === "aws_wafv2_web_acl");
    if (referenced && str(referenced.attributes.scope) !== "CLOUDFRONT") return fail("the web ACL's scope is not CLOUDFRONT");
    return pass();
  },
};
