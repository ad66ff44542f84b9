import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { percentile } from "./percentile";

/** `/usr/lib/postgresql/<newest major>/bin/pgbench`: the server's own version, not Debian's wrapper. */
export function findPgbench(): string {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).filter((major) => existsSync(join(root, major, "bin", "pgbench"))) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error("pgbench is not installed: no /usr/lib/postgresql/*/bin/pgbench (apt-get install postgresql)");
  return join(root, newest, "bin", "pgbench");
}

export interface PgbenchOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly clients: number;
  readonly threads: number;
  readonly seconds: number;
  /** Folder for the per-transaction latency log (sampled). */
  readonly logDir: string;
}

export interface PgbenchFigures {
  readonly tps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly transactions: number;
  readonly failed: number;
  /** The measured run, as typed (connection flags included). */
  readonly command: string;
}

/** Fraction of transactions whose latency pgbench logs: enough for percentiles, too few to slow it. */
const LATENCY_SAMPLING_RATE = 0.1;

function run(binary: string, args: readonly string[]): string {
  const result = spawnSync(binary, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`pgbench ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return `${result.stdout}\n${result.stderr}`;
}

export type PgbenchWorkload =
  /** `pgbench -i` (scale 1: 100,000 accounts) on the database first, then `-S`: one primary-key SELECT per transaction. */
  | { readonly kind: "select-only" }
  /** A custom script (`-f`) on an existing database, with the extended query protocol the `pg` driver uses. */
  | { readonly kind: "script"; readonly file: string };

/**
 * Runs pgbench for `seconds` with the given clients and threads. Select-only
 * is PostgreSQL's ceiling for the cheapest possible query at that connection
 * count on this machine; a script measures the same for a real query.
 */
export function runPgbench(options: PgbenchOptions & { readonly workload: PgbenchWorkload }): PgbenchFigures {
  const binary = findPgbench();
  const connection = ["-h", options.host, "-p", String(options.port), "-U", options.user];
  const concurrency = ["-c", String(options.clients), "-j", String(options.threads), "-T", String(options.seconds)];
  let workload: string[];
  if (options.workload.kind === "select-only") {
    run(binary, ["-i", "-q", ...connection, options.database]);
    workload = ["-S", ...concurrency];
  } else {
    // -n: no VACUUM of pgbench's own tables, which this database does not have.
    workload = ["-n", "-M", "extended", "-f", options.workload.file, ...concurrency];
  }
  const logPrefix = join(options.logDir, "pgbench");
  rmSync(options.logDir, { recursive: true, force: true });
  mkdirSync(options.logDir, { recursive: true });
  const output = run(binary, [...workload, ...connection, "-l", `--sampling-rate=${LATENCY_SAMPLING_RATE}`, `--log-prefix=${logPrefix}`, options.database]);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1];
  if (tps === undefined) throw new Error(`no tps in pgbench's output:\n${output}`);
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1] ?? Number.NaN);
  const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);

  // Log lines: client_id transaction_no latency_us script_no epoch_s epoch_us
  const latenciesMs = readdirSync(options.logDir)
    .filter((name) => name.startsWith("pgbench."))
    .flatMap((name) => readFileSync(join(options.logDir, name), "utf8").split("\n"))
    .map((line) => Number(line.split(" ")[2]) / 1000)
    .filter((value) => Number.isFinite(value))
    .sort((a, b) => a - b);

  return {
    tps: Number(tps),
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
    transactions,
    failed,
    command: `pgbench ${[...workload, ...connection, options.database].join(" ")}`,
  };
}
