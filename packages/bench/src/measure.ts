/** Timing and data helpers shared by the benchmarks. */

/** Wall time of `fn` in ms. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/**
 * The order of `names` in round `round`: it rotates each round and is reversed every other full
 * rotation, so each side runs first (cold caches) and last (caches warmed by the others' same
 * queries) equally often. (Reversing on every odd round undid the rotation for two sides: the
 * first side always ran first and the other found its pages warm.)
 */
export function interleaveOrder(names: readonly string[], round: number): string[] {
  const order = names.map((_, i) => names[(i + round) % names.length]!);
  if (Math.floor(round / names.length) % 2 === 1) order.reverse();
  return order;
}

/** Runs `sides` in interleaved rounds ({@link interleaveOrder}), collecting each side's latencies. */
export async function interleave(
  rounds: number,
  sides: Record<string, () => Promise<number[]>>,
): Promise<Record<string, number[]>> {
  const names = Object.keys(sides);
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of interleaveOrder(names, r)) out[name]!.push(...(await sides[name]!()));
  }
  return out;
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Deterministic PRNG (mulberry32) with gaussian draws (Box-Muller). */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Unit vectors drawn around `centres` (picked pseudo-randomly) with gaussian `noise`. */
export function clusteredVectors(seed: number, centres: number[][], noise: number): () => number[] {
  const g = gaussian(seed);
  let pick = seed;
  return () => {
    pick = (pick * 1103515245 + 12345) >>> 0;
    const c = centres[(pick >>> 8) % centres.length]!;
    const v = c.map((x) => x + noise * g());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
}

/** `count` random gaussian centres of `dims` dimensions. */
export function gaussianCentres(seed: number, count: number, dims: number): number[][] {
  const g = gaussian(seed);
  return Array.from({ length: count }, () => Array.from({ length: dims }, () => g()));
}

/** pgvector's text form of a vector, six decimals. */
export const vectorLiteral = (v: readonly number[]) => `[${v.map((x) => x.toFixed(6)).join(',')}]`;
