import { describe, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { CloudfrontDistribution, type CloudfrontDistributionConfig } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { CloudFrontAccessLogging } from "../../modules/guardrails/rules/cloudfront/CloudFrontAccessLogging";
import { CloudFrontCustomCertificate } from "../../modules/guardrails/rules/cloudfront/CloudFrontCustomCertificate";
import { CloudFrontHttpsOnly } from "../../modules/guardrails/rules/cloudfront/CloudFrontHttpsOnly";
import { CloudFrontOriginAccessControl } from "../../modules/guardrails/rules/cloudfront/CloudFrontOriginAccessControl";
import { CloudFrontSecurityHeaders } from "../../modules/guardrails/rules/cloudfront/CloudFrontSecurityHeaders";
import { CloudFrontWebAcl } from "../../modules/guardrails/rules/cloudfront/CloudFrontWebAcl";
import { describeRules } from "./cases";
import { expectCompliant, expectNotApplicable, expectViolation } from "./support";

interface Options {
  readonly viewerPolicy?: string;
  readonly originTls?: string[];
  readonly certificate?: "default" | "custom" | "custom-tls1";
  readonly oac?: "always" | "never" | "none";
  readonly logging?: "v2" | "legacy" | "none";
  readonly waf?: boolean;
  readonly hstsSeconds?: number;
  readonly headersOnApi?: boolean;
}

/** A distribution like the site's: a private bucket origin and an API origin; options break one thing at a time. */
function distribution(stack: TerraformStack, o: Options = {}): string {
  const bucket = new S3Bucket(stack, "site", { bucketPrefix: "site-" });
  const oac =
    o.oac === "none"
      ? undefined
      : new CloudfrontOriginAccessControl(stack, "oac", {
          name: "site",
          originAccessControlOriginType: "s3",
          signingBehavior: o.oac ?? "always",
          signingProtocol: "sigv4",
        });
  const headers = new CloudfrontResponseHeadersPolicy(stack, "headers", {
    name: "security-headers",
    securityHeadersConfig: {
      strictTransportSecurity: { accessControlMaxAgeSec: o.hstsSeconds ?? 63_072_000, includeSubdomains: true, preload: true, override: true },
      contentSecurityPolicy: { contentSecurityPolicy: "default-src 'self'", override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: "DENY", override: true },
    },
  });
  const acl = o.waf
    ? new Wafv2WebAcl(stack, "waf", {
        name: "site",
        scope: "CLOUDFRONT",
        defaultAction: { allow: {} },
        visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "site", sampledRequestsEnabled: true },
      })
    : undefined;
  const viewerCertificate: CloudfrontDistributionConfig["viewerCertificate"] =
    (o.certificate ?? "custom") === "default"
      ? { cloudfrontDefaultCertificate: true }
      : {
          acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: o.certificate === "custom-tls1" ? "TLSv1" : "TLSv1.2_2021",
        };
  const site = new CloudfrontDistribution(stack, "distribution", {
    enabled: true,
    origin: [
      {
        originId: "site-bucket",
        domainName: bucket.bucketRegionalDomainName,
        ...(oac ? { originAccessControlId: oac.id } : {}),
      },
      {
        originId: "api",
        domainName: "abc123.execute-api.ap-northeast-2.amazonaws.com",
        customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: o.originTls ?? ["TLSv1.2"] },
      },
    ],
    defaultCacheBehavior: {
      targetOriginId: "site-bucket",
      viewerProtocolPolicy: o.viewerPolicy ?? "redirect-to-https",
      allowedMethods: ["GET", "HEAD"],
      cachedMethods: ["GET", "HEAD"],
      cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      responseHeadersPolicyId: headers.id,
    },
    orderedCacheBehavior: [
      {
        pathPattern: "/api/*",
        targetOriginId: "api",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        ...(o.headersOnApi === false ? {} : { responseHeadersPolicyId: headers.id }),
      },
    ],
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate,
    ...(acl ? { webAclId: acl.arn } : {}),
    ...(o.logging === "legacy" ? { loggingConfig: { bucket: "logs.s3.amazonaws.com", prefix: "cloudfront/" } } : {}),
  });
  if ((o.logging ?? "v2") === "v2") {
    const source = new CloudwatchLogDeliverySource(stack, "log-source", { name: "site", logType: "ACCESS_LOGS", resourceArn: site.arn });
    const destination = new CloudwatchLogDeliveryDestination(stack, "log-destination", {
      name: "site",
      deliveryDestinationConfiguration: [{ destinationResourceArn: "arn:aws:s3:::logs/cloudfront" }],
    });
    new CloudwatchLogDelivery(stack, "log-delivery", { deliverySourceName: source.name, deliveryDestinationArn: destination.arn });
  }
  return "test/distribution";
}

describeRules([
  {
    rule: CloudFrontHttpsOnly,
    compliant: (stack) => distribution(stack),
    noncompliant: (stack) => distribution(stack, { viewerPolicy: "allow-all" }),
    detail: /default behaviour allows HTTP \(viewer_protocol_policy allow-all\)/,
  },
  {
    rule: CloudFrontCustomCertificate,
    compliant: (stack) => distribution(stack),
    noncompliant: (stack) => distribution(stack, { certificate: "default" }),
    detail: /default \*\.cloudfront\.net certificate/,
    environment: "prod",
  },
  {
    rule: CloudFrontOriginAccessControl,
    compliant: (stack) => distribution(stack),
    noncompliant: (stack) => distribution(stack, { oac: "none" }),
    detail: /origin site-bucket has no origin access control/,
  },
  {
    rule: CloudFrontAccessLogging,
    compliant: (stack) => distribution(stack),
    noncompliant: (stack) => distribution(stack, { logging: "none" }),
    detail: /neither logging_config nor a log delivery/,
  },
  {
    rule: CloudFrontWebAcl,
    compliant: (stack) => distribution(stack, { waf: true }),
    noncompliant: (stack) => distribution(stack),
    detail: /no web ACL is attached/,
    environment: "prod",
  },
  {
    rule: CloudFrontSecurityHeaders,
    compliant: (stack) => distribution(stack),
    noncompliant: (stack) => distribution(stack, { headersOnApi: false }),
    detail: /behaviour \/api\/\* has no response headers policy/,
  },
]);

describe("CloudFront rule details", () => {
  it("TB-CF-1 fails old origin protocols and a TLS 1.0 viewer floor", () => {
    expectViolation(CloudFrontHttpsOnly, (stack) => distribution(stack, { originTls: ["TLSv1", "TLSv1.2"] }), /origin api accepts TLSv1/);
    expectViolation(CloudFrontHttpsOnly, (stack) => distribution(stack, { certificate: "custom-tls1" }), /viewers may use TLSv1/);
  });

  it("TB-CF-1 leaves the default certificate's floor to TB-CF-2 (CloudFront cannot raise it)", () => {
    expectCompliant(CloudFrontHttpsOnly, (stack) => distribution(stack, { certificate: "default" }));
  });

  it("TB-CF-2 is a prod-level rule: outside prod it still fails until waived", () => {
    expectViolation(CloudFrontCustomCertificate, (stack) => distribution(stack, { certificate: "default" }), /default/, "dev");
  });

  it("TB-CF-3 fails an origin access control that does not always sign", () => {
    expectViolation(CloudFrontOriginAccessControl, (stack) => distribution(stack, { oac: "never" }), /does not always sign/);
  });

  it("TB-CF-3 does not apply to a distribution without S3 origins", () => {
    expectNotApplicable(CloudFrontOriginAccessControl, (stack) => {
      new CloudfrontDistribution(stack, "api-only", {
        enabled: true,
        origin: [
          {
            originId: "api",
            domainName: "api.example.com",
            customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: "api",
          viewerProtocolPolicy: "https-only",
          allowedMethods: ["GET", "HEAD"],
          cachedMethods: ["GET", "HEAD"],
        },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
      });
      return "test/api-only";
    });
  });

  it("TB-CF-4 accepts legacy standard logging too", () => {
    expectCompliant(CloudFrontAccessLogging, (stack) => distribution(stack, { logging: "legacy" }));
  });

  it("TB-CF-6 fails a headers policy with a short HSTS max-age", () => {
    expectViolation(CloudFrontSecurityHeaders, (stack) => distribution(stack, { hstsSeconds: 300 }), /HSTS max-age >= 31536000/);
  });
});
