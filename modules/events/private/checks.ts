/** Throws unless `value` is a whole number in `range`, naming the construct path, the prop and the fix. */
export function checkRange(path: string, prop: string, value: number, range: { readonly min: number; readonly max: number }): void {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new Error(`${path}: ${prop} ${value} is out of range; use a whole number from ${range.min} to ${range.max}`);
  }
}
