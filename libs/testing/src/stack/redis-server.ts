import { type ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { waitFor } from './processes';

/**
 * A redis-server of a test's own on `port` (Debian's `redis-server`), to take away and bring
 * back on the same port, or to require a password as production does.
 */
export class RedisServer {
  private child: ChildProcess | undefined;

  constructor(
    readonly port: number,
    readonly password?: string,
  ) {}

  get url(): string {
    const auth = this.password ? `:${encodeURIComponent(this.password)}@` : '';
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    if (this.password) args.push('--requirepass', this.password);
    const child = spawn('/usr/bin/redis-server', args, { stdio: 'ignore' });
    let failed: Error | undefined;
    child.once('error', (error) => (failed = error));
    this.child = child;
    const exited = () =>
      failed ??
      (child.exitCode !== null
        ? new Error(`redis-server exited with ${child.exitCode}`)
        : undefined);
    await waitFor(`redis-server on ${this.port}`, async () => {
      if (exited()) return false;
      return (await this.client((redis) => redis.ping())) === 'PONG';
    }).catch((error: unknown) => {
      throw exited() ?? error;
    });
  }

  /** SIGKILL: gone at once, as in a crash. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
      return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** `use` with a connection of its own, closed afterwards; fails at once while nothing listens. */
  async client<T>(use: (redis: Redis) => Promise<T>, url = this.url): Promise<T> {
    const redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined); // a refused connection rejects connect() below
    try {
      await redis.connect();
      return await use(redis);
    } finally {
      redis.disconnect();
    }
  }
}
