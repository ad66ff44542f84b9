/**
 * Reading a synthesized stack (`cdk.tf.json`) for the proofs: resources by
 * type, Terraform references between them, and display names taken from
 * construct paths.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import {
  allBlocks,
  blockAt,
  blocksOfType,
  referencesIn as parseReferences,
  type Block,
  type StackJson,
  type SynthesizedBlock,
} from "../../modules/core/synthesized";

export type { Block, StackJson } from "../../modules/core/synthesized";

/** A synthesized stack: its folder (assets are relative to it) and its Terraform JSON. */
export interface LoadedStack {
  readonly name: string;
  readonly dir: string;
  readonly json: StackJson;
}

/** A resource's Terraform address, `aws_iam_role.auth-function_role_F45AB210`. */
export type Address = string;

export interface Resource {
  readonly type: string;
  readonly id: string;
  readonly address: Address;
  readonly block: Block;
  /** Construct path without the stack, e.g. `auth-function/role/role`. */
  readonly path: string;
}

export function loadStack(dir: string, name: string = basename(dir)): LoadedStack {
  const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as StackJson;
  return { name, dir, json };
}

function toResource(block: SynthesizedBlock): Resource {
  const path = block.metadataPath ? block.metadataPath.split("/").slice(1).join("/") : block.name;
  return { type: block.type, id: block.name, address: block.address, block: block.body, path };
}

/** Every resource of a type. */
export function resourcesOf(stack: LoadedStack, type: string): Resource[] {
  return blocksOfType(stack.json, "resource", type).map(toResource);
}

/** Every resource of every type. */
export function allResources(stack: LoadedStack): Resource[] {
  return allBlocks(stack.json, "resource").map(toResource);
}

/** A resource or data source by address (`aws_x.id` or `data.aws_x.id`). */
export function resourceAt(stack: LoadedStack, address: Address): Resource | undefined {
  const block = blockAt(stack.json, address);
  return block ? toResource(block) : undefined;
}

/**
 * Addresses of every AWS resource a value (string, array, object) refers to
 * with an interpolation that starts with it (`${type.id...}`).
 */
export function referencesIn(value: unknown): Address[] {
  const found = new Set<Address>();
  for (const reference of parseReferences(value)) {
    if (reference.leading && reference.type.startsWith("aws_")) found.add(reference.address);
  }
  return [...found];
}

/** The single resource a value refers to, when it is exactly one reference (`${aws_x.id.arn}`). */
export function referenceOf(value: unknown): Address | undefined {
  const refs = referencesIn(value);
  return refs.length === 1 ? refs[0] : undefined;
}

/** `type.id` of a reference, restricted to one resource type. */
export function referencesOfType(value: unknown, type: string): Address[] {
  return referencesIn(value).filter((address) => address.startsWith(`${type}.`));
}

/** A readable name for an address: its construct path, else the address. */
export function displayName(stack: LoadedStack, address: Address): string {
  return resourceAt(stack, address)?.path ?? address;
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function asBlock(value: unknown): Block | undefined {
  if (Array.isArray(value)) return asBlock(value[0]);
  return value !== null && typeof value === "object" ? (value as Block) : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function asStrings(value: unknown): string[] {
  return asArray(value).filter((item): item is string => typeof item === "string");
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}
