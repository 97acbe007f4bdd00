import { type KafkaInfraConfig } from './config';

/**
 * Fills `${NAME}` placeholders of tools/infra/kafka/server.properties.template.
 * An unknown or unfilled placeholder is an error: a broker must never start with a literal `${...}`.
 */
export function renderServerProperties(
  template: string,
  config: KafkaInfraConfig,
  dataDir: string,
): string {
  const values: Record<string, string> = {
    KAFKA_HOST: config.host,
    KAFKA_PORT: String(config.port),
    KAFKA_CONTROLLER_PORT: String(config.controllerPort),
    KAFKA_PARTITIONS: String(config.partitions),
    KAFKA_DATA_DIR: dataDir,
  };
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (_placeholder, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`server.properties.template: unknown placeholder \${${name}}`);
    return value;
  });
}

/** Parses `key=value` lines (comments and blank lines skipped); enough for our own template. */
export function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) properties.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return properties;
}
