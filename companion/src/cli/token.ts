import { loupeHome } from '../config/paths';
import { loadOrCreateToken, rotateToken } from '../security/token';
import { parse } from './args';

/** `loupe token [--rotate]`: prints the API token (creating it on first use) or replaces it. */
export async function runToken(argv: string[]): Promise<number> {
  const { values } = parse(argv, { rotate: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write('loupe token [--rotate]   print the companion API token, or replace it with a new one\n');
    return 0;
  }
  const home = loupeHome();
  if (values.rotate) {
    const token = rotateToken(home);
    process.stdout.write(token + '\n');
    if (process.env.LOUPE_TOKEN) process.stderr.write('loupe: note: LOUPE_TOKEN is set in this environment and overrides the stored token.\n');
    process.stderr.write('loupe: token rotated; a running companion uses it at once, the extension re-pairs by itself.\n');
    return 0;
  }
  process.stdout.write(loadOrCreateToken(home) + '\n');
  return 0;
}
