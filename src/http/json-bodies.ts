import type { FastifyInstance, FastifyRequest } from 'fastify';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The API reads JSON bodies only. A body sent as a form (curl -d's default) or as text would
 * otherwise be parsed into something no schema expects ("unknown field"); say what is wrong instead.
 */
export function requireJsonBodies(app: FastifyInstance, isApi: (request: FastifyRequest) => boolean): void {
  app.addHook('preParsing', async (request) => {
    if (!isApi(request) || !hasBody(request)) return;
    const type = request.headers['content-type'];
    if (type !== undefined && JSON_TYPE.test(type)) return;
    const given = type === undefined ? 'the request has no Content-Type' : `got Content-Type: ${type}`;
    throw Object.assign(new Error(`The API reads JSON bodies: send the body with Content-Type: application/json (${given})`), { statusCode: 415 });
  });
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
