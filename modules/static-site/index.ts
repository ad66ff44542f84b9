import { Token } from "cdktf";
import { Construct } from "constructs";
import { CloudfrontDistribution, type CloudfrontDistributionOrigin, type CloudfrontDistributionOrderedCacheBehavior } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { PlatformContext } from "../core/context";
import type { IGrantee } from "../core/policy";
import { SecureBucket } from "../bucket";
import type { EncryptionKey } from "../kms";
import { EdgeWebAcl, GLOBAL_REGION } from "../waf";
import {
  ALL_METHODS,
  CONTENT_SECURITY_POLICY_MAX_LENGTH,
  MANAGED_POLICY_IDS,
  PRICE_CLASSES,
  READ_METHODS,
  STATIC_SITE_DEFAULTS,
  type PriceClass,
} from "./defaults";
import { DistributionAccessLogs } from "./private/access-logs";
import { DnsValidatedCertificate } from "../certificate";
import { isHostName } from "../core/dns";
import { SPA_REWRITE_FUNCTION_SOURCE } from "./private/spa-rewrite";
import { SITE_HEADER_SETTINGS, contentSecurityPolicy } from "../../contracts/site-headers";

export { MANAGED_POLICY_IDS, PRICE_CLASSES, type PriceClass } from "./defaults";

/** The API that CloudFront serves at `/api/*`. */
export interface ApiOrigin {
  /** The API's host name only, e.g. `abc123.execute-api.ap-northeast-2.amazonaws.com` (no scheme, path or port). */
  readonly domainName: string;
  /** @default "api" */
  readonly originId?: string;
}

/** A custom domain for the site, in a Route53 hosted zone the account already has. */
export interface SiteDomain {
  /** The site's host name, e.g. `board.example.com`; the certificate also covers `*.board.example.com`. */
  readonly name: string;
  /** The hosted zone that holds `name`, from configuration (a zone lookup would need AWS at plan time). */
  readonly hostedZoneId: string;
}

export interface SiteWafOptions {
  readonly enabled: boolean;
  /** @default 2000 - see `EdgeWebAcl` */
  readonly rateLimitPer5Minutes?: number;
}

export interface StaticSiteProps {
  /**
   * An AWS provider for `us-east-1` with an `alias`. CloudFront's certificate,
   * web ACL and log delivery must live there, whatever the stack's region.
   */
  readonly globalProvider: AwsProvider;
  /**
   * Receives the site bucket's S3 server access logs (`s3/<purpose>/`) and the
   * distribution's access logs (`cloudfront/<purpose>/`). Must be SSE-S3
   * (`encryption: { type: "s3-managed" }`): S3 server access logging cannot
   * write to a bucket whose default encryption is SSE-KMS.
   */
  readonly logBucket: SecureBucket;
  /**
   * Names the bucket, function, policies and log prefixes; give a second site in the same stack its own.
   * @default "site"
   */
  readonly purpose?: string;
  /** @default "PriceClass_100" - edge locations in North America and Europe only, the cheapest */
  readonly priceClass?: PriceClass;
  /**
   * The API served at `/api/*` on the same host, uncached, with every viewer
   * header but `Host` (so `Authorization`) and every query string forwarded.
   * @default - no API behaviour: `/api/*` goes to the bucket and fails
   */
  readonly apiOrigin?: ApiOrigin;
  /**
   * A custom domain: an ACM certificate in `us-east-1` validated by DNS, the
   * distribution's alias and TLS 1.2 (2021 policy) as the viewer minimum, and
   * Route53 A/AAAA alias records. Production should set one: see the README on TLS.
   * @default - the `*.cloudfront.net` name and certificate, where CloudFront fixes the TLS minimum at TLSv1
   */
  readonly domain?: SiteDomain;
  /**
   * A WAF web ACL (`EdgeWebAcl`) in front of the distribution.
   * @default - no web ACL
   */
  readonly waf?: SiteWafOptions;
  /**
   * Sources of the CSP `style-src` directive, for a site that needs more than its own stylesheets.
   * @default ["'self'"] - the board's policy in `contracts/site-headers.ts`
   */
  readonly styleSrc?: readonly string[];
  /**
   * The `Permissions-Policy` header value.
   * @default - camera, microphone, geolocation, payment, USB and other unused features off
   */
  readonly permissionsPolicy?: string;
}

/**
 * A single-page app served from a private S3 bucket through CloudFront, with
 * the site's API on the same origin at `/api/*`.
 *
 * The stack owns the bucket and the distribution; the deploy pipeline owns
 * the files (it uploads the build and invalidates what changed, through
 * `grantPublish`), so one build is promoted unchanged through environments.
 */
export class StaticSite extends Construct {
  readonly siteBucket: SecureBucket;
  readonly distribution: CloudfrontDistribution;
  readonly responseHeadersPolicy: CloudfrontResponseHeadersPolicy;
  readonly spaRewriteFunction: CloudfrontFunction;
  readonly originAccessControl: CloudfrontOriginAccessControl;
  readonly accessLogs: DistributionAccessLogs;
  /** The web ACL, when `waf.enabled`. */
  readonly webAcl?: EdgeWebAcl;
  /** The ACM certificate, when a domain is configured. */
  readonly certificate?: DnsValidatedCertificate;

  readonly bucketName: string;
  readonly bucketArn: string;
  readonly distributionId: string;
  readonly distributionArn: string;
  /** The `*.cloudfront.net` name, whether or not a custom domain is set. */
  readonly distributionDomainName: string;
  /** Where users open the site: `https://<custom domain>` or `https://<distribution domain>`. */
  readonly siteUrl: string;

  private readonly siteKey: EncryptionKey;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    this.validate(props);
    const platform = PlatformContext.of(this);
    const purpose = props.purpose ?? STATIC_SITE_DEFAULTS.purpose;
    const sidSuffix = pascalCase(purpose);

    this.siteBucket = new SecureBucket(this, "bucket", {
      purpose,
      accessLogs: { bucket: props.logBucket, prefix: `s3/${purpose}/` },
    });
    this.bucketName = this.siteBucket.bucketName;
    this.bucketArn = this.siteBucket.bucketArn;
    const siteKey = this.siteBucket.encryptionKey;
    if (!siteKey) throw new Error(`${this.node.path}: the site bucket was expected to be SSE-KMS`);
    this.siteKey = siteKey;

    this.originAccessControl = new CloudfrontOriginAccessControl(this, "origin-access-control", {
      name: platform.name(purpose, { maxLength: 64 }),
      description: "CloudFront reads the site bucket with SigV4-signed requests",
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    this.spaRewriteFunction = new CloudfrontFunction(this, "spa-rewrite", {
      name: platform.name(`${purpose}-spa-rewrite`, { maxLength: 64 }),
      comment: "Serves /index.html for extension-less paths (single-page app routes)",
      runtime: "cloudfront-js-2.0",
      code: SPA_REWRITE_FUNCTION_SOURCE,
      publish: true,
    });

    this.responseHeadersPolicy = new CloudfrontResponseHeadersPolicy(this, "security-headers", {
      name: platform.name(`${purpose}-security-headers`, { maxLength: 128 }),
      comment: "HSTS, CSP, frame, content-type, referrer and permissions headers for the site and its API",
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: SITE_HEADER_SETTINGS.hstsMaxAgeSeconds,
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.styleSrc), override: true },
        frameOptions: { frameOption: SITE_HEADER_SETTINGS.frameOptions, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: SITE_HEADER_SETTINGS.referrerPolicy, override: true },
      },
      customHeadersConfig: {
        items: [
          {
            header: "Permissions-Policy",
            value: props.permissionsPolicy ?? SITE_HEADER_SETTINGS.permissionsPolicy,
            override: true,
          },
        ],
      },
    });

    if (props.waf?.enabled) {
      this.webAcl = new EdgeWebAcl(this, "waf", {
        globalProvider: props.globalProvider,
        purpose,
        rateLimitPer5Minutes: props.waf.rateLimitPer5Minutes,
      });
    }
    if (props.domain) {
      // CloudFront only uses us-east-1 certificates; the wildcard leaves room for other names under the domain.
      this.certificate = new DnsValidatedCertificate(this, "certificate", {
        domainName: props.domain.name,
        hostedZoneId: props.domain.hostedZoneId,
        includeWildcard: true,
        provider: props.globalProvider,
      });
    }

    const siteOriginId = "site-bucket";
    const origins: CloudfrontDistributionOrigin[] = [
      {
        originId: siteOriginId,
        domainName: this.siteBucket.bucket.bucketRegionalDomainName,
        originAccessControlId: this.originAccessControl.id,
      },
    ];
    const orderedCacheBehavior: CloudfrontDistributionOrderedCacheBehavior[] = [];
    if (props.apiOrigin) {
      const apiOriginId = props.apiOrigin.originId ?? "api";
      origins.push({
        originId: apiOriginId,
        domainName: props.apiOrigin.domainName,
        customOriginConfig: {
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "https-only",
          originSslProtocols: ["TLSv1.2"],
        },
      });
      orderedCacheBehavior.push({
        pathPattern: STATIC_SITE_DEFAULTS.apiPathPattern,
        targetOriginId: apiOriginId,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ALL_METHODS,
        cachedMethods: READ_METHODS,
        compress: true,
        cachePolicyId: MANAGED_POLICY_IDS.cachingDisabled,
        originRequestPolicyId: MANAGED_POLICY_IDS.allViewerExceptHostHeader,
        responseHeadersPolicyId: this.responseHeadersPolicy.id,
        // No function here: API responses, errors included, pass through untouched.
      });
    }

    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: `${platform.app} ${platform.environment} ${purpose}`,
      aliases: props.domain ? [props.domain.name] : undefined,
      defaultRootObject: STATIC_SITE_DEFAULTS.defaultRootObject,
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: props.priceClass ?? STATIC_SITE_DEFAULTS.priceClass,
      webAclId: this.webAcl?.webAclArn,
      origin: origins,
      defaultCacheBehavior: {
        targetOriginId: siteOriginId,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: READ_METHODS,
        cachedMethods: READ_METHODS,
        compress: true,
        // TTLs follow each object's Cache-Control, which the pipeline sets at upload.
        cachePolicyId: MANAGED_POLICY_IDS.cachingOptimized,
        responseHeadersPolicyId: this.responseHeadersPolicy.id,
        functionAssociation: [{ eventType: "viewer-request", functionArn: this.spaRewriteFunction.arn }],
      },
      orderedCacheBehavior: orderedCacheBehavior.length > 0 ? orderedCacheBehavior : undefined,
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: this.certificate
        ? {
            acmCertificateArn: this.certificate.validatedCertificateArn,
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: STATIC_SITE_DEFAULTS.minimumProtocolVersion,
          }
        : // CloudFront ignores any minimum here and keeps TLSv1 on its default certificate.
          { cloudfrontDefaultCertificate: true },
    });
    this.distributionId = this.distribution.id;
    this.distributionArn = this.distribution.arn;
    this.distributionDomainName = this.distribution.domainName;
    this.siteUrl = `https://${props.domain?.name ?? this.distribution.domainName}`;

    // The bucket and its key admit this distribution and nothing else outside IAM.
    const fromThisDistribution = [{ test: "StringEquals", variable: "AWS:SourceArn", values: [this.distributionArn] }];
    this.siteBucket.addToResourcePolicy({
      sid: "AllowCloudFrontRead",
      actions: ["s3:GetObject"],
      resources: [`${this.bucketArn}/*`],
      principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
      conditions: fromThisDistribution,
    });
    this.siteKey.allowService("cloudfront.amazonaws.com", "CloudFrontRead", fromThisDistribution, { actions: ["kms:Decrypt"] });

    this.accessLogs = new DistributionAccessLogs(this, "access-logs", {
      distributionArn: this.distributionArn,
      bucket: props.logBucket,
      prefix: `cloudfront/${purpose}/`,
      name: platform.name(`${purpose}-access-logs`, { maxLength: 60 }),
      sidSuffix,
      outputFormat: STATIC_SITE_DEFAULTS.accessLogFormat,
      globalProvider: props.globalProvider,
    });

    if (props.domain) {
      for (const type of ["A", "AAAA"]) {
        new Route53Record(this, `alias-${type.toLowerCase()}`, {
          zoneId: props.domain.hostedZoneId,
          name: props.domain.name,
          type,
          alias: {
            name: this.distribution.domainName,
            zoneId: this.distribution.hostedZoneId,
            evaluateTargetHealth: false,
          },
        });
      }
    }
  }

  /**
   * What the deploy pipeline needs to publish a build: write and delete
   * objects (and list them, to find what changed), use the bucket's key
   * through S3, and invalidate paths on this distribution.
   */
  grantPublish(grantee: IGrantee, sid: string): void {
    grantee.addToPolicy({ sid, actions: ["s3:PutObject", "s3:DeleteObject"], resources: [`${this.bucketArn}/*`] });
    grantee.addToPolicy({ sid: `${sid}List`, actions: ["s3:ListBucket"], resources: [this.bucketArn] });
    this.siteKey.grantEncryptDecrypt(grantee, `${sid}Key`, { viaService: "s3" });
    grantee.addToPolicy({
      sid: `${sid}Invalidate`,
      // GetInvalidation lets the pipeline wait for the invalidation before its smoke test.
      actions: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
      resources: [this.distributionArn],
    });
  }

  private validate(props: StaticSiteProps): void {
    const path = this.node.path;
    const region = props.globalProvider.region;
    if (region !== undefined && !Token.isUnresolved(region) && region !== GLOBAL_REGION) {
      throw new Error(
        `${path}: globalProvider is for region "${region}"; CloudFront certificates, web ACLs and log delivery ` +
          `live in ${GLOBAL_REGION}. Pass an AwsProvider with region "${GLOBAL_REGION}" and an alias.`,
      );
    }
    if (props.logBucket.encryptionKey) {
      throw new Error(
        `${path}: logBucket "${props.logBucket.node.path}" is SSE-KMS; S3 server access logs can only be delivered ` +
          `to an SSE-S3 bucket. Create it with encryption: { type: "s3-managed" }.`,
      );
    }
    if (props.purpose !== undefined && !/^[a-z][a-z0-9-]{0,19}$/.test(props.purpose)) {
      throw new Error(`${path}: purpose "${props.purpose}" must be lower-case kebab of at most 20 characters, e.g. "site"`);
    }
    if (props.priceClass !== undefined && !(PRICE_CLASSES as readonly string[]).includes(props.priceClass)) {
      throw new Error(`${path}: priceClass "${props.priceClass}" is not a CloudFront price class; use one of ${PRICE_CLASSES.join(", ")}`);
    }
    if (props.domain) {
      const { name, hostedZoneId } = props.domain;
      if (!Token.isUnresolved(name) && !isHostName(name)) {
        throw new Error(
          `${path}: domain.name "${name}" is not a DNS host name; use lower-case labels joined by dots, ` +
            `without scheme, trailing dot or wildcard, e.g. "board.example.com"`,
        );
      }
      if (!Token.isUnresolved(hostedZoneId) && !/^Z[A-Z0-9]{1,31}$/.test(hostedZoneId)) {
        throw new Error(
          `${path}: domain.hostedZoneId "${hostedZoneId}" is not a Route53 hosted zone id; ` +
            `use the id without the "/hostedzone/" prefix, e.g. "Z0123456789ABCDEFGHIJ"`,
        );
      }
    }
    if (props.apiOrigin) {
      const { domainName, originId } = props.apiOrigin;
      if (!Token.isUnresolved(domainName) && !isHostName(domainName)) {
        throw new Error(
          `${path}: apiOrigin.domainName "${domainName}" must be a host name only (no "https://", path or port), ` +
            `e.g. "abc123.execute-api.ap-northeast-2.amazonaws.com"`,
        );
      }
      if (originId !== undefined && (!/^[A-Za-z0-9_-]{1,64}$/.test(originId) || originId === "site-bucket")) {
        throw new Error(
          `${path}: apiOrigin.originId "${originId}" must be 1-64 letters, digits, "-" or "_" and not "site-bucket" ` +
            `(the bucket origin's id); e.g. "api"`,
        );
      }
    }
    for (const source of props.styleSrc ?? []) {
      if (!/^[^\s;,]+$/.test(source)) {
        throw new Error(
          `${path}: styleSrc entry "${source}" is not one CSP source; give each source as its own entry, ` +
            `without spaces, ";" or ",", e.g. ["'self'", "'unsafe-inline'"]`,
        );
      }
    }
    if (props.styleSrc !== undefined && props.styleSrc.length === 0) {
      throw new Error(`${path}: styleSrc is empty, which CSP reads as 'none' and breaks every stylesheet; use ["'self'"]`);
    }
    const csp = contentSecurityPolicy(props.styleSrc);
    if (csp.length > CONTENT_SECURITY_POLICY_MAX_LENGTH) {
      throw new Error(
        `${path}: the content security policy is ${csp.length} characters; CloudFront allows ${CONTENT_SECURITY_POLICY_MAX_LENGTH}. Shorten styleSrc.`,
      );
    }
    if (props.permissionsPolicy !== undefined && !/^[^\r\n]+$/.test(props.permissionsPolicy.trim())) {
      throw new Error(`${path}: permissionsPolicy must be a non-empty single-line header value, e.g. "camera=(), microphone=()"`);
    }
  }
}

function pascalCase(kebab: string): string {
  return kebab
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}
