import { DEMO_API_KEY, type Simulator, startSimulator } from '../../src/simulator/index.ts';
import { type GatewayProcess, groupGoneWithin, killGroup, launchGateway } from '../e2e/gateway-process.ts';
import { type RedisServer, startRedis } from './redis-server.ts';

/**
 * One gateway process against the shared simulator, with `env` on top of the simulator's
 * credentials. Its Redis client connects in the background: this waits for the log line `ready`,
 * so that the first request finds the shared state.
 */
export async function startReplica(
  simulator: Simulator,
  env: Record<string, string>,
  ready: string,
): Promise<GatewayProcess> {
  const replica = await launchGateway('tsx', {
    LOG_LEVEL: 'info',
    AUDIT_LOG: 'off',
    OPS_MANAGER_BASE_URL: simulator.baseUrl,
    OPS_MANAGER_PUBLIC_KEY: DEMO_API_KEY.publicKey,
    OPS_MANAGER_PRIVATE_KEY: DEMO_API_KEY.privateKey,
    ...env,
  });
  await replica.lineWith(ready);
  return replica;
}

/** SIGTERM to the replica's process group; SIGKILL when it is not gone within 10 s. */
export async function stopReplica(replica: GatewayProcess | undefined): Promise<void> {
  if (!replica) return;
  process.kill(-replica.pid, 'SIGTERM');
  if ((await groupGoneWithin(replica.pid, 10_000)) === undefined) killGroup(replica.pid);
}

export interface ReplicaPair {
  simulator: Simulator;
  redis: RedisServer;
  a: GatewayProcess;
  b: GatewayProcess;
}

/** One simulator, one Redis, and two replicas started by `start` against both. */
export async function startReplicaPair(
  start: (simulator: Simulator, redisUrl: string) => Promise<GatewayProcess>,
): Promise<ReplicaPair> {
  const simulator = await startSimulator();
  const redis = await startRedis();
  const [a, b] = await Promise.all([start(simulator, redis.url), start(simulator, redis.url)]);
  return { simulator, redis, a, b };
}

export async function stopReplicaPair(pair: Partial<ReplicaPair>): Promise<void> {
  await Promise.all([stopReplica(pair.a), stopReplica(pair.b)]);
  await pair.redis?.stop();
  await pair.simulator?.close();
}
