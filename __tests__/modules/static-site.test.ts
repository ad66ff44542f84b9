import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecureBucket } from "../../modules/bucket";
import { ServiceRole } from "../../modules/iam-role";
import { StaticSite, type StaticSiteProps } from "../../modules/static-site";
import { SPA_REWRITE_FUNCTION_SOURCE } from "../../modules/static-site/private/spa-rewrite";
import { synth, testStack, TEST_ACCOUNT, type Synthesized } from "../support/synth";

type Json = Record<string, unknown>;

const API_DOMAIN = "abc123.execute-api.ap-northeast-2.amazonaws.com";
const DOMAIN = { name: "board.example.com", hostedZoneId: "Z0STAGINGZONE00000001" };
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
// Spelled out, not imported: the test pins the policy a browser gets.
const EXPECTED_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
  "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'; " +
  "require-trusted-types-for 'script'; trusted-types 'none'; upgrade-insecure-requests";

interface Fixture {
  readonly stack: TerraformStack;
  readonly globalProvider: AwsProvider;
  readonly logBucket: SecureBucket;
}

function fixture(globalRegion = "us-east-1"): Fixture {
  const stack = testStack();
  const globalProvider = new AwsProvider(stack, "aws-global", { region: globalRegion, alias: "global" });
  const logBucket = new SecureBucket(stack, "logs", { purpose: "logs", encryption: { type: "s3-managed" } });
  return { stack, globalProvider, logBucket };
}

function site(extra: Partial<StaticSiteProps> = {}): { out: Synthesized; site: StaticSite; stack: TerraformStack } {
  const { stack, globalProvider, logBucket } = fixture();
  const construct = new StaticSite(stack, "site", { globalProvider, logBucket, ...extra });
  return { out: synth(stack), site: construct, stack };
}

const full: Partial<StaticSiteProps> = {
  domain: DOMAIN,
  waf: { enabled: true, rateLimitPer5Minutes: 1000 },
  apiOrigin: { domainName: API_DOMAIN },
};

/** The one resource of `type` at construct path `path` under the stack (`site/bucket/versioning`), found by its logical id. */
function byPath(out: Synthesized, type: string, path: string): Json {
  const logicalId = new RegExp(`^${path.replaceAll("/", "_")}_[0-9A-F]{8}$`);
  const found = Object.entries(out.resources(type)).filter(([id]) => logicalId.test(id));
  if (found.length !== 1) throw new Error(`expected one ${type} at ${path}, found ${found.length}`);
  return found[0]?.[1] as Json;
}

function distribution(out: Synthesized): Json {
  return out.resource("aws_cloudfront_distribution");
}

function behaviours(out: Synthesized): Json[] {
  const dist = distribution(out);
  return [dist.default_cache_behavior as Json, ...((dist.ordered_cache_behavior as Json[] | undefined) ?? [])];
}

function apiBehaviour(out: Synthesized): Json | undefined {
  return ((distribution(out).ordered_cache_behavior as Json[] | undefined) ?? []).find((b) => b.path_pattern === "/api/*");
}

const DISTRIBUTION_ARN = expect.stringMatching(/^\$\{aws_cloudfront_distribution\.[^.]+\.arn\}$/);

describe("StaticSite", () => {
  describe("bucket", () => {
    it("admits only this distribution's CloudFront service principal, and only over TLS", () => {
      const { out } = site(full);
      const statements = out.policyStatements("site/bucket/policy");
      expect(statements).toHaveLength(2);
      expect(statements).toContainEqual(
        expect.objectContaining({
          sid: "DenyInsecureTransport",
          effect: "Deny",
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        }),
      );
      const allows = statements.filter((s) => s.effect === "Allow");
      expect(allows).toEqual([
        {
          sid: "AllowCloudFrontRead",
          effect: "Allow",
          actions: ["s3:GetObject"],
          resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.site_bucket_[^.]+\.arn\}\/\*$/)],
          principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [DISTRIBUTION_ARN] }],
        },
      ]);
    });

    it("blocks public access, disables ACLs, encrypts with its own KMS key, is versioned and logs to the log bucket", () => {
      const { out } = site();
      expect(byPath(out, "aws_s3_bucket_public_access_block", "site/bucket/public-access-block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(byPath(out, "aws_s3_bucket_ownership_controls", "site/bucket/ownership").rule).toEqual({
        object_ownership: "BucketOwnerEnforced",
      });
      const sse = byPath(out, "aws_s3_bucket_server_side_encryption_configuration", "site/bucket/encryption");
      expect((sse.rule as Json[])[0]).toMatchObject({
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: expect.stringMatching(/aws_kms_key\.site_bucket_key_/),
        },
        bucket_key_enabled: true,
      });
      expect(byPath(out, "aws_s3_bucket_versioning", "site/bucket/versioning").versioning_configuration).toEqual({
        status: "Enabled",
      });
      expect(byPath(out, "aws_s3_bucket_logging", "site/bucket/logging")).toMatchObject({
        target_bucket: expect.stringContaining("aws_s3_bucket.logs_bucket_"),
        target_prefix: "s3/site/",
      });
    });

    it("lets CloudFront use the bucket key only for requests from this distribution", () => {
      const { out } = site();
      const statement = out.policyStatements("site/bucket/key/policy").find((s) => s.sid === "AllowCloudFrontRead");
      expect(statement).toMatchObject({
        effect: "Allow",
        actions: ["kms:Decrypt"],
        principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [DISTRIBUTION_ARN] }],
      });
    });
  });

  describe("distribution", () => {
    it("reads the bucket through an origin access control that always signs with SigV4", () => {
      const { out } = site();
      expect(out.resource("aws_cloudfront_origin_access_control")).toMatchObject({
        origin_access_control_origin_type: "s3",
        signing_behavior: "always",
        signing_protocol: "sigv4",
      });
      const origins = distribution(out).origin as Json[];
      expect(origins).toEqual([
        {
          origin_id: "site-bucket",
          domain_name: expect.stringMatching(/aws_s3_bucket\.site_bucket_[^.]+\.bucket_regional_domain_name/),
          origin_access_control_id: expect.stringMatching(/aws_cloudfront_origin_access_control\.[^.]+\.id/),
        },
      ]);
    });

    it("redirects HTTP to HTTPS on every behaviour", () => {
      const { out } = site(full);
      const all = behaviours(out);
      expect(all).toHaveLength(2);
      for (const behaviour of all) expect(behaviour.viewer_protocol_policy).toBe("redirect-to-https");
    });

    it("serves IPv6, HTTP/2 and HTTP/3, compresses, and defaults to index.html at the price class asked", () => {
      const { out } = site({ priceClass: "PriceClass_200" });
      expect(distribution(out)).toMatchObject({
        enabled: true,
        is_ipv6_enabled: true,
        http_version: "http2and3",
        default_root_object: "index.html",
        price_class: "PriceClass_200",
      });
      for (const behaviour of behaviours(out)) expect(behaviour.compress).toBe(true);
      expect(distribution(site().out).price_class).toBe("PriceClass_100");
    });

    it("requires TLS 1.2 (2021 policy) with SNI on a custom domain's certificate", () => {
      const { out } = site({ domain: DOMAIN });
      expect(distribution(out).viewer_certificate).toEqual({
        acm_certificate_arn: expect.stringMatching(/^\$\{aws_acm_certificate_validation\.[^.]+\.certificate_arn\}$/),
        ssl_support_method: "sni-only",
        minimum_protocol_version: "TLSv1.2_2021",
      });
      expect(distribution(out).aliases).toEqual(["board.example.com"]);
    });

    it("uses the CloudFront default certificate and no aliases without a domain", () => {
      const { out } = site();
      expect(distribution(out).viewer_certificate).toEqual({ cloudfront_default_certificate: true });
      expect(distribution(out).aliases).toBeUndefined();
    });

    it("caches the site with CachingOptimized, so object Cache-Control headers decide TTLs", () => {
      const { out } = site(full);
      expect(distribution(out).default_cache_behavior).toMatchObject({
        target_origin_id: "site-bucket",
        allowed_methods: ["GET", "HEAD"],
        cache_policy_id: CACHING_OPTIMIZED,
      });
    });
  });

  describe("response headers", () => {
    it("sets HSTS, CSP, frame, content-type, referrer and permissions headers, overriding the origin", () => {
      const { out } = site(full);
      const policy = out.resource("aws_cloudfront_response_headers_policy");
      expect(policy.security_headers_config).toEqual({
        strict_transport_security: {
          access_control_max_age_sec: 63_072_000,
          include_subdomains: true,
          preload: true,
          override: true,
        },
        content_security_policy: { content_security_policy: EXPECTED_CSP, override: true },
        frame_options: { frame_option: "DENY", override: true },
        content_type_options: { override: true },
        referrer_policy: { referrer_policy: "strict-origin-when-cross-origin", override: true },
      });
      const items = (policy.custom_headers_config as Json).items as Json[];
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        header: "Permissions-Policy",
        override: true,
        value: expect.stringMatching(/(^|, )camera=\(\)/),
      });
      expect(items[0]?.value).toEqual(expect.stringContaining("microphone=()"));
      expect(items[0]?.value).toEqual(expect.stringContaining("geolocation=()"));
    });

    it("attaches the same headers policy to the site and the API", () => {
      const { out } = site(full);
      const ids = behaviours(out).map((b) => b.response_headers_policy_id);
      expect(ids).toEqual([
        expect.stringMatching(/^\$\{aws_cloudfront_response_headers_policy\.[^.]+\.id\}$/),
        ids[0],
      ]);
    });

    it("takes style-src from the styleSrc prop", () => {
      const { out } = site({ styleSrc: ["'self'"] });
      const csp = ((out.resource("aws_cloudfront_response_headers_policy").security_headers_config as Json)
        .content_security_policy as Json).content_security_policy;
      expect(csp).toContain("; style-src 'self'; ");
      expect(csp).not.toContain("unsafe-inline");
    });
  });

  describe("SPA routing", () => {
    it("runs the rewrite function on the default behaviour only, never on /api/*, and has no custom error responses", () => {
      const { out } = site(full);
      const fn = out.resource("aws_cloudfront_function");
      expect(fn).toMatchObject({ runtime: "cloudfront-js-2.0", publish: true, code: SPA_REWRITE_FUNCTION_SOURCE });
      expect(distribution(out).default_cache_behavior).toMatchObject({
        function_association: [
          { event_type: "viewer-request", function_arn: expect.stringMatching(/aws_cloudfront_function\.[^.]+\.arn/) },
        ],
      });
      const api = apiBehaviour(out);
      expect(api).toBeDefined();
      expect(api?.function_association).toBeUndefined();
      expect(api?.lambda_function_association).toBeUndefined();
      expect(distribution(out).custom_error_response).toBeUndefined();
    });

    describe("the function's JavaScript, run as CloudFront would", () => {
      const handler = runInNewContext(`${SPA_REWRITE_FUNCTION_SOURCE}; handler`) as (event: unknown) => { uri: string; method: string };
      const rewrite = (uri: string) => {
        const request = { method: "GET", uri, querystring: {}, headers: { host: { value: "board.example.com" } }, cookies: {} };
        const event = { version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "192.0.2.1" }, request };
        return handler(event);
      };

      it.each([
        ["/tasks/42", "/index.html"],
        ["/board", "/index.html"],
        ["/tasks/", "/index.html"],
        ["/assets/app-abc.js", "/assets/app-abc.js"],
        ["/assets/index-9f8e.css", "/assets/index-9f8e.css"],
        ["/favicon.ico", "/favicon.ico"],
        ["/index.html", "/index.html"],
        ["/", "/"],
        ["/api/tasks/42", "/api/tasks/42"],
      ])("%s -> %s", (uri, expected) => {
        const result = rewrite(uri);
        expect(result.uri).toBe(expected);
        expect(result.method).toBe("GET");
      });
    });
  });

  describe("API behaviour", () => {
    it("sends /api/* uncached to the API over HTTPS with TLS 1.2, forwarding everything but Host", () => {
      const { out } = site({ apiOrigin: { domainName: API_DOMAIN } });
      expect(apiBehaviour(out)).toMatchObject({
        path_pattern: "/api/*",
        target_origin_id: "api",
        allowed_methods: ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
        cache_policy_id: CACHING_DISABLED,
        origin_request_policy_id: ALL_VIEWER_EXCEPT_HOST_HEADER,
      });
      expect((distribution(out).origin as Json[]).find((o) => o.origin_id === "api")).toEqual({
        origin_id: "api",
        domain_name: API_DOMAIN,
        custom_origin_config: {
          http_port: 80,
          https_port: 443,
          origin_protocol_policy: "https-only",
          origin_ssl_protocols: ["TLSv1.2"],
        },
      });
    });

    it("uses the origin id given", () => {
      const { out } = site({ apiOrigin: { domainName: API_DOMAIN, originId: "http-api" } });
      expect(apiBehaviour(out)?.target_origin_id).toBe("http-api");
    });

    it("has no API behaviour or origin without apiOrigin", () => {
      const { out } = site();
      expect(distribution(out).ordered_cache_behavior).toBeUndefined();
      expect(distribution(out).origin as Json[]).toHaveLength(1);
    });
  });

  describe("WAF", () => {
    it("creates a CLOUDFRONT web ACL in us-east-1 and attaches it by ARN when enabled", () => {
      const { out } = site({ waf: { enabled: true, rateLimitPer5Minutes: 500 } });
      const acl = out.resource("aws_wafv2_web_acl");
      expect(acl).toMatchObject({ scope: "CLOUDFRONT", provider: "aws.global" });
      const rules = acl.rule as Json[];
      expect(rules.map((r) => r.name)).toEqual([
        "RateLimitPerIp",
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesCommonRuleSet",
      ]);
      expect(rules[0]?.statement).toEqual({
        rate_based_statement: { limit: 500, aggregate_key_type: "IP", evaluation_window_sec: 300 },
      });
      expect(distribution(out).web_acl_id).toMatch(/^\$\{aws_wafv2_web_acl\.[^.]+\.arn\}$/);
    });

    it("has no web ACL when disabled or not configured", () => {
      for (const props of [{}, { waf: { enabled: false, rateLimitPer5Minutes: 2000 } }]) {
        const { out } = site(props);
        expect(Object.keys(out.resources("aws_wafv2_web_acl"))).toHaveLength(0);
        expect(distribution(out).web_acl_id).toBeUndefined();
      }
    });
  });

  describe("custom domain", () => {
    it("issues a us-east-1 certificate for the name and its wildcard, validated by a DNS record", () => {
      const { out } = site({ domain: DOMAIN });
      expect(out.resource("aws_acm_certificate")).toMatchObject({
        provider: "aws.global",
        domain_name: "board.example.com",
        subject_alternative_names: ["*.board.example.com"],
        validation_method: "DNS",
        lifecycle: { create_before_destroy: true },
      });
      expect(out.resource("aws_acm_certificate_validation")).toMatchObject({
        provider: "aws.global",
        certificate_arn: expect.stringMatching(/aws_acm_certificate\.[^.]+\.arn/),
        validation_record_fqdns: [expect.stringMatching(/aws_route53_record\.[^.]*validation-record[^.]*\.fqdn/)],
      });
      const record = byPath(out, "aws_route53_record", "site/certificate/validation-record");
      expect(record).toMatchObject({
        zone_id: "Z0STAGINGZONE00000001",
        name: expect.stringMatching(/domain_validation_options.*resource_record_name if val\.domain_name == "board\.example\.com"/),
        records: [expect.stringContaining("resource_record_value")],
      });
    });

    it("points A and AAAA alias records at the distribution", () => {
      const { out } = site({ domain: DOMAIN });
      for (const type of ["a", "aaaa"]) {
        expect(byPath(out, "aws_route53_record", `site/alias-${type}`)).toMatchObject({
          zone_id: "Z0STAGINGZONE00000001",
          name: "board.example.com",
          type: type.toUpperCase(),
          alias: {
            name: expect.stringMatching(/aws_cloudfront_distribution\.[^.]+\.domain_name/),
            zone_id: expect.stringMatching(/aws_cloudfront_distribution\.[^.]+\.hosted_zone_id/),
            evaluate_target_health: false,
          },
        });
      }
    });

    it("creates no certificate or records without a domain, and serves on the CloudFront name", () => {
      const { out, site: construct } = site();
      expect(Object.keys(out.resources("aws_acm_certificate"))).toHaveLength(0);
      expect(Object.keys(out.resources("aws_acm_certificate_validation"))).toHaveLength(0);
      expect(Object.keys(out.resources("aws_route53_record"))).toHaveLength(0);
      expect(construct.certificate).toBeUndefined();
      expect(construct.siteUrl).toMatch(/^https:\/\/\$\{TfToken/);
      expect(site({ domain: DOMAIN }).site.siteUrl).toBe("https://board.example.com");
    });
  });

  describe("access logs", () => {
    it("delivers CloudFront standard logs (v2) from us-east-1 to the log bucket under cloudfront/site/", () => {
      const { out } = site();
      expect(out.resource("aws_cloudwatch_log_delivery_source")).toMatchObject({
        provider: "aws.global",
        log_type: "ACCESS_LOGS",
        name: "taskboard-test-site-access-logs",
        resource_arn: DISTRIBUTION_ARN,
      });
      expect(out.resource("aws_cloudwatch_log_delivery_destination")).toMatchObject({
        provider: "aws.global",
        output_format: "json",
        delivery_destination_configuration: [
          { destination_resource_arn: expect.stringMatching(/aws_s3_bucket\.logs_bucket_[^.]+\.arn\}\/cloudfront\/site$/) },
        ],
      });
      expect(out.resource("aws_cloudwatch_log_delivery")).toMatchObject({
        provider: "aws.global",
        depends_on: [expect.stringMatching(/^aws_s3_bucket_policy\.logs_bucket-policy_/)],
      });
      expect(distribution(out).logging_config).toBeUndefined();
    });

    it("lets log delivery write only this site's prefix, and only from this site's delivery source", () => {
      const { out } = site();
      const statements = out.policyStatements("logs/policy");
      const sourceArn = `arn:aws:logs:us-east-1:${TEST_ACCOUNT}:delivery-source:taskboard-test-site-access-logs`;
      expect(statements.find((s) => s.sid === "CloudFrontLogsWriteSite")).toEqual({
        sid: "CloudFrontLogsWriteSite",
        effect: "Allow",
        actions: ["s3:PutObject"],
        resources: [expect.stringMatching(/aws_s3_bucket\.logs_bucket_[^.]+\.arn\}\/cloudfront\/site\/\*$/)],
        principals: [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] },
          { test: "ArnLike", variable: "aws:SourceArn", values: [sourceArn] },
          { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
        ],
      });
      expect(statements.find((s) => s.sid === "CloudFrontLogsCheckSite")).toMatchObject({
        actions: ["s3:GetBucketAcl", "s3:ListBucket"],
        condition: expect.arrayContaining([{ test: "ArnLike", variable: "aws:SourceArn", values: [sourceArn] }]),
      });
    });
  });

  describe("grantPublish", () => {
    it("grants object writes, listing, the bucket key through S3 and invalidations on this distribution only", () => {
      const { stack, globalProvider, logBucket } = fixture();
      const construct = new StaticSite(stack, "site", { globalProvider, logBucket });
      const role = new ServiceRole(stack, "deployer", { purpose: "deployer", assumedBy: ["codebuild.amazonaws.com"] });
      construct.grantPublish(role, "PublishSite");
      const statements = synth(stack).policyStatements("deployer/grant-");
      expect(statements).toHaveLength(4);
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            sid: "PublishSite",
            actions: ["s3:PutObject", "s3:DeleteObject"],
            resources: [expect.stringMatching(/aws_s3_bucket\.site_bucket_[^.]+\.arn\}\/\*$/)],
          }),
          expect.objectContaining({
            sid: "PublishSiteList",
            actions: ["s3:ListBucket"],
            resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.site_bucket_[^.]+\.arn\}$/)],
          }),
          expect.objectContaining({
            sid: "PublishSiteKey",
            resources: [expect.stringMatching(/aws_kms_key\.site_bucket_key_[^.]+\.arn/)],
            condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["s3.ap-northeast-2.amazonaws.com"] }],
          }),
          expect.objectContaining({
            sid: "PublishSiteInvalidate",
            actions: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
            resources: [DISTRIBUTION_ARN],
          }),
        ]),
      );
      for (const statement of statements) expect(statement.actions).not.toContain("s3:GetObject");
    });
  });

  describe("validation", () => {
    const build = (extra: Partial<StaticSiteProps>, globalRegion = "us-east-1") => () => {
      const { stack, globalProvider, logBucket } = fixture(globalRegion);
      new StaticSite(stack, "site", { globalProvider, logBucket, ...extra });
    };

    it("throws when the global provider is not in us-east-1", () => {
      expect(build({}, "eu-west-1")).toThrow(/test\/site: globalProvider is for region "eu-west-1".*us-east-1/);
    });

    it("throws when the log bucket is SSE-KMS", () => {
      const { stack, globalProvider } = fixture();
      const kmsLogs = new SecureBucket(stack, "kms-logs", { purpose: "kms-logs" });
      expect(() => new StaticSite(stack, "site", { globalProvider, logBucket: kmsLogs })).toThrow(
        /test\/site: logBucket "test\/kms-logs" is SSE-KMS.*encryption: \{ type: "s3-managed" \}/,
      );
    });

    it("throws when purpose is not short lower-case kebab", () => {
      expect(build({ purpose: "My Site" })).toThrow(/purpose "My Site" must be lower-case kebab/);
    });

    it("throws when priceClass is not a CloudFront price class", () => {
      const notAPriceClass: string = "PriceClass_50";
      expect(build({ priceClass: notAPriceClass as StaticSiteProps["priceClass"] })).toThrow(/priceClass "PriceClass_50" is not a CloudFront price class/);
    });

    it("throws when the domain name is not a host name", () => {
      expect(build({ domain: { ...DOMAIN, name: "https://board.example.com" } })).toThrow(
        /test\/site: domain.name "https:\/\/board.example.com" is not a DNS host name/,
      );
      expect(build({ domain: { ...DOMAIN, name: "Board.Example.com." } })).toThrow(/is not a DNS host name/);
    });

    it("throws when the hosted zone id is not a Route53 zone id", () => {
      expect(build({ domain: { ...DOMAIN, hostedZoneId: "/hostedzone/Z123" } })).toThrow(
        /domain.hostedZoneId "\/hostedzone\/Z123" is not a Route53 hosted zone id/,
      );
    });

    it("throws when the API origin is a URL rather than a host name", () => {
      expect(build({ apiOrigin: { domainName: `https://${API_DOMAIN}/prod` } })).toThrow(
        /apiOrigin.domainName "https:\/\/abc123.*" must be a host name only/,
      );
    });

    it("throws when the API origin id is invalid or collides with the bucket origin", () => {
      expect(build({ apiOrigin: { domainName: API_DOMAIN, originId: "site-bucket" } })).toThrow(
        /apiOrigin.originId "site-bucket" must be/,
      );
      expect(build({ apiOrigin: { domainName: API_DOMAIN, originId: "my api" } })).toThrow(/apiOrigin.originId "my api"/);
    });

    it("throws when a styleSrc entry holds more than one source", () => {
      expect(build({ styleSrc: ["'self'; script-src *"] })).toThrow(/styleSrc entry "'self'; script-src \*" is not one CSP source/);
    });

    it("throws when styleSrc is empty", () => {
      expect(build({ styleSrc: [] })).toThrow(/styleSrc is empty/);
    });

    it("throws when the content security policy exceeds CloudFront's length limit", () => {
      const many = Array.from({ length: 80 }, (_, i) => `https://styles-${i}.example.com`);
      expect(build({ styleSrc: many })).toThrow(/the content security policy is \d+ characters; CloudFront allows 1783/);
    });

    it("throws when permissionsPolicy is empty or spans lines", () => {
      expect(build({ permissionsPolicy: "camera=()\nmicrophone=()" })).toThrow(/permissionsPolicy must be a non-empty single-line/);
      expect(build({ permissionsPolicy: " " })).toThrow(/permissionsPolicy must be a non-empty single-line/);
    });

    it("throws when the WAF rate limit is below WAF's minimum of 10", () => {
      expect(build({ waf: { enabled: true, rateLimitPer5Minutes: 5 } })).toThrow(
        /test\/site\/waf: rateLimitPer5Minutes 5 is outside what WAF accepts; use a whole number from 10/,
      );
    });
  });
});
