/** Opinionated defaults of `EcsService`, as data, so a reviewer reads them in one place. */

export const SERVICE_DEFAULTS = {
  containerName: "app",
  /** The `node` user of the official Node.js images. */
  user: "1000:1000",
  healthCheckPath: "/health",
  /** Seconds the ALB's failing health checks are ignored after a task starts. */
  healthCheckGracePeriodSeconds: 60,
  /** Seconds between SIGTERM and SIGKILL: time to finish in-flight requests. */
  stopTimeoutSeconds: 30,
  tmpfsSizeMiB: 64,
  targetCpuPercent: 60,
  /** Scale out fast, scale in slowly, so a short lull does not drop capacity a burst needs again. */
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 300,
} as const;

/** The container health check's timing (ECS limits: interval 5-300 s, timeout 2-60 s, retries 1-10, start period 0-300 s). */
export const CONTAINER_HEALTH_CHECK = {
  intervalSeconds: 30,
  timeoutSeconds: 5,
  retries: 3,
  startPeriodSeconds: 30,
} as const;

/**
 * Task memory (MiB) allowed for each task CPU value. These are the Fargate
 * combinations: EC2 accepts more, but holding to them keeps the memory:CPU
 * ratio sane for the instance types and a later move to Fargate trivial.
 */
export const TASK_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}
