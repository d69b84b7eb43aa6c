import { ConfigError } from './config.ts';
import { redactString } from './redact.ts';

/** sysexits(3) EX_CONFIG: the operator must fix the configuration, restarting will not help. */
export const EXIT_CONFIG = 78;
export const EXIT_FAILURE = 1;

export interface RunMainOptions {
  exit?: (code: number) => void;
  writeError?: (line: string) => void;
}

/**
 * Runs a process entry point. A ConfigError becomes its one-line message on stderr and exit
 * code 78; any other failure prints its (credential-masked) stack and exits with 1.
 * Success leaves the process running (servers keep it alive; shutdown decides when to exit).
 */
export async function runMain(main: () => Promise<void>, opts: RunMainOptions = {}): Promise<void> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const writeError = opts.writeError ?? ((line: string) => console.error(line));
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError) {
      writeError(error.message);
      exit(EXIT_CONFIG);
      return;
    }
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    writeError(`Fatal: ${redactString(text)}`);
    exit(EXIT_FAILURE);
  }
}
