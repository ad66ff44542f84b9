/** Structured logs: one JSON object per line on stdout, which CloudWatch Logs stores as-is. */
export interface Logger {
  info(event: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(event: string, fields?: Readonly<Record<string, unknown>>): void;
  error(event: string, fields?: Readonly<Record<string, unknown>>): void;
}

type Level = "info" | "warn" | "error";

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, ...(value.cause === undefined ? {} : { cause: serialise(value.cause) }) };
  }
  return value;
}

/**
 * Callers pass only what is safe to keep: never tokens, passwords, hashes or
 * Authorization headers.
 */
export function createJsonLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  const emit = (level: Level, event: string, fields: Readonly<Record<string, unknown>> = {}) => {
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, event, service: "tasks-api" };
    for (const [key, value] of Object.entries(fields)) entry[key] = serialise(value);
    write(JSON.stringify(entry));
  };
  return {
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
  };
}

/** Discards everything; for tests that assert on behaviour, not on log lines. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
