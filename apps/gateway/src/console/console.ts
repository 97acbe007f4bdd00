import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewayConfig } from '../config';

export const CONSOLE_PATH = '/console/';

/**
 * Serves the console (apps/console, built by `npm run build`) at /console/, on the API's own
 * origin: the browser calls /api/v1 with no CORS, and the console needs no server of its own
 * (docs/adr/0012-console-served-by-the-gateway.md). Off when the folder holds no build.
 * `GET /console/config.json` tells it what only the deployment knows: Jaeger's URL.
 * Returns whether it is served.
 */
export function setUpConsole(
  app: NestFastifyApplication,
  config: Pick<GatewayConfig, 'CONSOLE_DIR' | 'JAEGER_UI_URL'>,
): boolean {
  const root = resolve(config.CONSOLE_DIR);
  if (!existsSync(join(root, 'index.html'))) return false;
  const fastify = app.getHttpAdapter().getInstance();
  const settings = { ...(config.JAEGER_UI_URL ? { jaegerUrl: config.JAEGER_UI_URL } : {}) };
  fastify.get(`${CONSOLE_PATH}config.json`, (_request, reply) => {
    void reply.header('cache-control', 'no-cache').send(settings);
  });
  // The page itself at /console and /console/ (one route: the router ignores a trailing slash,
  // which the static plugin's wildcard does not expect), read on each request so a rebuild shows.
  fastify.get(CONSOLE_PATH.slice(0, -1), async (_request, reply) => {
    const page = await readFile(join(root, 'index.html'));
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page);
  });
  // Its assets. decorateReply: false, as Swagger UI registers the same plugin for /docs.
  app.useStaticAssets({ root, prefix: CONSOLE_PATH, decorateReply: false, index: false });
  return true;
}
