import { ERRORS, type ErrorCode } from '@hongbao/protocol';

/**
 * A failure the API answers with a protocol error code. Services throw it; the one error handler
 * turns it into `{error: {code, message, requestId, ...details}}` with the code's HTTP status.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].en,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = ERRORS[code].status;
  }
}

export const fail = (code: ErrorCode, message?: string, details?: Record<string, unknown>): never => {
  throw new AppError(code, message, details);
};
