import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

/**
 * The Secrets the manifests reference, with fresh development values, created in the current
 * kubectl namespace when missing (an existing one is kept, so re-running changes nothing):
 *
 *   npx tsx deploy/k8s/dev-secrets.ts           create the missing ones, print the admin login
 *   npx tsx deploy/k8s/dev-secrets.ts --print   print them all as YAML, create nothing
 *
 * Nothing here is committed anywhere: every run generates its own keys and passwords. The
 * PostgreSQL credentials are not here: CloudNativePG generates them (postgres-<service>-app).
 */

type Secrets = Record<string, Record<string, string>>;

/** An Ed25519 key pair: the PKCS8 PEM, and the base64url raw public key (the JWK `x`). */
function ed25519(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: String(publicKey.export({ format: 'jwk' }).x),
  };
}

/** URL-safe, so the gateway's REDIS_URL can carry it as it is. */
const password = () => randomBytes(24).toString('hex');

export function developmentSecrets(): Secrets {
  const gateway = ed25519();
  const order = ed25519();
  return {
    gateway: { 'service-private-key': gateway.privateKey },
    'order-service': { 'service-private-key': order.privateKey },
    // The callers every backend accepts (SERVICE_PUBLIC_KEYS: name:key,name:key).
    'service-public-keys': {
      'service-public-keys': `gateway:${gateway.publicKey},order-service:${order.publicKey}`,
    },
    'user-service': { 'jwt-private-key': ed25519().privateKey, 'admin-password': password() },
    // The dev overlay's Mailpit.
    'notification-service': { 'smtp-url': 'smtp://mailpit:1025' },
    redis: { password: password() },
  };
}

const manifest = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, labels: { 'app.kubernetes.io/part-of': 'ecommerce' } },
  type: 'Opaque',
  stringData: data,
});

function exists(name: string): boolean {
  let found: string;
  try {
    found = execFileSync('kubectl', ['get', 'secret', name, '--ignore-not-found', '-o', 'name'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }).toString();
  } catch {
    throw new Error('kubectl cannot reach the cluster; is the kind/k3d context selected?');
  }
  return found.trim() !== '';
}

function main(): void {
  const secrets = developmentSecrets();
  if (process.argv.includes('--print')) {
    for (const [name, data] of Object.entries(secrets)) {
      console.log(`---\n${JSON.stringify(manifest(name, data), null, 2)}`);
    }
    return;
  }
  for (const [name, data] of Object.entries(secrets)) {
    if (exists(name)) {
      console.log(`secret/${name}: exists, kept`);
      continue;
    }
    execFileSync('kubectl', ['create', '-f', '-'], {
      input: JSON.stringify(manifest(name, data)),
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    if (name === 'user-service')
      console.log(`  admin login: admin@example.com / ${data['admin-password']}`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`dev-secrets: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
