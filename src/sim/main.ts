/**
 * `npm run sim`: serve the case file on fixed local ports and print the environment that points
 * the service at it. Stops on SIGINT/SIGTERM.
 */
import { caseHasFault, generateCases, loadCases } from './sim.cases.js';
import { parseSimCli, portInUseMessage, SIM_USAGE } from './sim.cli.js';
import { startSimulator } from './simulator.js';
import type { SimCase } from './sim.types.js';

async function main(): Promise<void> {
  const cli = parseSimCli(process.argv.slice(2));
  if (cli.help) {
    console.log(SIM_USAGE);
    return;
  }
  const cases = await loadCases(cli.casesPath);
  const extraCases = cli.generate > 0 ? generateCases(cases, cli.generate, { includeFaults: cli.includeFaults }) : [];
  const sim = await startSimulator({
    cases,
    extraCases,
    host: cli.host,
    dnsPort: cli.dnsPort,
    whoisPort: cli.whoisPort,
    rdapPort: cli.rdapPort,
    latency: cli.latency,
    rateLimit: cli.rateLimit,
    seed: cli.seed,
  }).catch((error: NodeJS.ErrnoException & { port?: number }) => {
    if (error?.code === 'EADDRINUSE') throw new Error(portInUseMessage(error, cli));
    throw error;
  });

  console.log(`SCOUT_DNS_SERVERS=${sim.dnsAddress} SCOUT_WHOIS_SERVER=${sim.whoisAddress} SCOUT_RDAP_URL=${sim.rdapUrl}`);
  console.log(`# optional: SCOUT_RDAP_BOOTSTRAP_URL=${sim.bootstrapUrl}`);
  console.log(`# ${cases.length} cases from ${cli.casesPath}${extraCases.length ? ` + ${extraCases.length} generated` : ''}; examples:`);
  for (const line of exampleLines(cases, extraCases)) console.log(`#   ${line}`);
  console.error('simulator running; Ctrl-C to stop');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const { dns, whois, rdap } = sim.stats();
    console.error(`${signal}: stopping (served dns=${dns.total} whois=${whois.total} rdap=${rdap.total})`);
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** One domain per kind (clean ones first), and the first generated name. */
function exampleLines(cases: SimCase[], extra: SimCase[]): string[] {
  const byKind = new Map<string, SimCase>();
  // A clean example per kind where there is one: a faulty case makes a confusing first try.
  for (const c of [...cases.filter((x) => !caseHasFault(x)), ...cases.filter(caseHasFault)]) {
    if (!byKind.has(c.kind ?? '?')) byKind.set(c.kind ?? '?', c);
  }
  const lines = [...byKind].slice(0, 20).map(([kind, c]) => `${c.domain} (${kind})`);
  if (extra[0]) lines.push(`${extra[0].domain} ... ${extra[extra.length - 1].domain} (generated)`);
  return lines;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
