/**
 * `npm run dlq`: the pure parts (arguments, requests, tables), so they are tested without a
 * gateway. cli.ts runs them against one.
 */
import { parseArgs } from 'node:util';
import Table from 'cli-table3';

export const USAGE = `npm run dlq -- <command>

  list [--service s] [--topic t] [--status WAITING|REPLAYED|DISCARDED] [--page n] [--limit n]
  show <id>
  replay <id>
  replay --all [--service s] [--topic t]
  discard <id> --reason "..."

Talks to the gateway's admin routes (/api/v1/admin/dead-letters) as an admin:
GATEWAY_URL (default http://127.0.0.1:3000), ADMIN_EMAIL, ADMIN_PASSWORD (default: the local
stack's admin). Ids look like payment.<uuid>: the service, then the dead letter's id there.`;

export interface Settings {
  gatewayUrl: string;
  email: string;
  password: string;
}

/** The local stack's defaults (npm run start:local, .env.example). */
export function settingsFrom(env: NodeJS.ProcessEnv): Settings {
  return {
    gatewayUrl: (env['GATEWAY_URL'] || 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    email: env['ADMIN_EMAIL'] || 'admin@example.com',
    password: env['ADMIN_PASSWORD'] || 'dev-only-admin-password',
  };
}

/** One call to the gateway: method, path (with its query) and JSON body. */
export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, string>;
}

export type Command =
  | { kind: 'list'; request: ApiRequest }
  | { kind: 'show'; request: ApiRequest }
  | { kind: 'one'; request: ApiRequest }
  | { kind: 'all'; request: ApiRequest };

export class UsageError extends Error {}

const ROUTE = '/api/v1/admin/dead-letters';

/** The command line, as the gateway call it makes; a `UsageError` saying what is wrong otherwise. */
export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        service: { type: 'string' },
        topic: { type: 'string' },
        status: { type: 'string' },
        page: { type: 'string' },
        limit: { type: 'string' },
        all: { type: 'boolean' },
        reason: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const path = (suffix = '') => `${ROUTE}${suffix}`;
  const needId = () => {
    if (!id) throw new UsageError(`${command} needs a dead letter id, e.g. payment.0193a4c2-…`);
    return encodeURIComponent(id);
  };
  switch (command) {
    case 'list': {
      if (id) throw new UsageError(`list takes no id (did you mean show ${id}?)`);
      const query = new URLSearchParams();
      for (const name of ['service', 'topic', 'status', 'page', 'limit'] as const) {
        const value = values[name];
        if (value) query.set(name, value);
      }
      const search = query.size > 0 ? `?${query}` : '';
      return { kind: 'list', request: { method: 'GET', path: path(search) } };
    }
    case 'show':
      return { kind: 'show', request: { method: 'GET', path: path(`/${needId()}`) } };
    case 'replay': {
      if (values.all) {
        if (id) throw new UsageError('replay takes an id or --all, not both');
        const body: Record<string, string> = {};
        if (values.service) body['service'] = values.service;
        if (values.topic) body['topic'] = values.topic;
        return { kind: 'all', request: { method: 'POST', path: path('/replay'), body } };
      }
      return { kind: 'one', request: { method: 'POST', path: path(`/${needId()}/replay`) } };
    }
    case 'discard': {
      const target = needId();
      if (!values.reason?.trim())
        throw new UsageError('discard needs --reason "why it must never be replayed"');
      return {
        kind: 'one',
        request: {
          method: 'POST',
          path: path(`/${target}/discard`),
          body: { reason: values.reason },
        },
      };
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

/** A dead letter as the gateway answers it (the fields printed). */
export interface DeadLetter {
  id: string;
  service: string;
  topic: string;
  eventType?: string;
  status: string;
  failedAt: string;
  error: string;
  replays: number;
  replayedBy?: string;
  replayOutcome?: string;
  discardReason?: string;
  [field: string]: unknown;
}

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** The list as a table, one dead letter a row, and a line saying which page of how many. */
export function listTable(page: {
  data: DeadLetter[];
  pagination: { page: number; pages: number; total: number };
}): string {
  const table = new Table({
    head: ['id', 'topic', 'type', 'status', 'failed at', 'replays', 'error'],
    style: { head: [], border: [] },
  });
  for (const letter of page.data) {
    table.push([
      letter.id,
      letter.topic,
      (letter.eventType ?? '').replace(/^.*\./, ''),
      letter.replayOutcome ? `${letter.status} (${letter.replayOutcome})` : letter.status,
      letter.failedAt,
      String(letter.replays),
      clip(letter.error, 60),
    ]);
  }
  const { page: current, pages, total } = page.pagination;
  return `${table.toString()}\npage ${current} of ${Math.max(pages, 1)}, ${total} dead letter(s)`;
}

/** One dead letter, field by field (headers one a line; the payload as base64). */
export function detailTable(letter: DeadLetter): string {
  const table = new Table({ style: { head: [], border: [] } });
  for (const [field, value] of Object.entries(letter)) {
    if (value === undefined) continue;
    const text =
      value !== null && typeof value === 'object'
        ? Object.entries(value as Record<string, unknown>)
            .map(([name, header]) => `${name}: ${String(header)}`)
            .join('\n')
        : String(value);
    table.push({ [field]: text });
  }
  return table.toString();
}

/** What a problem+json answer says, on one line: its detail, and the fields it names. */
export function problemMessage(status: number, body: unknown): string {
  const problem = (body ?? {}) as {
    title?: string;
    detail?: string;
    errors?: { field: string; message: string }[];
  };
  const fields = (problem.errors ?? [])
    .map((error) => `${error.field}: ${error.message}`)
    .join('; ');
  const text = problem.detail ?? problem.title ?? 'no detail';
  return `${status} ${text}${fields ? ` (${fields})` : ''}`;
}
