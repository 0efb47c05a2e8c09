/** `npm start`: the API (and, from the bulk issue on, an in-process worker). */
import { createServer } from 'node:http';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createLocalGate } from './limits/local-gate.js';
import { createRdapBootstrap } from './scan/rdap/rdap.bootstrap.js';
import { createApp } from './server.js';
import { createSingleScanService } from './services/single-scan.service.js';

function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
const gate = createLocalGate({ dnsRate: config.limits.dnsRate, whoisRate: config.limits.whoisRate, backoffMs: config.limits.backoffMs });
const bootstrap = createRdapBootstrap({ url: config.scan.rdapBootstrapUrl });
const scanDeps = { config: config.scan, gate, bootstrap };
const services = { singleScan: createSingleScanService(config, scanDeps) };
const app = createApp({ services, logger, apiKeys: config.apiKeys });

const server = createServer(app.handleNodeRequest);
server.listen(config.port, config.host, () => {
  logger.info({ port: config.port }, `domain-scout API on http://localhost:${config.port}/graphql`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
