/**
 * Reading a synthesized stack (`cdk.tf.json`): its resources, their construct
 * paths, and the references between them (`${aws_x.y.attr}` inside attributes).
 */

/** A resource or data block: attribute name → value. */
export type Block = { readonly [key: string]: unknown };

export interface StackJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
}

export interface StackResource {
  /** Terraform address: `aws_s3_bucket.site_bucket_DFA168EB`, `data.aws_iam_policy_document.x`. */
  readonly address: string;
  /** Resource type, `data.` prefixed for data sources: `aws_s3_bucket`, `data.aws_iam_policy_document`. */
  readonly type: string;
  readonly logicalId: string;
  readonly body: Block;
  /** Construct path below the stack (`site/bucket`), from cdktf's metadata or, without it, the logical id. */
  readonly path: readonly string[];
}

export interface Reference {
  /** Attribute keys from the block's root to the value holding the reference; list indexes left out. */
  readonly path: readonly string[];
  /** The address referred to. */
  readonly target: string;
}

/** Attributes that never describe how the system works: ordering, metadata, preconditions on artifacts, tags. */
const IGNORED_ATTRIBUTES = new Set(["//", "depends_on", "lifecycle", "provider", "provisioner", "tags", "tags_all"]);

/** `site_bucket_DFA168EB` → `site`, `bucket`: cdktf joins the construct path with `_` and appends a hash. */
function pathFromLogicalId(logicalId: string): string[] {
  return logicalId.replace(/_[0-9A-F]{8}$/, "").split("_");
}

function constructPath(body: Block, logicalId: string): string[] {
  const metadata = body["//"];
  if (typeof metadata === "object" && metadata !== null && "metadata" in metadata) {
    const inner = (metadata as { metadata?: unknown }).metadata;
    if (typeof inner === "object" && inner !== null && "path" in inner) {
      const path = (inner as { path?: unknown }).path;
      // The first segment is the stack's name.
      if (typeof path === "string") return path.split("/").slice(1);
    }
  }
  return pathFromLogicalId(logicalId);
}

/** Every resource and data source of the stack, keyed by address. */
export function resourcesOf(stack: StackJson): Map<string, StackResource> {
  const found = new Map<string, StackResource>();
  const add = (prefix: string, blocks: StackJson["resource"]) => {
    for (const [type, byId] of Object.entries(blocks ?? {})) {
      for (const [logicalId, body] of Object.entries(byId)) {
        const fullType = `${prefix}${type}`;
        found.set(`${fullType}.${logicalId}`, { address: `${fullType}.${logicalId}`, type: fullType, logicalId, body, path: constructPath(body, logicalId) });
      }
    }
  };
  add("", stack.resource);
  add("data.", stack.data);
  return found;
}

/** The `${ … }` interpolations of a string, with nested braces balanced. */
export function interpolations(text: string): string[] {
  const found: string[] = [];
  let start = text.indexOf("${");
  while (start >= 0) {
    let depth = 0;
    let end = start + 1;
    for (; end < text.length; end += 1) {
      if (text[end] === "{") depth += 1;
      else if (text[end] === "}") {
        depth -= 1;
        if (depth === 0) break;
      }
    }
    found.push(text.slice(start + 2, end));
    start = text.indexOf("${", end);
  }
  return found;
}

const ADDRESS = /(?<![\w.])((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)/g;

/** Addresses named in a string's interpolations that exist in the stack. */
export function addressesIn(text: string, known: ReadonlySet<string> | ReadonlyMap<string, unknown>): string[] {
  const found: string[] = [];
  for (const expression of interpolations(text)) {
    for (const match of expression.matchAll(ADDRESS)) {
      const address = match[1]!;
      if (known.has(address) && !found.includes(address)) found.push(address);
    }
  }
  return found;
}

/** Every reference in a value, with the attribute path where it sits. */
export function referencesIn(value: unknown, known: ReadonlySet<string> | ReadonlyMap<string, unknown>, path: readonly string[] = []): Reference[] {
  if (typeof value === "string") return addressesIn(value, known).map((target) => ({ path, target }));
  if (Array.isArray(value)) return value.flatMap((item) => referencesIn(item, known, path));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) =>
      path.length === 0 && IGNORED_ATTRIBUTES.has(key) ? [] : key === "//" ? [] : referencesIn(inner, known, [...path, key]),
    );
  }
  return [];
}
