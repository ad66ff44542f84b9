import type { SynthResource } from "../rule";
import { block, blocks, type Json } from "./values";

/** The default cache behaviour and every ordered one, labelled for messages. */
export function cacheBehaviours(distribution: SynthResource): { label: string; behaviour: Json }[] {
  const found: { label: string; behaviour: Json }[] = [];
  const defaultBehaviour = block(distribution.attributes.default_cache_behavior);
  if (defaultBehaviour) found.push({ label: "default behaviour", behaviour: defaultBehaviour });
  for (const ordered of blocks(distribution.attributes.ordered_cache_behavior)) {
    found.push({ label: `behaviour ${String(ordered.path_pattern ?? "?")}`, behaviour: ordered });
  }
  return found;
}
