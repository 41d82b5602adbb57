import { loupeHome } from '../config/paths';
import { findRunningDaemon } from '../config/daemon-file';
import { addAllowedOrigin, isMozExtensionOrigin } from '../security/allowed-origins';
import { loadOrCreateToken } from '../security/token';
import { installNativeHost } from '../pairing/install-native-host';
import { parse, UsageError } from './args';

const HELP = `loupe pair [--manifest-dir DIR]... [--firefox-manifest-dir DIR]... [--origin moz-extension://UUID]
  Registers the native-messaging host dev.loupe.companion so the extension pairs by itself
  (Chrome, Chromium, Firefox). --origin admits a Firefox extension origin by hand.`;

export async function runPair(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    'manifest-dir': { type: 'string', multiple: true },
    'firefox-manifest-dir': { type: 'string', multiple: true },
    origin: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const home = loupeHome();
  loadOrCreateToken(home);
  if (values.origin !== undefined) {
    if (!isMozExtensionOrigin(values.origin)) throw new UsageError(`--origin must look like moz-extension://<uuid> (see about:debugging), not "${values.origin}"`);
    addAllowedOrigin(home, values.origin);
    process.stdout.write(`Admitted ${values.origin}.\n`);
  }
  const running = findRunningDaemon(home);
  const installed = installNativeHost({
    home,
    ...(running ? { port: running.port } : {}),
    ...(values['manifest-dir'] ? { manifestDirs: values['manifest-dir'] } : {}),
    ...(values['firefox-manifest-dir'] ? { firefoxManifestDirs: values['firefox-manifest-dir'] } : {}),
  });
  process.stdout.write(`Native messaging host: ${installed.wrapper}\n`);
  for (const m of installed.manifests) process.stdout.write(`  registered ${m}\n`);
  process.stdout.write('Reload the Loupe extension; it fetches its token through this host.\n');
  return 0;
}
