/**
 * Deterministic randomness, so that every store in a run (and every run with the same seed) gets
 * the same data and the same sequence of targets: differences in the figures are the stores', not
 * the dice's.
 */

/** A 32-bit hash of (seed, n): the n-th draw of a stream, without keeping state between draws. */
export function draw(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** An integer in [0, bound) for the n-th draw of the stream named by seed. */
export function pick(seed: number, n: number, bound: number): number {
  return draw(seed, n) % bound;
}

/** A stream seed derived from the run's seed and a name (e.g. "add/32"). */
export function streamSeed(seed: number, name: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < name.length; i++) h = draw(h, name.charCodeAt(i));
  return h;
}
