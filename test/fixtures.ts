import { readFileSync } from 'node:fs';

/**
 * Bodies recorded from real Ops Manager / Atlas responses and official docs and clients,
 * copied from the project's reference material (each file is `{ "_source", "body" }`).
 */
export function fixture<T = unknown>(name: string): T {
  const file = new URL(`./fixtures/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { body: T }).body;
}
