/**
 * Percentiles and summaries of latency samples. Pure: every figure the bench prints that comes
 * from samples goes through here, so the method is in one place.
 */

/** p50, p90, p99 and friends of a set of samples, in the samples' unit (ms in this bench). */
export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The nearest-rank percentile: the smallest sample such that at least `p` % of the samples are
 * at or below it. No interpolation, so every value printed was actually observed. NaN for no
 * samples (printed as "–"), never a made-up zero.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100 (got ${p})`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** The summary of `samples`; NaN fields when there are none. */
export function summarize(samples: readonly number[]): Summary {
  const sum = samples.reduce((total, value) => total + value, 0);
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    max: samples.length === 0 ? Number.NaN : Math.max(...samples),
    mean: samples.length === 0 ? Number.NaN : sum / samples.length,
  };
}
