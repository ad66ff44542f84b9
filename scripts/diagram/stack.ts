/**
 * Reading a synthesized stack (`cdk.tf.json`): its resources, their construct
 * paths, and the references between them (`${aws_x.y.attr}` inside attributes).
 */

import {
  allBlocks,
  referencesIn as parseReferences,
  type Block,
  type BlockKind,
  type StackJson,
} from "../../modules/core/synthesized";

export type { Block, StackJson } from "../../modules/core/synthesized";

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

/** Every resource and data source of the stack, keyed by address. */
export function resourcesOf(stack: StackJson): Map<string, StackResource> {
  const found = new Map<string, StackResource>();
  for (const kind of ["resource", "data"] satisfies BlockKind[]) {
    for (const block of allBlocks(stack, kind)) {
      // The metadata path's first segment is the stack's name.
      const path = block.metadataPath !== undefined ? block.metadataPath.split("/").slice(1) : pathFromLogicalId(block.name);
      const type = `${kind === "data" ? "data." : ""}${block.type}`;
      found.set(block.address, { address: block.address, type, logicalId: block.name, body: block.body, path });
    }
  }
  return found;
}

/** Every reference in a value to an AWS block the stack has, with the attribute path where it sits. */
export function referencesIn(value: unknown, known: ReadonlySet<string> | ReadonlyMap<string, unknown>): Reference[] {
  return parseReferences(value, { skipAttributes: IGNORED_ATTRIBUTES })
    .filter((reference) => reference.type.startsWith("aws_") && known.has(reference.address))
    .map((reference) => ({ path: reference.path, target: reference.address }));
}
