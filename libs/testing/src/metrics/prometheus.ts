/**
 * Reading Prometheus text exposition in tests: the value of one metric, summed over every
 * series whose labels include `labels` (0 when there is none yet, as for a counter that has
 * not moved), so a test can compare a scrape before and after an action.
 */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const seriesLabels = parseLabels(match[2] ?? '');
    if (Object.entries(labels).every(([key, value]) => seriesLabels[key] === value)) total += Number(match[3]);
  }
  return total;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]] = match[2].replace(/\\(.)/g, '$1');
  return labels;
}

/** GET `url` (a `/metrics` endpoint) and return its body; throws unless it answers 200. */
export async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}
