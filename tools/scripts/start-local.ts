/**
 * `npm run start:local`: the whole platform on this machine, without Docker: a mail inbox,
 * the Kafka broker, every service's database and migrations, then the six apps as processes
 * with their logs interleaved here. Ctrl-C stops the apps, the inbox, and the broker if this
 * started it.
 */
import { BACKEND_NAMES, grpcAddress, Stack } from '@ecommerce/testing';
import { startLocalMail, type LocalMail } from '../mail/inbox';
import { npmRun, prepareStack, step, stopKafka } from './run';

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
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
    // Stack.start generates this run's service keys: the apps get them in their env, and
    // they are written nowhere.
    step('start the apps');
    stack = await Stack.start({ env }, (app) => app.echo());
  } catch (error) {
    console.error(`\nstart:local failed: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
    return;
  }

  const backends = BACKEND_NAMES.map((name) => `    ${name.padEnd(22)} ${grpcAddress(name, stack.options)}`);
  process.stdout.write(
    [
      '',
      'The platform is up:',
      `  REST API     ${stack.gatewayUrl}/api/v1`,
      `  liveness     ${stack.gatewayUrl}/health/live`,
      `  readiness    ${stack.gatewayUrl}/health/ready`,
      '  gRPC (health for anyone; every other call, reflection too, needs a service token):',
      ...backends,
      `  mail inbox   ${mail.inbox}`,
      '  logs         .local/logs/<app>.log',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

void main();
