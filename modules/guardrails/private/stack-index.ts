import type { SynthResource } from "../rule";
import { parsePolicyJson, statementsOfDocument, type PolicyStatement } from "./policy";
import { isRecord, str, strings, strs, type Json } from "./values";

/** `${aws_x.y...}` and `${data.aws_x.y...}`: the block a Terraform expression refers to. */
const REFERENCE = /(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)/g;
const EXPRESSION = /\$\{([^}]*)\}/g;
/** A whole value that is one reference to a policy document's JSON. */
const DOCUMENT_JSON = /^\$\{data\.aws_iam_policy_document\.([A-Za-z_][A-Za-z0-9_-]*)\.(?:json|minified_json)\}$/;

/**
 * The synthesized Terraform JSON of one stack, indexed for rules: blocks by
 * type and address, references resolved to the blocks they name, and IAM
 * policy documents resolved to statements.
 */
export class StackIndex {
  private readonly byType = new Map<string, SynthResource[]>();
  private readonly byAddress = new Map<string, SynthResource>();
  private readonly referrerCache = new Map<string, Map<string, SynthResource[]>>();

  constructor(json: unknown) {
    const root = isRecord(json) ? json : {};
    this.load(root.resource, "");
    this.load(root.data, "data.");
  }

  /** Resources of a type (data sources: `data.<type>`), in synthesized order. */
  resources(type: string): readonly SynthResource[] {
    return this.byType.get(type) ?? [];
  }

  /** The block at an address such as `aws_s3_bucket.x` or `data.aws_iam_policy_document.y`. */
  at(address: string): SynthResource | undefined {
    return this.byAddress.get(address);
  }

  /** Every block of this stack that a value refers to (`${aws_x.y.attr}`, anywhere inside it). */
  referencedBy(value: unknown): SynthResource[] {
    const found = new Map<string, SynthResource>();
    for (const text of strings(value)) {
      for (const expression of text.matchAll(EXPRESSION)) {
        for (const match of (expression[1] ?? "").matchAll(REFERENCE)) {
          const address = `${match[1] ?? ""}${match[2]}.${match[3]}`;
          const resource = this.byAddress.get(address);
          if (resource) found.set(address, resource);
        }
      }
    }
    return [...found.values()];
  }

  /** Whether a value refers to a block (any attribute of it). */
  refersTo(value: unknown, target: SynthResource): boolean {
    return this.referencedBy(value).some((r) => r.address === target.address);
  }

  /**
   * Blocks of `type` whose `attribute` refers to `target`: the public access
   * block of a bucket is `referrers(bucket, "aws_s3_bucket_public_access_block", "bucket")`.
   */
  referrers(target: SynthResource, type: string, attribute?: string): readonly SynthResource[] {
    const key = `${type}|${attribute ?? "*"}`;
    let map = this.referrerCache.get(key);
    if (!map) {
      map = new Map();
      for (const resource of this.resources(type)) {
        const value = attribute === undefined ? resource.attributes : resource.attributes[attribute];
        for (const referenced of this.referencedBy(value)) {
          const list = map.get(referenced.address) ?? [];
          list.push(resource);
          map.set(referenced.address, list);
        }
      }
      this.referrerCache.set(key, map);
    }
    return map.get(target.address) ?? [];
  }

  /**
   * The statements of a policy given as a `${data.aws_iam_policy_document.x.json}`
   * reference (with its source and override documents) or as literal JSON.
   * Undefined when the policy cannot be read (an expression such as
   * `jsonencode(...)`): build it as a `PolicyDocument` so it can be inspected.
   */
  policyStatements(value: unknown): PolicyStatement[] | undefined {
    const text = str(value);
    if (text === undefined) return undefined;
    const reference = DOCUMENT_JSON.exec(text);
    if (reference) return this.documentStatements(`data.aws_iam_policy_document.${reference[1]}`, new Set());
    return text.trim().startsWith("{") ? parsePolicyJson(text) : undefined;
  }

  private documentStatements(address: string, seen: Set<string>): PolicyStatement[] | undefined {
    const document = this.byAddress.get(address);
    if (!document || seen.has(address)) return undefined;
    seen.add(address);
    const statements = statementsOfDocument(document.attributes);
    for (const included of [...strs(document.attributes.source_policy_documents), ...strs(document.attributes.override_policy_documents)]) {
      const reference = DOCUMENT_JSON.exec(included);
      const more = reference
        ? this.documentStatements(`data.aws_iam_policy_document.${reference[1]}`, seen)
        : parsePolicyJson(included);
      if (!more) return undefined;
      statements.push(...more);
    }
    return statements;
  }

  private load(section: unknown, prefix: string): void {
    if (!isRecord(section)) return;
    for (const [type, instances] of Object.entries(section)) {
      if (!isRecord(instances)) continue;
      const list: SynthResource[] = [];
      for (const [name, body] of Object.entries(instances)) {
        if (!isRecord(body)) continue;
        const { "//": meta, ...attributes } = body;
        const resource: SynthResource = {
          type: `${prefix}${type}`,
          name,
          address: `${prefix}${type}.${name}`,
          path: constructPath(meta) ?? name,
          attributes: attributes as Json,
        };
        list.push(resource);
        this.byAddress.set(resource.address, resource);
      }
      this.byType.set(`${prefix}${type}`, list);
    }
  }
}

function constructPath(meta: unknown): string | undefined {
  if (!isRecord(meta) || !isRecord(meta.metadata)) return undefined;
  return str(meta.metadata.path);
}
