import { ApiError } from '../api/api-error.ts';

type Translate = (key: string) => string;
type HasKey = (key: string) => boolean;

/** The translated sentence for an error: by its API code, else a generic one. Never raw JSON. */
export function errorMessage(error: unknown, t: Translate, te: HasKey): string {
  const code = error instanceof ApiError ? error.code : 'UNKNOWN';
  return te(`errors.${code}`) ? t(`errors.${code}`) : t('errors.UNKNOWN');
}
