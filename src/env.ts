import { existsSync } from 'node:fs';

/** Reads `.env` from the working directory into process.env, if there is one. Entry points only. */
export function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}
