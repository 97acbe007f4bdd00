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
 * is reported as missing rather than silently accepted. With `NODE_ENV=production`, the
 * development values this repository publishes are refused too (see `productionRefusals`).
 */
export function parseConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.output<S> {
  const input: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === undefined || value.trim() === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) {
    const refusals = productionRefusals(input);
    if (!refusals.length) return result.data;
    return fail(
      refusals
        .map(({ variable, reason }) => `${variable} ${reason} (refused with NODE_ENV=production)`)
        .join('; '),
      refusals.map(({ variable }) => variable),
    );
  }

  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(config)');
    const field = schema.shape[variable] as z.ZodType | undefined;
    const missing = input[variable] === undefined;
    const what = missing ? 'is required' : `is invalid (${issue.message})`;
    const description = field?.description ? ` — ${field.description}` : '';
    return { variable, text: `${variable} ${what}${description}` };
  });
  const variables = [...new Set(problems.map((p) => p.variable))];
  return fail(problems.map((p) => p.text).join('; '), variables);
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
