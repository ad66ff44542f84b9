/**
 * Readers for synthesized Terraform JSON, whose values are `unknown` until
 * looked at. Provider bindings synthesize some booleans and numbers as
 * strings (`"encrypted": "true"`), and a nested block as an object or a
 * one-element list, so the readers accept both.
 */

import { blocks, isRecord, str, strs, type Block } from "../../core/synthesized";

export { blocks, isRecord, str, strs };

export type Json = Block;

/** The first block of a nested block attribute, or undefined. */
export function block(value: unknown): Json | undefined {
  return blocks(value)[0];
}

export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
