import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "../../local/ports";

export interface PostgresHandle {
  readonly host: string;
  readonly port: number;
  /** `postgresql://postgres@127.0.0.1:<port>/<database>` (trust authentication, no TLS). */
  connectionString(database: string): string;
  /** Creates an empty database (named after `hint`, made unique) and returns its connection string. */
  createDatabase(hint?: string): Promise<string>;
  stop(): Promise<void>;
}

const SUPERUSER = "postgres";

/** The newest `/usr/lib/postgresql/<major>/bin` that has `pg_ctl`, the Debian layout. */
function findBinaries(): string {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((major) => existsSync(join(root, major, "bin", "pg_ctl")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) {
    throw new Error(
      "PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/pg_ctl. Install it with: apt-get install postgresql " +
        "(scripts/setup-machine.sh does this)",
    );
  }
  return join(root, majors[0]!, "bin");
}

/**
 * Runs a PostgreSQL binary. PostgreSQL refuses to run as root, and test
 * sessions here run as root: then it runs as the `postgres` system user.
 */
function runAs(asPostgres: boolean, binary: string, args: readonly string[]): void {
  const [command, commandArgs] = asPostgres ? ["runuser", ["-u", SUPERUSER, "--", binary, ...args]] : [binary, [...args]];
  const result = spawnSync(command, commandArgs, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${binary} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

let databaseCounter = 0;

/**
 * Starts a real PostgreSQL server (the Aurora PostgreSQL stand-in) for one
 * test file: `initdb` into a temporary directory, `pg_ctl start` on a free
 * loopback port with its unix socket inside that directory, durability
 * switched off (tests need speed, not crash safety). `stop()` shuts it down
 * and deletes the directory; a process exit without `stop()` still kills it.
 */
export async function startPostgres(): Promise<PostgresHandle> {
  const bin = findBinaries();
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "taskboard-pg-"));
  const dataDir = join(dir, "data");
  if (asPostgres) {
    const uid = Number(execFileSync("id", ["-u", SUPERUSER], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", SUPERUSER], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const host = "127.0.0.1";
  const pgCtl = join(bin, "pg_ctl");

  const stopNow = () => {
    spawnSync(asPostgres ? "runuser" : pgCtl, [...(asPostgres ? ["-u", SUPERUSER, "--", pgCtl] : []), "-D", dataDir, "-m", "immediate", "-w", "stop"], {
      encoding: "utf8",
    });
    rmSync(dir, { recursive: true, force: true });
  };
  // A crashed or interrupted test run must not leave a server behind.
  process.once("exit", stopNow);

  try {
    runAs(asPostgres, join(bin, "initdb"), ["-D", dataDir, "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
    const serverOptions = [
      `-p ${port}`,
      `-k ${dir}`,
      `-c listen_addresses=${host}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
    ].join(" ");
    runAs(asPostgres, pgCtl, ["-D", dataDir, "-o", serverOptions, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
  } catch (error) {
    process.removeListener("exit", stopNow);
    stopNow();
    throw error;
  }

  const connectionString = (database: string) => `postgresql://${SUPERUSER}@${host}:${port}/${database}`;
  return {
    host,
    port,
    connectionString,
    async createDatabase(hint = "test") {
      databaseCounter += 1;
      const name = `${hint.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 40)}_${process.pid}_${databaseCounter}`;
      const admin = new pg.Client({ connectionString: connectionString("postgres") });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      return connectionString(name);
    },
    async stop() {
      process.removeListener("exit", stopNow);
      stopNow();
    },
  };
}
