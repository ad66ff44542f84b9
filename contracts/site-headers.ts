/**
 * The security headers the site is served with: CloudFront's response headers
 * policy (modules/static-site) sends them in AWS, and the local gateway sends
 * the same ones, so the browser tests run under the production CSP.
 */

/**
 * The content security policy of a Vite single-page app that loads only its
 * own files and calls its API on the same origin (`/api`). No inline script or
 * style: Preact sets drag transforms through the CSSOM, which `style-src`
 * does not govern (verified in Chromium with zero violations).
 */
export const CONTENT_SECURITY_POLICY_DIRECTIVES: readonly (readonly [directive: string, sources: readonly string[]])[] = [
  ["default-src", ["'none'"]],
  ["script-src", ["'self'"]],
  ["style-src", ["'self'"]],
  ["img-src", ["'self'"]],
  ["font-src", ["'self'"]],
  ["connect-src", ["'self'"]],
  ["manifest-src", ["'self'"]],
  ["base-uri", ["'none'"]],
  ["form-action", ["'none'"]],
  ["frame-ancestors", ["'none'"]],
  ["object-src", ["'none'"]],
  ["require-trusted-types-for", ["'script'"]],
  ["trusted-types", ["'none'"]],
  ["upgrade-insecure-requests", []],
];

/** The CSP header value; `styleSrc` replaces the `style-src` sources when a site needs inline styles. */
export function contentSecurityPolicy(styleSrc?: readonly string[]): string {
  return CONTENT_SECURITY_POLICY_DIRECTIVES.map(([directive, sources]) =>
    [directive, ...(directive === "style-src" && styleSrc ? styleSrc : sources)].join(" "),
  ).join("; ");
}

export const SITE_HEADER_SETTINGS = {
  /** Two years, the value the HSTS preload list asks for. */
  hstsMaxAgeSeconds: 63_072_000,
  referrerPolicy: "strict-origin-when-cross-origin",
  frameOptions: "DENY",
  /** Features the board never uses are switched off for it and for anything it might embed. */
  permissionsPolicy:
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), " +
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), " +
    "xr-spatial-tracking=()",
} as const;

/** The headers as a response carries them (what CloudFront adds to every response). */
export function siteSecurityHeaders(): Record<string, string> {
  return {
    "strict-transport-security": `max-age=${SITE_HEADER_SETTINGS.hstsMaxAgeSeconds}; includeSubDomains; preload`,
    "content-security-policy": contentSecurityPolicy(),
    "x-frame-options": SITE_HEADER_SETTINGS.frameOptions,
    "x-content-type-options": "nosniff",
    "referrer-policy": SITE_HEADER_SETTINGS.referrerPolicy,
    "permissions-policy": SITE_HEADER_SETTINGS.permissionsPolicy,
  };
}
