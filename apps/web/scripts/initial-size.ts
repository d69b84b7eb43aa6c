import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** The budget the issue sets for the JavaScript a browser must load before the sign-in page shows. */
export const SIGN_IN_BUDGET_GZIP_BYTES = 150 * 1024;
/** The sign-in route's own component, as the build manifest names it. */
export const SIGN_IN_SOURCE = 'src/pages/SignInPage.vue';

interface ManifestChunk {
  file: string;
  imports?: string[];
  isEntry?: boolean;
}
type Manifest = Record<string, ManifestChunk>;

export interface InitialSize {
  files: { file: string; gzipBytes: number }[];
  gzipBytes: number;
}

/**
 * The JavaScript loaded up front for a route: the entry chunk, the route's lazily loaded
 * component, and every chunk either of them imports statically (transitively). Dynamic
 * imports (other routes) are not initial and are left out.
 */
export function initialJsForRoute(distDir: string, routeSource: string): InitialSize {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry)?.[0];
  if (!entry) throw new Error('the build manifest has no entry chunk');
  if (!manifest[routeSource]) throw new Error(`the build manifest has no chunk for ${routeSource}`);
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) visit(imported);
  };
  visit(entry);
  visit(routeSource);
  const files = [...seen]
    .map((key) => manifest[key]!.file)
    .filter((file) => file.endsWith('.js'))
    .map((file) => ({ file, gzipBytes: gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length }));
  return { files, gzipBytes: files.reduce((sum, item) => sum + item.gzipBytes, 0) };
}

export function formatInitialSize(size: InitialSize): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const lines = size.files.map((item) => `  ${item.file}  ${kib(item.gzipBytes)} gzip`);
  const verdict = size.gzipBytes <= SIGN_IN_BUDGET_GZIP_BYTES ? 'within' : 'OVER';
  return [`sign-in route initial JS: ${kib(size.gzipBytes)} gzip (${verdict} the ${kib(SIGN_IN_BUDGET_GZIP_BYTES)} budget)`, ...lines].join('\n');
}

/** Prints the sign-in route's initial JavaScript after every production build. */
export function reportInitialSize(): Plugin {
  let outDir = 'dist';
  let log: (message: string) => void = () => {};
  return {
    name: 'versaai-initial-size',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
      log = (message) => config.logger.info(message);
    },
    closeBundle() {
      log(formatInitialSize(initialJsForRoute(outDir, SIGN_IN_SOURCE)));
    },
  };
}
