import { PROBE_PATHS } from './probes';

describe('PROBE_PATHS', () => {
  it.each(['/metrics', '/health/live', '/health/ready', '/health/ready?verbose=1'])('matches %s', (path) => {
    expect(path).toMatch(PROBE_PATHS);
  });

  it.each(['/api/v1/orders', '/metricsx', '/health', '/api/v1/health/live', '/health/live/x'])('does not match %s', (path) => {
    expect(path).not.toMatch(PROBE_PATHS);
  });
});
