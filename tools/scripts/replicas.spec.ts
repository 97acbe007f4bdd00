import { replicasOption } from './replicas';

describe('replicasOption', () => {
  it('is 1 unless asked for more', () => {
    expect(replicasOption([], {})).toBe(1);
    expect(replicasOption([], { REPLICAS: '' })).toBe(1);
  });

  it('takes --replicas N, --replicas=N, or REPLICAS; the flag wins', () => {
    expect(replicasOption(['--replicas', '2'], {})).toBe(2);
    expect(replicasOption(['--replicas=3'], {})).toBe(3);
    expect(replicasOption([], { REPLICAS: '2' })).toBe(2);
    expect(replicasOption(['--replicas', '3'], { REPLICAS: '2' })).toBe(3);
  });

  it('refuses anything but 1 to 9, naming where it came from', () => {
    expect(() => replicasOption(['--replicas'], {})).toThrow('--replicas needs a number');
    expect(() => replicasOption(['--replicas', 'two'], {})).toThrow('--replicas must be a whole number from 1 to 9, got "two"');
    expect(() => replicasOption([], { REPLICAS: '0' })).toThrow('REPLICAS must be a whole number from 1 to 9, got "0"');
    expect(() => replicasOption([], { REPLICAS: '10' })).toThrow('REPLICAS must be');
  });
});
