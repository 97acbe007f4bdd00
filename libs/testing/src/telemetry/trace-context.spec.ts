import { continuedTrace } from './trace-context';

const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('continuedTrace', () => {
  it('matches the same trace with another span', () => {
    expect('00-4bf92f3577b34da6a3ce929d0e0e4736-41786c6bd9bb162a-01').toMatch(continuedTrace(PARENT));
  });

  it.each([
    ['the parent itself', PARENT],
    ['another trace', '00-5bf92f3577b34da6a3ce929d0e0e4736-41786c6bd9bb162a-01'],
    ['no trace', ''],
  ])('does not match %s', (_what, value) => {
    expect(value).not.toMatch(continuedTrace(PARENT));
  });

  it('refuses a malformed parent', () => {
    expect(() => continuedTrace('00-trace-span-01')).toThrow('not a W3C traceparent');
  });
});
