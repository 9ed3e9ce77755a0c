import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const upstream = {
  OPS_MANAGER_BASE_URL: 'https://opsmanager.example.com:8080/api/public/v1.0/',
  OPS_MANAGER_PUBLIC_KEY: 'abcdefgh',
  OPS_MANAGER_PRIVATE_KEY: 'secret-private-key-123',
  // These tests are about the upstream; unauthenticated callers are opted into explicitly.
  ALLOW_UNAUTHENTICATED: 'true',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to development with the embedded simulator', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ nodeEnv: 'development', port: 4000, upstream: undefined });
    expect(config.upstreamCalls).toMatchObject({ maxInFlight: 32, coalesceReads: true, fairQueue: true });
  });

  it('reads a real upstream and trims the trailing slash of the base URL', () => {
    const config = loadConfig({ ...upstream, PORT: '5000' });
    expect(config.port).toBe(5000);
    expect(config.upstream).toEqual({
      baseUrl: 'https://opsmanager.example.com:8080/api/public/v1.0',
      publicKey: 'abcdefgh',
      privateKey: 'secret-private-key-123',
    });
  });

  it('refuses production without an upstream, naming the variable', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^OPS_MANAGER_BASE_URL: is required in production/),
    ]);
  });

  it('names every missing half of an upstream configuration', () => {
    const found = problems({ OPS_MANAGER_BASE_URL: upstream.OPS_MANAGER_BASE_URL, ALLOW_UNAUTHENTICATED: 'true' });
    expect(found).toHaveLength(2);
    expect(found.join('\n')).toMatch(/OPS_MANAGER_PUBLIC_KEY/);
    expect(found.join('\n')).toMatch(/OPS_MANAGER_PRIVATE_KEY/);
  });

  it('gives one line per bad value and never echoes a value', () => {
    const found = problems({
      ...upstream,
      PORT: 'eighty',
      UPSTREAM_TIMEOUT_MS: '-1',
      OPS_MANAGER_BASE_URL: 'ftp://x/y',
    });
    expect(found).toHaveLength(3);
    expect(found.map((line) => line.split(':')[0]).sort()).toEqual([
      'OPS_MANAGER_BASE_URL',
      'PORT',
      'UPSTREAM_TIMEOUT_MS',
    ]);
    expect(found.join('\n')).not.toContain('secret-private-key-123');
  });

  it('wants the documented base URL form', () => {
    expect(problems({ ...upstream, OPS_MANAGER_BASE_URL: 'https://opsmanager.example.com' })).toEqual([
      expect.stringMatching(/^OPS_MANAGER_BASE_URL: must end with \/api\/public\/v1.0/),
    ]);
  });
});

describe('loadConfig: caller authentication', () => {
  const jwtEnv = {
    AUTH_MODE: 'jwt',
    JWT_SECRET: 'x'.repeat(32),
    JWT_ISSUER: 'https://issuer/',
    JWT_AUDIENCE: 'gateway',
  };

  it('refuses AUTH_MODE=none with a real upstream in production', () => {
    const { ALLOW_UNAUTHENTICATED: _opt, ...env } = upstream;
    expect(problems({ ...env, NODE_ENV: 'production', ALLOW_UNAUTHENTICATED: 'true' })).toEqual([
      expect.stringMatching(/^AUTH_MODE: none is refused/),
    ]);
  });

  it('wants an explicit opt-in for AUTH_MODE=none with a real upstream outside production', () => {
    const { ALLOW_UNAUTHENTICATED: _opt, ...env } = upstream;
    expect(problems(env)).toEqual([
      expect.stringMatching(/^AUTH_MODE: none with a real upstream needs ALLOW_UNAUTHENTICATED=true/),
    ]);
    expect(loadConfig({ ...env, ALLOW_UNAUTHENTICATED: 'true' }).security.authMode).toBe('none');
  });

  it('reads jwt mode with its defaults', () => {
    const config = loadConfig(jwtEnv);
    expect(config.security.jwt).toMatchObject({
      algorithms: ['HS256'],
      readScope: 'invitations:read',
      writeScope: 'invitations:write',
    });
  });

  it('names what jwt mode is missing', () => {
    const found = problems({ AUTH_MODE: 'jwt' });
    expect(found.map((line) => line.split(':')[0]).sort()).toEqual(['JWT_AUDIENCE', 'JWT_ISSUER', 'JWT_SECRET']);
  });

  it('refuses a short secret and algorithm mixes that allow confusion', () => {
    expect(problems({ ...jwtEnv, JWT_SECRET: 'short' })).toEqual([
      expect.stringMatching(/^JWT_SECRET: must be at least 32/),
    ]);
    expect(problems({ ...jwtEnv, JWT_ALGORITHMS: 'HS256,RS256' })).toEqual([
      expect.stringMatching(/^JWT_ALGORITHMS: must be HS\*/),
    ]);
    const jwks = { ...jwtEnv, JWT_SECRET: undefined as never, JWT_JWKS_URL: 'https://issuer/.well-known/jwks.json' };
    expect(problems({ ...jwks, JWT_ALGORITHMS: 'RS256,HS256' })).toEqual([
      expect.stringMatching(/^JWT_ALGORITHMS: must not contain HS\*/),
    ]);
    expect(problems({ ...jwtEnv, JWT_ALGORITHMS: 'none' })).toEqual([expect.stringMatching(/^JWT_ALGORITHMS/)]);
  });

  it('needs only the base URL in passthrough mode, where callers bring the keys', () => {
    const config = loadConfig({
      AUTH_MODE: 'passthrough',
      OPS_MANAGER_BASE_URL: upstream.OPS_MANAGER_BASE_URL,
      NODE_ENV: 'production',
    });
    expect(config.security.authMode).toBe('passthrough');
    expect(config.security).toMatchObject({ graphiql: false, introspection: false, production: true });
  });
});

describe('FEDERATION_PROJECT_ID_TYPE', () => {
  it('keys the subgraph by ID unless told String', () => {
    expect(loadConfig({}).federationProjectIdType).toBe('ID');
    expect(loadConfig({ FEDERATION_PROJECT_ID_TYPE: 'String' }).federationProjectIdType).toBe('String');
  });

  it('refuses any other scalar, naming the variable', () => {
    expect(problems({ FEDERATION_PROJECT_ID_TYPE: 'ObjectID' })).toEqual([
      expect.stringMatching(/^FEDERATION_PROJECT_ID_TYPE: /),
    ]);
  });
});

describe('FEDERATION_NAMESPACE', () => {
  it('namespaces the subgraph OpsManager unless told another name; empty turns it off (empty is not unset here)', () => {
    expect(loadConfig({}).federationNamespace).toBe('OpsManager');
    expect(loadConfig({ FEDERATION_NAMESPACE: 'Acme' }).federationNamespace).toBe('Acme');
    expect(loadConfig({ FEDERATION_NAMESPACE: '' }).federationNamespace).toBe('');
  });

  it.each(['acme', 'Ops_Manager', 'Ops Manager', '_Acme', 'A'.repeat(33)])(
    'refuses %j, naming the variable and not echoing it',
    (value) => {
      expect(problems({ FEDERATION_NAMESPACE: value })).toEqual([
        expect.stringMatching(/^FEDERATION_NAMESPACE: must be empty or a GraphQL name/),
      ]);
    },
  );
});

describe('UPSTREAM_COALESCE_READS', () => {
  it('deduplicates concurrent identical reads unless told false', () => {
    expect(loadConfig({}).upstreamCalls.coalesceReads).toBe(true);
    expect(loadConfig({ UPSTREAM_COALESCE_READS: 'false' }).upstreamCalls.coalesceReads).toBe(false);
  });

  it('refuses anything but true or false, naming the variable', () => {
    expect(problems({ UPSTREAM_COALESCE_READS: 'off' })).toEqual([expect.stringMatching(/^UPSTREAM_COALESCE_READS: /)]);
  });

  it('fair share: budgets on by default, 0 turns one off, one Redis URL serves both uses unless each is named', () => {
    expect(loadConfig({}).fairShare).toEqual({
      redisUrl: undefined,
      readsPerMinute: 600,
      mutationsPerMinute: 60,
    });
    const off = loadConfig({ RATE_LIMIT_READS_PER_MINUTE: '0', UPSTREAM_FAIR_QUEUE: 'false' });
    expect([off.fairShare.readsPerMinute, off.upstreamCalls.fairQueue]).toEqual([0, false]);
    const shared = loadConfig({ REDIS_URL: 'redis://cache:6379' });
    expect([shared.fairShare.redisUrl, shared.idempotency.redisUrl]).toEqual([
      'redis://cache:6379',
      'redis://cache:6379',
    ]);
    const legacy = loadConfig({ IDEMPOTENCY_REDIS_URL: 'redis://keys:6379' });
    expect([legacy.fairShare.redisUrl, legacy.idempotency.redisUrl]).toEqual([
      'redis://keys:6379',
      'redis://keys:6379',
    ]);
    const both = loadConfig({ REDIS_URL: 'redis://cache:6379', IDEMPOTENCY_REDIS_URL: 'redis://keys:6379' });
    expect([both.fairShare.redisUrl, both.idempotency.redisUrl]).toEqual(['redis://cache:6379', 'redis://keys:6379']);
    expect(problems({ RATE_LIMIT_MUTATIONS_PER_MINUTE: '-1', REDIS_URL: 'http://cache' }).sort()).toEqual([
      expect.stringMatching(/^RATE_LIMIT_MUTATIONS_PER_MINUTE: /),
      expect.stringMatching(/^REDIS_URL: /),
    ]);
  });
});
