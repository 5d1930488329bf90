import type { Json } from './test-server.js';

// Shlink's JS SDK, as the tests drive it. Its type declarations import their siblings without file
// extensions, which NodeNext resolution cannot follow, so the part the tests use is typed here.

type Call<A extends unknown[] = []> = (...args: A) => Promise<Json>;
type Code = { shortCode: string; domain?: string };

export interface ShlinkClient {
  health: Call;
  listShortUrls: Call<[params?: Json]>;
  createShortUrl: Call<[data: Json]>;
  getShortUrl: Call<[id: Code]>;
  updateShortUrl: Call<[id: Code, data: Json]>;
  deleteShortUrl: Call<[id: Code]>;
  getShortUrlVisits: Call<[id: Code, params?: Json]>;
  getVisitsOverview: Call;
  getOrphanVisits: Call<[params?: Json]>;
  listTags: Call;
  tagsStats: Call;
  listDomains: Call;
}

const { ShlinkApiClient } = await import('@shlinkio/shlink-js-sdk') as unknown as {
  ShlinkApiClient: new (http: unknown, server: { baseUrl: string; apiKey: string }) => ShlinkClient;
};
const { FetchHttpClient } = await import('@shlinkio/shlink-js-sdk/fetch') as unknown as { FetchHttpClient: new () => unknown };
export const { ErrorType } = await import('@shlinkio/shlink-js-sdk/api-contract') as unknown as { ErrorType: Record<string, string> };

/** The SDK's client of the server at `baseUrl`, with its fetch adapter. */
export function shlinkClient(baseUrl: string, apiKey: string): ShlinkClient {
  return new ShlinkApiClient(new FetchHttpClient(), { baseUrl, apiKey });
}
