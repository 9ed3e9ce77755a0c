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
    expect(config).toMatchObject({ nodeEnv: 'development', port: 4000, upstream: undefined, upstreamMaxInFlight: 32 });
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
    expect(problems({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^OPS_MANAGER_BASE_URL: is required in production/)]);
  });

  it('names every missing half of an upstream configuration', () => {
    const found = problems({ OPS_MANAGER_BASE_URL: upstream.OPS_MANAGER_BASE_URL, ALLOW_UNAUTHENTICATED: 'true' });
    expect(found).toHaveLength(2);
    expect(found.join('\n')).toMatch(/OPS_MANAGER_PUBLIC_KEY/);
    expect(found.join('\n')).toMatch(/OPS_MANAGER_PRIVATE_KEY/);
  });

  it('gives one line per bad value and never echoes a value', () => {
    const found = problems({ ...upstream, PORT: 'eighty', UPSTREAM_TIMEOUT_MS: '-1', OPS_MANAGER_BASE_URL: 'ftp://x/y' });
    expect(found).toHaveLength(3);
    expect(found.map((line) => line.split(':')[0]).sort()).toEqual(['OPS_MANAGER_BASE_URL', 'PORT', 'UPSTREAM_TIMEOUT_MS']);
    expect(found.join('\n')).not.toContain('secret-private-key-123');
  });

  it('wants the documented base URL form', () => {
    expect(problems({ ...upstream, OPS_MANAGER_BASE_URL: 'https://opsmanager.example.com' })).toEqual([
      expect.stringMatching(/^OPS_MANAGER_BASE_URL: must end with \/api\/public\/v1.0/),
    ]);
  });
});
