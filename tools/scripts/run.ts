import { spawn } from 'node:child_process';

/** Runs a command with inherited stdio; rejects on a non-zero exit. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/** Prints a banner line before each phase, so a long log is easy to scan. */
export function step(title: string): void {
  process.stdout.write(`\n=== ${title}\n`);
}

export const NPM = 'npm';
export const NPX = 'npx';
