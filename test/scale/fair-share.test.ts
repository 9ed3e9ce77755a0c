import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/index.ts';
import { bearer, JWT_ENV, post, READ } from '../integration/jwt-callers.ts';
import { type Cluster, startCluster } from './cluster.ts';

const [, analytics] = DEMO_PROJECT_IDS as [string, string];
const READS_PER_MINUTE = 12;
const listCalls = (cluster: Cluster, project: string) =>
  cluster.simulator.counters.snapshot().byPath[`GET /api/public/v1.0/groups/${project}/invites`] ?? 0;

describe('replicas behind HAProxy share one budget per caller (Redis)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    // No read coalescing: each admitted read is one Ops Manager call, so the count at the simulator is the budget.
    cluster = await startCluster({
      replicas: 3,
      env: { ...JWT_ENV, RATE_LIMIT_READS_PER_MINUTE: String(READS_PER_MINUTE), UPSTREAM_COALESCE_READS: 'false' },
    });
  });
  afterAll(() => cluster?.stop());

  it('a flood through the load balancer, spread over every replica, is limited as one caller', async () => {
    const flooder = bearer('balanced-flooder');
    const answers = await Promise.all(
      Array.from({ length: 3 * READS_PER_MINUTE }, () => post(cluster.url, flooder, READ, { p: analytics })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(READS_PER_MINUTE);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2 * READS_PER_MINUTE);
    expect(listCalls(cluster, analytics)).toBe(READS_PER_MINUTE);
    // HAProxy spread it: the replicas refused it between them, each counting its own refusals.
    let refusing = 0;
    for (const replica of cluster.replicas) {
      const text = await (await fetch(replica.process.url.replace(/\/graphql$/, '/metrics'))).text();
      if (/gateway_rate_limited_requests_total\{identity_class="jwt",operation_type="read"\} [1-9]/.test(text))
        refusing += 1;
    }
    expect(refusing).toBeGreaterThanOrEqual(2);
  });
});
