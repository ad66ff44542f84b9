import type { z } from "zod";
import { environments } from "./environments";
import { environmentSchema, ENVIRONMENT_NAMES, type EnvironmentConfig, type EnvironmentInput } from "./schema";

export * from "./schema";

/** The application's name: the first word of every physical resource name. */
export const APP_NAME = "taskboard";

/** Thrown when configuration is invalid; the message lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Validates one environment's configuration and applies defaults.
 *
 * @param source where the value came from, named in every error (`environments[0]`)
 */
export function parseEnvironment(input: unknown, source = "environment"): EnvironmentConfig {
  const result = environmentSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => describeIssue(issue, input, source)));
}

/**
 * Validates a set of environments: each one on its own, then the rules that
 * span them (unique names, non-overlapping address ranges).
 */
export function parseEnvironments(inputs: readonly unknown[]): EnvironmentConfig[] {
  const problems: string[] = [];
  const parsed: EnvironmentConfig[] = [];
  inputs.forEach((input, index) => {
    const source = `environments[${index}]`;
    try {
      parsed.push(parseEnvironment(input, source));
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);

  const seen = new Map<string, number>();
  parsed.forEach((env, index) => {
    const first = seen.get(env.name);
    if (first !== undefined) {
      problems.push(
        `environments[${index}].name: "${env.name}" is already used by environments[${first}]. Fix: give each environment its own name.`,
      );
    }
    seen.set(env.name, index);
  });
  return problems.length > 0 ? raise(problems) : parsed;
}

/**
 * The configured environments, validated; `TASKBOARD_ENVIRONMENTS` (a comma
 * list such as `dev,staging`) narrows which ones are synthesized.
 *
 * This is the one place configuration reads `process.env`.
 */
export function loadEnvironments(env: NodeJS.ProcessEnv = process.env): EnvironmentConfig[] {
  const all = parseEnvironments(environments);
  const selection = env.TASKBOARD_ENVIRONMENTS?.split(",").map((name) => name.trim()).filter(Boolean);
  if (!selection || selection.length === 0) return all;
  const unknown = selection.filter((name) => !all.some((e) => e.name === name));
  if (unknown.length > 0) {
    raise([
      `TASKBOARD_ENVIRONMENTS: ${JSON.stringify(unknown.join(","))} names no configured environment. Fix: use a comma list of ${ENVIRONMENT_NAMES.join(", ")}.`,
    ]);
  }
  return all.filter((e) => selection.includes(e.name));
}

export type { EnvironmentConfig, EnvironmentInput };

function raise(problems: string[]): never {
  throw new ConfigError(problems);
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown, source: string): string {
  const field = [source, ...issue.path.map(String)].join(".");
  if (issue.code === "unrecognized_keys") {
    return `${field}: unknown field(s) ${issue.keys.join(", ")}; remove them or check their spelling`;
  }
  const value = valueAt(input, issue.path);
  if (value === undefined) return `${field} is missing; add it (${issue.message.replace(/^Invalid input: /, "").replace(/, received undefined$/, "")})`;
  // Messages in the schema are written as the fix ("must be ..."), so value + message is the whole story.
  return `${field} = ${JSON.stringify(value)}: ${issue.message}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
