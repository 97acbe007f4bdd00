import { readFileSync } from 'node:fs';
import type { AppName } from '../stack/stack';
import { stack } from './api';

/** One line an app wrote: its JSON fields, or only `raw` when it is not JSON (a crash's stack). */
export interface LogLine {
  raw: string;
  fields?: Record<string, unknown>;
}

/**
 * The lines of the app's log file (stdout and stderr) that contain `needle`. The file is
 * appended to across runs and restarts, so callers look for something unique: an id.
 */
export function logLinesWith(app: AppName, needle: string): LogLine[] {
  const { logFile } = stack.state.apps[app];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((raw) => raw.includes(needle))
    .map((raw) => {
      try {
        return { raw, fields: JSON.parse(raw) as Record<string, unknown> };
      } catch {
        return { raw };
      }
    });
}
