/**
 * The entry point: read the configuration, start the embedded Ops Manager simulator when
 * no upstream is configured, build the gateway, listen, and shut down cleanly.
 */
import { createServer } from 'node:http';
import { ConfigError, type Config, loadConfig } from './config.ts';
import { createGateway } from './gateway.ts';
import { exampleOperation } from './graphiql.ts';
import { createLogger } from './logger.ts';
import { createUpstream } from './ops-manager/upstream.ts';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });

  let upstreamConfig = config.upstream;
  let stopSimulator: (() => Promise<void>) | undefined;
  let demoProjectIds: readonly string[] | undefined;
  if (!upstreamConfig) {
    // Loaded lazily: production never loads the simulator's code.
    const { startSimulator, DEMO_API_KEY, DEMO_PROJECT_IDS } = await import('./simulator/server.ts');
    const simulator = await startSimulator({ port: config.simulatorPort });
    stopSimulator = () => simulator.close();
    demoProjectIds = DEMO_PROJECT_IDS;
    upstreamConfig = { baseUrl: simulator.baseUrl, publicKey: DEMO_API_KEY.publicKey, privateKey: DEMO_API_KEY.privateKey };
    logger.info(
      { simulator: simulator.baseUrl, demoProjectIds: DEMO_PROJECT_IDS },
      'No OPS_MANAGER_BASE_URL set: started the embedded Ops Manager simulator with demo data (development only)',
    );
  }

  const upstream = createUpstream({
    ...upstreamConfig,
    logger,
    timeoutMs: config.upstreamTimeoutMs,
    maxInFlight: config.upstreamMaxInFlight,
  });
  const gateway = createGateway({
    client: upstream.client,
    logger,
    graphiql: config.nodeEnv !== 'production',
    graphiqlDefaultQuery: exampleOperation(demoProjectIds),
  });
  const server = createServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ url: `http://${config.host}:${port}/graphql`, upstream: upstreamConfig.baseUrl }, 'Gateway listening; GraphiQL at this URL in a browser');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Shutting down');
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await upstream.close();
    await stopSimulator?.();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('Gateway failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
