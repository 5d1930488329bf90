import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldError } from '../core/shared/errors.js';
import { escapeHtml, htmlPage } from './html.js';
import { TooManyRequestsError } from './too-many-requests.js';
import { pathOf, RouteTable } from './route-table.js';
import { fieldErrorsOf } from './validation-messages.js';

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

/** The problem a domain error stands for. */
export function domainProblem(error: DomainError): Problem {
  const errors = 'errors' in error ? [...(error.errors as FieldError[])] : undefined;
  return problemOf(DOMAIN_STATUS[error.kind], error.message, errors);
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

// Fastify's own messages, said for a person where they say too little.
const FASTIFY_DETAILS: Record<string, (request: FastifyRequest) => string> = {
  FST_ERR_BAD_URL: (request) => `The URL ${request.url} has malformed percent-encoding (each % must start a complete UTF-8 sequence, e.g. %C3%A4)`,
  FST_ERR_MAX_PARAM_LENGTH: () => 'A path segment of the URL is too long',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (request) => `The body's Content-Type (${request.headers['content-type'] ?? 'none'}) is not one this path reads`,
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'The body is not valid JSON (Content-Type says application/json)',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'The body is empty, but Content-Type says application/json; send a JSON document',
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'The body is too large for this endpoint',
};

/** Errors Fastify answers before any route runs (a URL it cannot decode): problems too. */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  // No route ran, so no page headers were set: a problem document, whoever asked.
  sendProblem(reply.header('x-content-type-options', 'nosniff'), problemOf(status, FASTIFY_DETAILS[error.code]?.(request) ?? error.message));
}

/**
 * Requests Node's HTTP parser refuses (headers or URL too large, malformed HTTP) never reach Fastify:
 * they are answered on the socket, as problems too.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] = error.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'The request line and headers are larger than this server takes (16 KB); send a shorter URL or fewer headers']
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'The request took too long to arrive'] : [400, 'The request is not valid HTTP'];
  const body = JSON.stringify(problemOf(status, detail));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/** Every error becomes RFC 9457 problem+json; only our own faults are 5xx. */
export function installProblemHandlers(app: FastifyInstance, isUnavailable: (error: unknown) => boolean, onUnavailable: (error: unknown) => void): void {
  const routes = new RouteTable();
  app.addHook('onRoute', (route) => routes.add(route.url, route.method));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      const problem = domainProblem(error);
      if (problem.status === 503) reply.header('retry-after', '1');
      return sendProblemOrPage(request, reply, problem);
    }
    if (error.validation) {
      const errors = fieldErrorsOf(error.validation, error.validationContext ?? 'request');
      return sendProblem(reply, problemOf(400, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors));
    }
    if (error instanceof TooManyRequestsError) reply.header('retry-after', String(error.retryAfterSeconds));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendProblem(reply, problemOf(status, FASTIFY_DETAILS[error.code]?.(request) ?? error.message));
    if (status === 503 || isUnavailable(error)) {
      onUnavailable(error);
      return sendProblem(reply.header('retry-after', '1'), problemOf(503, 'The service cannot reach its database; try again shortly'));
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problemOf(500, 'Something went wrong on our side'));
  });
  app.setNotFoundHandler((request, reply) => {
    const allowed = routes.methodsFor(request.url);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return sendProblemOrPage(request, reply, problemOf(405, `${request.method} is not allowed here; this path takes ${allowed.join(', ')}`));
    }
    return sendProblemOrPage(request, reply, problemOf(404, `Nothing is at ${request.method} ${pathOf(request.url)}`));
  });
}
