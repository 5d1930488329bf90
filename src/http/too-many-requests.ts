/** A 429 (problem+json by the error handler), with the seconds a client should wait. */
export class TooManyRequestsError extends Error {
  readonly statusCode = 429;

  constructor(message: string, readonly retryAfterSeconds = 5) {
    super(message);
  }
}
