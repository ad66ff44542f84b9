/**
 * The static site's opinionated values, as data.
 *
 * AWS managed CloudFront policies are referenced by id, not looked up with
 * `data "aws_cloudfront_*_policy"`: a data source would call AWS at plan time
 * (the offline plan forbids it), and AWS fixes these ids for every account
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html,
 * .../using-managed-origin-request-policies.html).
 */
export const MANAGED_POLICY_IDS = {
  /** Cache policy CachingOptimized: no cookies, headers or query strings in the key; TTL from the object's Cache-Control (1 s to 1 year, 1 day default). */
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  /** Cache policy CachingDisabled: every TTL 0, so nothing from the API is ever served from an edge cache. */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /**
   * Origin request policy AllViewerExceptHostHeader: every viewer header (so `Authorization`),
   * cookie and query string reaches the origin, but not `Host`: API Gateway routes on its own
   * host name and rejects the CloudFront one.
   */
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

/** CloudFront price classes; the lower, the fewer (and cheaper) edge locations. */
export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];

export const STATIC_SITE_DEFAULTS = {
  purpose: "site",
  /** North America and Europe only: the cheapest class; the users are one team. */
  priceClass: "PriceClass_100" satisfies PriceClass,
  defaultRootObject: "index.html",
  /** The path the API behaviour serves; the SPA rewrite leaves it alone too. */
  apiPathPattern: "/api/*",
  /** CloudFront's newest viewer TLS policy that every current browser meets (TLS 1.2+, forward-secret ciphers). */
  minimumProtocolVersion: "TLSv1.2_2021",
  /** Vended-logs (standard logging v2) output: self-describing records survive a later change of fields. */
  accessLogFormat: "json",
} as const;

/** CloudFront's limit on the Content-Security-Policy value of a response headers policy. */
export const CONTENT_SECURITY_POLICY_MAX_LENGTH = 1783;

/** Every method, so the API behaviour can take POST, PUT, PATCH and DELETE. */
export const ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
export const READ_METHODS = ["GET", "HEAD"];
