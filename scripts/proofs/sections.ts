/**
 * The proofs as `npm run check` sections (scripts/check.ts): least privilege
 * and network reachability over every synthesized environment stack.
 * Bootstrap stacks hold no workloads and no network, so they are skipped.
 */
import type { CheckContext, CheckSection } from "../lib/check-section";
import { buildContainerBundles } from "./bundles";
import { formatLeastPrivilege, proveStack, type StackProofs } from "./index";
import { formatReachability } from "./reachability";
import { loadStack } from "./stack";

const proofsByContext = new WeakMap<CheckContext, Promise<StackProofs[]>>();

/** Both proofs for every environment stack, computed once per check run (the tasks-api bundle is built once). */
function proofsFor(context: CheckContext): Promise<StackProofs[]> {
  let proofs = proofsByContext.get(context);
  if (!proofs) {
    proofs = (async () => {
      const containers = await buildContainerBundles();
      try {
        return context.stacks
          .filter((stack) => stack.kind === "environment")
          .map((stack) => proveStack(loadStack(stack.directory, stack.name), { containerBundles: containers.bundles }));
      } finally {
        containers.dispose();
      }
    })();
    proofsByContext.set(context, proofs);
  }
  return proofs;
}

export const leastPrivilegeSection: CheckSection = {
  title: "Least privilege, proven (scripts/proofs): each Lambda and ECS role against its shipped code",
  async run(context) {
    const proofs = await proofsFor(context);
    return {
      ok: proofs.every((proof) => proof.leastPrivilege.findings.length === 0),
      lines: proofs.flatMap((proof) => [...formatLeastPrivilege(proof.leastPrivilege), ""]),
    };
  },
};

export const reachabilitySection: CheckSection = {
  title: "Network reachability, proven (scripts/proofs): who can reach what",
  async run(context) {
    const proofs = await proofsFor(context);
    return {
      ok: proofs.every((proof) => proof.reachability.findings.length === 0),
      lines: proofs.flatMap((proof) => [...formatReachability(proof.reachability), ""]),
    };
  },
};
