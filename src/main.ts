/**
 * The entry point: read the configuration (and a .env file, if present), start, and shut
 * down on SIGTERM/SIGINT within SHUTDOWN_DRAIN_MS + SHUTDOWN_GRACE_MS, whatever happens to the
 * log output (see src/shutdown.ts for the exit codes). SIGTERM (an orchestrator, a process
 * manager) drains first; SIGINT (Ctrl-C) does not.
 */
import { existsSync } from 'node:fs';
import { ConfigError, type Config, loadConfig } from './config.ts';
import { stdoutDestination } from './log-destination.ts';
import { createLogger } from './logger.ts';
import { startServer } from './server.ts';
import { shutdownOnSignal } from './shutdown.ts';

function readConfig(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const output = stdoutDestination();
  const logger = createLogger({ level: config.logLevel, destination: output });
  // The handlers are in place before the server listens: a signal that comes as soon as it
  // logs "listening" (or during start-up) is a graceful shutdown, not Node's default exit.
  const server = startServer(config, logger);
  const onSignal = shutdownOnSignal({
    // The server's own steps take at most drain + grace; this bounds them and the log flush as a whole.
    graceMs: config.shutdownDrainMs + config.shutdownGraceMs,
    stop: async (signal) => (await server).stop({ drain: signal === 'SIGTERM' }),
    logger,
    drainLogs: (timeoutMs) => output.drain(timeoutMs),
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await server;
}

main().catch((error: unknown) => {
  console.error('Gateway failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
