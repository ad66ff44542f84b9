/**
 * The instance user data: a shell script that appends the ECS agent settings
 * to `/etc/ecs/ecs.config` before the agent starts. Returned base64-encoded,
 * as launch templates require.
 */
export function ecsUserData(clusterName: string): string {
  const settings = [
    `ECS_CLUSTER=${clusterName}`,
    // Tasks in awsvpc mode cannot reach the instance metadata service, so they
    // can never borrow the instance role's credentials.
    "ECS_AWSVPC_BLOCK_IMDS=true",
    // Tasks get credentials only from their own task role.
    "ECS_ENABLE_TASK_IAM_ROLE=true",
    // No task on these instances may run privileged, whatever its definition says.
    "ECS_DISABLE_PRIVILEGED=true",
  ];
  const script = [
    "#!/bin/bash",
    "set -euo pipefail",
    "cat >> /etc/ecs/ecs.config <<'EOF'",
    ...settings,
    "EOF",
    "",
  ].join("\n");
  return Buffer.from(script, "utf8").toString("base64");
}

/** Graviton instance families carry a `g` after the generation digit (`t4g`, `m7gd`, `c7gn`); `a1` is the first Graviton. */
export function isGravitonInstanceType(instanceType: string): boolean {
  const family = instanceType.split(".")[0] ?? "";
  return family === "a1" || /^[a-z]+\d+[a-z]*g[a-z]*$/.test(family);
}
