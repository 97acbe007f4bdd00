/**
 * `npm run dlq -- list|show|replay|discard ...`: operates the platform's dead letters through
 * the gateway's admin routes, logged in as an admin. Usage: dlq.ts (USAGE), or --help.
 * Exits 2 on a usage error, 1 with the problem's detail when the gateway refuses.
 */
import {
  type ApiRequest,
  type DeadLetter,
  detailTable,
  listTable,
  parseCommand,
  problemMessage,
  type Settings,
  settingsFrom,
  USAGE,
  UsageError,
} from './dlq';

class ProblemError extends Error {}

async function call(settings: Settings, request: ApiRequest, token?: string): Promise<unknown> {
  const response = await fetch(settings.gatewayUrl + request.path, {
    method: request.method,
    headers: {
      accept: 'application/json, application/problem+json',
      ...(request.body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(request.body ? { body: JSON.stringify(request.body) } : {}),
  }).catch((error: unknown) => {
    throw new ProblemError(
      `cannot reach the gateway at ${settings.gatewayUrl} (GATEWAY_URL): ${(error as Error).message}`,
    );
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new ProblemError(problemMessage(response.status, body));
  return body;
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const command = parseCommand(argv);
  const settings = settingsFrom(process.env);
  const login = (await call(settings, {
    method: 'POST',
    path: '/api/v1/auth/login',
    body: { email: settings.email, password: settings.password },
  }).catch((error: unknown) => {
    throw new ProblemError(
      `admin login as ${settings.email} failed (ADMIN_EMAIL, ADMIN_PASSWORD): ${(error as Error).message}`,
    );
  })) as { accessToken: string };
  const answer = await call(settings, command.request, login.accessToken);
  switch (command.kind) {
    case 'list':
      console.log(listTable(answer as Parameters<typeof listTable>[0]));
      break;
    case 'all': {
      const { replayed } = answer as { replayed: string[] };
      console.log(
        replayed.length
          ? `replayed ${replayed.length}:\n${replayed.join('\n')}`
          : 'nothing was waiting',
      );
      break;
    }
    default:
      console.log(detailTable(answer as DeadLetter));
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`dlq: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`dlq: ${error instanceof ProblemError ? error.message : String(error)}`);
    process.exitCode = 1;
  }
});
