import { Token } from "cdktf";

/**
 * Why `origin` may not be a CORS allowed origin, or `undefined` when it is an
 * exact `https://host[:port]` origin as browsers send it in the `Origin` header.
 *
 * A Terraform reference (for example `https://${distribution.domainName}`) is
 * accepted when it is written with a literal `https://` scheme: its host is
 * only known at apply time.
 */
export function originProblem(origin: string): string | undefined {
  if (origin.includes("*")) {
    return "is a wildcard; list each exact origin (https://app.example.com), since a wildcard admits sites you do not control";
  }
  if (origin.trim().toLowerCase() === "null") {
    return 'is the "null" origin, which sandboxed iframes, file: pages and redirects send and any site can produce; never allow it';
  }
  if (/^http:\/\//i.test(origin)) {
    return "is plain http; tokens would cross the network unencrypted, use the https:// origin";
  }
  if (!/^https:\/\//i.test(origin)) {
    return "is not an https:// origin; use the exact origin the browser sends, e.g. https://app.example.com";
  }
  if (Token.isUnresolved(origin)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return "is not a valid URL; use the exact origin the browser sends, e.g. https://app.example.com";
  }
  if (parsed.origin !== origin) {
    return (
      `is not an exact origin (browsers send "${parsed.origin}"): drop any path, trailing "/", query, fragment, ` +
      "credentials or default port, and write the host in lower case (punycode for international names)"
    );
  }
  return undefined;
}
