// idv-handoff/server: the integrator's proxy as one Fetch-API handler.
import type { IdvError, Provider } from "./index.js";

export { IdvError };

/**
 * Options of `createIdvHandler`. Every one is read and checked once, when the handler is made: a
 * later change to the object is not seen (make another handler).
 */
export interface IdvHandlerOptions {
  /** Whose API: "deepidv", "didit" or "verifa". */
  provider: Provider;
  /** The provider API key. It stays in this handler: never in a response, a log or an error. */
  apiKey: string;
  /**
   * The provider's API base URL. Default: the one its documents give (deepidv
   * https://api.deepidv.com, Didit https://verification.didit.me); Verifa documents none: required.
   */
  providerUrl?: string | URL;
  /** The only return URLs a session may carry: same origin and path (the query carries the state). */
  returnUrls: readonly (string | URL)[];
  /**
   * Custom schemes your mobile app registers (e.g. ["myapp"]): `returnUrls` may then hold
   * `myapp://verified` (Didit: "Custom URL schemes … are supported for mobile callbacks").
   */
  allowedAppSchemes?: readonly string[];
  /** Origins other than the proxy's own that may call the JSON routes (CORS). Others get 403. */
  allowedOrigins?: readonly (string | URL)[];
  /**
   * This handler's origin as browsers see it ("https://yourapp.com"), when `request.url` does not
   * carry it: Next.js behind `next start` sees `http://localhost:3000`, and a `node:http` adapter
   * builds the URL itself. Requests from this origin may call the JSON routes. Default: the
   * origin of `request.url`.
   */
  publicOrigin?: string | URL;
  /** Hosts of the provider's hosted pages the start route may send people to. Default: the documented ones. */
  sessionHosts?: readonly string[];
  /** Development only: http on localhost and 127.0.0.1 (provider, return and result URLs). */
  allowInsecureLocalhost?: boolean;
  /** The path of the JSON routes. Default "/api/idv": `POST /api/idv/sessions`, `GET /api/idv/sessions/:id`. */
  apiPath?: string;
  /** The path of the start route. Default "/idv/start". */
  startPath?: string;
  /** Where a confirmed return sends the person (with the callback's query). Default "/". */
  resultUrl?: string | URL;
  /** The return parameters' names: Verifa documents none (the return route needs them). */
  params?: { sessionId: string; status: string; reason?: string };
  /** The create path, where the documents are silent (Verifa). */
  createPath?: string;
  /** The session read path, before and after the id, where the documents are silent (deepidv, Verifa). */
  sessionPath?: { before: string; after?: string };
  /** The provider's status words, where the documents are silent (Verifa): `"word"`, or `"word!"` for a final one. */
  statuses?: readonly string[];
  /** Where Idempotency-Keys are remembered. Default: `memoryStore()`. */
  store?: IdempotencyStore;
  /** How long the provider has to answer, in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /**
   * Runs before a create, with the browser's request: your authentication and rate limits.
   * Return a Response to refuse (it is sent as it is, with the CORS headers); anything else goes on.
   */
  beforeCreate?: (request: Request) => unknown;
  /** Runs before a status read, with the request and the session id: your authorization. */
  beforeStatus?: (request: Request, sessionId: string) => unknown;
}

/** A create's answer as a store keeps it. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Where Idempotency-Keys are remembered. `begin` claims `key` (resolving to `null`), or, when it
 * is known, resolves to `{ response }` (the same request again) or `{ conflict: true }` (another
 * body); while the key's first request is in flight, it waits for it. `finish` records the
 * answer (or, with `null`, lets the key be claimed again).
 */
export interface IdempotencyStore {
  begin(key: string, fingerprint: string, ttlSeconds: number): Promise<null | { response: StoredAnswer } | { conflict: true }>;
  finish(key: string, answer: StoredAnswer | null): Promise<void>;
}

/**
 * The handler: answers its routes, `not_found` (404) for any other request, and 500
 * `internal_error` for a fault inside its WebAssembly module (which recovers for the next
 * request). What a hook or the store throws, it throws.
 */
export type IdvHandler = (
  request: Request,
  /** workerd's and Vercel's execution context: a create then finishes even if the browser goes. */
  context?: { waitUntil?(promise: Promise<unknown>): void } | unknown,
) => Promise<Response>;

/** Makes the handler. Throws an IdvError ("invalid_option", naming it) for a bad option. */
export function createIdvHandler(options: IdvHandlerOptions): IdvHandler;

/** The default store: this process's memory (not shared between processes or isolates). */
export function memoryStore(options?: { maxKeys?: number }): IdempotencyStore;

/**
 * A store in a Durable Object namespace bound to `IdvIdempotencyStore` (workerd): the keys spread
 * over `shards` objects (default 32, at most 1024) by a hash of the key. Changing `shards` moves
 * keys to other objects: records kept before the change are not seen after it.
 */
export function durableObjectStore(
  namespace: {
    idFromName(name: string): unknown;
    get(id: unknown): { fetch(input: string, init?: unknown): Promise<{ json(): Promise<any> }> };
  },
  options?: { shards?: number },
): IdempotencyStore;

/** The Durable Object class `durableObjectStore` needs: export it from your worker and bind it. */
export class IdvIdempotencyStore {
  constructor(state: unknown, env?: unknown);
  fetch(request: Request): Promise<Response>;
  alarm(): Promise<void>;
}
