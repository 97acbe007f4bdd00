/**
 * The latency chart as a hand-written SVG: POST → terminal percentiles against offered rate, the
 * floor as a horizontal line. A few dozen elements do not need a plotting library or a browser.
 * The y axis is logarithmic: the floor (~10 ms) and a saturated p99 (tens of seconds) share it.
 */

export interface LatencyPoint {
  /** Offered orders per second. */
  rate: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface ChartInput {
  title: string;
  points: readonly LatencyPoint[];
  /** The critical-path floor in ms, drawn as a dashed line. */
  floorMs: number;
  /** A latency bound to draw too (the 1 s p99 goal). */
  boundMs?: number;
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { top: 48, right: 150, bottom: 52, left: 70 };
export const SERIES = [
  { key: 'p50', color: '#1f77b4' },
  { key: 'p90', color: '#ff7f0e' },
  { key: 'p99', color: '#d62728' },
] as const;

/** The SVG document for `input`; points with a non-finite value are left out of their series. */
export function renderLatencyChart(input: ChartInput): string {
  const finite = (value: number) => Number.isFinite(value) && value > 0;
  const values = [
    ...input.points.flatMap((point) => [point.p50, point.p90, point.p99]),
    input.floorMs,
    ...(input.boundMs ? [input.boundMs] : []),
  ].filter(finite);
  // Nothing measured still gets axes: 1 ms to 1 s.
  if (values.length === 0) values.push(1, 1000);
  const low = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const maxRate = Math.max(...input.points.map((point) => point.rate), 1);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (rate: number) => MARGIN.left + (rate / maxRate) * plotW;
  const y = (ms: number) =>
    MARGIN.top +
    plotH -
    ((Math.log10(ms) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * plotH;
  const fmt = (n: number) => n.toFixed(1);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(input.title)}</text>`,
  );
  // Grid and y ticks at 1, 2, 5 × each decade.
  for (let decade = low; decade <= high; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const ms = decade * step;
      if (ms > high) break;
      const at = fmt(y(ms));
      parts.push(
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${at}" y2="${at}" stroke="${step === 1 ? '#cccccc' : '#eeeeee'}"/>`,
        `<text x="${MARGIN.left - 6}" y="${at}" text-anchor="end" dominant-baseline="middle">${formatMs(ms)}</text>`,
      );
    }
  }
  for (const point of input.points) {
    parts.push(
      `<text x="${fmt(x(point.rate))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${point.rate}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">offered orders/s (Poisson arrivals)</text>`,
    `<text x="18" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 18 ${MARGIN.top + plotH / 2})">POST → CONFIRMED/CANCELLED (ms, log scale)</text>`,
  );
  const legendX = MARGIN.left + plotW + 16;
  const horizontal = (ms: number, color: string, label: string, row: number) => {
    if (!finite(ms)) return;
    parts.push(
      `<line class="${label.split(' ')[0]}" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${fmt(y(ms))}" y2="${fmt(y(ms))}" stroke="${color}" stroke-dasharray="6 4"/>`,
      `<line x1="${legendX}" x2="${legendX + 22}" y1="${MARGIN.top + row * 20}" y2="${MARGIN.top + row * 20}" stroke="${color}" stroke-dasharray="6 4"/>`,
      `<text x="${legendX + 28}" y="${MARGIN.top + row * 20}" dominant-baseline="middle">${escapeXml(label)}</text>`,
    );
  };
  SERIES.forEach(({ key, color }, row) => {
    const points = input.points.filter((point) => finite(point[key]));
    const coordinates = points.map((point) => `${fmt(x(point.rate))},${fmt(y(point[key]))}`);
    parts.push(
      `<polyline class="series-${key}" fill="none" stroke="${color}" stroke-width="2" points="${coordinates.join(' ')}"/>`,
      ...coordinates.map((xy) => {
        const [cx, cy] = xy.split(',');
        return `<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`;
      }),
      `<line x1="${legendX}" x2="${legendX + 22}" y1="${MARGIN.top + row * 20}" y2="${MARGIN.top + row * 20}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${legendX + 28}" y="${MARGIN.top + row * 20}" dominant-baseline="middle">${key}</text>`,
    );
  });
  horizontal(input.floorMs, '#2ca02c', `floor ${formatMs(input.floorMs)}`, 3);
  if (input.boundMs) horizontal(input.boundMs, '#7f7f7f', `goal p99 ${formatMs(input.boundMs)}`, 4);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function formatMs(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))} s`;
  return `${Number(ms.toPrecision(3))} ms`;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
