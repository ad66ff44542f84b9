/**
 * Benchmarks the tasks-api as it runs in production (the esbuild bundle under
 * plain `node`, on a real PostgreSQL 15) against `pgbench -S` on the same
 * server, at the same connection count.
 *
 *   npm run bench:tasks-api                      # 32 connections, 3 s warm-up, 15 s per route
 *   npm run bench:tasks-api -- --profile         # also --cpu-prof the service and say where the time goes
 *   node --import tsx bench/tasks-api.ts --connections 32 --duration 15 --warmup 3 --tasks 5000 --pics 20
 *
 * Everything it starts (PostgreSQL, dynalite, the service) is stopped before it
 * exits; the whole run takes about 110 s with the defaults. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { environments } from "../config/environments";
import { TASK_EVENTS_TABLE } from "../contracts/tables";
import { buildTasksApiBundle } from "../handlers/tasks-api/build";
import { issueToken, LocalTokenSigner } from "../handlers/lib/tokens";
import { startPostgres } from "../__tests__/support/postgres";
import { formatProfileSummary, summariseCpuProfile } from "./tasks-api/cpu-profile";
import { measureCpu, type CpuSplit } from "./tasks-api/cpu-usage";
import { startDynaliteProcess } from "./tasks-api/dynalite-process";
import { listPageSql, listQueryScript } from "./tasks-api/list-query-script";
import { collectListPaths, loadList, loadPatch, type LoadFigures, type PatchSlot } from "./tasks-api/load";
import { loadPaced, pacedList, pacedPatch } from "./tasks-api/paced";
import { runPgbench, type PgbenchFigures } from "./tasks-api/pgbench";
import { explainListPages, readTaskStates, seedBoard } from "./tasks-api/seed";
import { freePort, runBundleCommand, startBundleService, type BundleService } from "./tasks-api/service";

const { values: args } = parseArgs({
  options: {
    connections: { type: "string", default: "32" },
    duration: { type: "string", default: "15" },
    warmup: { type: "string", default: "3" },
    tasks: { type: "string", default: "5000" },
    pics: { type: "string", default: "20" },
    profile: { type: "boolean", default: false },
  },
});

function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a whole number of at least 1, got "${value}"`);
  return number;
}

const connections = positiveInteger("connections", args.connections);
const durationSeconds = positiveInteger("duration", args.duration);
const warmupSeconds = positiveInteger("warmup", args.warmup);
const taskCount = positiveInteger("tasks", args.tasks);
const picCount = positiveInteger("pics", args.pics);
const pgbenchThreads = 2;
/**
 * Requests/s of the paced runs: prod's API Gateway throttle (`api.throttlingRateLimit`), the most steady traffic prod
 * lets through to all its tasks together (at least three), sent here to one process. The full-speed runs measure a
 * saturated service instead, which prod's autoscaling exists to avoid.
 */
const PACED_RATE = prodApiRateLimit();

function prodApiRateLimit(): number {
  const prod = environments.find((environment) => environment.name === "prod");
  if (!prod) throw new Error("config/environments.ts has no prod environment to take the API throttle rate from");
  return prod.api.throttlingRateLimit;
}
const repoRoot = resolve(import.meta.dirname, "..");

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const startedAt = Date.now();
const workDir = mkdtempSync(join(tmpdir(), "taskboard-bench-"));
const stops: (() => Promise<unknown>)[] = [];

async function main(): Promise<void> {
  log(`PostgreSQL 15, dynalite, bundle build (work dir ${workDir})`);
  const postgres = await startPostgres();
  stops.push(() => postgres.stop());
  const dynalite = await startDynaliteProcess([TASK_EVENTS_TABLE]);
  stops.push(() => dynalite.stop());
  const bundle = join(workDir, "tasks-api", "main.mjs");
  await buildTasksApiBundle(bundle);

  const databaseUrl = await postgres.createDatabase("bench_tasks");
  const keyFile = join(workDir, "token-key.pem");
  const signer = LocalTokenSigner.fromKeyFile(keyFile);
  const serviceEnv: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    DATABASE_SSL: "disable",
    // One pooled connection per benchmark connection: the API can keep as many queries in flight as pgbench.
    DATABASE_POOL_SIZE: String(connections),
    TASK_EVENTS_TABLE_NAME: dynalite.tableNames[TASK_EVENTS_TABLE.purpose]!,
    AWS_REGION: "ap-northeast-2",
    DYNAMODB_ENDPOINT: dynalite.endpoint,
    LOCAL_TOKEN_KEY_FILE: keyFile,
  };
  runBundleCommand(bundle, "migrate", serviceEnv);
  const board = await seedBoard(databaseUrl, { tasks: taskCount, pics: picCount });
  log(`seeded ${board.tasks.length} tasks (${JSON.stringify(board.countByStatus)}) for ${board.pics.length} PICs`);
  const plans = await explainListPages(databaseUrl, [listPageSql(), listPageSql({ rank: 1, position: 512_000 }), listPageSql({ rank: 1, position: 512_000 }, 1)]);
  log(`list plans: first page: ${plans[0]}; cursor page: ${plans[1]}; column page: ${plans[2]}; ${plans[3]}`);

  const now = new Date();
  const bearerOf = new Map<string, string>();
  for (const user of [board.supervisor, ...board.pics]) bearerOf.set(user.email, `Bearer ${(await issueToken(signer, user, { now })).token}`);
  const bearers = [...bearerOf.values()];

  const profileDir = join(workDir, "profiles");
  const startService = async (phase: string): Promise<BundleService> => {
    const nodeFlags = args.profile ? ["--cpu-prof", `--cpu-prof-dir=${join(profileDir, phase)}`] : [];
    if (args.profile) mkdirSync(join(profileDir, phase), { recursive: true });
    const service = await startBundleService({ bundle, env: serviceEnv, port: await freePort(), logFile: join(workDir, `service-${phase}.log`), nodeFlags });
    stops.push(() => service.stop());
    return service;
  };
  const load = { connections, durationSeconds };
  const warm = { connections, durationSeconds: warmupSeconds };
  const paced = { rate: PACED_RATE, durationSeconds, warmupSeconds };
  const pids = (service: BundleService) => ({ service: service.pid, dynalite: dynalite.pid });

  // ---- GET /api/tasks?limit=50 -------------------------------------------------
  let service = await startService("list");
  const paths = await collectListPaths(service.url, bearerOf.get(board.supervisor.email)!);
  log(`list: ${paths.length} distinct full pages; warm-up ${warmupSeconds} s, then ${durationSeconds} s at ${connections} connections`);
  await loadList({ url: service.url, paths, bearers, ...warm });
  const list = await measureCpu(pids(service), () => loadList({ url: service.url, paths, bearers, ...load }));
  log(`list paced: ${PACED_RATE} requests/s, warm-up ${warmupSeconds} s, then ${durationSeconds} s`);
  const listPaced = await measureCpu(pids(service), () => loadPaced({ url: service.url, connections, ...paced, nextRequest: pacedList({ paths, bearers }) }));
  await service.stop();

  // ---- PATCH /api/tasks/{id} ----------------------------------------------------
  service = await startService("patch");
  // Disjoint pools of tasks: the warm-up moves the first (one task per connection), the measured run the second (the
  // same), the paced run all the rest. A PATCH cut off at the bell may still commit later (the server got it); on a
  // task of its own it cannot make a later run's PATCH carry a stale version. The paced pool must be larger than the
  // connections (`pacedPatch` never moves a task twice at once), hence four per connection at least.
  const assigned = board.tasks.filter((task) => task.pic !== null);
  if (assigned.length < 4 * connections) throw new Error(`--tasks too small: need ${4 * connections} assigned tasks for ${connections} connections`);
  const toSlots = async (tasks: typeof assigned): Promise<PatchSlot[]> => {
    const states = await readTaskStates(databaseUrl, tasks.map((task) => task.id));
    return tasks.map((task) => ({ id: task.id, bearer: bearerOf.get(task.pic!)!, ...states.get(task.id)! }));
  };
  const warmupSlots = await toSlots(assigned.slice(0, connections));
  const measuredSlots = await toSlots(assigned.slice(connections, 2 * connections));
  log(`patch: ${connections} tasks, one per connection; warm-up ${warmupSeconds} s (other tasks), then ${durationSeconds} s`);
  await loadPatch({ url: service.url, slots: warmupSlots, ...warm });
  const patch = await measureCpu(pids(service), () => loadPatch({ url: service.url, slots: measuredSlots, ...load }));
  const pacedSlots = await toSlots(assigned.slice(2 * connections));
  log(`patch paced: ${PACED_RATE} requests/s, warm-up ${warmupSeconds} s, then ${durationSeconds} s`);
  const patchPaced = await measureCpu(pids(service), () => loadPaced({ url: service.url, connections, ...paced, nextRequest: pacedPatch(pacedSlots) }));
  await service.stop();

  // ---- pgbench: the list route's own SQL, then -S (the ceiling) -------------------
  const pgbenchLogs = join(workDir, "pgbench-log");
  const pgbenchBase = { host: postgres.host, port: postgres.port, user: "postgres", clients: connections, threads: pgbenchThreads, seconds: durationSeconds, logDir: pgbenchLogs };
  const scriptFile = join(workDir, "list-query.sql");
  const smallestColumn = Math.min(...Object.values(board.countByStatus));
  writeFileSync(scriptFile, listQueryScript(Math.max(smallestColumn - 51, 0) * 1024));
  log(`pgbench -f list-query.sql (the list route's SQL) -c ${connections} -j ${pgbenchThreads} -T ${durationSeconds}`);
  const listSql = runPgbench({ ...pgbenchBase, database: new URL(databaseUrl).pathname.slice(1), workload: { kind: "script", file: scriptFile } });
  const selectOnlyDatabase = new URL(await postgres.createDatabase("bench_pgbench")).pathname.slice(1);
  log(`pgbench -i, then pgbench -S -c ${connections} -j ${pgbenchThreads} -T ${durationSeconds}`);
  const selectOnly = runPgbench({ ...pgbenchBase, database: selectOnlyDatabase, workload: { kind: "select-only" } });

  process.stdout.write(`\n${report({ list, patch, listPaced, patchPaced, listSql, selectOnly })}\n`);
  if (args.profile) {
    for (const phase of ["list", "patch"]) {
      const file = readdirSync(join(profileDir, phase)).find((name) => name.endsWith(".cpuprofile"));
      if (!file) throw new Error(`no CPU profile was written for ${phase}`);
      process.stdout.write(`\n${formatProfileSummary(`CPU profile of the service during ${phase}`, summariseCpuProfile(join(profileDir, phase, file), bundle, repoRoot))}\n`);
    }
  }
}

interface Measured {
  readonly list: { readonly result: LoadFigures; readonly cpu: CpuSplit };
  readonly patch: { readonly result: LoadFigures; readonly cpu: CpuSplit };
  /** Paced at {@link PACED_RATE} (open loop); the CPU includes the warm-up. */
  readonly listPaced: { readonly result: LoadFigures; readonly cpu: CpuSplit };
  readonly patchPaced: { readonly result: LoadFigures; readonly cpu: CpuSplit };
  readonly listSql: PgbenchFigures;
  readonly selectOnly: PgbenchFigures;
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, header.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
}

function report({ list, patch, listPaced, patchPaced, listSql, selectOnly }: Measured): string {
  const ms = (value: number) => value.toFixed(2);
  const share = (rate: number) => `${((100 * rate) / selectOnly.tps).toFixed(1)} %`;
  const routeRow = (name: string, figures: LoadFigures) => [
    name,
    figures.requestsPerSecond.toFixed(0),
    ms(figures.p50Ms),
    ms(figures.p99Ms),
    String(figures.non2xx + figures.errors),
    share(figures.requestsPerSecond),
  ];
  const pgbenchRow = (name: string, figures: PgbenchFigures) => [name, figures.tps.toFixed(0), ms(figures.p50Ms), ms(figures.p99Ms), `${figures.failed} failed`, share(figures.tps)];
  const pacedLabel = `${PACED_RATE}/s (prod's API throttle)`;
  const rates = markdownTable(
    ["", "requests/s", "p50 ms", "p99 ms", "non-2xx", "of pgbench -S"],
    [
      routeRow("GET /api/tasks?limit=50", list.result),
      routeRow("PATCH /api/tasks/{id} (status)", patch.result),
      routeRow(`GET /api/tasks?limit=50, paced at ${pacedLabel}`, listPaced.result),
      routeRow(`PATCH /api/tasks/{id}, paced at ${pacedLabel}`, patchPaced.result),
      pgbenchRow("pgbench -f: the list route's SQL", listSql),
      pgbenchRow("pgbench -S (select-only)", selectOnly),
    ],
  );
  const perRequest = (requests: number) => (seconds: number) => ((1000 * seconds) / requests).toFixed(3);
  // A paced run's CPU window includes its warm-up, so its requests do too.
  const pacedRequests = PACED_RATE * (warmupSeconds + durationSeconds);
  const cpuRow = (name: string, run: { result: LoadFigures; cpu: CpuSplit }, requests = run.result.requests) => {
    const each = perRequest(requests);
    return [
      name,
      each(run.cpu.serviceSeconds),
      `${((100 * run.cpu.serviceSeconds) / run.cpu.wallSeconds).toFixed(0)} %`,
      each(run.cpu.postgresSeconds),
      each(run.cpu.loadGeneratorSeconds),
      each(run.cpu.dynaliteSeconds),
      `${((100 * run.cpu.machineSeconds) / run.cpu.wallSeconds).toFixed(0)} %`,
      `${((100 * (run.cpu.machineSeconds - run.cpu.serviceSeconds - run.cpu.postgresSeconds - run.cpu.loadGeneratorSeconds - run.cpu.dynaliteSeconds)) / run.cpu.wallSeconds).toFixed(0)} %`,
    ];
  };
  const cpu = markdownTable(
    ["CPU per request", "service ms", "service busy (1 core = 100 %)", "PostgreSQL ms", "load generator ms", "dynalite ms", "machine busy (cores x 100 %)", "other processes busy"],
    [
      cpuRow("GET /api/tasks?limit=50", list),
      cpuRow("PATCH /api/tasks/{id}", patch),
      cpuRow("GET /api/tasks?limit=50, paced", listPaced, pacedRequests),
      cpuRow("PATCH /api/tasks/{id}, paced", patchPaced, pacedRequests),
    ],
  );
  const listShare = list.result.requestsPerSecond / selectOnly.tps;
  const bounds = boundsOf(list, listSql, selectOnly);
  const worstP99 = Math.max(list.result.p99Ms, patch.result.p99Ms);
  const worstPacedP99 = Math.max(listPaced.result.p99Ms, patchPaced.result.p99Ms);
  return [
    `${connections} connections, ${durationSeconds} s measured after a ${warmupSeconds} s warm-up; ${taskCount} tasks, ${picCount} PICs; ` +
      `${list.result.requests} list and ${patch.result.requests} PATCH requests ` +
      `(${(list.result.bytesPerResponse / 1024).toFixed(1)} and ${(patch.result.bytesPerResponse / 1024).toFixed(1)} KiB per response); status codes list ${JSON.stringify(list.result.statusCodes)}, ` +
      `patch ${JSON.stringify(patch.result.statusCodes)}`,
    "",
    rates,
    "",
    cpu,
    "",
    `load average at the end (1 min): ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs; "other processes busy" above is CPU this benchmark did not use`,
    "What bounds the list route here (from the figures above):",
    `- PostgreSQL alone: its own SQL runs at ${bounds.listSqlShare} of pgbench -S (pgbench -f); the API cannot exceed that, whatever its code`,
    `- one service process: ${bounds.oneProcess} list requests/s (1 s / its CPU per request); more processes help only with cores of their own`,
    `- this machine: ${bounds.machine} list requests/s (${availableParallelism()} cores / the CPU per request of service, PostgreSQL, load generator and dynalite together)`,
    `- latency: ${connections} connections at the lower bound is a mean of ${bounds.meanLatencyFloorMs} ms at least (Little's law), and p99 >= mean`,
    "",
    `list at ${(100 * listShare).toFixed(1)} % of pgbench -S (target >= 40 %): ${listShare >= 0.4 ? "met" : "MISSED"}`,
    `p99 at full speed: list ${ms(list.result.p99Ms)} ms, patch ${ms(patch.result.p99Ms)} ms (target < 25 ms): ${worstP99 < 25 ? "met" : "MISSED"}`,
    `p99 paced at ${pacedLabel}: list ${ms(listPaced.result.p99Ms)} ms, patch ${ms(patchPaced.result.p99Ms)} ms (target < 25 ms): ${worstPacedP99 < 25 ? "met" : "MISSED"}`,
    `pgbench: ${listSql.command}`,
    `pgbench: ${selectOnly.command}`,
    "(pgbench latency percentiles come from a 10 % sample of its transactions)",
  ].join("\n");
}

/**
 * Upper bounds of the list rate that follow from the measurements alone, so a
 * missed target says which resource it ran into instead of leaving a guess.
 */
function boundsOf(list: Measured["list"], listSql: PgbenchFigures, selectOnly: PgbenchFigures) {
  const msPerRequest = (seconds: number) => (1000 * seconds) / list.result.requests;
  const oneProcess = 1000 / msPerRequest(list.cpu.serviceSeconds);
  const machine =
    (1000 * availableParallelism()) / msPerRequest(list.cpu.serviceSeconds + list.cpu.postgresSeconds + list.cpu.loadGeneratorSeconds + list.cpu.dynaliteSeconds);
  const lower = Math.min(oneProcess, machine);
  return {
    listSqlShare: `${((100 * listSql.tps) / selectOnly.tps).toFixed(1)} %`,
    oneProcess: oneProcess.toFixed(0),
    machine: machine.toFixed(0),
    meanLatencyFloorMs: ((1000 * connections) / lower).toFixed(1),
  };
}

async function stopAll(): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(`stop failed: ${String(error)}`));
  if (!args.profile) rmSync(workDir, { recursive: true, force: true });
  else {
    // Keep the profiles (open them in Chrome DevTools' Performance panel) and the service logs.
    rmSync(join(workDir, "pgbench-log"), { recursive: true, force: true });
    log(`profiles and service logs kept in ${workDir}`);
  }
}

main().then(
  async () => {
    await stopAll();
    log(`done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  },
  async (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAll();
    process.exitCode = 1;
  },
);
