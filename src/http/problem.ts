import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldError } from '../core/shared/errors.js';
import { escapeHtml, htmlPage } from './html.js';
import { TooManyRequestsError } from './too-many-requests.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  invalid: 422, 'not-found': 404, conflict: 409, gone: 410, unauthorized: 401, forbidden: 403, unavailable: 503,
};

export function problemOf(status: number, detail?: string, errors?: FieldError[]): Problem {
  const title = STATUS_CODES[status] ?? 'Error';
  return {
    type: `urn:linkpulse:problem:${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    title,
    status,
    ...(detail !== undefined && { detail }),
    ...(errors !== undefined && { errors }),
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** Browsers get a page, API clients (Accept: application/json) a problem document. */
export function wantsJson(request: FastifyRequest): boolean {
  return /^\/(api|share\/[^/?]+)\//.test(request.url) || /application\/(problem\+)?json/.test(request.headers.accept ?? '');
}

export function sendProblemOrPage(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  if (wantsJson(request)) return sendProblem(reply, problem);
  return reply.code(problem.status).type('text/html; charset=utf-8').send(
    htmlPage(`${problem.status} ${problem.title}`, `<h1>${problem.status} ${escapeHtml(problem.title)}</h1><p>${escapeHtml(problem.detail ?? '')}</p>`),
  );
}

/** Ajv errors → one entry per field, named as a client wrote it (`tags[2]`, `url`). */
function validationErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    const path = v.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
    const extra = (params.missingProperty ?? params.additionalProperty) as string | undefined;
    const field = [path, extra].filter(Boolean).join('.') || (error.validationContext ?? 'request');
    const message = params.additionalProperty ? 'is not a known field' : (v.message ?? 'is invalid');
    return { field, message };
  });
}

/** Every error becomes RFC 9457 problem+json; only our own faults are 5xx. */
export function installProblemHandlers(app: FastifyInstance, isUnavailable: (error: unknown) => boolean): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      const status = DOMAIN_STATUS[error.kind];
      if (status === 503) reply.header('retry-after', '1');
      const errors = 'errors' in error ? [...(error.errors as FieldError[])] : undefined;
      return sendProblemOrPage(request, reply, problemOf(status, error.message, errors));
    }
    if (error.validation) {
      const where = error.validationContext ?? 'request';
      return sendProblem(reply, problemOf(400, `The ${where} is not valid`, validationErrors(error)));
    }
    if (error instanceof TooManyRequestsError) reply.header('retry-after', String(error.retryAfterSeconds));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendProblem(reply, problemOf(status, error.message));
    if (status === 503 || isUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return sendProblem(reply.header('retry-after', '1'), problemOf(503, 'The service cannot reach its database; try again shortly'));
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problemOf(500, 'Something went wrong on our side'));
  });
  app.setNotFoundHandler((request, reply) => {
    sendProblemOrPage(request, reply, problemOf(404, 'Nothing is here'));
  });
}
