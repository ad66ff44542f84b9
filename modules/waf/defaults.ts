/**
 * AWS managed rule groups every edge web ACL runs, in evaluation order after
 * the rate rule. They are free of charge beyond WAF's per-rule price and are
 * kept current by AWS.
 */
export const MANAGED_RULE_GROUPS = [
  /** IPs Amazon threat intelligence has seen in bots and attacks: cheapest to drop first. */
  { name: "AWSManagedRulesAmazonIpReputationList", metricName: "IpReputation" },
  /** Request patterns known to exploit vulnerabilities (Log4j JNDI lookups, Java deserialization, ...). */
  { name: "AWSManagedRulesKnownBadInputsRuleSet", metricName: "KnownBadInputs" },
  /** OWASP-style baseline: size limits, XSS, path traversal, bad bots, ... */
  { name: "AWSManagedRulesCommonRuleSet", metricName: "CommonRuleSet" },
] as const;

export const EDGE_WEB_ACL_DEFAULTS = {
  purpose: "edge",
  /**
   * Requests one client IP may make in 5 minutes before it is blocked. 2,000
   * (about 7 a second) is far above what one person on the board sends,
   * including the site's own files, and well below a scripted flood.
   */
  rateLimitPer5Minutes: 2000,
} as const;

/**
 * WAF's bounds on a rate-based rule's limit. AWS lowered the minimum from 100
 * to 10 in August 2024 (https://aws.amazon.com/about-aws/whats-new/2024/08/aws-waf-rate-based-rules-lower-rate-limits).
 */
export const RATE_LIMIT_RANGE = { min: 10, max: 2_000_000_000 } as const;

/** The window the rate rule counts over; the prop name says 5 minutes. */
export const RATE_EVALUATION_WINDOW_SECONDS = 300;
