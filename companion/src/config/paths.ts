import envPaths from 'env-paths';
import { join } from 'node:path';

/** All state (config, token, models, logs) lives under LOUPE_HOME. */
export function loupeHome(): string {
  return process.env.LOUPE_HOME ?? envPaths('loupe', { suffix: '' }).data;
}

export const homePaths = (home = loupeHome()) => ({
  home,
  token: join(home, 'token'),
  config: join(home, 'config.json'),
  models: join(home, 'models'),
  logs: join(home, 'logs'),
  daemon: join(home, 'daemon.json'),
  allowedOrigins: join(home, 'allowed-origins.json'),
  nativeHost: join(home, 'native-host'),
});
