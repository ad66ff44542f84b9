import { cdkNag, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, isTrue, str } from "../../private/values";

export const CloudFrontCustomCertificate: GuardrailRule = {
  id: "TB-CF-2",
  name: "CloudFrontCustomCertificate",
  reason: "Only a custom certificate lets the distribution refuse TLS 1.0/1.1 viewers; the *.cloudfront.net certificate accepts them.",
  level: "prod",
  resourceTypes: ["aws_cloudfront_distribution"],
  references: [securityHub("CloudFront.7"), securityHub("CloudFront.8"), cdkNag("AwsSolutions-CFR4", false)],
  fix: "set edge.domain in config/environments.ts, so StaticSite issues an ACM certificate and serves it with SNI",
  check(distribution) {
    const certificate = block(distribution.attributes.viewer_certificate);
    if (!certificate || isTrue(certificate.cloudfront_default_certificate) || !str(certificate.acm_certificate_arn)) {
      return fail("the distribution serves the default *.cloudfront.net certificate");
    }
    const method = str(certificate.ssl_support_method);
    return method === "sni-only" ? pass() : fail(`ssl_support_method is ${method ?? "unset"}, not sni-only`);
  },
};
