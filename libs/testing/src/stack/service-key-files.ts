/**
 * The service keys as files, one directory per app holding only what that app reads:
 * `<dir>/<caller>/service.key`, a calling app's SERVICE_PRIVATE_KEY (mode 0600), and
 * `<dir>/<backend>/callers`, a backend's SERVICE_PUBLIC_KEYS. docker-compose.yml's
 * service-keys job writes them into a volume per app; `npm run start:local` keeps its own
 * under `.local/service-keys`, so a developer can sign a token for grpcurl
 * (`npm run keys:service -- token <backend>`).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateServiceKeyPair, servicePublicKeyOf } from '@ecommerce/grpc';
import {
  BACKEND_NAMES,
  SERVICE_CALLERS,
  type ServiceCaller,
  type ServiceKeys,
  servicePublicKeysFor,
} from './stack';

export const PRIVATE_KEY_FILE = 'service.key';
export const CALLERS_FILE = 'callers';

/** The private key file of `caller` under `dir`. */
export function privateKeyFile(dir: string, caller: ServiceCaller): string {
  return join(dir, caller, PRIVATE_KEY_FILE);
}

/**
 * The callers' keys kept in `dir`, each generated (and written) when missing, so the same
 * directory gives the same keys every time; and every backend's list of callers, written anew.
 * `report` hears each file kept or written.
 */
export function serviceKeyFiles(
  dir: string,
  report: (line: string) => void = () => undefined,
): ServiceKeys {
  const keys = {} as ServiceKeys;
  for (const caller of SERVICE_CALLERS) {
    mkdirSync(join(dir, caller), { recursive: true });
    const file = privateKeyFile(dir, caller);
    if (existsSync(file)) {
      const privateKey = readFileSync(file, 'utf8');
      keys[caller] = { privateKey, publicKey: servicePublicKeyOf(privateKey) };
      report(`kept ${file}`);
      continue;
    }
    keys[caller] = generateServiceKeyPair();
    writeFileSync(file, keys[caller].privateKey, { mode: 0o600 });
    chmodSync(file, 0o600);
    report(`wrote ${file}`);
  }
  for (const backend of BACKEND_NAMES) {
    mkdirSync(join(dir, backend), { recursive: true });
    const file = join(dir, backend, CALLERS_FILE);
    writeFileSync(file, `${servicePublicKeysFor(backend, keys)}\n`, { mode: 0o644 });
    report(`wrote ${file}`);
  }
  return keys;
}
