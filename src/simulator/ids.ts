import { randomBytes, randomInt } from 'node:crypto';

/** Ops Manager ids (projects, invitations) are MongoDB ObjectIds: 24 hex characters. */
const OBJECT_ID = /^[0-9a-f]{24}$/i;

export function isObjectId(value: string): boolean {
  return OBJECT_ID.test(value);
}

// ObjectId layout: 4-byte seconds, 5 random bytes, 3-byte counter. The counter keeps ids made in
// the same second distinct and in creation order, as a real server's would be.
const processRandom = randomBytes(5);
let counter = randomInt(0, 0xffffff);

/** A fresh 24-lowercase-hex id whose timestamp part comes from the (injected) clock. */
export function newObjectId(nowMs: number): string {
  const id = Buffer.alloc(12);
  id.writeUInt32BE(Math.floor(nowMs / 1000) >>> 0, 0);
  processRandom.copy(id, 4);
  counter = (counter + 1) % 0x1000000;
  id.writeUIntBE(counter, 9, 3);
  return id.toString('hex');
}
