import { readBenchConfig, tunedSettings } from './config';

describe('tunedSettings', () => {
  it('names every platform setting the run changed, and nothing for the defaults', () => {
    expect(tunedSettings({})).toEqual([]);
    expect(
      tunedSettings({
        ORDER_BACKLOG_LIMIT: '25',
        OTEL_TRACES_SAMPLER: 'always_off',
        LOG_LEVEL: '',
        PATH: '/usr/bin',
        BENCH_QUICK: '1',
      }),
    ).toEqual(['ORDER_BACKLOG_LIMIT=25', 'OTEL_TRACES_SAMPLER=always_off']);
  });
});

describe('readBenchConfig', () => {
  it('names the variable that is not a number', () => {
    expect(() => readBenchConfig({ BENCH_RATE_SECONDS: 'soon' })).toThrow(/BENCH_RATE_SECONDS/);
  });

  it('starts one process of every app unless BENCH_REPLICAS says more, and refuses a non-count', () => {
    expect(readBenchConfig({}).replicas).toBe(1);
    expect(readBenchConfig({ BENCH_REPLICAS: '2' }).replicas).toBe(2);
    for (const raw of ['0', '1.5', 'two'])
      expect(() => readBenchConfig({ BENCH_REPLICAS: raw })).toThrow(/BENCH_REPLICAS/);
  });
});
