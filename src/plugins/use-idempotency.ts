import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { allSettled } from '../changes/attempts.ts';
import type { GatewayContext } from '../context.ts';
import { RequestErrorCode, requestRefusal } from '../errors/index.ts';
import type { Logger } from '../logger.ts';
import { callerScope, parseIdempotencyKey, requestFingerprint, storeKey } from '../idempotency/key.ts';
import type { IdempotencyStore } from '../idempotency/store.ts';

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** How long a response is kept for its key. @default 24 h */
  windowMs: number;
  /** How long a key stays claimed by a request that never finishes (a crashed replica). */
  runningTtlMs: number;
  logger: Logger;
  /** Counts what happened to keyed requests (replayed, stored, conflict, store_error, ...). */
  onOutcome?: (outcome: IdempotencyOutcome) => void;
}

export type IdempotencyOutcome = 'stored' | 'replayed' | 'released' | 'in_use' | 'reused' | 'invalid' | 'store_error';

/** The header a replayed response carries (as Stripe and others name it). */
export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * Idempotency keys for mutations (the IETF httpapi `Idempotency-Key` header). The first request
 * with a key runs; its response is kept per caller and key for the window, and a repeat of the
 * same request gets that response again without calling Ops Manager. Following the draft:
 * - the same key with a different request (operation, document or variables) → 422, IDEMPOTENCY_KEY_REUSED;
 * - a repeat while the first is still running → 409, IDEMPOTENCY_KEY_IN_USE (retry later);
 * - a malformed key → 400, IDEMPOTENCY_KEY_INVALID.
 *
 * Only settled responses are kept: a success, or a refusal a retry would meet again (not found,
 * already exists, forbidden, bad input). A response that says Ops Manager was unavailable or
 * the outcome is unknown lets the key go, so that the caller's retry runs for real.
 *
 * When the store cannot be reached the mutation still runs, without the guarantee: the store
 * error is logged and counted (`store_error`). Availability wins because no mutation this
 * gateway makes is doubled by running twice: Ops Manager refuses a second invitation for one
 * address, setting the same roles twice is the same, and a second delete finds nothing.
 */
export function useIdempotency(options: IdempotencyOptions): Plugin<GatewayContext> {
  const count = (outcome: IdempotencyOutcome) => options.onOutcome?.(outcome);
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as GatewayContext & { request: Request; params: { query?: string } };
      // The header first: most operations carry none, and then nothing else is looked at.
      const header = parseIdempotencyKey(context.request.headers.get('idempotency-key'));
      if (header.kind === 'absent') return;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      if (header.kind === 'invalid') {
        count('invalid');
        setResultAndStopExecution(
          refusal(
            RequestErrorCode.IDEMPOTENCY_KEY_INVALID,
            'Idempotency-Key must be 1 to 255 printable ASCII characters, as a string ("...").',
          ),
        );
        return;
      }
      const key = storeKey(callerScope(context.caller), header.key);
      const fingerprint = requestFingerprint({
        query: context.params.query,
        operationName: args.operationName ?? undefined,
        variables: args.variableValues,
      });
      let claim: Awaited<ReturnType<IdempotencyStore['claim']>>;
      try {
        claim = await options.store.claim(key, fingerprint, options.runningTtlMs);
      } catch (error) {
        count('store_error');
        options.logger.warn(
          { err: { message: (error as Error).message }, requestId: context.requestId },
          'Idempotency store unavailable: the mutation runs without its key',
        );
        return;
      }
      if (!claim.claimed) {
        const { entry } = claim;
        if (entry.fingerprint !== fingerprint) {
          count('reused');
          setResultAndStopExecution(
            refusal(
              RequestErrorCode.IDEMPOTENCY_KEY_REUSED,
              'This Idempotency-Key was used for a different request. Use a new key for a new request.',
            ),
          );
        } else if (entry.state === 'running') {
          count('in_use');
          setResultAndStopExecution(
            refusal(
              RequestErrorCode.IDEMPOTENCY_KEY_IN_USE,
              'A request with this Idempotency-Key is still running. Retry after it has its response.',
            ),
          );
        } else {
          count('replayed');
          const response = JSON.parse(entry.answer) as ExecutionResult;
          setResultAndStopExecution({
            ...response,
            extensions: { ...response.extensions, http: { headers: { [REPLAYED_HEADER]: 'true' } } },
          });
        }
        return;
      }
      return {
        async onExecuteDone({ result }) {
          const final = result as ExecutionResult;
          try {
            if (!final.errors?.length && allSettled(context.changes.attempts)) {
              await options.store.complete(key, fingerprint, JSON.stringify({ data: final.data }), options.windowMs);
              count('stored');
            } else {
              await options.store.release(key);
              count('released');
            }
          } catch (error) {
            count('store_error');
            options.logger.warn(
              { err: { message: (error as Error).message }, requestId: context.requestId },
              'Idempotency store unavailable: the response was not kept',
            );
          }
        },
      };
    },
  };
}

function refusal(code: RequestErrorCode, message: string): ExecutionResult {
  return { errors: [requestRefusal(code, message)] };
}
