/**
 * `npm run start:local`: the whole platform on this machine, without Docker: a mail inbox,
 * the Kafka broker, every service's database and migrations, then the six apps as processes
 * with their logs interleaved here. Ctrl-C stops the apps, the inbox, and the broker if this
 * started it. `-- --replicas 2` (or `REPLICAS=2`) starts two processes of every app, each
 * on its own ports (see REPLICA_PORT_STEP).
 */
import { join } from 'node:path';
import { BACKEND_NAMES, grpcAddress, serviceKeyFiles, Stack, WORKSPACE_ROOT } from '@ecommerce/testing';
import { startLocalMail, type LocalMail } from '../mail/inbox';
import { replicasOption } from './replicas';
import { npmRun, prepareStack, step, stopKafka } from './run';

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  let replicas: number;
  try {
    replicas = replicasOption(process.argv.slice(2), env);
  } catch (error) {
    console.error(`start:local: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  let startedKafka = false;
  let stack: Stack | undefined;
  let mail: LocalMail | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    step('stopping');
    await stack?.stop();
    await mail?.stop();
    if (startedKafka) await stopKafka();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    // First, so a taken port fails the run before the long steps.
    step('mail inbox');
    mail = await startLocalMail(env);
    // notification-service's SMTP_URL comes from here (appEnv), so MAIL_SMTP_PORT reaches it too.
    env['SMTP_URL'] = mail.smtpUrl;
    ({ startedKafka } = await prepareStack(env));
    step('build the apps');
    await npmRun('build', env);
    // The callers' service keys, generated on the first run and kept (git-ignored, mode 0600)
    // so that `npm run keys:service -- token <backend>` can sign a token for grpcurl.
    const serviceKeys = serviceKeyFiles(join(WORKSPACE_ROOT, '.local', 'service-keys'));
    step('start the apps');
    stack = await Stack.start({ env, replicas, serviceKeys }, (app) => app.echo());
  } catch (error) {
    console.error(`\nstart:local failed: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
    return;
  }

  const addresses = (name: (typeof BACKEND_NAMES)[number]) =>
    Array.from({ length: replicas }, (_, replica) => grpcAddress(name, stack.options, replica)).join(', ');
  const backends = BACKEND_NAMES.map((name) => `    ${name.padEnd(22)} ${addresses(name)}`);
  // With replicas, one line per gateway: a client (or a load balancer) spreads its requests over them.
  const each = (path: string) => stack.gatewayUrls.map((url) => `${url}${path}`).join(', ');
  process.stdout.write(
    [
      '',
      replicas > 1 ? `The platform is up, ${replicas} replicas of every app:` : 'The platform is up:',
      `  console      ${each('/console/')}`,
      `  REST API     ${each('/api/v1')}`,
      `  liveness     ${each('/health/live')}`,
      `  readiness    ${each('/health/ready')}`,
      '  gRPC (health for anyone; every other call, reflection too, needs a service token):',
      ...backends,
      '    grpcurl -plaintext -H "authorization: $(npm run -s keys:service -- token order-service)" 127.0.0.1:50052 list',
      `  mail inbox   ${mail.inbox}`,
      replicas > 1 ? '  logs         .local/logs/<app>.log, <app>-2.log, ...' : '  logs         .local/logs/<app>.log',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

void main();
