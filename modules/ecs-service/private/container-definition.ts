/**
 * The subset of the ECS `ContainerDefinition` API shape this module writes,
 * typed so the task definition's JSON is checked by the compiler instead of
 * being a hand-written string.
 */
export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly user: string;
  readonly readonlyRootFilesystem: boolean;
  readonly privileged: boolean;
  readonly portMappings: readonly PortMapping[];
  readonly environment?: readonly KeyValuePair[];
  readonly secrets?: readonly Secret[];
  readonly linuxParameters: LinuxParameters;
  readonly logConfiguration: LogConfiguration;
  readonly healthCheck: HealthCheck;
  readonly stopTimeout: number;
}

export interface PortMapping {
  readonly containerPort: number;
  readonly hostPort: number;
  readonly protocol: "tcp" | "udp";
}

export interface KeyValuePair {
  readonly name: string;
  readonly value: string;
}

export interface Secret {
  readonly name: string;
  /** A Secrets Manager ARN, optionally `<arn>:<json-key>::` (version stage and id left at their defaults). */
  readonly valueFrom: string;
}

export interface LinuxParameters {
  readonly initProcessEnabled: boolean;
  readonly capabilities: { readonly drop: readonly string[] };
  readonly tmpfs: readonly { readonly containerPath: string; readonly size: number; readonly mountOptions: readonly string[] }[];
}

export interface LogConfiguration {
  readonly logDriver: "awslogs";
  readonly options: Readonly<Record<string, string>>;
}

export interface HealthCheck {
  readonly command: readonly string[];
  readonly interval: number;
  readonly timeout: number;
  readonly retries: number;
  readonly startPeriod: number;
}

/**
 * A health check command for images that have Node.js but no curl or wget
 * (node:*-slim, distroless-like images): Node 18+ has a global `fetch`.
 * 127.0.0.1 rather than localhost, which Node may resolve to ::1 first while
 * the server listens on IPv4 only. The request aborts before ECS's own
 * timeout, so a hung server counts as a failure, not a timeout.
 */
export function nodeHealthCheckCommand(port: number, path: string, abortAfterMs: number): string[] {
  const url = JSON.stringify(`http://127.0.0.1:${port}${path}`);
  const script =
    `fetch(${url},{signal:AbortSignal.timeout(${abortAfterMs})})` +
    ".then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";
  return ["CMD", "node", "-e", script];
}
