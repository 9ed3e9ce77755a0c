import { readdirSync, readFileSync } from 'node:fs';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import {
  HorizontalPodAutoscaler,
  type IHorizontalPodAutoscaler,
} from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { type IPodDisruptionBudget, PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { type ISecret, Secret } from 'kubernetes-models/v1/Secret';
import { type IService, Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';

/** The models of the kinds deploy/kubernetes holds, by apiVersion/kind; each validates against the Kubernetes OpenAPI schema. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/Secret': Secret,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

const DIR = new URL('../../deploy/kubernetes/', import.meta.url);
const files = readdirSync(DIR).filter((file) => file.endsWith('.yaml'));

interface Manifest {
  file: string;
  body: { apiVersion: string; kind: string; [field: string]: unknown };
}
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(new URL(file, DIR), 'utf8')).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
    return { file, body: document.toJS() as Manifest['body'] };
  }),
);
const one = <T>(kind: string) => manifests.find((manifest) => manifest.body.kind === kind)!.body as unknown as T;

const deployment = one<IDeployment>('Deployment');
const pod = deployment.spec!.template.spec!;
const container: IContainer = pod.containers[0]!;
/** The other ways of deploying it, held to the same memory budget and V8 flags. */
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const unit = readFileSync(new URL('../../deploy/ops-manager-invitations-gateway.service', import.meta.url), 'utf8');
const secret = one<ISecret>('Secret');
const heapCapMiB = Number(
  /--max-old-space-size=(\d+)/.exec(container.env!.find((variable) => variable.name === 'NODE_OPTIONS')!.value!)![1],
);

/** The container's environment as the gateway would see it: literal values, and each Secret reference resolved from secret.example.yaml. */
function containerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env!) {
    const reference = variable.valueFrom?.secretKeyRef;
    const value = reference ? secret.stringData![reference.key] : variable.value;
    if (value !== undefined) env[variable.name] = value;
  }
  return env;
}

describe('deploy/kubernetes: every manifest is valid against the Kubernetes schemas (kubernetes-models)', () => {
  it.each(
    manifests
      .filter((manifest) => manifest.body.kind !== 'Kustomization')
      .map((manifest) => [`${manifest.file}: ${manifest.body.kind}`, manifest] as const),
  )('%s', (_, { body }) => {
    const Model = MODELS[`${body.apiVersion}/${body.kind}`];
    expect(Model, `no model for ${body.apiVersion} ${body.kind}`).toBeDefined();
    expect(() => new Model!(body as never).validate()).not.toThrow();
  });

  it('the validator does reject a wrong manifest (a port that is no number)', () => {
    const broken = structuredClone(one<IService>('Service'));
    (broken.spec!.ports![0] as { port: unknown }).port = 'eighty';
    expect(() => new Service(broken).validate()).toThrow(/port must be integer/);
  });

  it('kustomization.yaml applies every manifest but the example Secret', () => {
    const kustomization = one<{ resources: string[] }>('Kustomization');
    expect([...kustomization.resources].sort()).toEqual(
      files.filter((file) => !['kustomization.yaml', 'secret.example.yaml'].includes(file)).sort(),
    );
  });
});

describe('deploy/kubernetes matches the gateway', () => {
  it('every environment variable is one the config schema reads (or NODE_OPTIONS), and together they load', () => {
    const names = container.env!.map((variable) => variable.name);
    expect(names.filter((name) => name !== 'NODE_OPTIONS' && !CONFIG_VARIABLES.includes(name))).toEqual([]);
    const config = loadConfig(containerEnv());
    expect(config.nodeEnv).toBe('production');
    expect(config.security.authMode).toBe('jwt');
    expect(config.idempotency.redisUrl).toBeDefined();
  });

  it('the Ops Manager key, the JWT settings and the Redis URL come from the Secret, whose example has every key referenced', () => {
    const fromSecret = container.env!.filter((variable) => variable.valueFrom?.secretKeyRef);
    expect(fromSecret.map((variable) => variable.name).sort()).toEqual(
      [
        'IDEMPOTENCY_REDIS_URL',
        'JWT_AUDIENCE',
        'JWT_ISSUER',
        'JWT_JWKS_URL',
        'JWT_SECRET',
        'OPS_MANAGER_PRIVATE_KEY',
        'OPS_MANAGER_PUBLIC_KEY',
      ].sort(),
    );
    for (const variable of fromSecret) {
      expect(variable.valueFrom!.secretKeyRef!.name).toBe(secret.metadata!.name);
      if (!variable.valueFrom!.secretKeyRef!.optional)
        expect(Object.keys(secret.stringData!)).toContain(variable.valueFrom!.secretKeyRef!.key);
    }
  });

  it('the container port is PORT, and the probes, the Service and the scrape annotation use it', () => {
    const { port } = loadConfig(containerEnv());
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(container.readinessProbe!.httpGet).toEqual({ path: '/readiness', port: 'http' });
    expect(container.livenessProbe!.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(one<IService>('Service').spec!.ports![0]!.targetPort).toBe('http');
    expect(deployment.spec!.template.metadata!.annotations!['prometheus.io/port']).toBe(String(port));
  });

  it('terminationGracePeriodSeconds is above drain + grace, so the gateway ends its shutdown before the SIGKILL', () => {
    const config = loadConfig(containerEnv());
    expect(config.shutdownDrainMs).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(config.shutdownDrainMs + config.shutdownGraceMs);
  });

  it('three replicas, all selected by the Service, the PodDisruptionBudget, and scaled by the HPA on CPU', () => {
    const labels = deployment.spec!.template.metadata!.labels!;
    expect(deployment.spec!.replicas).toBe(3);
    expect(deployment.spec!.selector.matchLabels).toEqual(labels);
    expect(one<IService>('Service').spec!.selector).toEqual(labels);
    expect(one<IPodDisruptionBudget>('PodDisruptionBudget').spec!.selector!.matchLabels).toEqual(labels);
    const hpa = one<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler');
    expect(hpa.spec!.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata!.name });
    expect(hpa.spec!.minReplicas).toBe(3);
    expect(hpa.spec!.metrics!.map((metric) => metric.resource?.name)).toEqual(['cpu']);
    // Utilization is a share of the request: without one the HPA cannot scale.
    expect(container.resources!.requests!.cpu).toBeDefined();
  });

  it('non-root, read-only root filesystem, no privilege escalation, memory limit above the heap cap, the same cap and limit as the Dockerfile and the systemd unit', () => {
    expect(pod.securityContext!.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const mebibytes = (quantity: string | number) => Number(/^(\d+)Mi$/.exec(String(quantity))![1]);
    expect(mebibytes(container.resources!.limits!.memory!)).toBeGreaterThan(heapCapMiB);
    // One memory budget for every way of deploying it (docs/deploying.md, "Memory a replica needs").
    expect(Number(/--max-old-space-size=(\d+)/.exec(dockerfile)?.[1])).toBe(heapCapMiB);
    expect(Number(/--max-old-space-size=(\d+)/.exec(unit)?.[1])).toBe(heapCapMiB);
    expect(`${mebibytes(container.resources!.limits!.memory!)}M`).toBe(/^MemoryMax=(\S+)$/m.exec(unit)?.[1]);
    expect(dockerfile).toContain(`--memory=${mebibytes(container.resources!.limits!.memory!)}m`);
  });

  it('the same V8 flags in the image, the systemd unit and the Deployment: heap caps in NODE_OPTIONS, --no-maglev on the command line', () => {
    const deployment = container.env!.find((variable) => variable.name === 'NODE_OPTIONS')!.value!;
    expect(deployment).toMatch(/--max-semi-space-size=\d+/);
    expect(/^ENV NODE_OPTIONS="([^"]+)"$/m.exec(dockerfile)?.[1]).toBe(deployment);
    expect(/^Environment="NODE_OPTIONS=([^"]+)"$/m.exec(unit)?.[1]).toBe(deployment);
    // The Deployment runs the image's command (no command or args of its own).
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
    expect(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1]).toBe('["node", "--no-maglev", "dist/main.js"]');
    expect(/^ExecStart=(.*)$/m.exec(unit)?.[1]).toBe('/usr/bin/node --no-maglev dist/main.js');
  });
});

describe('the probes answer as the manifests expect', () => {
  let app: App;
  beforeAll(async () => {
    // The gateway as built for production, against the embedded simulator (which a test may start).
    app = await createApp(loadConfig({ AUDIT_LOG: 'off' }), { logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('/readiness and /health answer 200; once draining, /readiness 503 and /health still 200', async () => {
    const status = async (path: string) => (await app.gateway.fetch(`http://gateway${path}`)).status;
    expect([
      await status(container.readinessProbe!.httpGet!.path!),
      await status(container.livenessProbe!.httpGet!.path!),
    ]).toEqual([200, 200]);
    app.startDraining();
    expect([await status('/readiness'), await status('/health')]).toEqual([503, 200]);
  });
});
