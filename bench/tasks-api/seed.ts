import pg from "pg";
import { TASK_STATUSES, type TaskStatus } from "../../contracts/api";
import type { Principal } from "../../contracts/auth";
import { createUuidV7Generator } from "../../handlers/tasks-api/ids";

/** A board a real team could have: who works on it and how many cards it carries. */
export interface SeedPlan {
  readonly tasks: number;
  readonly pics: number;
}

export interface SeededTask {
  readonly id: string;
  readonly status: TaskStatus;
  readonly pic: string | null;
}

export interface SeededBoard {
  readonly supervisor: Principal;
  readonly pics: readonly Principal[];
  readonly tasks: readonly SeededTask[];
  readonly countByStatus: Readonly<Record<TaskStatus, number>>;
}

/** Same spacing as the service's POSITION_STEP, so positions look like the service wrote them. */
const POSITION_STEP = 1024;
const DAY_MS = 86_400_000;
const ROWS_PER_INSERT = 1_000;

/** Deterministic pseudo-random numbers (mulberry32): the same board on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const VERBS = ["Review", "Draft", "Fix", "Update", "Prepare", "Check", "Migrate", "Document", "Plan", "Test"];
const THINGS = ["invoice batch", "onboarding guide", "login page copy", "quarterly report", "supplier contract", "release notes", "warehouse layout", "payroll export", "customer survey", "backup restore drill"];
const SENTENCES = [
  "Coordinate with the owner before changing anything that customers can see.",
  "The previous version is attached to the ticket; keep its structure.",
  "Numbers must match the finance export of the same day.",
  "Ask the on-call engineer if the staging environment is unavailable.",
  "Mark the task done only after the reviewer has signed off.",
  "Keep a short note of every decision in the shared document.",
  "Estimated effort is half a day; split the work if it grows beyond that.",
];

/**
 * Writes `plan.tasks` tasks straight into the migrated `tasks` table: 40 % todo,
 * 25 % in progress, 35 % done; every PIC holds an equal share, one card in 20 is
 * unassigned; most have a due date within the next month (some overdue); content
 * is a few sentences, as on a real card. Rows go in with multi-row `unnest`
 * inserts, so seeding 5,000 tasks takes well under a second.
 */
export async function seedBoard(connectionString: string, plan: SeedPlan): Promise<SeededBoard> {
  const next = random(20_261_121);
  const newId = createUuidV7Generator();
  const supervisor: Principal = { email: "lead@bench.example", role: "supervisor", name: "Bench Lead" };
  const pics: Principal[] = Array.from({ length: plan.pics }, (_, index) => {
    const number = String(index + 1).padStart(2, "0");
    return { email: `pic-${number}@bench.example`, role: "pic", name: `Bench PIC ${number}` };
  });
  const now = Date.now();
  const lastPosition: Record<TaskStatus, number> = { todo: 0, in_progress: 0, done: 0 };
  const countByStatus: Record<TaskStatus, number> = { todo: 0, in_progress: 0, done: 0 };
  const tasks: SeededTask[] = [];
  const columns = {
    id: [] as string[],
    title: [] as string[],
    content: [] as string[],
    status: [] as string[],
    pic: [] as (string | null)[],
    dueAt: [] as (string | null)[],
    position: [] as number[],
    version: [] as number[],
    createdAt: [] as string[],
  };

  for (let index = 0; index < plan.tasks; index += 1) {
    const roll = next();
    const status: TaskStatus = roll < 0.4 ? TASK_STATUSES[0] : roll < 0.65 ? TASK_STATUSES[1] : TASK_STATUSES[2];
    const pic = index % 20 === 19 ? null : pics[index % pics.length]!.email;
    const createdAt = now - Math.floor(next() * 60) * DAY_MS;
    const sentences = 2 + Math.floor(next() * 4);
    lastPosition[status] += POSITION_STEP;
    countByStatus[status] += 1;
    const id = newId();
    tasks.push({ id, status, pic });
    columns.id.push(id);
    columns.title.push(`${VERBS[index % VERBS.length]} ${THINGS[Math.floor(next() * THINGS.length)]} #${index + 1}`);
    columns.content.push(Array.from({ length: sentences }, () => SENTENCES[Math.floor(next() * SENTENCES.length)]).join(" "));
    columns.status.push(status);
    columns.pic.push(pic);
    columns.dueAt.push(next() < 0.8 ? new Date(now + Math.floor((next() * 40 - 10) * DAY_MS)).toISOString() : null);
    columns.position.push(lastPosition[status]);
    columns.version.push(1 + Math.floor(next() * 4));
    columns.createdAt.push(new Date(createdAt).toISOString());
  }

  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    for (let start = 0; start < plan.tasks; start += ROWS_PER_INSERT) {
      const slice = <T>(values: T[]) => values.slice(start, start + ROWS_PER_INSERT);
      await client.query(
        `INSERT INTO tasks (id, title, content, status, pic, due_at, position, version, created_by, created_at, updated_at)
         SELECT id, title, content, status, pic, due_at, position, version, $10, created_at, created_at
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::float8[], $8::int[], $9::timestamptz[])
             AS seed(id, title, content, status, pic, due_at, position, version, created_at)`,
        [
          slice(columns.id),
          slice(columns.title),
          slice(columns.content),
          slice(columns.status),
          slice(columns.pic),
          slice(columns.dueAt),
          slice(columns.position),
          slice(columns.version),
          slice(columns.createdAt),
          supervisor.email,
        ],
      );
    }
    // Planner statistics, as autovacuum would have gathered them on a board this size.
    await client.query("VACUUM ANALYZE tasks");
  } finally {
    await client.end();
  }
  return { supervisor, pics, tasks, countByStatus };
}

/** Current `version` and `status` of some tasks, read straight from the table. */
export async function readTaskStates(
  connectionString: string,
  ids: readonly string[],
): Promise<Map<string, { version: number; status: TaskStatus }>> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; version: number; status: TaskStatus }>(
      "SELECT id, version, status FROM tasks WHERE id = ANY($1::uuid[])",
      [[...ids]],
    );
    return new Map(rows.map((row) => [row.id, { version: row.version, status: row.status }]));
  } finally {
    await client.end();
  }
}

interface PlanNode {
  readonly "Node Type": string;
  readonly "Index Name"?: string;
  readonly Plans?: readonly PlanNode[];
}

/**
 * The plan PostgreSQL picks for a list page (first page, a cursor page, a
 * column page), as `Limit > Index Scan using tasks_board_order`: proof that
 * each page is one index range scan, not a sort of the table.
 */
export async function explainListPages(connectionString: string, sql: readonly string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const describe = (node: PlanNode): string =>
    [`${node["Node Type"]}${node["Index Name"] ? ` using ${node["Index Name"]}` : ""}`, ...(node.Plans ?? []).map(describe)].join(" > ");
  try {
    const plans: string[] = [];
    for (const statement of sql) {
      const { rows } = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${statement}`);
      plans.push(describe(rows[0]!["QUERY PLAN"][0]!.Plan));
    }
    const { rows } = await client.query<{ size: string }>("SELECT pg_size_pretty(pg_total_relation_size('tasks')) AS size");
    plans.push(`tasks table with its indexes: ${rows[0]!.size}`);
    return plans;
  } finally {
    await client.end();
  }
}
