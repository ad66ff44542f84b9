import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { TASK_EVENTS_TABLE } from "../../contracts/tables";
import { startDynalite, type DynaliteHandle } from "./dynalite";

describe("dynalite test server", () => {
  let dynamo: DynaliteHandle;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(() => dynamo.stop());

  it("creates every table of the contract with its key schema and stream", async () => {
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: dynamo.tableNames["task-events"] }));
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.KeySchema).toEqual([
      { AttributeName: TASK_EVENTS_TABLE.partitionKey.name, KeyType: "HASH" },
      { AttributeName: TASK_EVENTS_TABLE.sortKey.name, KeyType: "RANGE" },
    ]);
    expect(Object.keys(dynamo.tableNames).sort()).toEqual(["login-attempts", "notifications-sent", "task-events", "users"]);
  });
});
