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
 *     (docker-compose.yml's service-keys job mounts each app's directory in that app alone):
 *     `<dir>/<caller>/service.key`, a calling app's SERVICE_PRIVATE_KEY (mode 0600), and
 *     `<dir>/<backend>/callers`, a backend's SERVICE_PUBLIC_KEYS (the apps that call it).
 *     Keys already there are kept, so starting the stack again does not replace them.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateServiceKeyPair, servicePublicKeyOf } from '@ecommerce/grpc';
import {
  BACKEND_NAMES,
  SERVICE_CALLERS,
  type ServiceKeys,
  servicePublicKeysFor,
} from '@ecommerce/testing';

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

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

/** A calling app's private key, in its own directory. */
const PRIVATE_KEY_FILE = 'service.key';
/** A backend's SERVICE_PUBLIC_KEYS, in its own directory. */
const CALLERS_FILE = 'callers';

function writeKeyFiles(dir: string): void {
  const keys = {} as ServiceKeys;
  for (const caller of SERVICE_CALLERS) {
    mkdirSync(join(dir, caller), { recursive: true });
    const file = join(dir, caller, PRIVATE_KEY_FILE);
    if (existsSync(file)) {
      const privateKey = readFileSync(file, 'utf8');
      keys[caller] = { privateKey, publicKey: servicePublicKeyOf(privateKey) };
      process.stdout.write(`kept ${file}\n`);
      continue;
    }
    keys[caller] = generateServiceKeyPair();
    writeFileSync(file, keys[caller].privateKey, { mode: 0o600 });
    chmodSync(file, 0o600);
    process.stdout.write(`wrote ${file}\n`);
  }
  for (const backend of BACKEND_NAMES) {
    mkdirSync(join(dir, backend), { recursive: true });
    const file = join(dir, backend, CALLERS_FILE);
    writeFileSync(file, `${servicePublicKeysFor(backend, keys)}\n`, { mode: 0o644 });
    process.stdout.write(`wrote ${file}\n`);
  }
}

function main(args: string[]): void {
  const out = args.indexOf('--out');
  if (out >= 0 && args[out + 1]) return writeKeyFiles(args[out + 1] as string);
  const [name] = args;
  if (args.length === 1 && name && SERVICE_NAME.test(name)) return printKeyPair(name);
  process.stderr.write(
    'usage: npm run keys:service -- <service-name>   |   npm run keys:service -- --out <dir>\n',
  );
  process.exit(2);
}

main(process.argv.slice(2));
