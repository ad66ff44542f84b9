/**
 * A DNS host name as AWS services take it: lower-case labels of a-z, 0-9 and
 * inner hyphens, at least two of them (no bare TLD), at most 253 characters;
 * no scheme, port, path, trailing dot or wildcard.
 */
export function isHostName(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split(".");
  return labels.length >= 2 && labels.every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
}
