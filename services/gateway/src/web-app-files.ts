import { readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { extname, join, relative, sep } from 'node:path';

export interface WebAppFile {
  body: Buffer;
  /** Written next to the file by the web app's build (`.br`, `.gz`): nothing is compressed at run time. */
  brotli?: Buffer;
  gzip?: Buffer;
  contentType: string;
  etag: string;
  cacheControl: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

// Vite puts content-hashed files under /assets/: a new build gives them new names, so a
// browser may keep them for good. Everything else (index.html above all) is revalidated.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    // Dot folders (Vite's .vite/manifest.json) are build metadata, not part of the site.
    .filter((path) => !relative(dir, path).split(sep).some((part) => part.startsWith('.')));
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** Every file of the built web app, by URL path ('/index.html', '/assets/index-abc.js'), held in memory. */
export async function loadWebAppFiles(dir: string): Promise<Map<string, WebAppFile>> {
  const files = new Map<string, WebAppFile>();
  const paths = (await listFiles(dir)).filter((path) => !path.endsWith('.br') && !path.endsWith('.gz'));
  await Promise.all(paths.map(async (path) => {
    const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
    const body = await readFile(path);
    files.set(urlPath, {
      body,
      brotli: await readOptional(`${path}.br`),
      gzip: await readOptional(`${path}.gz`),
      contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      cacheControl: urlPath.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
    });
  }));
  return files;
}
