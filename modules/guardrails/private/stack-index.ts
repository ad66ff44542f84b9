import {
  allBlocks,
  policyStatements,
  referencesIn,
  type BlockKind,
  type PolicyStatement,
  type SynthesizedBlock,
} from "../../core/synthesized";
import type { SynthResource } from "../rule";

/**
 * The synthesized Terraform JSON of one stack, indexed for rules: blocks by
 * type and address, references resolved to the blocks they name, and IAM
 * policy documents resolved to statements (all read by `core/synthesized`).
 */
export class StackIndex {
  private readonly byType = new Map<string, SynthResource[]>();
  private readonly byAddress = new Map<string, SynthResource>();
  private readonly referrerCache = new Map<string, Map<string, SynthResource[]>>();

  constructor(private readonly json: unknown) {
    this.load("resource");
    this.load("data");
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
    for (const { address } of referencesIn(value)) {
      const resource = this.byAddress.get(address);
      if (resource) found.set(address, resource);
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
    return policyStatements(this.json, value);
  }

  private load(kind: BlockKind): void {
    const prefix = kind === "data" ? "data." : "";
    for (const block of allBlocks(this.json, kind)) {
      const resource = toSynthResource(block, prefix);
      const list = this.byType.get(resource.type) ?? [];
      list.push(resource);
      this.byType.set(resource.type, list);
      this.byAddress.set(resource.address, resource);
    }
  }
}

function toSynthResource(block: SynthesizedBlock, prefix: string): SynthResource {
  const { "//": _meta, ...attributes } = block.body;
  return { type: `${prefix}${block.type}`, name: block.name, address: block.address, path: block.metadataPath ?? block.name, attributes };
}
