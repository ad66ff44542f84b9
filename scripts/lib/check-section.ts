import type { EnvironmentConfig } from "../../config";

/** One synthesized stack that `npm run check` proves things about. */
export interface CheckStack {
  /** Stack name: `dev`, `staging`, `prod` and `bootstrap-<env>` (unless `--environments-only`). */
  readonly name: string;
  readonly kind: "environment" | "bootstrap";
  /** The environment the stack belongs to. */
  readonly config: EnvironmentConfig;
  /** The synthesized Terraform JSON, as written to `directory/cdk.tf.json` (with cdktf's `//` metadata). */
  readonly json: unknown;
  /** Where the stack was synthesized (a temporary directory, removed when the check ends). */
  readonly directory: string;
}

export interface CheckContext {
  readonly stacks: readonly CheckStack[];
}

export interface SectionResult {
  /** False fails `npm run check` (exit 1), after every section has printed. */
  readonly ok: boolean;
  /** What the section prints: a table, a graph, the failures with their fixes. */
  readonly lines: readonly string[];
}

/**
 * A part of `npm run check`. Sections run in order over the same synthesized
 * stacks; add one by appending it to `SECTIONS` in scripts/check.ts.
 */
export interface CheckSection {
  readonly title: string;
  run(context: CheckContext): SectionResult | Promise<SectionResult>;
}

/** Left-aligned columns, two spaces apart (no box drawing: the output goes to CI logs). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}
