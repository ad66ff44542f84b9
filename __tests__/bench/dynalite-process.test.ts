import { existsSync } from "node:fs";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { startDynaliteProcess } from "../../bench/tasks-api/dynalite-process";
import { TASK_EVENTS_TABLE } from "../../contracts/tables";

describe("startDynaliteProcess", () => {
  it("serves the tables from a process of its own and stops it", async () => {
    const dynalite = await startDynaliteProcess([TASK_EVENTS_TABLE]);
    const client = new DynamoDBClient({ endpoint: dynalite.endpoint, region: "ap-northeast-2", credentials: { accessKeyId: "t", secretAccessKey: "t" } });
    try {
      expect(dynalite.pid).not.toBe(process.pid);
      expect(existsSync(`/proc/${dynalite.pid}`)).toBe(true);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: dynalite.tableNames[TASK_EVENTS_TABLE.purpose] }));
      expect(Table?.KeySchema?.map((key) => key.AttributeName)).toEqual([TASK_EVENTS_TABLE.partitionKey.name, TASK_EVENTS_TABLE.sortKey?.name]);
    } finally {
      client.destroy();
      await dynalite.stop();
    }
    expect(existsSync(`/proc/${dynalite.pid}`)).toBe(false);
  });
});
