/** Opinionated settings of the email sender. */

export const EMAIL_DEFAULTS = {
  /** 2048-bit DKIM keys: the strongest SES Easy DKIM offers, and what receivers increasingly expect. */
  dkimKeyLength: "RSA_2048_BIT",
  /** The MAIL FROM subdomain (`mail.<domain>`), so SPF and DMARC align on our domain instead of amazonses.com. */
  mailFromSubdomain: "mail",
  /** Without the MX record SES falls back to its own MAIL FROM rather than rejecting the send. */
  behaviorOnMxFailure: "USE_DEFAULT_VALUE",
  /** Receivers quarantine (spam folder) mail that fails DMARC: firm, without losing mail to a misconfiguration. */
  dmarcPolicy: "quarantine",
  /** DNS TTL of the records this module writes. */
  recordTtlSeconds: 1800,
  /** Refuse delivery to receivers that do not offer TLS: notifications carry task titles and names. */
  tlsPolicy: "REQUIRE",
  /** Never send again to an address that bounced or complained; SES's account list then protects our reputation. */
  suppressedReasons: ["BOUNCE", "COMPLAINT"],
  /** Events that need an operator: mail that did not arrive or should not have been sent. */
  publishedEventTypes: ["BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY"],
} as const;

/** SES always returns three DKIM tokens for Easy DKIM; the records are created before the tokens are known. */
export const DKIM_TOKEN_COUNT = 3;

export type DmarcPolicy = "none" | "quarantine" | "reject";

/** A CloudWatch metric, named so the monitoring module can alarm on it (same shape as the events module's). */
export interface MetricIdentifier {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** CloudWatch namespace of SES sending metrics. */
export const SES_METRIC_NAMESPACE = "AWS/SES";
