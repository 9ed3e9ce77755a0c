import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { stdoutDestination } from './log-destination.ts';

export type Logger = PinoLogger;

/**
 * Structured JSON logs. Secrets are never passed to the logger in the first place;
 * redaction is the second line of defence for anything that slips through
 * (an Authorization header, a key field).
 * By default the lines go to stdout through `stdoutDestination()`, not pino's own destination:
 * see src/log-destination.ts for why.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'ops-manager-invitations-gateway' },
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          '*.headers.authorization',
          'privateKey',
          '*.privateKey',
          'password',
          '*.password',
        ],
        censor: '[redacted]',
      },
    },
    options.destination ?? stdoutDestination(),
  );
}
