import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

export interface StopOptions {
  /**
   * Keep accepting and responding for `shutdownDrainMs` first (SIGTERM: a load balancer is still
   * sending); off for SIGINT (Ctrl-C in a terminal: nobody routes to it). Either way /readiness
   * responds 503 and responses carry `Connection: close` from the moment `stop` is called.
   * @default true
   */
  drain?: boolean;
}

export interface RunningServer {
  url: string;
  /**
   * Drains (see StopOptions), then stops accepting, lets in-flight operations finish (at most
   * `shutdownGraceMs`), then closes everything: at most drain + grace as a whole.
   */
  stop(options?: StopOptions): Promise<void>;
}

/** Builds the app a configuration describes (createApp) and listens on HOST:PORT. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const app = await createApp(config, { logger });
  logger.info({ authMode: config.security.authMode }, 'Caller authentication');
  logger.info({ mode: config.security.trustedDocuments }, 'Trusted documents (TRUSTED_DOCUMENTS)');
  const server: Server = createServer(app.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const url = `http://${config.host}:${(server.address() as AddressInfo).port}/graphql`;
  logger.info(
    { url, upstream: app.upstreamUrl },
    config.security.graphiql ? 'Gateway listening; open this URL in a browser for GraphiQL' : 'Gateway listening',
  );
  if (app.subgraph) {
    logger.info(
      {
        url: url.replace(/\/graphql$/, '/subgraph'),
        projectIdType: config.federationProjectIdType,
        namespace: config.federationNamespace || 'off',
      },
      'Federation subgraph served (FEDERATION_SUBGRAPH=true)',
    );
  }

  return {
    url,
    async stop({ drain = true } = {}) {
      app.startDraining();
      if (drain && config.shutdownDrainMs > 0) {
        logger.info(
          { drainMs: config.shutdownDrainMs },
          'Draining: /readiness responds 503, requests still get responses (Connection: close)',
        );
        await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
        logger.info('Drain over: no longer accepting connections');
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections go idle as their last response ends: close them as they do.
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      const grace = setTimeout(() => {
        logger.warn(
          { graceMs: config.shutdownGraceMs },
          'Shutdown grace period over: closing the connections still open',
        );
        server.closeAllConnections();
      }, config.shutdownGraceMs);
      server.closeIdleConnections();
      await closed;
      clearInterval(sweeper);
      clearTimeout(grace);
      await app.close();
    },
  };
}
