import { InvalidArgumentError } from '../core/errors';
import { parseCodeUrl } from '../helpers';

/** The token in a scanned `/c/<token>` URL or bare token; throws before any request when there is none. */
export function tokenFrom(scanned: string): string {
  const parsed = parseCodeUrl(scanned);
  if (!parsed) throw new InvalidArgumentError(`Not a Hongbao code: "${scanned}". Expected <base URL>/c/<token> or a token.`);
  return parsed.token;
}

/** The request body for a scanned code: `url`, when given, replaced by the token it holds. */
export function withToken<T extends { url?: string; token?: string }>(params: T): Omit<T, 'url'> & { token?: string } {
  const { url, ...rest } = params;
  return url === undefined ? rest : { ...rest, token: tokenFrom(url) };
}
