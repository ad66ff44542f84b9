import type { AddressInfo } from "node:net";
import dynalite from "dynalite";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ALL_TABLES, type TableDescriptor } from "../../contracts/tables";
import { ensureTable } from "../../local/dynamo-tables";

export interface DynaliteHandle {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Table names by descriptor purpose (`users` → `test-users-<n>`). */
  readonly tableNames: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

let counter = 0;

/**
 * Starts an in-memory dynalite (a real DynamoDB-protocol server) on a free
 * loopback port and creates the system's tables from the shared contract.
 */
export async function startDynalite(tables: readonly TableDescriptor[] = ALL_TABLES): Promise<DynaliteHandle> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "ap-northeast-2",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  counter += 1;
  const tableNames: Record<string, string> = {};
  for (const table of tables) {
    tableNames[table.purpose] = `test-${table.purpose}-${counter}`;
    await ensureTable(client, table, tableNames[table.purpose]!);
  }
  return {
    endpoint,
    client,
    tableNames,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
