import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaVersionIn } from './jars';

describe('kafkaVersionIn', () => {
  it('reads the broker version from the kafka_2.13 jar name, not from client or tools jars', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'libs-'));
    expect(await kafkaVersionIn(dir)).toBeUndefined();
    await writeFile(join(dir, 'kafka-clients-3.9.1.jar'), '');
    await writeFile(join(dir, 'kafka-tools-api-3.9.1.jar'), '');
    expect(await kafkaVersionIn(dir)).toBeUndefined();
    await writeFile(join(dir, 'kafka_2.13-3.9.1.jar'), '');
    expect(await kafkaVersionIn(dir)).toBe('3.9.1');
    expect(await kafkaVersionIn(join(dir, 'absent'))).toBeUndefined();
  });
});
