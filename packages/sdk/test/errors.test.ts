import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  GoneError,
  HongbaoError,
  InternalServerError,
  isAPIError,
  isHongbaoError,
  LockedError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  SignatureVerificationError,
  isSignatureVerificationError,
  UnprocessableEntityError,
} from '@hongbao/sdk';
import { runInNewContext } from 'node:vm';

const body = (code: string) => ({ error: { code, message: `m ${code}`, requestId: 'req-1' } });

describe('APIError.from', () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [402, PaymentRequiredError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [410, GoneError],
    [422, UnprocessableEntityError],
    [423, LockedError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
  ])('builds the subclass for status %i', (status, ErrorClass) => {
    const error = APIError.from(status, body('X'), { 'retry-after': '1' });
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(HongbaoError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.status).toBe(status);
    expect(error.headers).toEqual({ 'retry-after': '1' });
  });

  it('carries the protocol code, message, request id and details', () => {
    const error = APIError.from(409, { error: { code: 'ALREADY_CLAIMED', message: 'You have already claimed this packet.', requestId: 'req-9', claim: { id: 'cl_1' } } });
    expect(error.code).toBe('ALREADY_CLAIMED');
    expect(error.message).toBe('You have already claimed this packet.');
    expect(error.requestId).toBe('req-9');
    expect(error.error?.claim).toEqual({ id: 'cl_1' });
  });

  it('describes a response that is not a protocol error body', () => {
    const error = APIError.from(502, '<html>Bad Gateway</html>');
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.code).toBe('UNKNOWN');
    expect(error.message).toContain('502');
    expect(error.message).toContain('Bad Gateway');
  });

  it('keeps an unlisted status as a plain APIError', () => {
    const error = APIError.from(418, body('TEAPOT'));
    expect(error.constructor).toBe(APIError);
    expect(error.code).toBe('TEAPOT');
  });
});

describe('error guards', () => {
  it('recognise SDK errors from another realm', () => {
    const foreign = runInNewContext(`(() => { const e = new Error('x'); e[Symbol.for('@hongbao/sdk.error')] = 'api'; e.status = 404; return e; })()`);
    expect(foreign instanceof APIError).toBe(false);
    expect(isAPIError(foreign)).toBe(true);
    expect(isHongbaoError(foreign)).toBe(true);
  });

  it('tell API errors from other SDK errors and from plain errors', () => {
    expect(isAPIError(new APIConnectionError())).toBe(true);
    expect(isAPIError(new SignatureVerificationError('x', undefined))).toBe(false);
    expect(isSignatureVerificationError(new SignatureVerificationError('x', undefined))).toBe(true);
    expect(isHongbaoError(new Error('x'))).toBe(false);
    expect(isAPIError(null)).toBe(false);
    expect(new APIConnectionError().code).toBe('CONNECTION_ERROR');
  });
});
