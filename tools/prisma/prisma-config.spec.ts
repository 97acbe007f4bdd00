import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseUrl, SERVICES, type Env, type Service } from '../db/services';
import { DEFAULT_PRISMA_DIR } from './project';

/** prisma/<service>/prisma.config.ts must point the stock CLI where `npm run db:*` points. */
function configUrl(service: Service, env: Env): string {
  const saved = process.env;
  process.env = { ...env };
  try {
    let url = '';
    jest.isolateModules(() => {
      const config = require(join(DEFAULT_PRISMA_DIR, service, 'prisma.config.ts')).default;
      url = config.datasource.url;
    });
    return url;
  } finally {
    process.env = saved;
  }
}

describe.each(SERVICES)('prisma/%s/prisma.config.ts', (service) => {
  it.each<[string, Env]>([
    ['defaults', {}],
    ['PGHOST and PGPORT', { PGHOST: '10.0.0.7', PGPORT: '6543' }],
    [
      'the service variable',
      { [`${service.toUpperCase()}_DATABASE_URL`]: 'postgresql://svc:pw@db:5432/custom' },
    ],
  ])('reads the same database URL as the tools (%s)', (_case, env) => {
    expect(configUrl(service, env)).toBe(databaseUrl(service, env));
  });

  it('generates the client into the service app', () => {
    const schema = readFileSync(join(DEFAULT_PRISMA_DIR, service, 'schema.prisma'), 'utf8');
    expect(schema).toMatch(
      new RegExp(`output\\s*=\\s*"../../apps/${service}-service/src/generated/prisma"`),
    );
    expect(schema).toMatch(/provider\s*=\s*"prisma-client"/);
    expect(schema).toMatch(/moduleFormat\s*=\s*"cjs"/);
  });
});
