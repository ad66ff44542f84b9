import { readdirSync, readFileSync } from "node:fs";

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/** utime + stime of a process in seconds, or 0 when it is gone. Reads /proc/<pid>/stat. */
function processSeconds(pid: number | string): { comm: string; seconds: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may contain spaces: split after the last ")".
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    // Fields 14 and 15 of the man page (utime, stime) are 11 and 12 after the state field.
    return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return { comm: "", seconds: 0 };
  }
}

/** Busy CPU seconds of the whole machine (every core), from the first line of /proc/stat. */
function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks.map(Number);
  void idle;
  void iowait;
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}

/** Every process called `postgres` (the postmaster, its backends and background workers). */
function postgresSeconds(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const { comm, seconds } = processSeconds(entry);
    if (comm === "postgres") total += seconds;
  }
  return total;
}

export interface CpuSplit {
  readonly serviceSeconds: number;
  readonly postgresSeconds: number;
  /** This process: autocannon. */
  readonly loadGeneratorSeconds: number;
  /** The DynamoDB stand-in, busy on the write test (the outbox relay's events). */
  readonly dynaliteSeconds: number;
  readonly machineSeconds: number;
  readonly wallSeconds: number;
}

/**
 * Where the CPU went during a measured run, per process, so a low rate can be
 * explained (the service saturated one core? PostgreSQL? the load generator?).
 * Counts PostgreSQL processes alive at both ends of the window; the pool keeps
 * its connections, so that is all of them. Linux only.
 */
export async function measureCpu<T>(
  pids: { readonly service: number; readonly dynalite: number },
  work: () => Promise<T>,
): Promise<{ result: T; cpu: CpuSplit }> {
  const before = {
    service: processSeconds(pids.service).seconds,
    dynalite: processSeconds(pids.dynalite).seconds,
    postgres: postgresSeconds(),
    self: process.cpuUsage(),
    machine: machineBusySeconds(),
    wall: performance.now(),
  };
  const result = await work();
  const self = process.cpuUsage(before.self);
  return {
    result,
    cpu: {
      serviceSeconds: processSeconds(pids.service).seconds - before.service,
      dynaliteSeconds: processSeconds(pids.dynalite).seconds - before.dynalite,
      postgresSeconds: postgresSeconds() - before.postgres,
      loadGeneratorSeconds: (self.user + self.system) / 1e6,
      machineSeconds: machineBusySeconds() - before.machine,
      wallSeconds: (performance.now() - before.wall) / 1000,
    },
  };
}
