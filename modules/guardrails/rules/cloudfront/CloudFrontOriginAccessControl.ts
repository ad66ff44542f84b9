import { cdkNag, fail, notApplicable, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, blocks, str } from "../../private/values";

const S3_REST_ENDPOINT = /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/;
const S3_WEBSITE_ENDPOINT = /\.s3-website[.-]/;

export const CloudFrontOriginAccessControl: GuardrailRule = {
  id: "TB-CF-3",
  name: "CloudFrontOriginAccessControl",
  reason: "A private bucket behind CloudFront must only admit CloudFront's SigV4-signed requests (OAC), never the public or a legacy OAI.",
  level: "required",
  resourceTypes: ["aws_cloudfront_distribution"],
  references: [securityHub("CloudFront.13"), cdkNag("AwsSolutions-CFR7", false)],
  fix: "serve buckets through StaticSite (modules/static-site), which attaches an origin access control (s3, always, sigv4) to the bucket origin",
  check(distribution, { index }) {
    const problems: string[] = [];
    let s3Origins = 0;
    for (const origin of blocks(distribution.attributes.origin)) {
      const id = str(origin.origin_id) ?? "?";
      const domain = str(origin.domain_name) ?? "";
      if (S3_WEBSITE_ENDPOINT.test(domain)) {
        problems.push(`origin ${id} is an S3 website endpoint, which needs a public bucket`);
        continue;
      }
      const bucketReference = index.referencedBy(domain).some((r) => r.type === "aws_s3_bucket");
      if (!bucketReference && !S3_REST_ENDPOINT.test(domain) && !origin.s3_origin_config) continue;
      s3Origins += 1;
      if (str(block(origin.s3_origin_config)?.origin_access_identity)) {
        problems.push(`origin ${id} uses a legacy origin access identity`);
        continue;
      }
      const control = index.referencedBy(origin.origin_access_control_id).find((r) => r.type === "aws_cloudfront_origin_access_control");
      if (!control) {
        problems.push(`origin ${id} has no origin access control`);
        continue;
      }
      const a = control.attributes;
      if (str(a.origin_access_control_origin_type) !== "s3" || str(a.signing_behavior) !== "always" || str(a.signing_protocol) !== "sigv4") {
        problems.push(`origin ${id}'s origin access control does not always sign (s3, always, sigv4)`);
      }
    }
    if (s3Origins === 0 && problems.length === 0) return notApplicable("no S3 origin");
    return problems.length === 0 ? pass() : fail(problems.join("; "));
  },
};
