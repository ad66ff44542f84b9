import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { TerraformStack } from "cdktf";
import {
  TASK_EVENTS_TABLE,
  USERS_TABLE,
  taskEventAt,
  type TaskEventsKey,
  type UsersKey,
} from "../../contracts/tables";
import { Table } from "../../modules/dynamodb";
import { ServiceRole } from "../../modules/iam-role";
import { EncryptionKey } from "../../modules/kms";
import { TaskboardTables } from "../../modules/tables";
import { synth, testStack, type Synthesized } from "../support/synth";

type Json = Record<string, unknown>;

/** The single table's logical id and body. */
function onlyTable(out: Synthesized): [string, Json] {
  const entries = Object.entries(out.resources("aws_dynamodb_table"));
  if (entries.length !== 1) throw new Error(`expected one table, found ${entries.length}`);
  return entries[0] as [string, Json];
}

function onlyKeyId(out: Synthesized): string {
  const ids = Object.keys(out.resources("aws_kms_key"));
  if (ids.length !== 1) throw new Error(`expected one key, found ${ids.length}`);
  return ids[0] as string;
}

/** A role's grant statements in sid order (documents synthesize in logical-id order). */
function grantStatements(out: Synthesized): Json[] {
  return out.policyStatements("reader/grant-").sort((a, b) => String(a.sid).localeCompare(String(b.sid)));
}

function reader(stack: TerraformStack): ServiceRole {
  return new ServiceRole(stack, "reader", { purpose: "reader", assumedBy: ["lambda.amazonaws.com"] });
}

describe("Table", () => {
  it("is on-demand, standard class, named by the platform, with point-in-time recovery on", () => {
    const stack = testStack();
    new Table(stack, "users", USERS_TABLE);
    const [, table] = onlyTable(synth(stack));
    expect(table).toMatchObject({
      name: "taskboard-test-users",
      billing_mode: "PAY_PER_REQUEST",
      table_class: "STANDARD",
      point_in_time_recovery: { enabled: true },
    });
    expect(table.read_capacity).toBeUndefined();
    expect(table.write_capacity).toBeUndefined();
  });

  it("encrypts with a customer managed, yearly rotated key of its own", () => {
    const stack = testStack();
    const table = new Table(stack, "users", USERS_TABLE);
    const out = synth(stack);
    const keyId = onlyKeyId(out);
    expect(onlyTable(out)[1].server_side_encryption).toEqual({
      enabled: true,
      kms_key_arn: `\${aws_kms_key.${keyId}.arn}`,
    });
    expect(out.resource("aws_kms_key")).toMatchObject({
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
    });
    expect(out.resource("aws_kms_alias").name).toBe("alias/taskboard-test-users-table");
    expect(table.encryptionKey.node.path).toBe("test/users/key");
  });

  it("uses a given key instead of creating one", () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, "shared-key", { purpose: "tables" });
    const table = new Table(stack, "users", { ...USERS_TABLE, encryptionKey: key });
    const out = synth(stack);
    const keyId = onlyKeyId(out);
    expect(keyId).toMatch(/^shared-key_/);
    expect(table.encryptionKey).toBe(key);
    expect(onlyTable(out)[1].server_side_encryption).toEqual({ enabled: true, kms_key_arn: `\${aws_kms_key.${keyId}.arn}` });
  });

  it("turns deletion protection on by default and off only when asked", () => {
    const byDefault = testStack();
    new Table(byDefault, "users", USERS_TABLE);
    expect(onlyTable(synth(byDefault))[1].deletion_protection_enabled).toBe(true);

    const optedOut = testStack();
    new Table(optedOut, "users", { ...USERS_TABLE, deletionProtection: false });
    expect(onlyTable(synth(optedOut))[1].deletion_protection_enabled).toBe(false);
  });

  it("sets a TTL only when configured", () => {
    const without = testStack();
    new Table(without, "users", USERS_TABLE);
    expect(onlyTable(synth(without))[1].ttl).toBeUndefined();

    const withTtl = testStack();
    new Table(withTtl, "sessions", {
      purpose: "sessions",
      partitionKey: { name: "sessionId", type: "S" },
      ttlAttribute: "expiresAt",
    });
    const [, table] = onlyTable(synth(withTtl));
    expect(table.ttl).toEqual({ attribute_name: "expiresAt", enabled: true });
    // The TTL attribute is not a key, so it is not declared.
    expect(table.attribute).toEqual([{ name: "sessionId", type: "S" }]);
  });

  it("has no stream unless asked, and exposes the stream ARN when it has one", () => {
    const stack = testStack();
    const users = new Table(stack, "users", USERS_TABLE);
    const [, table] = onlyTable(synth(stack));
    expect(table.stream_enabled).toBeUndefined();
    expect(table.stream_view_type).toBeUndefined();
    expect(users.streamArn).toBeUndefined();

    const events = new Table(testStack(), "task-events", TASK_EVENTS_TABLE);
    expect(events.streamArn).toEqual(expect.any(String));
  });

  it("grants read on the table ARN and decrypt on its key only through DynamoDB, nothing else", () => {
    const stack = testStack();
    const table = new Table(stack, "users", USERS_TABLE);
    table.grantReadData(reader(stack), "ReadUsers");
    const out = synth(stack);
    const [tableId] = onlyTable(out);
    const keyId = onlyKeyId(out);
    expect(grantStatements(out)).toEqual([
      {
        sid: "ReadUsers",
        effect: "Allow",
        actions: [
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:Query",
          "dynamodb:Scan",
          "dynamodb:ConditionCheckItem",
          "dynamodb:DescribeTable",
        ],
        resources: [`\${aws_dynamodb_table.${tableId}.arn}`],
      },
      {
        sid: "ReadUsersKey",
        effect: "Allow",
        actions: ["kms:Decrypt", "kms:DescribeKey"],
        resources: [`\${aws_kms_key.${keyId}.arn}`],
        condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["dynamodb.ap-northeast-2.amazonaws.com"] }],
      },
    ]);
  });

  it("grants write without any read action, and encrypt/decrypt on its key", () => {
    const stack = testStack();
    const table = new Table(stack, "users", USERS_TABLE);
    table.grantWriteData(reader(stack), "WriteUsers");
    const out = synth(stack);
    const [tableId] = onlyTable(out);
    const keyId = onlyKeyId(out);
    expect(grantStatements(out)).toEqual([
      {
        sid: "WriteUsers",
        effect: "Allow",
        actions: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"],
        resources: [`\${aws_dynamodb_table.${tableId}.arn}`],
      },
      {
        sid: "WriteUsersKey",
        effect: "Allow",
        actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        resources: [`\${aws_kms_key.${keyId}.arn}`],
        condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["dynamodb.ap-northeast-2.amazonaws.com"] }],
      },
    ]);
  });

  it("grants read and write in one statement scoped to the table", () => {
    const stack = testStack();
    const table = new Table(stack, "users", USERS_TABLE);
    table.grantReadWriteData(reader(stack), "Users");
    const out = synth(stack);
    const [tableId] = onlyTable(out);
    const statements = grantStatements(out);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toEqual({
      sid: "Users",
      effect: "Allow",
      actions: [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DescribeTable",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
      ],
      resources: [`\${aws_dynamodb_table.${tableId}.arn}`],
    });
    expect(statements[1]).toMatchObject({ sid: "UsersKey", actions: expect.arrayContaining(["kms:GenerateDataKey*"]) });
  });

  it("grants exactly the named operations, with encrypt/decrypt on the key when one writes", () => {
    const stack = testStack();
    const table = new Table(stack, "users", USERS_TABLE);
    table.grantDataOperations(reader(stack), "Users", ["GetItem", "PutItem"]);
    const out = synth(stack);
    const [tableId] = onlyTable(out);
    const keyId = onlyKeyId(out);
    expect(grantStatements(out)).toEqual([
      { sid: "Users", effect: "Allow", actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: [`\${aws_dynamodb_table.${tableId}.arn}`] },
      {
        sid: "UsersKey",
        effect: "Allow",
        actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        resources: [`\${aws_kms_key.${keyId}.arn}`],
        condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["dynamodb.ap-northeast-2.amazonaws.com"] }],
      },
    ]);
  });

  it("grants only decrypt on the key when the named operations only read", () => {
    const stack = testStack();
    const table = new Table(stack, "task-events", TASK_EVENTS_TABLE);
    table.grantDataOperations(reader(stack), "TaskEvents", ["Query"]);
    const statements = grantStatements(synth(stack));
    expect(statements.map((statement) => [statement.sid, statement.actions])).toEqual([
      ["TaskEvents", ["dynamodb:Query"]],
      ["TaskEventsKey", ["kms:Decrypt", "kms:DescribeKey"]],
    ]);
  });

  it("throws when no operation is named", () => {
    const stack = testStack();
    const table = new Table(stack, "users", USERS_TABLE);
    expect(() => table.grantDataOperations(reader(stack), "Users", [])).toThrow(
      /test\/users: grantDataOperations\("Users"\) lists no operation; name the ones the grantee's code calls, from GetItem, /,
    );
  });

  it("throws when an operation is named twice", () => {
    const stack = testStack();
    const table = new Table(stack, "users", USERS_TABLE);
    expect(() => table.grantDataOperations(reader(stack), "Users", ["PutItem", "PutItem"])).toThrow(
      /test\/users: grantDataOperations\("Users"\) lists PutItem twice; list each operation once/,
    );
  });

  it("grants stream read on the stream ARN, ListStreams on * (no resource-level support), decrypt on the key", () => {
    const stack = testStack();
    const table = new Table(stack, "task-events", TASK_EVENTS_TABLE);
    table.grantStreamRead(reader(stack), "TaskEventsStream");
    const out = synth(stack);
    const [tableId] = onlyTable(out);
    const keyId = onlyKeyId(out);
    expect(grantStatements(out)).toEqual([
      {
        sid: "TaskEventsStream",
        effect: "Allow",
        actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        resources: [`\${aws_dynamodb_table.${tableId}.stream_arn}`],
      },
      {
        sid: "TaskEventsStreamKey",
        effect: "Allow",
        actions: ["kms:Decrypt", "kms:DescribeKey"],
        resources: [`\${aws_kms_key.${keyId}.arn}`],
        condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["dynamodb.ap-northeast-2.amazonaws.com"] }],
      },
      { sid: "TaskEventsStreamList", effect: "Allow", actions: ["dynamodb:ListStreams"], resources: ["*"] },
    ]);
  });

  it("throws when stream read is granted on a table without a stream", () => {
    const stack = testStack();
    const table = new Table(stack, "users", USERS_TABLE);
    expect(() => table.grantStreamRead(reader(stack), "UsersStream")).toThrow(
      /test\/users: grantStreamRead\("UsersStream"\) needs a stream/,
    );
  });

  it("throws when the purpose is empty", () => {
    expect(() => new Table(testStack(), "t", { ...USERS_TABLE, purpose: " " })).toThrow(
      /test\/t: purpose " " must contain a letter or digit/,
    );
  });

  it("throws when the partition key name is empty", () => {
    expect(() => new Table(testStack(), "t", { purpose: "t", partitionKey: { name: "", type: "S" } })).toThrow(
      /test\/t: partitionKey name "" must be 1 to 255 characters/,
    );
  });

  it("throws when the sort key name is too long", () => {
    const name = "k".repeat(256);
    expect(
      () => new Table(testStack(), "t", { purpose: "t", partitionKey: { name: "id", type: "S" }, sortKey: { name, type: "S" } }),
    ).toThrow(/test\/t: sortKey name "k+" must be 1 to 255 characters/);
  });

  it("throws when the sort key has the partition key's name", () => {
    expect(
      () =>
        new Table(testStack(), "t", {
          purpose: "t",
          partitionKey: { name: "taskId", type: "S" },
          sortKey: { name: "taskId", type: "N" },
        }),
    ).toThrow(/test\/t: sortKey "taskId" is the partition key's name; use a different attribute/);
  });

  it("throws when the TTL attribute name is empty", () => {
    expect(() => new Table(testStack(), "t", { ...USERS_TABLE, ttlAttribute: "" })).toThrow(
      /test\/t: ttlAttribute "" must be 1 to 255 characters/,
    );
  });

  it("throws when the TTL attribute is a key attribute", () => {
    expect(() => new Table(testStack(), "t", { ...USERS_TABLE, ttlAttribute: "email" })).toThrow(
      /test\/t: ttlAttribute "email" is a key attribute; use a separate Number attribute/,
    );
    expect(() => new Table(testStack(), "t", { ...TASK_EVENTS_TABLE, ttlAttribute: "at" })).toThrow(
      /ttlAttribute "at" is a key attribute/,
    );
  });
});

describe("TaskboardTables", () => {
  function tables(props?: { deletionProtection?: boolean }): { out: Synthesized; tables: TaskboardTables } {
    const stack = testStack();
    const created = new TaskboardTables(stack, "tables", props);
    return { out: synth(stack), tables: created };
  }

  function tableNamed(out: Synthesized, name: string): Json {
    const found = Object.values(out.resources("aws_dynamodb_table")).find((t) => t.name === name);
    if (!found) throw new Error(`no table named ${name}`);
    return found;
  }

  it("keys users by email alone, a string, with no password attribute in any key", () => {
    const { out } = tables();
    const users = tableNamed(out, "taskboard-test-users");
    expect(users.hash_key).toBe("email");
    expect(users.range_key).toBeUndefined();
    expect(users.attribute).toEqual([{ name: "email", type: "S" }]);
    expect(users.stream_enabled).toBeUndefined();
    expect(users.ttl).toBeUndefined();
    for (const table of Object.values(out.resources("aws_dynamodb_table"))) {
      const keyNames = [table.hash_key, table.range_key, ...(table.attribute as { name: string }[]).map((a) => a.name)];
      expect(keyNames.filter((name) => typeof name === "string" && /pass|pwd|secret|hash/i.test(name))).toEqual([]);
    }
  });

  it("keys task events by taskId and at, and streams new images", () => {
    const { out } = tables();
    const events = tableNamed(out, "taskboard-test-task-events");
    expect(events).toMatchObject({
      hash_key: "taskId",
      range_key: "at",
      attribute: [
        { name: "taskId", type: "S" },
        { name: "at", type: "S" },
      ],
      stream_enabled: true,
      stream_view_type: "NEW_IMAGE",
    });
    expect(events.ttl).toBeUndefined();
  });

  it("gives credentials and the task log separate keys, and every table the platform floor", () => {
    const { out } = tables();
    const keyIds = Object.keys(out.resources("aws_kms_key"));
    expect(keyIds).toHaveLength(2);
    const keyOf = (name: string) => (tableNamed(out, name).server_side_encryption as { kms_key_arn: string }).kms_key_arn;
    const usersKey = keyOf("taskboard-test-users");
    const eventsKey = keyOf("taskboard-test-task-events");
    expect(usersKey).not.toBe(eventsKey);
    expect([usersKey, eventsKey].sort()).toEqual(keyIds.map((id) => `\${aws_kms_key.${id}.arn}`).sort());
    expect(keyOf("taskboard-test-login-attempts")).toBe(usersKey);
    expect(keyOf("taskboard-test-notifications-sent")).toBe(eventsKey);
    for (const table of Object.values(out.resources("aws_dynamodb_table"))) {
      expect(table).toMatchObject({
        billing_mode: "PAY_PER_REQUEST",
        point_in_time_recovery: { enabled: true },
        deletion_protection_enabled: true,
      });
    }
  });

  it("passes deletion protection from the environment", () => {
    const { out } = tables({ deletionProtection: false });
    for (const table of Object.values(out.resources("aws_dynamodb_table"))) {
      expect(table.deletion_protection_enabled).toBe(false);
    }
  });

  it("keeps stable construct paths for the stateful tables", () => {
    const { tables: created } = tables();
    expect(created.users.table.node.path).toBe("test/tables/users/table");
    expect(created.taskEvents.table.node.path).toBe("test/tables/task-events/table");
    expect(created.loginAttempts.table.node.path).toBe("test/tables/login-attempts/table");
    expect(created.notificationsSent.table.node.path).toBe("test/tables/notifications-sent/table");
  });

  it("expires login attempts and notification records by TTL", () => {
    const { out } = tables();
    for (const name of ["taskboard-test-login-attempts", "taskboard-test-notifications-sent"]) {
      expect(tableNamed(out, name).ttl).toEqual({ attribute_name: "expiresAt", enabled: true });
    }
  });
});

describe("contracts/tables", () => {
  it("imports nothing from cdktf, constructs or modules", () => {
    const source = readFileSync(fileURLToPath(new URL("../../contracts/tables.ts", import.meta.url)), "utf8");
    const specifiers = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map(
      (match) => match[1],
    );
    expect(specifiers.filter((s) => /^(cdktf|constructs|@cdktf\/)|(^|\/)modules(\/|$)/.test(s ?? ""))).toEqual([]);
    // Plain data and types: today the contract imports nothing at all.
    expect(specifiers).toEqual([]);
  });

  it("derives the key types from the descriptors", () => {
    expectTypeOf<UsersKey>().toEqualTypeOf<{ readonly email: string }>();
    expectTypeOf<TaskEventsKey>().toEqualTypeOf<{ readonly taskId: string; readonly at: string }>();
    const key: UsersKey = { [USERS_TABLE.partitionKey.name]: "ada@example.com" };
    expect(key).toEqual({ email: "ada@example.com" });
  });

  it("builds task event sort keys that sort by time and never collide within a millisecond", () => {
    const time = new Date("2026-11-21T10:00:00.000Z");
    const first = taskEventAt(time, "01JD3K7Q8X");
    const second = taskEventAt(time, "01JD3K7Q8Y");
    const later = taskEventAt(new Date("2026-11-21T10:00:00.001Z"), "00000000");
    expect(first).toBe("2026-11-21T10:00:00.000Z#01JD3K7Q8X");
    expect(first).not.toBe(second);
    expect([later, second, first].sort()).toEqual([first, second, later]);
  });

  it("throws when a task event id is empty or contains the separator", () => {
    const time = new Date(0);
    expect(() => taskEventAt(time, "")).toThrow(/must be non-empty/);
    expect(() => taskEventAt(time, "a#b")).toThrow(/must not contain "#"/);
  });
});
