import { existsSync } from 'node:fs';
import { join, normalize } from 'node:path';

/**
 * A Dockerfile read as far as the static checks need: its stages, its build arguments, the
 * ENV of a stage, and what it COPYs from the build context, checked against the files and
 * the .dockerignore.
 */

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name?: string;
  /** The image or earlier stage this one starts from. */
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): { global: Instruction[]; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.trimEnd();
    if (pending === '' && /^\s*(#|$)/.test(line)) return;
    if (pending !== '' && /^\s*#/.test(line)) return; // comments inside a continuation
    if (pending === '') start = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const whole = `${pending}${line}`.trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/s.exec(whole);
    if (match)
      instructions.push({
        keyword: (match[1] as string).toUpperCase(),
        args: match[2] as string,
        line: start,
      });
  });

  const global: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const as = words.findIndex((word) => word.toLowerCase() === 'as');
      stages.push({
        from: words[0] ?? '',
        ...(as > 0 && words[as + 1] ? { name: words[as + 1] } : {}),
        instructions: [],
      });
    } else {
      (stages.at(-1)?.instructions ?? global).push(instruction);
    }
  }
  return { global, stages };
}

export function stageNames(text: string): string[] {
  return parseDockerfile(text).stages.flatMap((stage) => (stage.name ? [stage.name] : []));
}

/** Every ARG name, global or in any stage. */
export function declaredArgs(text: string): Set<string> {
  const { global, stages } = parseDockerfile(text);
  const args = [...global, ...stages.flatMap((stage) => stage.instructions)].filter(
    (i) => i.keyword === 'ARG',
  );
  return new Set(args.map((arg) => (arg.args.split('=')[0] as string).trim()));
}

/** The ENV a container of `target` starts with (its own and its parent stages'), values as written. */
export function stageEnv(text: string, target: string): Record<string, string> {
  const { stages } = parseDockerfile(text);
  const chain: Stage[] = [];
  for (
    let stage = stages.find((s) => s.name === target);
    stage;
    stage = stages.find((s) => s.name === stage?.from)
  ) {
    if (chain.includes(stage)) break;
    chain.unshift(stage);
  }
  const env: Record<string, string> = {};
  for (const instruction of chain.flatMap((stage) => stage.instructions)) {
    if (instruction.keyword !== 'ENV') continue;
    for (const match of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      env[match[1] as string] = (match[2] as string).replace(/^"(.*)"$/, '$1');
    }
  }
  return env;
}

/**
 * Every COPY/ADD source taken from the build context must exist there and survive the
 * .dockerignore; every `--from=` must name an earlier stage (or an image reference).
 */
export function checkDockerfileCopies(
  dockerfile: string,
  contextDir: string,
  dockerignore: string,
): string[] {
  const problems: string[] = [];
  const ignore = parseDockerignore(dockerignore);
  const seen: string[] = [];
  for (const stage of parseDockerfile(dockerfile).stages) {
    for (const { keyword, args, line } of stage.instructions) {
      if (keyword !== 'COPY' && keyword !== 'ADD') continue;
      const words = args.split(/\s+/).filter(Boolean);
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((word) => !word.startsWith('--'));
      const sources = paths.slice(0, -1);
      if (from !== undefined) {
        if (!seen.includes(from) && !/[:/]/.test(from)) {
          problems.push(`line ${line}: COPY --from=${from} names no earlier stage`);
        }
        continue;
      }
      if (sources.length === 0) problems.push(`line ${line}: ${keyword} without a source`);
      for (const source of sources) {
        if (/[$*?[]/.test(source)) {
          problems.push(
            `line ${line}: cannot check ${keyword} source "${source}" statically (variable or glob)`,
          );
          continue;
        }
        const relative = normalize(source).replace(/\/+$/, '').replace(/^\.$/, '');
        // Ignored first: an excluded path is never in the context, whether or not it exists in
        // this checkout (a build output such as dist/ exists only after a build).
        if (relative !== '' && isIgnored(ignore, relative)) {
          problems.push(`line ${line}: ${keyword} ${source}: excluded by .dockerignore`);
        } else if (!existsSync(join(contextDir, relative))) {
          problems.push(`line ${line}: ${keyword} ${source}: no such file in the build context`);
        }
      }
    }
    if (stage.name) seen.push(stage.name);
  }
  return problems;
}

interface IgnoreRule {
  pattern: RegExp;
  negated: boolean;
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const glob = normalize(negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      return { pattern: globToRegExp(glob), negated };
    });
}

/** Docker's rule: the last matching pattern wins, and an excluded folder excludes what is in it. */
export function isIgnored(rules: IgnoreRule[], path: string): boolean {
  const segments = path.split('/');
  let ignored = false;
  for (let depth = 1; depth <= segments.length; depth++) {
    const prefix = segments.slice(0, depth).join('/');
    for (const rule of rules) if (rule.pattern.test(prefix)) ignored = !rule.negated;
  }
  return ignored;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** The sources `stage` COPYs from the earlier stage `from` (`COPY --from=<from> ...`), as written. */
export function copiedFrom(text: string, stage: string, from: string): string[] {
  const instructions =
    parseDockerfile(text).stages.find((s) => s.name === stage)?.instructions ?? [];
  return instructions.flatMap(({ keyword, args }) => {
    const words = args.split(/\s+/).filter(Boolean);
    if (keyword !== 'COPY' || !words.includes(`--from=${from}`)) return [];
    return words.filter((word) => !word.startsWith('--')).slice(0, -1);
  });
}
