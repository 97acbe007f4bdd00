import { readFileSync } from 'node:fs';
import { type z } from 'zod';
import { productionRefusals } from './production';

/** Thrown by {@link parseConfig}; `message` is one line naming every bad variable. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly variables: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Validates `env` against `schema`. Empty strings count as unset, so `FOO=` in a .env file
 * is reported as missing rather than silently accepted.
 *
 * Any variable may instead be given as `<NAME>_FILE`, the path of a file holding its value
 * (as the official postgres image reads `POSTGRES_PASSWORD_FILE`): secrets then come from a
 * mounted file rather than the process environment. A trailing line break is dropped. Setting
 * both `NAME` and `NAME_FILE` is an error, as is a file that cannot be read.
 *
 * With `NODE_ENV=production`, the development values this repository publishes are refused
 * too (see `productionRefusals`).
 */
export function parseConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.output<S> {
  const input: Env = {};
  const fromFile = new Set<string>();
  const problems: Array<{ variable: string; text: string }> = [];
  for (const key of Object.keys(schema.shape)) {
    const value = unsetIfBlank(env[key]);
    const path = unsetIfBlank(env[`${key}_FILE`]);
    input[key] = value;
    if (path === undefined) continue;
    fromFile.add(key);
    if (value !== undefined) {
      problems.push({
        variable: key,
        text: `${key} and ${key}_FILE are both set; set one of them`,
      });
      continue;
    }
    try {
      input[key] = unsetIfBlank(readFileSync(path, 'utf8').replace(/\r?\n$/, ''));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      problems.push({
        variable: `${key}_FILE`,
        text: `${key}_FILE is invalid (cannot read ${path}: ${reason})`,
      });
    }
  }
  const result = schema.safeParse(input);
  if (result.success && problems.length === 0) {
    const refusals = productionRefusals(input);
    if (!refusals.length) return result.data;
    return fail(
      refusals
        .map(({ variable, reason }) => `${variable} ${reason} (refused with NODE_ENV=production)`)
        .join('; '),
      refusals.map(({ variable }) => variable),
    );
  }

  const reported = new Set(problems.map((p) => p.variable.replace(/_FILE$/, '')));
  for (const issue of result.success ? [] : result.error.issues) {
    const variable = String(issue.path[0] ?? '(config)');
    if (reported.has(variable)) continue;
    const field = schema.shape[variable] as z.ZodType | undefined;
    const missing = input[variable] === undefined;
    const source = fromFile.has(variable) ? ` (read from ${variable}_FILE)` : '';
    const what = missing ? `is required${source}` : `is invalid${source} (${issue.message})`;
    const description = field?.description ? ` — ${field.description}` : '';
    problems.push({ variable, text: `${variable} ${what}${description}` });
  }
  const variables = [...new Set(problems.map((p) => p.variable))];
  return fail(problems.map((p) => p.text).join('; '), variables);
}

function unsetIfBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function fail(detail: string, variables: string[]): never {
  throw new ConfigError(`Invalid configuration: ${detail}`, variables);
}

/**
 * For `main.ts`: validate the environment, or print one line naming the bad variables and
 * exit with status 1 before anything else starts.
 */
export function loadConfigOrExit<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: Env = process.env,
): z.output<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(1);
  }
}

/** Names of the variables a schema cannot do without (no default, not optional). */
export function requiredVariables(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([key]) => key);
}
