import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleInvitesRequest } from './api-handler.ts';
import { CONTROL_PATH_PREFIX, handleControlRequest } from './control.ts';
import { RequestCounters, type SimulatorCounters } from './counters.ts';
import { DEFAULT_API_KEY_OWNER, DEMO_API_KEY, type SeedOption } from './demo-data.ts';
import { DigestVerifier } from './digest.ts';
import { apiErrors, OpsManagerError } from './errors.ts';
import { applyFaultBeforeHandling } from './fault-responses.ts';
import { FaultQueue, type SimulatorFaults } from './faults.ts';
import { DEFAULT_MAX_BODY_BYTES, readRequestBody } from './http-body.ts';
import { ProjectRateLimit } from './rate-limit.ts';
import { NonceRegistry } from './nonces.ts';
import { errorResult, responseFormat, sendApiResult, sendChallenge, type ApiResult } from './responses.ts';
import { API_BASE_PATH, matchRoute, routeKey } from './routes.ts';
import { SimulatorStore } from './store.ts';
import { type ApiKeyInviter, type DeleteResponse, DOCUMENTED_VARIANTS, type SimulatorVariants } from './variants.ts';

export interface SimulatorApiKey {
  publicKey: string;
  privateKey: string;
  /** The Ops Manager user owning the key: `inviterUsername` of invitations it creates. @default 'api-key-owner@example.com' */
  ownerUsername?: string;
}

export interface SimulatorOptions {
  /** @default 0 (a random free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default [DEMO_API_KEY] */
  apiKeys?: SimulatorApiKey[];
  /** 'none' is for when Apache does Digest in front of the simulator. @default 'digest' */
  auth?: 'digest' | 'none';
  /** How long a Digest nonce may be used before the answer is 401 with `stale=true`. @default 300_000 (Apache's default) */
  nonceLifetimeMs?: number;
  /** Refuse a nonce count (`nc`) that does not rise, as Apache's AuthDigestNcCheck does. @default true */
  checkNonceCount?: boolean;
  /** Status of a create: 201 as the Ops Manager docs say, or 200 as Atlas was recorded answering. @default 201 */
  createStatus?: 201 | 200;
  /**
   * What a delete answers: 'no-content' (204, as the docs' example), 'empty-object' (200 `{}`,
   * the docs' "empty JSON object"), 'empty-body' (200, no body, typed application/json: the
   * official Go client's test mock). @default 'no-content'
   */
  deleteResponse?: DeleteResponse;
  /**
   * `inviterUsername` of an invitation created through an API key: 'owner', the key owner's
   * email (`ownerUsername`), as the docs' examples show; 'public-key', the key's public key, as
   * a real recording shows. @default 'owner'
   */
  apiKeyInviter?: ApiKeyInviter;
  /** Fixed latency added to every API response. @default 0 */
  latencyMs?: number;
  /** @default 'demo' */
  seed?: SeedOption;
  /** Clock for nonce expiry and createdAt/expiresAt (ms since epoch). @default Date.now */
  now?: () => number;
  /** Unknown fields added to every invitation returned, to prove clients tolerate them. */
  extraInvitationFields?: Record<string, unknown>;
  /** Larger request bodies get 413. @default 1 MiB */
  maxBodyBytes?: number;
  /**
   * Authenticated requests per project per minute before 429 RATE_LIMITED with Retry-After, as
   * Atlas documents (100 on some resources); 0: no limit. @default 0
   */
  rateLimitPerMinute?: number;
}

export interface Simulator {
  /** 'http://127.0.0.1:PORT' */
  readonly origin: string;
  /** origin + '/api/public/v1.0' */
  readonly baseUrl: string;
  readonly store: SimulatorStore;
  readonly counters: SimulatorCounters;
  readonly faults: SimulatorFaults;
  setLatency(ms: number): void;
  /** Changes the per-project rate limit (0: off); every project's window starts again. */
  setRateLimit(perMinute: number): void;
  /** Closes the server and destroys every open socket (keep-alive, hanging), so tests end promptly. */
  close(): Promise<void>;
}

/** Starts an Ops Manager stand-in serving the project invitations API over real HTTP. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const apiKeys: readonly SimulatorApiKey[] = options.apiKeys ?? [DEMO_API_KEY];
  const keyOwners = new Map(apiKeys.map((key) => [key.publicKey, key.ownerUsername ?? DEFAULT_API_KEY_OWNER]));
  const variants: SimulatorVariants = {
    createStatus: options.createStatus ?? DOCUMENTED_VARIANTS.createStatus,
    deleteResponse: options.deleteResponse ?? DOCUMENTED_VARIANTS.deleteResponse,
    apiKeyInviter: options.apiKeyInviter ?? DOCUMENTED_VARIANTS.apiKeyInviter,
  };
  /** Who an invitation created by this key says invited the user. */
  const inviterOf = (publicKey: string | undefined): string => {
    if (publicKey === undefined) return DEFAULT_API_KEY_OWNER;
    return variants.apiKeyInviter === 'public-key' ? publicKey : (keyOwners.get(publicKey) ?? DEFAULT_API_KEY_OWNER);
  };
  const digest =
    options.auth === 'none'
      ? undefined
      : new DigestVerifier({
          privateKeys: new Map(apiKeys.map((key) => [key.publicKey, key.privateKey])),
          nonces: new NonceRegistry({ lifetimeMs: options.nonceLifetimeMs ?? 300_000, now }),
          checkNonceCount: options.checkNonceCount ?? true,
        });

  const store = new SimulatorStore({ now, seed: options.seed, extraInvitationFields: options.extraInvitationFields });
  const counters = new RequestCounters();
  const faults = new FaultQueue();
  const rateLimit = new ProjectRateLimit(0, now);
  rateLimit.set(options.rateLimitPerMinute ?? 0);
  let latencyMs = options.latencyMs ?? 0;
  const setLatency = (ms: number): void => {
    if (!(ms >= 0)) throw new RangeError(`latency must be >= 0, got ${ms}`);
    latencyMs = ms;
  };

  // Aborted on close(), so pending latency waits end with the server instead of holding the process.
  const closing = new AbortController();
  const pause = async (ms: number): Promise<boolean> => {
    if (ms <= 0) return !closing.signal.aborted;
    try {
      await sleep(ms, undefined, { signal: closing.signal });
      return true;
    } catch {
      return false;
    }
  };

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    counters.recordRequest();
    const method = request.method ?? 'GET';
    if (!(await pause(latencyMs))) return;

    let publicKey: string | undefined;
    if (digest !== undefined) {
      const verdict = digest.verify(method, request.url ?? '', request.headers.authorization);
      if (!verdict.ok) {
        counters.recordChallenge(verdict.stale);
        sendChallenge(response, digest.challenge(verdict.stale), verdict.failure);
        return;
      }
      publicKey = verdict.publicKey;
    }

    const route = matchRoute(url.pathname);
    const key = route && routeKey(method, route.template);
    counters.recordAuthenticated(key, `${method} ${url.pathname}`);
    const format = responseFormat(url.searchParams);

    const retryAfter = route?.groupId === undefined ? undefined : rateLimit.take(route.groupId);
    if (retryAfter !== undefined) {
      const result = errorResult(apiErrors.rateLimited(url.pathname, rateLimit.perMinute));
      sendApiResult(response, { ...result, headers: { ...result.headers, 'Retry-After': String(retryAfter) } }, format);
      return;
    }

    // The body is read before a fault is decided, so that a fault plan can tell requests apart by it.
    const read =
      method === 'POST' || method === 'PATCH' || method === 'PUT'
        ? await readRequestBody(request, maxBodyBytes)
        : { tooLarge: false as const, body: Buffer.alloc(0) };
    const fault = faults.take({
      method,
      route: key,
      groupId: route?.groupId,
      path: `${url.pathname}${url.search}`,
      body: read.tooLarge ? '' : read.body.toString('utf8'),
    });
    if (fault !== undefined) {
      const goOn = await applyFaultBeforeHandling(fault, { request, response, pathname: url.pathname, format, pause });
      if (!goOn) return;
    }

    let result: ApiResult;
    try {
      if (route === undefined) throw apiErrors.resourceNotFound(url.pathname);
      if (read.tooLarge) throw apiErrors.payloadTooLarge(maxBodyBytes);
      const outcome = handleInvitesRequest(
        store,
        {
          method,
          route,
          query: url.searchParams,
          body: read.body,
          contentType: request.headers['content-type'],
          publicKey,
          callerUsername: inviterOf(publicKey),
        },
        variants,
      );
      if (outcome.applied) counters.recordApplied();
      result = outcome;
    } catch (error) {
      result = errorResult(error instanceof OpsManagerError ? error : apiErrors.unexpected());
    }

    if (fault?.kind === 'reset' && fault.after === 'apply') {
      request.socket.destroy();
      return;
    }
    sendApiResult(response, result, format);
  }

  const server = createServer((request, response) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://simulator.invalid');
    } catch {
      // A request target no URL parser accepts; never let it throw out of the listener.
      sendApiResult(response, errorResult(apiErrors.resourceNotFound(request.url ?? '')), {
        pretty: false,
        envelope: false,
      });
      return;
    }
    const handled = url.pathname.startsWith(CONTROL_PATH_PREFIX)
      ? handleControlRequest(request, response, url.pathname, { counters, faults, store, setLatency })
      : handleApi(request, response, url);
    handled.catch(() => {
      // A body read that failed (client went away) or a bug: answer if still possible, else drop the socket.
      if (!response.headersSent && !request.socket.destroyed) {
        const result = errorResult(apiErrors.unexpected());
        sendApiResult(response, result, { pretty: false, envelope: false });
      } else {
        request.socket.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closed: Promise<void> | undefined;

  return {
    origin,
    baseUrl: `${origin}${API_BASE_PATH}`,
    store,
    counters,
    faults,
    setLatency,
    setRateLimit: (perMinute) => rateLimit.set(perMinute),
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        // Idle keep-alive sockets and requests a fault left hanging would otherwise keep close() waiting.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
