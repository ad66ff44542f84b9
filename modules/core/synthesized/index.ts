/**
 * The one reader of a synthesized stack (`cdk.tf.json`) for the guardrails,
 * the proofs and the diagram: blocks by type and address with their construct
 * paths, the `${aws_x.y.attr}` references inside any value, and IAM policies
 * (a `${data.aws_iam_policy_document.x.json}` reference or literal JSON)
 * normalised to statements. Each consumer narrows what it needs; the
 * conclusions it draws stay its own.
 */

/** A resource or data block: attribute name -> value (snake_case, as synthesized). */
export type Block = { readonly [key: string]: unknown };

export interface StackJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly output?: Readonly<Record<string, Block>>;
}

export type BlockKind = "resource" | "data";

export interface SynthesizedBlock {
  readonly kind: BlockKind;
  /** The Terraform type, without the `data.` prefix: `aws_iam_policy_document`. */
  readonly type: string;
  /** The logical id: `site_bucket_DFA168EB`. */
  readonly name: string;
  /** `aws_s3_bucket.site_bucket_DFA168EB`, `data.aws_iam_policy_document.x`. */
  readonly address: string;
  /** The block as synthesized, cdktf's `//` metadata included. */
  readonly body: Block;
  /** cdktf's construct path, stack name first (`prod/site/bucket`); undefined without metadata. */
  readonly metadataPath: string | undefined;
}

export function isRecord(value: unknown): value is Block {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function section(stack: unknown, kind: BlockKind): Block {
  if (!isRecord(stack)) return {};
  const blocks = stack[kind];
  return isRecord(blocks) ? blocks : {};
}

function metadataPathOf(body: Block): string | undefined {
  const meta = body["//"];
  if (!isRecord(meta) || !isRecord(meta.metadata)) return undefined;
  const path = meta.metadata.path;
  return typeof path === "string" ? path : undefined;
}

/** Blocks of one type (`aws_s3_bucket`; a data source's type without `data.`), in synthesized order. */
export function blocksOfType(stack: unknown, kind: BlockKind, type: string): SynthesizedBlock[] {
  const instances = section(stack, kind)[type];
  if (!isRecord(instances)) return [];
  const found: SynthesizedBlock[] = [];
  for (const [name, body] of Object.entries(instances)) {
    if (!isRecord(body)) continue;
    found.push({ kind, type, name, address: `${kind === "data" ? "data." : ""}${type}.${name}`, body, metadataPath: metadataPathOf(body) });
  }
  return found;
}

/** The types present in a section, in synthesized order. */
export function typesOf(stack: unknown, kind: BlockKind): string[] {
  return Object.keys(section(stack, kind));
}

/** Every block of a section (resources, or data sources), in synthesized order. */
export function allBlocks(stack: unknown, kind: BlockKind): SynthesizedBlock[] {
  return typesOf(stack, kind).flatMap((type) => blocksOfType(stack, kind, type));
}

/** The block at `aws_x.id` or `data.aws_x.id`; undefined when the stack has none. */
export function blockAt(stack: unknown, address: string): SynthesizedBlock | undefined {
  const parts = address.split(".");
  const [kind, type, name] = parts[0] === "data" ? (["data", parts[1], parts[2]] as const) : (["resource", parts[0], parts[1]] as const);
  if (!type || !name) return undefined;
  const instances = section(stack, kind)[type];
  const body = isRecord(instances) ? instances[name] : undefined;
  return isRecord(body) ? { kind, type, name, address, body, metadataPath: metadataPathOf(body) } : undefined;
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

export interface ParsedReference {
  /** `aws_x.id` or `data.aws_x.id`. */
  readonly address: string;
  readonly kind: BlockKind;
  /** The type without `data.`. */
  readonly type: string;
  readonly name: string;
  /** The attribute read (`arn` in `${aws_x.id.arn}`), when one follows the address. */
  readonly attribute: string | undefined;
  /**
   * Whether the interpolation is this reference and starts with it
   * (`${aws_x.id.arn}`, `${aws_x.id[0].arn}`), rather than naming it inside a
   * larger expression (`${element(aws_x.id.*.arn, 0)}`).
   */
  readonly leading: boolean;
  /** Attribute keys from the value's root to the string holding the reference; list indexes left out. */
  readonly path: readonly string[];
}

/**
 * A Terraform address inside an expression: `type.name` or `data.type.name`,
 * not preceded by a word character or a dot (so `var.x.aws_y` is no address),
 * optionally followed by the attribute read.
 */
const ADDRESS = /(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z_][A-Za-z0-9_]*))?/g;

/** The references of one string, each address once, in order of appearance. */
function referencesInText(text: string, path: readonly string[]): ParsedReference[] {
  const found = new Map<string, ParsedReference>();
  for (const expression of interpolations(text)) {
    for (const match of expression.matchAll(ADDRESS)) {
      const kind: BlockKind = match[1] ? "data" : "resource";
      const address = `${match[1] ?? ""}${match[2]}.${match[3]}`;
      const next = expression[(match.index ?? 0) + (match[1] ?? "").length + match[2]!.length + 1 + match[3]!.length];
      const leading = match.index === 0 && (next === undefined || next === "." || next === "[");
      const existing = found.get(address);
      if (existing) {
        if (leading && !existing.leading) found.set(address, { ...existing, leading });
        continue;
      }
      found.set(address, { address, kind, type: match[2]!, name: match[3]!, attribute: match[4], leading, path });
    }
  }
  return [...found.values()];
}

export interface ReferenceOptions {
  /** Top-level attributes whose references are not looked at (cdktf's `//` metadata never is). */
  readonly skipAttributes?: ReadonlySet<string>;
}

/**
 * Every reference inside a value (a string, or any nesting of lists and
 * objects), with the attribute path where it sits. An address appears once
 * per string; callers narrow by kind, type, `leading` or a known set.
 */
export function referencesIn(value: unknown, options: ReferenceOptions = {}, path: readonly string[] = []): ParsedReference[] {
  if (typeof value === "string") return referencesInText(value, path);
  if (Array.isArray(value)) return value.flatMap((item) => referencesIn(item, options, path));
  if (isRecord(value)) {
    return Object.entries(value).flatMap(([key, inner]) =>
      key === "//" || (path.length === 0 && options.skipAttributes?.has(key)) ? [] : referencesIn(inner, options, [...path, key]),
    );
  }
  return [];
}

/** Distinct addresses of a value's references, in order of appearance. */
export function addressesIn(value: unknown, options: ReferenceOptions = {}): string[] {
  return [...new Set(referencesIn(value, options).map((reference) => reference.address))];
}

// --- Policies ---------------------------------------------------------------

export interface PolicyPrincipal {
  /** `AWS`, `Service`, `Federated`, or `*` (anyone). */
  readonly type: string;
  readonly identifiers: readonly string[];
}

export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

/** One IAM statement, the same shape whether it came from a policy document data source or from JSON. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly PolicyPrincipal[];
  readonly notPrincipals: readonly PolicyPrincipal[];
  readonly conditions: readonly PolicyCondition[];
}

// Readers for synthesized values: provider bindings write a nested block as an
// object or a one-element list, and a list attribute may hold a single string.

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A string or list of strings as a list. */
export function strs(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A nested block or list of blocks as a list (empty when absent). */
export function blocks(value: unknown): Block[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

/** Statements of an `aws_iam_policy_document` data source (its own `statement` blocks only). */
export function statementsOfDocument(attributes: Block): PolicyStatement[] {
  return blocks(attributes.statement).map((s) => ({
    ...(str(s.sid) !== undefined ? { sid: str(s.sid) } : {}),
    effect: str(s.effect) === "Deny" ? "Deny" : "Allow",
    actions: strs(s.actions),
    notActions: strs(s.not_actions),
    resources: strs(s.resources),
    notResources: strs(s.not_resources),
    principals: blocks(s.principals).map((p) => ({ type: str(p.type) ?? "", identifiers: strs(p.identifiers) })),
    notPrincipals: blocks(s.not_principals).map((p) => ({ type: str(p.type) ?? "", identifiers: strs(p.identifiers) })),
    conditions: blocks(s.condition).map((c) => ({ test: str(c.test) ?? "", variable: str(c.variable) ?? "", values: strs(c.values) })),
  }));
}

/** Statements of a policy written as IAM JSON; undefined when it is not a policy. */
export function parsePolicyJson(text: string): PolicyStatement[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  if (!statements.every(isRecord)) return undefined;
  return statements.filter(isRecord).map((s) => ({
    ...(str(s.Sid) !== undefined ? { sid: str(s.Sid) } : {}),
    effect: str(s.Effect) === "Deny" ? "Deny" : "Allow",
    actions: strs(s.Action),
    notActions: strs(s.NotAction),
    resources: strs(s.Resource),
    notResources: strs(s.NotResource),
    principals: principalsOfJson(s.Principal),
    notPrincipals: principalsOfJson(s.NotPrincipal),
    conditions: conditionsOfJson(s.Condition),
  }));
}

function principalsOfJson(value: unknown): PolicyPrincipal[] {
  if (value === "*") return [{ type: "*", identifiers: ["*"] }];
  if (!isRecord(value)) return [];
  return Object.entries(value).map(([type, identifiers]) => ({ type, identifiers: strs(identifiers) }));
}

function conditionsOfJson(value: unknown): PolicyCondition[] {
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([test, variables]) =>
    isRecord(variables) ? Object.entries(variables).map(([variable, values]) => ({ test, variable, values: strs(values) })) : [],
  );
}

/** A whole value that is one reference to a policy document's JSON. */
const DOCUMENT_JSON = /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(json|minified_json)\}$/;

/** Attributes of a policy document that merge other documents into it. */
export const MERGE_ATTRIBUTES = ["source_policy_documents", "override_policy_documents", "source_json", "override_json"] as const;

export type PolicyValue =
  /** A `${data.aws_iam_policy_document.x.json}` (or `.minified_json`) reference. */
  | { readonly kind: "document"; readonly address: string; readonly attribute: "json" | "minified_json" }
  /** Text that is no such reference: literal JSON, or an expression. */
  | { readonly kind: "text"; readonly text: string };

/** What a policy attribute holds; undefined when it is not a string. */
export function policyValue(value: unknown): PolicyValue | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  const reference = DOCUMENT_JSON.exec(text);
  if (reference) return { kind: "document", address: reference[1]!, attribute: reference[2] === "json" ? "json" : "minified_json" };
  return { kind: "text", text };
}

/**
 * The statements of a policy document data source with those of its
 * `source_policy_documents` and `override_policy_documents` (references to
 * other documents, or literal JSON). Undefined when the document is missing,
 * refers to itself, or includes something that cannot be read.
 */
export function documentStatements(stack: unknown, address: string, seen: Set<string> = new Set()): PolicyStatement[] | undefined {
  const document = blockAt(stack, address);
  if (!document || seen.has(address)) return undefined;
  seen.add(address);
  const statements = statementsOfDocument(document.body);
  for (const included of [...strs(document.body.source_policy_documents), ...strs(document.body.override_policy_documents)]) {
    const value = policyValue(included);
    const more = value?.kind === "document" ? documentStatements(stack, value.address, seen) : parsePolicyJson(included);
    if (!more) return undefined;
    statements.push(...more);
  }
  return statements;
}

/**
 * The statements of a policy given as a `${data.aws_iam_policy_document.x.json}`
 * reference (with its source and override documents) or as literal JSON
 * (an object, text starting with `{`). Undefined when it cannot be read,
 * such as an expression like `jsonencode(...)`.
 */
export function policyStatements(stack: unknown, value: unknown): PolicyStatement[] | undefined {
  const policy = policyValue(value);
  if (!policy) return undefined;
  if (policy.kind === "document") return documentStatements(stack, policy.address);
  return policy.text.trim().startsWith("{") ? parsePolicyJson(policy.text) : undefined;
}
