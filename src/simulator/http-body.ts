import type { IncomingMessage } from 'node:http';

/** Default request body limit: far above any invitation body, low enough that a bad client cannot exhaust memory. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type BodyReadResult = { tooLarge: false; body: Buffer } | { tooLarge: true };

/**
 * Reads the request body, keeping at most `limitBytes`. Past the limit it keeps reading but
 * discards the bytes, so the client can finish sending and still read the 413 answer on the same
 * connection, while memory stays bounded.
 */
export function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<BodyReadResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size > limitBytes ? { tooLarge: true } : { tooLarge: false, body: Buffer.concat(chunks) }),
    );
    request.on('error', reject);
    request.on('close', () => {
      if (!request.complete) reject(new Error('request aborted before its body ended'));
    });
  });
}
