import './register-paths';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import {
  ALL_CONSUMER_GROUPS,
  APP_NAMES,
  appLogFile,
  E2E_STATE_FILE,
  freePort,
  HOST,
  KafkaTestBus,
  OtlpReceiver,
  SmtpSink,
  Stack,
} from '@ecommerce/testing';

/** What the global teardown (same process, another module context) stops. */
export interface E2eGlobals {
  stack: Stack;
  smtp: SmtpSink;
  mailServer: Server;
  traces: OtlpReceiver;
}

/**
 * Starts the whole platform once, as real processes on free ports, for every e2e file, with a
 * real SMTP server that notification-service sends to and a real OTLP/HTTP receiver that every
 * app exports its spans to. Test files run in another module context: they read the stack's
 * description from the run's state file (E2E_STATE_FILE in the environment, which test workers
 * inherit), the mail from {@link serveMail} and the spans from the receiver's `tracesUrl`.
 */
export default async function globalSetup(): Promise<void> {
  await startE2eStack();
}

/**
 * What the global setup does, for a stack of `replicas` processes of every app (the replicas'
 * suite, apps/gateway-e2e/src/replicas, has a setup of its own that asks for two).
 */
export async function startE2eStack({ replicas = 1 }: { replicas?: number } = {}): Promise<void> {
  await checkBroker();
  // A state file per run: two e2e runs at once must not stop each other's stack.
  process.env['E2E_STATE_FILE'] = join(dirname(E2E_STATE_FILE), `e2e-stack-${process.pid}.json`);

  // The log files are appended to across runs: privacy.e2e-spec.ts reads what this run wrote.
  const logOffsets = Object.fromEntries(
    APP_NAMES.map((app) => {
      const file = appLogFile(app);
      return [app, existsSync(file) ? statSync(file).size : 0];
    }),
  );
  const smtp = await SmtpSink.start();
  const mailServer = await serveMail(smtp);
  const traces = await OtlpReceiver.start();
  // The console links each order to its trace there; console.e2e-spec.ts checks the link.
  const jaegerUrl = `http://${HOST}:16686`;
  const stack = await Stack.startOnFreePorts({
    replicas,
    // observability.e2e-spec.ts reads the lines the services write about an order, at info.
    logLevel: process.env['E2E_LOG_LEVEL'] ?? 'info',
    env: {
      ...process.env,
      // The suite registers and logs in many users from 127.0.0.1 within a minute: the default
      // limits would refuse it. rate-limit.e2e-spec.ts proves the limits on a gateway of its own.
      RATE_LIMIT_PER_SECOND: '10000',
      RATE_LIMIT_BURST: '10000',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_PREFIX: `e2e-${Date.now()}`,
      SMTP_URL: smtp.url,
      // Retries a few seconds apart at most, so a test sees mail soon after the sink is back up.
      MAIL_RETRY_INITIAL_MS: '500',
      MAIL_RETRY_MAX_MS: '4000',
      OTEL_SDK_DISABLED: 'false',
      // Each app names itself (service.name): one name for all would hide which one sent a span.
      OTEL_SERVICE_NAME: undefined,
      // OTLP/JSON, not the default protobuf: the receiver reads JSON only. A short batch delay
      // lets a test see an order's spans soon after the order is done.
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: traces.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      JAEGER_UI_URL: jaegerUrl,
    },
  }).catch(async (error: unknown) => {
    await Promise.all([
      new Promise((resolve) => mailServer.close(resolve)),
      smtp.stop(),
      traces.stop(),
    ]);
    throw error;
  });
  (globalThis as { e2e?: E2eGlobals }).e2e = { stack, smtp, mailServer, traces };

  const address = mailServer.address();
  const mailUrl = `http://${HOST}:${typeof address === 'object' && address ? address.port : 0}/mail`;
  mkdirSync(dirname(E2E_STATE_FILE), { recursive: true });
  writeFileSync(
    process.env['E2E_STATE_FILE'],
    JSON.stringify(
      { ...stack.state(), mailUrl, tracesUrl: traces.spansUrl, jaegerUrl, logOffsets },
      null,
      2,
    ),
  );
  process.stdout.write(
    `\ne2e stack up: gateway ${stack.gatewayUrls.join(', ')}, SMTP sink ${smtp.url}, OTLP receiver ${traces.url}\n`,
  );
}

/**
 * `GET /mail?to=<address>`: the emails the sink received for that address, as JSON.
 * `POST /mail/down` and `POST /mail/up`: the sink stops and starts listening (a mail server
 * outage); `POST /mail/refuse?code=451` and `POST /mail/accept`: it refuses every message with
 * that reply, or takes them again.
 */
async function serveMail(smtp: SmtpSink): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    const done = () => res.writeHead(204).end();
    const fail = (error: unknown) => res.writeHead(500).end(String(error));
    if (req.method === 'POST') {
      switch (url.pathname) {
        case '/mail/down':
          return void smtp.down().then(done, fail);
        case '/mail/up':
          return void smtp.up().then(done, fail);
        case '/mail/refuse':
          smtp.refuse(Number(url.searchParams.get('code') ?? 451));
          return done();
        case '/mail/accept':
          smtp.accept();
          return done();
        default:
          return void res.writeHead(404).end();
      }
    }
    const to = url.searchParams.get('to') ?? '';
    const mail = smtp.to(to).map(({ to: recipients, subject, text, receivedAt, headers }) => ({
      to: recipients,
      subject,
      text,
      messageId: headers['message-id'],
      receivedAt,
    }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(mail));
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  return server;
}

/**
 * The sagas need a broker (`npm test` starts one; locally `npm run infra:up`): fail at once with
 * that hint rather than with orders that time out. The services' consumer groups are named
 * after them, so another stack's services on the same broker share our groups and take some of
 * our messages: say so, it explains orders that never finish.
 */
async function checkBroker(): Promise<void> {
  const bus = await KafkaTestBus.connect('e2e-setup');
  try {
    for (const group of ALL_CONSUMER_GROUPS) {
      const members = await bus.groupMembers(group);
      if (members.length > 0) {
        process.stdout.write(
          `\nwarning: consumer group ${group} already has members (${members.join(', ')}): a service of another stack consumes from this broker and will take some of the e2e stack's messages\n`,
        );
      }
    }
  } finally {
    await bus.close();
  }
}
