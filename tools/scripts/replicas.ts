/**
 * How many processes of every app `npm run start:local` starts: `--replicas N` (or
 * `--replicas=N`), else `REPLICAS`, else 1. Anything but a whole number from 1 to 9 is refused,
 * naming where it came from (replica ports are 10 apart: a tenth would reach the next app's).
 */
export function replicasOption(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const at = argv.findIndex((arg) => arg === '--replicas' || arg.startsWith('--replicas='));
  const flag = argv[at];
  const [source, value] =
    flag === undefined
      ? ['REPLICAS', env['REPLICAS']]
      : ['--replicas', flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : argv[at + 1]];
  if (value === undefined || value.trim() === '') {
    if (source === 'REPLICAS') return 1;
    throw new Error('--replicas needs a number, e.g. --replicas 2');
  }
  if (!/^[1-9]$/.test(value.trim())) throw new Error(`${source} must be a whole number from 1 to 9, got "${value}"`);
  return Number(value.trim());
}
