import { APIResource } from '../core/resource';
import type { RequestOptions } from '../core/transport';
import type { CreateSessionParams, Session } from '../types';

/** Logging in (`POST /v1/sessions`). */
export class Sessions extends APIResource {
  /**
   * Logs a user in and returns the session token and profile. The client does not keep the
   * token: build a client with it, `client.withOptions({ auth: session.token })`.
   *
   * @example
   * const session = await client.sessions.create({ provider: 'dev', openid: 'alice' });
   */
  create(params: CreateSessionParams, options?: RequestOptions): Promise<Session> {
    return this.transport.request({ method: 'POST', path: '/v1/sessions', body: params, options });
  }
}
