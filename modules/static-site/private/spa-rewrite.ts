/**
 * Source of the CloudFront Function (viewer request, `cloudfront-js-2.0`) on
 * the site's default behaviour: a deep link such as `/tasks/42` is a route of
 * the single-page app, not a file, so it is served `/index.html`.
 *
 * Only paths whose last segment has no extension are rewritten: files
 * (`/assets/app-abc.js`, `/favicon.ico`) go to S3 as asked, and a missing one
 * stays an error instead of turning into HTML. `/` is left to the default root
 * object. Paths under `/api/` are never rewritten, so an API request that
 * reaches this behaviour (no API origin configured) fails loudly rather than
 * answering 200 with the app's HTML.
 *
 * Kept as plain ES5-style JavaScript: it is shipped to CloudFront as is, and
 * the unit tests evaluate this exact string.
 */
export const SPA_REWRITE_FUNCTION_SOURCE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === "/" || uri.indexOf("/api/") === 0) {
    return request;
  }
  var lastSegment = uri.substring(uri.lastIndexOf("/") + 1);
  if (lastSegment.indexOf(".") === -1) {
    request.uri = "/index.html";
  }
  return request;
}
`;
