/**
 * The slice of `terraform show -json <planfile>` the delivery scripts read
 * (format 1.x): what changes, what drifted, and which values are sensitive
 * or unknown, so nothing secret reaches a comment or an issue.
 */

export type ChangeAction = "no-op" | "create" | "read" | "update" | "delete";

export interface Change {
  readonly actions: readonly ChangeAction[];
  readonly before: unknown;
  readonly after: unknown;
  /** Same shape as `after`, `true` where the value is known only after apply. */
  readonly after_unknown?: unknown;
  /** Same shape as `before`, `true` where the value is sensitive. */
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  readonly replace_paths?: unknown;
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly change: Change;
  readonly action_reason?: string;
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  /** Changes made outside Terraform, found by the refresh (every plan; the whole point of `-refresh-only`). */
  readonly resource_drift?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, Change>>;
  readonly errored?: boolean;
}

export function parsePlanJson(text: string, source: string): PlanJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${(error as Error).message}); pass the output of \`terraform show -json <planfile>\``);
  }
  if (typeof value !== "object" || value === null || typeof (value as { format_version?: unknown }).format_version !== "string") {
    throw new Error(`${source}: no format_version; pass the output of \`terraform show -json <planfile>\`, not the plan text`);
  }
  const major = (value as PlanJson).format_version.split(".")[0];
  if (major !== "1") throw new Error(`${source}: plan JSON format ${(value as PlanJson).format_version} is not 1.x`);
  return value as PlanJson;
}

/** One attribute that differs, with its path in `a.b[0].c` form. */
export interface AttributeDiff {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly sensitive: boolean;
  readonly unknown: boolean;
}

/**
 * The leaf attributes that differ between `before` and `after`. Objects are
 * walked key by key; lists index by index (a list of different length is
 * compared element-wise and the missing side is `null`).
 */
export function diffAttributes(change: Change): AttributeDiff[] {
  const diffs: AttributeDiff[] = [];
  walk(change.before, change.after, "", diffs, change);
  return diffs;
}

function walk(before: unknown, after: unknown, path: string, out: AttributeDiff[], change: Change): void {
  const unknown = maskAt(change.after_unknown, path) === true;
  if (unknown) {
    out.push({ path, before, after: undefined, unknown: true, sensitive: isSensitive(change, path) });
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(before[key] ?? null, after[key] ?? null, join(path, key), out, change);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    for (let index = 0; index < length; index += 1) walk(before[index] ?? null, after[index] ?? null, `${path}[${index}]`, out, change);
    return;
  }
  if (isEmpty(before) && isEmpty(after)) return;
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  out.push({ path, before, after, unknown: false, sensitive: isSensitive(change, path) });
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
}

function isSensitive(change: Change, path: string): boolean {
  return maskAt(change.before_sensitive, path) === true || maskAt(change.after_sensitive, path) === true;
}

/** Reads a sensitivity/unknown mask at a path; a `true` on an ancestor covers everything under it. */
export function maskAt(mask: unknown, path: string): unknown {
  let current = mask;
  for (const segment of splitPath(path)) {
    if (current === true) return true;
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((segment) => segment.length > 0);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value for a human: sensitive and unknown values are never printed. */
export function displayValue(diff: AttributeDiff, side: "before" | "after", maxLength = 80): string {
  if (diff.sensitive) return "(sensitive)";
  if (side === "after" && diff.unknown) return "(known after apply)";
  const value = side === "before" ? diff.before : diff.after;
  if (value === null || value === undefined) return "null";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** Terraform's own summary of a change's actions. */
export function actionLabel(actions: readonly ChangeAction[]): "create" | "update" | "delete" | "replace" | "read" | "no-op" {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("create")) return "create";
  if (actions.includes("delete")) return "delete";
  if (actions.includes("update")) return "update";
  if (actions.includes("read")) return "read";
  return "no-op";
}

/** Counts changes the way `terraform plan` summarises them; the same counter the offline plan prints. */
export { countPlan as countChanges, type PlanCounts } from "../../lib/offline";

/** Markdown-safe inline text: backticks and pipes would break tables and code spans. */
export function md(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/`/g, "'").replace(/\r?\n/g, " ");
}
