import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { KAFKA_PATHS } from './config';

const run = promisify(execFile);

export interface KafkaJars {
  /** Kafka version of the broker jar on the classpath, e.g. "3.9.1". */
  version: string;
  /** True when mvn ran (first run, or the pom changed). */
  fetched: boolean;
}

/**
 * Makes sure .local/kafka/libs holds the jars of tools/infra/kafka/pom.xml. `mvn` only runs when
 * they are missing or the pom changed since they were fetched (a stamp file holds the pom's hash).
 */
export async function ensureKafkaJars(paths = KAFKA_PATHS): Promise<KafkaJars> {
  const pomHash = createHash('sha256')
    .update(await readFile(paths.pom))
    .digest('hex');
  const stamp = await readFile(paths.libsStamp, 'utf8').catch(() => '');
  const present = await kafkaVersionIn(paths.libs);
  if (stamp.trim() === pomHash && present !== undefined)
    return { version: present, fetched: false };

  // A fresh directory: two Kafka versions on one classpath would be a very confusing broker.
  await rm(paths.libs, { recursive: true, force: true });
  await mkdir(paths.libs, { recursive: true });
  // outputDirectory must be absolute: Maven resolves a relative one against the pom's folder.
  const args = [
    '-B',
    '-q',
    '-f',
    paths.pom,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${paths.libs}`,
  ];
  try {
    await run('mvn', args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`mvn ${args.join(' ')} failed:\n${tail(`${stdout}\n${stderr}`, 40)}`);
  }
  const version = await kafkaVersionIn(paths.libs);
  if (version === undefined)
    throw new Error(`mvn finished but no kafka_2.13-*.jar is in ${paths.libs}`);
  await writeFile(paths.libsStamp, `${pomHash}\n`);
  return { version, fetched: true };
}

/** The version in `kafka_2.13-<version>.jar`, or undefined when the broker jar is absent. */
export async function kafkaVersionIn(libsDir: string): Promise<string | undefined> {
  const files = await readdir(libsDir).catch(() => [] as string[]);
  for (const file of files) {
    const match = /^kafka_2\.13-(\d+\.\d+\.\d+)\.jar$/.exec(file);
    if (match) return match[1];
  }
  return undefined;
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
