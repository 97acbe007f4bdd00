import { poissonSchedule, seededRandom } from './arrivals';

describe('seededRandom', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    for (const value of first) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});

describe('poissonSchedule', () => {
  it('replays the same schedule from the same seed', () => {
    expect(poissonSchedule(10, 5_000, seededRandom(7))).toEqual(
      poissonSchedule(10, 5_000, seededRandom(7)),
    );
  });

  it('is increasing and within the duration', () => {
    const offsets = poissonSchedule(20, 10_000, seededRandom(1));
    offsets.forEach((at, i) => {
      expect(at).toBeGreaterThan(i === 0 ? 0 : (offsets[i - 1] as number));
      expect(at).toBeLessThan(10_000);
    });
  });

  it('averages the offered rate over a long schedule, with exponential gaps', () => {
    const offsets = poissonSchedule(50, 200_000, seededRandom(123));
    // 10,000 arrivals expected; a Poisson count's standard deviation is 100.
    expect(offsets.length).toBeGreaterThan(9_600);
    expect(offsets.length).toBeLessThan(10_400);
    const gaps = offsets.map((at, i) => at - (i === 0 ? 0 : (offsets[i - 1] as number)));
    // An exponential's median is ln 2 × its mean (20 ms): a fixed interval would give 20.
    const sorted = [...gaps].sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    expect(median).toBeGreaterThan(12.5);
    expect(median).toBeLessThan(15.2);
  });

  it('maps uniform draws to gaps by inversion', () => {
    const draws = [0.5, 0.5, 0.99];
    let i = 0;
    const offsets = poissonSchedule(1, 3_000, () => draws[i++] as number);
    expect(offsets).toHaveLength(2);
    expect(offsets[0]).toBeCloseTo(1000 * Math.LN2, 6);
    expect(offsets[1]).toBeCloseTo(2000 * Math.LN2, 6);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => poissonSchedule(0, 1_000, seededRandom(1))).toThrow(RangeError);
  });
});
