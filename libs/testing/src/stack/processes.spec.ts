import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort, isListening } from './processes';

describe('freePort', () => {
  it("hands out ports below the kernel's ephemeral range, each once, each one a server can bind", async () => {
    const ephemeralFloor = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    const ports: number[] = [];
    for (let i = 0; i < 40; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(ephemeralFloor);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('isListening', () => {
  it('sees a listener on a port, and none once it is closed, without connecting', async () => {
    const port = await freePort();
    expect(isListening(port)).toBe(false);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    expect(isListening(port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(isListening(port)).toBe(false);
  });
});
