/**
 * Service keys: the Ed25519 key pair with which an app that calls others over gRPC signs its
 * service tokens (libs/grpc/src/service-tokens.ts).
 *
 *   npm run keys:service -- <name>
 *     prints a new key pair for the service <name>: its SERVICE_PRIVATE_KEY (one line, `\n`
 *     escapes) and the `name:key` entry for the SERVICE_PUBLIC_KEYS of every service it calls.
 *     For production: put the private key in that service's secret store, nowhere else.
 *
 *   npm run keys:service -- --out <dir>
 *     the keys of the platform as files, one directory per app with only what that app reads
 *     (docker-compose.yml's service-keys job mounts each app's directory in that app alone;
 *     libs/testing/src/stack/service-key-files.ts).
 *     Keys already there are kept, so starting the stack again does not replace them.
 *
 *   npm run keys:service -- token <backend> [--keys <dir>]
 *     `Bearer <token>`: a service token of the gateway's for <backend>, valid 5 minutes, signed
 *     with the key `npm run start:local` keeps in .local/service-keys (or <dir>): for grpcurl,
 *     `grpcurl -plaintext -H "authorization: $(npm run -s keys:service -- token order-service)"
 *     127.0.0.1:50052 list`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateServiceKeyPair, ServiceTokens } from '@ecommerce/grpc';
import {
  BACKEND_NAMES,
  type BackendName,
  privateKeyFile,
  serviceKeyFiles,
  WORKSPACE_ROOT,
} from '@ecommerce/testing';

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;
/** Where `npm run start:local` keeps its service keys. */
const LOCAL_KEYS = join(WORKSPACE_ROOT, '.local', 'service-keys');

function printKeyPair(name: string): void {
  const { privateKey, publicKey } = generateServiceKeyPair();
  process.stdout.write(
    [
      `# A new service key pair for ${name}. Keep the private key secret: whoever has it can call as ${name}.`,
      `# ${name}'s own environment:`,
      `SERVICE_PRIVATE_KEY=${privateKey.trim().replace(/\n/g, '\\n')}`,
      `# Add to SERVICE_PUBLIC_KEYS of every service ${name} calls (entries are comma-separated):`,
      `${name}:${publicKey}`,
      '',
    ].join('\n'),
  );
}

async function printToken(backend: string, dir: string): Promise<void> {
  if (!BACKEND_NAMES.includes(backend as BackendName))
    fail(`no backend ${backend}: one of ${BACKEND_NAMES.join(', ')}`);
  let key: string;
  try {
    key = readFileSync(privateKeyFile(dir, 'gateway'), 'utf8');
  } catch {
    fail(`no gateway key in ${dir}: start the platform with npm run start:local first`);
  }
  process.stdout.write(`${await new ServiceTokens('gateway', key).authorization(backend)}\n`);
}

function fail(message: string): never {
  process.stderr.write(`keys:service: ${message}\n`);
  process.exit(2);
}

async function main(args: string[]): Promise<void> {
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const out = option('--out');
  if (out) {
    serviceKeyFiles(out, (line) => process.stdout.write(`${line}\n`));
    return;
  }
  const [first, second] = args;
  if (first === 'token' && second) return printToken(second, option('--keys') ?? LOCAL_KEYS);
  if (args.length === 1 && first && SERVICE_NAME.test(first)) return printKeyPair(first);
  fail(
    'usage: npm run keys:service -- <service-name> | --out <dir> | token <backend> [--keys <dir>]',
  );
}

void main(process.argv.slice(2));
