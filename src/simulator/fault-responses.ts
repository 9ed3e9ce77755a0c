import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorForStatus } from './errors.ts';
import type { Fault } from './faults.ts';
import { errorResult, sendApiResult, sendRaw, type ResponseFormat } from './responses.ts';

export interface FaultContext {
  request: IncomingMessage;
  response: ServerResponse;
  /** Request path without query, for error details. */
  pathname: string;
  format: ResponseFormat;
  /** Waits `ms`; resolves false when the simulator closed meanwhile. */
  pause(ms: number): Promise<boolean>;
}

/** A list response cut off mid-object: valid JSON up to where the "connection" broke. */
const TRUNCATED_JSON = '[{"id":"6123a4b5c6d7e8f901a2b301","groupId":"5e8f8268d8';

/**
 * Applies a fault before the request is handled. Resolves true when handling should go on
 * (latency; reset after apply, which the server carries out after handling), false when the
 * fault answered the request or decided never to.
 */
export async function applyFaultBeforeHandling(fault: Fault, context: FaultContext): Promise<boolean> {
  const { request, response } = context;
  switch (fault.kind) {
    case 'latency':
      return context.pause(fault.ms);
    case 'reset':
      if (fault.after === 'apply') return true;
      request.socket.destroy();
      return false;
    case 'hang':
      // Nothing is written; close() (or the client giving up) ends the socket.
      return false;
    case 'malformed-json':
      sendRaw(response, 200, TRUNCATED_JSON, 'application/json');
      return false;
    case 'wrong-shape':
      sendRaw(response, 200, JSON.stringify({ results: 5 }), 'application/json');
      return false;
    case 'status':
      sendStatusFault(fault, context);
      return false;
  }
}

function sendStatusFault(fault: Extract<Fault, { kind: 'status' }>, context: FaultContext): void {
  const { response, format } = context;
  const retryAfter =
    fault.retryAfterSeconds === undefined ? (fault.status === 429 ? 1 : null) : fault.retryAfterSeconds;
  const headers: Record<string, string> = retryAfter === null ? {} : { 'Retry-After': String(retryAfter) };
  if (typeof fault.body === 'string') {
    // A non-JSON body, such as the HTML error page of a proxy in front of Ops Manager.
    const contentType = fault.body.trimStart().startsWith('<')
      ? 'text/html; charset=utf-8'
      : 'text/plain; charset=utf-8';
    sendRaw(response, fault.status, fault.body, contentType, headers);
  } else if (fault.body !== undefined) {
    sendApiResult(response, { status: fault.status, body: fault.body, headers }, format);
  } else {
    const result = errorResult(errorForStatus(fault.status, context.pathname));
    sendApiResult(response, { ...result, headers: { ...result.headers, ...headers } }, format);
  }
}
