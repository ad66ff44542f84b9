import type { SynthResource } from "../rule";
import { isRecord, str, type Json } from "./values";

/** The container definitions of a task definition (a JSON string in Terraform), or undefined when they cannot be read. */
export function containerDefinitions(taskDefinition: SynthResource): Json[] | undefined {
  const text = str(taskDefinition.attributes.container_definitions);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every(isRecord) ? parsed.filter(isRecord) : undefined;
  } catch {
    return undefined;
  }
}
