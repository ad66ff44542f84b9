/**
 * Readers for synthesized Terraform JSON, whose values are `unknown` until
 * looked at. Provider bindings synthesize some booleans and numbers as
 * strings (`"encrypted": "true"`), and a nested block as an object or a
 * one-element list, so the readers accept both.
 */

import { isRecord, type Block } from "../../core/synthesized";

export { isRecord };

export type Json = Block;

/** A nested block or list of blocks as a list (empty when absent). */
export function blocks(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

/** The first block of a nested block attribute, or undefined. */
export function block(value: unknown): Json | undefined {
  return blocks(value)[0];
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A string or list of strings as a list. */
export function strs(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
