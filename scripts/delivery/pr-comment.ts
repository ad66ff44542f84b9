/**
 * One pull-request comment with every environment's `terraform plan`,
 * updated in place on each push (found by a hidden marker), never duplicated.
 *
 *   node --import tsx scripts/delivery/pr-comment.ts render --plans-dir plans [--environment dev] [--out file.md]
 *   node --import tsx scripts/delivery/pr-comment.ts post --plans-dir plans --repo owner/name --pr 12 [--dry-run]
 *
 * `--plans-dir` holds one folder per environment, written by the plan job:
 * `exit-code` (terraform plan's), `plan.json` (`terraform show -json`),
 * `plan.txt` (`terraform show -no-color`) and `plan.log` (the plan's output,
 * for failures). `post` reads GITHUB_TOKEN (and GITHUB_API_URL) from the environment.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { dryRunClient, isAutomation, restClient, type GithubClient, type IssueComment } from "./lib/github";
import { actionLabel, countChanges, md, parsePlanJson, type PlanCounts, type PlanJson } from "./lib/plan-json";

/** The hidden first line that identifies the comment; never change it, or old PRs get a second comment. */
export const COMMENT_MARKER = "<!-- taskboard:terraform-plan -->";
/** GitHub refuses comment bodies above 65,536 characters; leave room for the frame. */
export const MAX_COMMENT_CHARS = 60_000;
/** Changed resources listed by address before the list is cut. */
const MAX_LISTED_RESOURCES = 40;

export interface EnvironmentPlan {
  readonly environment: string;
  /** terraform plan's exit code (0 planned; anything else failed). */
  readonly exitCode: number;
  readonly plan?: PlanJson;
  /** `terraform show -no-color` of the plan. */
  readonly planText?: string;
  /** The plan command's own output (the error, when it failed). */
  readonly log?: string;
}

export interface ChangedResource {
  readonly address: string;
  readonly action: ReturnType<typeof actionLabel>;
}

export function changedResources(plan: PlanJson): ChangedResource[] {
  return (plan.resource_changes ?? [])
    .filter((change) => change.mode === "managed")
    .map((change) => ({ address: change.address, action: actionLabel(change.change.actions) }))
    .filter((change) => change.action !== "no-op" && change.action !== "read");
}

/** First column of a ```diff block: GitHub colours `+` green and `-` red. */
const DIFF_PREFIX: Record<ChangedResource["action"], string> = {
  create: "+",
  update: "!",
  delete: "-",
  replace: "-",
  read: " ",
  "no-op": " ",
};

function headline(entry: EnvironmentPlan): { icon: string; text: string; counts?: PlanCounts } {
  if (entry.exitCode !== 0 || !entry.plan) return { icon: "❌", text: "plan failed" };
  const counts = countChanges(entry.plan);
  const total = counts.add + counts.change + counts.destroy;
  if (total === 0) return { icon: "✅", text: "no changes", counts };
  const icon = counts.destroy > 0 ? "⚠️" : "📝";
  return { icon, text: `${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy`, counts };
}

/**
 * Cuts `text` to at most `maxChars`, at a line boundary, saying how much was
 * left out and where the rest is.
 */
export function truncateLines(text: string, maxChars: number, whereTheRestIs: string): string {
  if (text.length <= maxChars) return text;
  const lines = text.split("\n");
  const kept: string[] = [];
  let used = 0;
  const note = (omitted: number) => `\n… ${omitted} more line(s) not shown; ${whereTheRestIs}`;
  for (const line of lines) {
    if (used + line.length + 1 + note(lines.length).length > maxChars) break;
    kept.push(line);
    used += line.length + 1;
  }
  return `${kept.join("\n")}${note(lines.length - kept.length)}`;
}

/** One environment's section: headline, destroy warning, changed resources, the plan text folded away. */
export function renderEnvironment(entry: EnvironmentPlan, budgetChars: number, runUrl?: string): string {
  const { icon, text } = headline(entry);
  const where = runUrl ? `the full plan is in the job summary: ${runUrl}` : "the full plan is in the job summary";
  const lines = [`### ${icon} \`${entry.environment}\`: ${text}`, ""];
  if (entry.exitCode !== 0 || !entry.plan) {
    const log = truncateLines((entry.log ?? "(no output)").trim(), Math.max(500, budgetChars - 400), where);
    lines.push("<details open><summary>terraform plan output</summary>", "", "```text", log.replaceAll("```", "'''"), "```", "</details>");
    return lines.join("\n");
  }
  const changes = changedResources(entry.plan);
  const destroyed = changes.filter((change) => change.action === "delete" || change.action === "replace");
  if (destroyed.length > 0) {
    lines.push(`> [!WARNING]\n> ${destroyed.length} resource(s) will be destroyed or replaced: ${destroyed.slice(0, 10).map((c) => `\`${md(c.address)}\``).join(", ")}${destroyed.length > 10 ? ", …" : ""}`, "");
  }
  if (changes.length > 0) {
    const listed = changes
      .slice(0, MAX_LISTED_RESOURCES)
      .map((change) => `${DIFF_PREFIX[change.action]} ${change.action.padEnd(7)} ${change.address}`);
    if (changes.length > MAX_LISTED_RESOURCES) listed.push(`  … and ${changes.length - MAX_LISTED_RESOURCES} more`);
    lines.push("```diff", ...listed, "```", "");
  }
  const frame = lines.join("\n").length + 120;
  const planText = truncateLines((entry.planText ?? "").trim(), Math.max(500, budgetChars - frame), where);
  if (planText.length > 0) {
    lines.push("<details><summary>Plan</summary>", "", "```hcl", planText.replaceAll("```", "'''"), "```", "</details>");
  }
  return lines.join("\n");
}

export interface CommentContext {
  /** The commit the plans are for. */
  readonly sha?: string;
  readonly runUrl?: string;
  readonly maxChars?: number;
}

/** The whole comment: marker, one section per environment (each within an equal share of the size budget). */
export function renderPlanComment(entries: readonly EnvironmentPlan[], context: CommentContext = {}): string {
  const maxChars = context.maxChars ?? MAX_COMMENT_CHARS;
  const header = [
    COMMENT_MARKER,
    "## Terraform plan",
    "",
    `${context.sha ? `Commit \`${context.sha.slice(0, 12)}\`` : "This pull request"}, planned with each environment's read-only plan role against its real state.${context.runUrl ? ` [Run](${context.runUrl})` : ""}`,
    "",
    "",
  ].join("\n");
  const sorted = [...entries].sort((a, b) => environmentOrder(a.environment) - environmentOrder(b.environment));
  const budget = Math.floor((maxChars - header.length - 200) / Math.max(1, sorted.length));
  const body = `${header}${sorted.map((entry) => renderEnvironment(entry, budget, context.runUrl)).join("\n\n")}\n`;
  // The per-section budgets already bound the size; this only guards against a miscount.
  return body.length <= maxChars ? body : `${body.slice(0, maxChars - 80)}\n\n… comment truncated; see the run.\n`;
}

function environmentOrder(name: string): number {
  const order = ["dev", "staging", "prod"].indexOf(name);
  return order === -1 ? 99 : order;
}

export type CommentAction =
  | { readonly kind: "create" }
  | { readonly kind: "update"; readonly commentId: number; readonly duplicateIds: readonly number[] };

/**
 * Update the automation's own marked comment (the oldest, if a race ever made
 * two: the others are duplicates to delete); create one only when none exists.
 * Comments by people are never touched, even if they quote the marker.
 */
export function decideCommentAction(existing: readonly IssueComment[], marker: string = COMMENT_MARKER): CommentAction {
  const ours = existing.filter((comment) => isAutomation(comment.user) && comment.body.startsWith(marker)).sort((a, b) => a.id - b.id);
  const [first, ...rest] = ours;
  if (!first) return { kind: "create" };
  return { kind: "update", commentId: first.id, duplicateIds: rest.map((comment) => comment.id) };
}

/** Creates or updates the comment; returns what it did. */
export async function upsertPlanComment(client: GithubClient, pullRequest: number, body: string): Promise<CommentAction> {
  const action = decideCommentAction(await client.listIssueComments(pullRequest));
  if (action.kind === "create") {
    await client.createIssueComment(pullRequest, body);
  } else {
    await client.updateIssueComment(action.commentId, body);
    for (const id of action.duplicateIds) await client.deleteIssueComment(id);
  }
  return action;
}

/** Reads the plan job's per-environment folders. */
export function readPlansDir(dir: string): EnvironmentPlan[] {
  if (!existsSync(dir)) throw new Error(`${dir} does not exist: download the plan artifacts first`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const folder = join(dir, entry.name);
      const read = (file: string) => (existsSync(join(folder, file)) ? readFileSync(join(folder, file), "utf8") : undefined);
      const exitText = read("exit-code");
      const exitCode = exitText === undefined ? 1 : Number(exitText.trim());
      const planJson = read("plan.json");
      const planText = read("plan.txt");
      const log = read("plan.log");
      return {
        environment: entry.name,
        exitCode: Number.isInteger(exitCode) ? exitCode : 1,
        ...(planJson ? { plan: parsePlanJson(planJson, join(folder, "plan.json")) } : {}),
        ...(planText !== undefined ? { planText } : {}),
        ...(log !== undefined ? { log } : {}),
      };
    });
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      "plans-dir": { type: "string" },
      environment: { type: "string" },
      out: { type: "string" },
      repo: { type: "string" },
      pr: { type: "string" },
      sha: { type: "string" },
      "run-url": { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  const command = positionals[0];
  if ((command !== "render" && command !== "post") || !values["plans-dir"]) {
    console.error("usage: pr-comment.ts <render|post> --plans-dir <dir> [--environment env] [--out file] [--repo o/r --pr N] [--dry-run]");
    return 2;
  }
  const context: CommentContext = { ...(values.sha ? { sha: values.sha } : {}), ...(values["run-url"] ? { runUrl: values["run-url"] } : {}) };
  let entries = readPlansDir(values["plans-dir"]);
  if (values.environment) entries = entries.filter((entry) => entry.environment === values.environment);
  if (entries.length === 0) throw new Error(`no environment plans in ${values["plans-dir"]}`);

  if (command === "render") {
    // The job summary takes one environment in full; GitHub allows 1 MiB per step summary.
    const text =
      values.environment && entries[0]
        ? `${renderEnvironment(entries[0], 900_000, context.runUrl)}\n`
        : renderPlanComment(entries, context);
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(text);
    return 0;
  }

  const pr = Number(values.pr);
  if (!values.repo || !Number.isInteger(pr) || pr < 1) throw new Error("post needs --repo <owner/name> and --pr <number>");
  const body = renderPlanComment(entries, context);
  const token = process.env.GITHUB_TOKEN;
  if (!values["dry-run"] && !token) throw new Error("GITHUB_TOKEN is not set; pass --dry-run to print instead");
  const client = values["dry-run"] || !token ? dryRunClient() : restClient({ repository: values.repo, token, ...(process.env.GITHUB_API_URL ? { apiUrl: process.env.GITHUB_API_URL } : {}) });
  const action = await upsertPlanComment(client, pr, body);
  console.log(action.kind === "create" ? `created the plan comment on #${pr}` : `updated comment ${action.commentId} on #${pr}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`error: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
