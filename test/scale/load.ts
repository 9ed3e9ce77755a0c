import { Agent, fetch } from 'undici';

/** One request the load sent, and what became of it at the client. */
export interface Outcome {
  kind: 'read' | 'mutation';
  /** performance.now() when it was sent and when its answer (or failure) came back. */
  startedAt: number;
  endedAt: number;
  ok: boolean;
  /** Why it failed: the HTTP status and first error code, or the connection error. */
  failure?: string;
  /** Mutations: the invitation's username and the Idempotency-Key sent with it. */
  username?: string;
  key?: string;
}

export interface LoadOptions {
  /** The load balancer's GraphQL endpoint. */
  url: string;
  projectId: string;
  /** Usernames and keys start with it, so a test counts its own changes at the simulator. */
  runId: string;
  /** Clients sending one request after another. */
  workers: number;
  /** Hard bounds: no more requests than this, nor for longer than this. */
  maxRequests: number;
  maxMs: number;
  /** The share of requests that are mutations, drawn at random per request (a fixed pattern would fall in step with round-robin). @default 1/3 */
  mutationShare?: number;
}

export interface Load {
  outcomes: Outcome[];
  /** Resolves once at least `count` requests have been answered (or failed). */
  answered(count: number): Promise<void>;
  /** Stops sending; resolves with every outcome once the requests in flight are answered. */
  stop(): Promise<Outcome[]>;
}

const READ = `query($p: ObjectID!) { project(id: $p) { invitations { id } } }`;
export const CREATE = `mutation($p: ObjectID!, $u: EmailAddress!) {
  createInvitation(projectId: $p, username: $u, roles: [GROUP_READ_ONLY]) { __typename ... on InvitationCreated { invitation { id username } } ... on Error { code } }
}`;

/** The username and Idempotency-Key of the run's n-th mutation. */
export const mutationOf = (runId: string, n: number) => ({
  username: `${runId}-${n}@example.com`,
  key: `${runId}-${n}`,
});

/**
 * A steady mixed load through the load balancer: `workers` clients, each sending its next
 * request when the last one is answered; reads of one project and, a `mutationShare` of the requests, a
 * createInvitation with a username and an Idempotency-Key of its own. Nothing is retried here:
 * every failure is recorded as the client saw it. Bounded by `maxRequests` and `maxMs`.
 */
export function startLoad(options: LoadOptions): Load {
  const mutationShare = options.mutationShare ?? 1 / 3;
  // Keep-alive connections to HAProxy, as a real client has; HAProxy keeps its own to the replicas.
  const dispatcher = new Agent({ connections: options.workers });
  const outcomes: Outcome[] = [];
  const deadline = performance.now() + options.maxMs;
  let sent = 0;
  let mutations = 0;
  let stopped = false;
  const waiters: Array<() => void> = [];

  async function one(): Promise<void> {
    const mutation = Math.random() < mutationShare;
    sent += 1;
    const change = mutation ? mutationOf(options.runId, mutations++) : undefined;
    const startedAt = performance.now();
    const outcome = await send(
      options.url,
      dispatcher,
      change ? { projectId: options.projectId, ...change } : { projectId: options.projectId },
    );
    outcomes.push({
      kind: mutation ? 'mutation' : 'read',
      startedAt,
      endedAt: performance.now(),
      ...outcome,
      ...change,
    });
    for (const wake of waiters.splice(0)) wake();
  }

  async function worker(): Promise<void> {
    while (!stopped && sent < options.maxRequests && performance.now() < deadline) await one();
  }
  const running = Promise.all(Array.from({ length: options.workers }, worker));

  return {
    outcomes,
    async answered(count) {
      while (outcomes.length < count) {
        if (sent >= options.maxRequests || performance.now() >= deadline)
          throw new Error(`the load ended after ${outcomes.length} answers, before ${count}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    async stop() {
      stopped = true;
      await running;
      await dispatcher.close();
      return outcomes;
    },
  };
}

/** One operation; `change` makes it the createInvitation with that username and key. */
export async function send(
  url: string,
  dispatcher: Agent | undefined,
  request: { projectId: string; username?: string; key?: string },
): Promise<{ ok: boolean; failure?: string; typename?: string; status?: number; code?: string }> {
  const mutation = request.username !== undefined;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(request.key ? { 'idempotency-key': request.key } : {}) },
      body: JSON.stringify(
        mutation
          ? { query: CREATE, variables: { p: request.projectId, u: request.username } }
          : { query: READ, variables: { p: request.projectId } },
      ),
      dispatcher,
    });
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, status: response.status, failure: `${response.status} ${text.slice(0, 80)}` };
    }
    const code = body.errors?.[0]?.extensions?.code as string | undefined;
    if (response.status !== 200 || body.errors)
      return { ok: false, status: response.status, code, failure: `${response.status} ${code ?? ''}`.trim() };
    if (!mutation) return { ok: Array.isArray(body.data?.project?.invitations), status: 200 };
    const typename = body.data.createInvitation.__typename as string;
    return {
      ok: typename === 'InvitationCreated',
      status: 200,
      typename,
      ...(typename === 'InvitationCreated' ? {} : { failure: `200 ${typename}` }),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, failure: cause?.code ?? cause?.message ?? String(error) };
  }
}

/** The p-th percentile (0-100) of the values, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
