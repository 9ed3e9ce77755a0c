import { createHash } from 'node:crypto';
import type { Fault, FaultPlan, PlannedRequest } from './faults.ts';

export interface SeededFaultOptions {
  seed: string | number;
  /** The faults to pick from, each as likely as the others. */
  faults: readonly Fault[];
  /** The share of reads (GET) that meet a fault, from 0 to 1. */
  readRate: number;
  /** The share of changes (POST, PATCH, PUT, DELETE) that meet a fault, from 0 to 1. */
  changeRate: number;
}

/**
 * A fault plan that decides from the seed and the request alone (method, path, body, and the how
 * many-th time this same request arrives), never from when it arrives: the same seed gives the
 * same faults to the same requests however loaded the machine is. A change sent again is the same
 * request a second time, so it gets a draw of its own.
 */
export function seededFaultPlan(options: SeededFaultOptions): FaultPlan {
  const { seed, faults, readRate, changeRate } = options;
  for (const rate of [readRate, changeRate]) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`a fault rate must be between 0 and 1, got ${rate}`);
  }
  if (faults.length === 0) throw new RangeError('a fault plan needs at least one fault');
  return (request: PlannedRequest) => {
    const digest = createHash('sha256')
      .update(`${seed}\n${request.method.toUpperCase()}\n${request.path}\n${request.body}\n${request.occurrence}`)
      .digest();
    const draw = digest.readUInt32BE(0) / 2 ** 32;
    const rate = request.method.toUpperCase() === 'GET' ? readRate : changeRate;
    if (draw >= rate) return undefined;
    return faults[digest.readUInt32BE(4) % faults.length];
  };
}
