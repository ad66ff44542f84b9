import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import type { TableDescriptor } from "../../contracts/tables";
import { ensureTable } from "../../local/dynamo-tables";
import { freePort } from "../../local/ports";

export interface DynaliteProcess {
  readonly endpoint: string;
  readonly pid: number;
  /** Table names by descriptor purpose. */
  readonly tableNames: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * dynalite in a process of its own, with the given tables. The tests run it
 * inside their own process (`__tests__/support/dynalite.ts`); the benchmark
 * must not, because the outbox relay's writes would then share an event loop
 * with the load generator and show up as request latency, and its CPU as the
 * load generator's.
 */
export async function startDynaliteProcess(tables: readonly TableDescriptor[]): Promise<DynaliteProcess> {
  const cli = createRequire(import.meta.url).resolve("dynalite/cli.js");
  const port = await freePort();
  const child = spawn(process.execPath, [cli, "--host", "127.0.0.1", "--port", String(port), "--createTableMs", "0"], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: "ap-northeast-2", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } });
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const ready = await client.send(new ListTablesCommand({})).then(
        () => true,
        () => false,
      );
      if (ready) break;
      if (child.exitCode !== null) throw new Error(`dynalite (${cli}) exited with ${child.exitCode} before answering on ${endpoint}`);
      if (Date.now() > deadline) throw new Error(`dynalite did not answer on ${endpoint} within 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const tableNames: Record<string, string> = {};
    for (const table of tables) {
      tableNames[table.purpose] = `bench-${table.purpose}`;
      await ensureTable(client, table, tableNames[table.purpose]!);
    }
    return { endpoint, pid: child.pid ?? -1, tableNames, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
}
