/** The value at `fraction` (0.5 = p50, 0.99 = p99) of ascending latencies; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}
