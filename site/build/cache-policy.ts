/**
 * A Vite plugin that writes `.cache-policy.json` next to the built site: the
 * Cache-Control header each uploaded file must carry. The upload step (edge
 * issue) reads it instead of guessing from file names.
 */
import type { Plugin } from "vite";

/** Content-hashed files never change under their name: cache them for a year. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** The entry point names the hashed files, so browsers must revalidate it every time. */
export const REVALIDATE = "no-cache";

export const CACHE_POLICY_FILE = ".cache-policy.json";

export interface CachePolicy {
  readonly version: 1;
  /** Applies to every file under `assets/` (all content-hashed). */
  readonly rules: readonly { readonly match: string; readonly cacheControl: string }[];
  /** Every emitted file with its header, so the upload can be checked file by file. */
  readonly files: Readonly<Record<string, string>>;
}

export function cacheControlFor(fileName: string, assetsDir: string): string {
  return fileName.startsWith(`${assetsDir}/`) ? IMMUTABLE : REVALIDATE;
}

export function cachePolicyPlugin(assetsDir = "assets"): Plugin {
  return {
    name: "taskboard-cache-policy",
    apply: "build",
    // After Vite's HTML plugin, so index.html is in the bundle too.
    generateBundle: {
      order: "post",
      handler(_options, bundle) {
        const files = Object.fromEntries(
          Object.keys(bundle)
            .sort()
            .map((fileName) => [fileName, cacheControlFor(fileName, assetsDir)]),
        );
        const policy: CachePolicy = {
          version: 1,
          rules: [
            { match: `${assetsDir}/*`, cacheControl: IMMUTABLE },
            { match: "*", cacheControl: REVALIDATE },
          ],
          files,
        };
        this.emitFile({ type: "asset", fileName: CACHE_POLICY_FILE, source: `${JSON.stringify(policy, null, 2)}\n` });
      },
    },
  };
}
