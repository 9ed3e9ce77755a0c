import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/changes/audit-log.ts';
import { loadConfig } from '../../src/config.ts';

const folder = mkdtempSync(join(tmpdir(), 'audit-log-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('AUDIT_LOG', () => {
  it('is stdout by default, off, or a file path', () => {
    expect(loadConfig({}).audit).toBe('stdout');
    expect(loadConfig({ AUDIT_LOG: 'off' }).audit).toBe('off');
    expect(loadConfig({ AUDIT_LOG: '/var/log/gateway/audit.jsonl' }).audit).toEqual({
      file: '/var/log/gateway/audit.jsonl',
    });
    expect(createAuditLog('off')).toBeUndefined();
  });

  it('appends one JSON line per attempt to a file, creating its folder', async () => {
    const file = join(folder, 'nested', 'audit.jsonl');
    const audit = createAuditLog({ file })!;
    const line = {
      action: 'deleteInvitation',
      projectId: 'p',
      invitationId: 'i',
      result: 'InvitationDeleted',
      caller: 'sub:alice',
      requestId: 'r1',
      idempotencyKey: undefined,
    } as const;
    audit.write(line);
    audit.write({ ...line, requestId: 'r2' });
    let text = '';
    for (let i = 0; i < 100 && text.split('\n').length < 3; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        // not created yet
      }
    }
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.channel, l.requestId, l.result])).toEqual([
      ['audit', 'r1', 'InvitationDeleted'],
      ['audit', 'r2', 'InvitationDeleted'],
    ]);
  });
});
