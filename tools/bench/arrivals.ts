/**
 * The open-model arrival process: when each order is sent, decided before the first one is.
 * Pure and seeded, so a schedule can be replayed and tested; the load generator only sleeps
 * until each offset and fires, it never waits for a response (saga-load.ts).
 */

/** A small, fast, seedable PRNG (mulberry32): uniform in [0, 1). Not for anything secret. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Arrival times (ms from the start) of a Poisson process at `ratePerSecond` over `durationMs`:
 * inter-arrival gaps are exponential with mean 1000 / rate, drawn by inversion from `random`.
 * Bursts and lulls are the point: a fixed interval would hide the queueing a real load causes.
 */
export function poissonSchedule(
  ratePerSecond: number,
  durationMs: number,
  random: () => number,
): number[] {
  if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive (got ${ratePerSecond})`);
  const meanGapMs = 1000 / ratePerSecond;
  const offsets: number[] = [];
  for (let at = 0; ; ) {
    // 1 - u is in (0, 1]: the log never sees zero.
    at += -Math.log(1 - random()) * meanGapMs;
    if (at >= durationMs) return offsets;
    offsets.push(at);
  }
}
