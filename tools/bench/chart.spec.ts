import { renderLatencyChart } from './chart';

const points = [
  { rate: 2, p50: 90, p90: 120, p99: 180 },
  { rate: 10, p50: 150, p90: 400, p99: 900 },
  { rate: 20, p50: 25_000, p90: 30_000, p99: Number.NaN },
];

/** Balanced tags: every opened element is closed, in order (enough for the SVG we write). */
function isWellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const [, close, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name as string);
  }
  return stack.length === 0;
}

describe('renderLatencyChart', () => {
  const svg = renderLatencyChart({
    title: 'saga <latency> & rate',
    points,
    floorMs: 13.5,
    boundMs: 1000,
  });

  it('is one well-formed svg document with its text escaped', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(isWellFormed(svg)).toBe(true);
    expect(svg).toContain('saga &lt;latency&gt; &amp; rate');
    expect(svg).not.toContain('NaN');
  });

  it('has a series per percentile, with a point per finite value', () => {
    for (const key of ['p50', 'p90', 'p99']) expect(svg).toContain(`class="series-${key}"`);
    const p99 = /class="series-p99"[^>]*points="([^"]*)"/.exec(svg)?.[1] ?? '';
    expect(p99.split(' ')).toHaveLength(2);
    const p50 = /class="series-p50"[^>]*points="([^"]*)"/.exec(svg)?.[1] ?? '';
    expect(p50.split(' ')).toHaveLength(3);
  });

  it('draws the floor and the bound as labelled lines, and the offered rates on the x axis', () => {
    expect(svg).toContain('class="floor"');
    expect(svg).toContain('floor 13.5 ms');
    expect(svg).toContain('goal p99 1 s');
    for (const rate of ['>2<', '>10<', '>20<']) expect(svg).toContain(rate);
  });

  it('still draws axes when nothing was measured', () => {
    const empty = renderLatencyChart({ title: 'empty', points: [], floorMs: Number.NaN });
    expect(isWellFormed(empty)).toBe(true);
    expect(empty).not.toContain('NaN');
  });
});
