import { DEMO_API_KEY, type Simulator, startSimulator } from '../../src/simulator/index.ts';
import {
  type GatewayProcess,
  groupGoneWithin,
  killGroup,
  type Launcher,
  launchGateway,
} from '../e2e/gateway-process.ts';
import { type RedisServer, startRedis } from '../redis/redis-server.ts';
import { type Haproxy, type HaproxyOptions, startHaproxy } from './haproxy.ts';

export interface ClusterOptions {
  /** Gateway processes behind HAProxy. */
  replicas: number;
  /** 'dist' (what production runs; build it first) or 'tsx'. @default 'dist' */
  launcher?: Launcher;
  /** Gateway settings on top of the cluster's own (upstream, Redis, logs). */
  env?: Record<string, string>;
  /** HAProxy's health checks. */
  checks?: Omit<HaproxyOptions, 'servers'>;
}

export interface Replica {
  /** HAProxy's name for it: g1, g2, ... */
  name: string;
  /** The process running now (replaced by `restart`). */
  process: GatewayProcess;
}

export interface Cluster {
  /** The load balancer's GraphQL endpoint: what clients call. */
  url: string;
  haproxy: Haproxy;
  simulator: Simulator;
  redis: RedisServer;
  replicas: Replica[];
  /**
   * A rolling restart's step for one replica: SIGTERM (it drains), wait for it to exit, start
   * it again, and wait until HAProxy sees it UP. Resolves with the old process's exit code.
   */
  restart(index: number): Promise<number | null>;
  /** SIGKILL to the replica's process group, at once; resolves when it is gone. */
  kill(index: number): Promise<void>;
  /** Starts the replica again (after `kill`) and waits until HAProxy sees it UP. */
  start(index: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A small production shape on loopback, for tests: one Ops Manager simulator (in this process,
 * so a test counts at it directly), one Redis, N gateway processes sharing both, and HAProxy in
 * front health-checking /readiness. Every port is a free one. `stop()` ends all of it.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const launcher = options.launcher ?? 'dist';
  const simulator = await startSimulator();
  const stops: Array<() => Promise<void>> = [() => simulator.close()];
  try {
    const redis = await startRedis();
    stops.unshift(() => redis.stop());
    const env = {
      LOG_LEVEL: 'info',
      AUDIT_LOG: 'off',
      OPS_MANAGER_BASE_URL: simulator.baseUrl,
      OPS_MANAGER_PUBLIC_KEY: DEMO_API_KEY.publicKey,
      OPS_MANAGER_PRIVATE_KEY: DEMO_API_KEY.privateKey,
      ALLOW_UNAUTHENTICATED: 'true',
      IDEMPOTENCY_REDIS_URL: redis.url,
      // The load here is one anonymous caller sending thousands of operations a minute: per-caller
      // budgets would refuse most of it. The fair-share test sets its own.
      RATE_LIMIT_READS_PER_MINUTE: '0',
      RATE_LIMIT_MUTATIONS_PER_MINUTE: '0',
      ...options.env,
    };
    const launch = async (): Promise<GatewayProcess> => {
      const gateway = await launchGateway(launcher, env);
      // Its Redis client connects in the background: wait, so that no keyed change runs without the store.
      await gateway.lineWith('Idempotency store (Redis) ready');
      return gateway;
    };
    const portOf = (gateway: GatewayProcess) => Number(new URL(gateway.url).port);

    const replicas: Replica[] = [];
    stops.unshift(async () => {
      await Promise.all(replicas.map((replica) => stopGateway(replica.process)));
    });
    for (let index = 0; index < options.replicas; index += 1)
      replicas.push({ name: `g${index + 1}`, process: await launch() });
    const haproxy = await startHaproxy({
      ...options.checks,
      servers: replicas.map((replica) => ({ port: portOf(replica.process) })),
    });
    stops.unshift(() => haproxy.stop());
    for (const replica of replicas) await haproxy.waitForStatus(replica.name, 'UP');

    async function start(index: number): Promise<void> {
      const replica = replicas[index]!;
      replica.process = await launch();
      await haproxy.setServerPort(replica.name, portOf(replica.process));
      await haproxy.waitForStatus(replica.name, 'UP');
    }

    return {
      url: `${haproxy.origin}/graphql`,
      haproxy,
      simulator,
      redis,
      replicas,
      async restart(index) {
        const old = replicas[index]!.process;
        process.kill(old.pid, 'SIGTERM');
        const [code] = await old.exited;
        await start(index);
        return code;
      },
      async kill(index) {
        const old = replicas[index]!.process;
        killGroup(old.pid);
        await old.exited;
      },
      start,
      stop: () => runAll(stops),
    };
  } catch (error) {
    await runAll(stops);
    throw error;
  }
}

/** At the end (HAProxy already gone): SIGINT, which skips the drain; SIGKILL if it is still there after its grace. */
async function stopGateway(gateway: GatewayProcess): Promise<void> {
  if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) return;
  process.kill(-gateway.pid, 'SIGINT');
  if ((await groupGoneWithin(gateway.pid, 30_000)) === undefined) killGroup(gateway.pid);
}

async function runAll(steps: Array<() => Promise<void>>): Promise<void> {
  for (const step of steps) await step().catch(() => {});
}
