/** The part of autocannon 9 (which ships no types) that http-load.ts uses. */
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      pipelining?: number;
      headers?: Record<string, string>;
    }

    interface Histogram {
      average: number;
      mean: number;
      p50: number;
      p90: number;
      p99: number;
      max: number;
    }

    interface Result {
      requests: Histogram & { total: number };
      /** Milliseconds, recorded with 1 ms resolution. */
      latency: Histogram;
      errors: number;
      timeouts: number;
      non2xx: number;
      duration: number;
    }
  }

  /** Runs the load and resolves with its result (the promise form: no callback). */
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}
