/**
 * The `users` table (USERS_TABLE): one item per account, keyed by the
 * normalised (lower-case) email. `passwordHash` is read only for sign-in.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { ROLES, type Role, type User } from "../../contracts/api";
import { USERS_TABLE, type UsersKey } from "../../contracts/tables";

const EMAIL = USERS_TABLE.partitionKey.name;

/** A user as stored, hash included: never put this in a response or a log. */
export interface StoredUser extends User {
  readonly passwordHash: string;
}

const storedUserSchema = z.object({
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  passwordHash: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const userSchema = storedUserSchema.omit({ passwordHash: true });

export interface UserChanges {
  readonly name?: string;
  readonly role?: Role;
  readonly passwordHash?: string;
}

export interface UsersStore {
  get(email: string): Promise<StoredUser | undefined>;
  /** Every user without the hash, sorted by email. */
  list(): Promise<User[]>;
  /** False when the email is already taken. */
  create(user: StoredUser): Promise<boolean>;
  /** The updated user, or undefined when there is no such user. */
  update(email: string, changes: UserChanges, updatedAt: string): Promise<StoredUser | undefined>;
  /** False when there was no such user. */
  remove(email: string): Promise<boolean>;
}

/** The public part of a stored user, copied field by field so nothing else can leak. */
export function publicUser(user: User): User {
  return { email: user.email, name: user.name, role: user.role, createdAt: user.createdAt, updatedAt: user.updatedAt };
}

export function dynamoUsersStore(client: DynamoDBDocumentClient, tableName: string): UsersStore {
  const key = (email: string): UsersKey => ({ email });
  return {
    async get(email) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key(email), ConsistentRead: true }));
      return Item === undefined ? undefined : storedUserSchema.parse(Item);
    },

    async list() {
      const users: User[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            // The hash is not even read for a listing.
            ProjectionExpression: "#email, #name, #role, createdAt, updatedAt",
            ExpressionAttributeNames: { "#email": EMAIL, "#name": "name", "#role": "role" },
            ExclusiveStartKey: startKey,
          }),
        );
        users.push(...(page.Items ?? []).map((item) => userSchema.parse(item)));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      return users.sort((a, b) => a.email.localeCompare(b.email));
    },

    async create(user) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...user },
            ConditionExpression: "attribute_not_exists(#email)",
            ExpressionAttributeNames: { "#email": EMAIL },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async update(email, changes, updatedAt) {
      const names: Record<string, string> = { "#email": EMAIL, "#updatedAt": "updatedAt" };
      const values: Record<string, unknown> = { ":updatedAt": updatedAt };
      const sets = ["#updatedAt = :updatedAt"];
      for (const field of ["name", "role", "passwordHash"] as const) {
        const value = changes[field];
        if (value === undefined) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(email),
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: "attribute_exists(#email)",
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
          }),
        );
        return storedUserSchema.parse(Attributes);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },

    async remove(email) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(email),
            ConditionExpression: "attribute_exists(#email)",
            ExpressionAttributeNames: { "#email": EMAIL },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
