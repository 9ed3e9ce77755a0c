/**
 * `tsx scripts/bench/heap-census.ts FILE.heapsnapshot [BEFORE.heapsnapshot]`: the objects a V8
 * heap snapshot holds, counted and sized by constructor (self size), the 40 largest counts first;
 * with a second snapshot, the difference. What a leak hunt compares: an operation that outlives
 * its answer shows as counts that grow with the number of operations (AbortController, Date, ...).
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

type Census = Map<string, { count: number; bytes: number }>;

function census(file: string): Census {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const counts: Census = new Map();
  for (let index = 0; index < snapshot.nodes.length; index += width) {
    const type = types[snapshot.nodes[index + typeAt]!];
    // Objects by constructor, plus closures and arrays; strings, code and V8's internals are left out.
    if (type !== 'object' && type !== 'closure' && type !== 'array') continue;
    const name = type === 'object' ? snapshot.strings[snapshot.nodes[index + nameAt]!]! : `(${type})`;
    const entry = counts.get(name) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += snapshot.nodes[index + sizeAt]!;
    counts.set(name, entry);
  }
  return counts;
}

const [file, before] = process.argv.slice(2);
if (!file) {
  console.error('usage: heap-census.ts FILE.heapsnapshot [BEFORE.heapsnapshot]');
  process.exit(2);
}
const after = census(file);
const base = before ? census(before) : (new Map() as Census);
const rows = [...after].map(([name, { count, bytes }]) => ({
  name,
  count,
  bytes,
  delta: count - (base.get(name)?.count ?? 0),
}));
rows.sort((a, b) => (before ? b.delta - a.delta : b.count - a.count));
console.log(`constructor\tcount${before ? '\tdelta' : ''}\tself KiB`);
for (const row of rows.slice(0, 40))
  console.log(`${row.name}\t${row.count}${before ? `\t${row.delta}` : ''}\t${Math.round(row.bytes / 1024)}`);
