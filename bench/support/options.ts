/** A benchmark's whole-number option, at least `min`; anything else stops it with exit code 2. */
export function integerOption(name: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) {
    console.error(`--${name} must be an integer of at least ${min}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}
