#!/usr/bin/env node
/**
 * `domain-scout`: scan a list of domains against a domain-scout server from the command line.
 *
 *   domain-scout scan leads.csv [--format csv|json|ndjson] [--out FILE]
 *   domain-scout status JOB | results JOB | cancel JOB
 *
 * Talks GraphQL (graphql-request; progress over SSE with graphql-sse) to `--url` / SCOUT_URL
 * with `--api-key` / SCOUT_API_KEY. Exit codes: see EXIT in api.ts and the README.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { CliError, createApi, EXIT, isFinished, type Api, type JobState } from './api.js';
import { InputFileError, parseDomainInput } from './input.js';
import { createLeadFormatter, OUTPUT_FORMATS, type OutputFormat } from './output.js';
import { createProgressView } from './progress.js';

const USAGE = `Usage: domain-scout <command> [options]

Commands:
  scan FILE|-        scan the domains of FILE (a CSV with a domain, website or email column,
                     or one domain a line; - reads stdin), show progress, print the results
  status JOB         a job's status and counters
  results JOB        a job's results (partial while it runs)
  cancel JOB         cancel a job (finished results are kept)

Options:
  --url URL          server (env SCOUT_URL; default http://localhost:8080)
  --api-key KEY      API key, sent as X-API-Key (env SCOUT_API_KEY)
  --format FMT       results as csv (default), json or ndjson
  --out FILE         write results to FILE instead of stdout
  --no-fail-on-errors  exit 0 even when some domains failed (default: exit 1)
  --no-wait          scan: print the job id and exit; fetch the results later
  --quiet            no progress bar and no summary on stderr
  -h, --help         this help

Exit codes: 0 done, 1 some domains failed, 2 bad usage or input, 3 server error
(unreachable, 401, ...), 4 job cancelled or timed out, 130 interrupted (job left running).
Ctrl-C during a scan asks whether to cancel the job on the server when run in a terminal;
without a terminal (stdin or stderr not a TTY) it cancels the job.`;

interface CliOptions {
  url: string;
  apiKey?: string;
  format: OutputFormat;
  out?: string;
  failOnErrors: boolean;
  wait: boolean;
  quiet: boolean;
}

function parseCli(argv: string[], env: NodeJS.ProcessEnv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      options: {
        url: { type: 'string' },
        'api-key': { type: 'string' },
        format: { type: 'string', short: 'f' },
        out: { type: 'string', short: 'o' },
        'fail-on-errors': { type: 'boolean', default: true },
        wait: { type: 'boolean', default: true },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`, EXIT.usage);
  }
  const { values, positionals } = parsed;
  const format = (values.format ?? 'csv') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new CliError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(values.format)}`, EXIT.usage);
  const options: CliOptions = {
    url: values.url ?? (env.SCOUT_URL || 'http://localhost:8080'),
    apiKey: values['api-key'] ?? (env.SCOUT_API_KEY || undefined),
    format,
    out: values.out,
    failOnErrors: values['fail-on-errors'] !== false,
    wait: values.wait !== false,
    quiet: values.quiet === true,
  };
  return { command: positionals[0], args: positionals.slice(1), options, help: values.help === true };
}

const log = (quiet: boolean, line: string) => {
  if (!quiet) process.stderr.write(`${line}\n`);
};

function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CliError(`cannot read ${file}: ${reason}`, EXIT.usage);
  }
}

/** Write every result of `id` in the chosen format to stdout or --out. */
async function writeResults(api: Api, id: string, options: CliOptions): Promise<number> {
  const out = options.out ? createWriteStream(options.out) : process.stdout;
  const formatter = createLeadFormatter(options.format);
  const write = (chunk: string) => new Promise<void>((resolve, reject) => (chunk ? out.write(chunk, (e) => (e ? reject(e) : resolve())) : resolve()));
  let count = 0;
  await write(formatter.head());
  for await (const page of api.results(id)) {
    count += page.length;
    await write(formatter.rows(page));
  }
  await write(formatter.tail());
  if (options.out) await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e ? reject(e) : resolve())));
  return count;
}

function describeJob(job: JobState): string {
  const base = `${job.id} ${job.status} ${job.progress}% (${job.processed}/${job.total}: ${job.succeeded} succeeded, ${job.failed} failed)`;
  return job.error ? `${base}: ${job.error.message}` : base;
}

/** Ask whether to cancel (terminal), or decide without asking (no terminal: cancel). */
async function askCancel(id: string, interactive: boolean): Promise<boolean> {
  if (!interactive) return true;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`\nCancel job ${id} on the server? Finished results are kept. [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

async function scan(api: Api, file: string, options: CliOptions): Promise<number> {
  let input;
  try {
    input = parseDomainInput(readInput(file));
  } catch (error) {
    if (error instanceof InputFileError) throw new CliError(`${file === '-' ? 'stdin' : file}: ${error.message}`, EXIT.usage);
    throw error;
  }
  const started = await api.start(input.entries);
  const id = started.job.id;
  log(options.quiet, `job ${id}: ${started.total} domains queued from ${input.entries.length} entries (${input.source})` +
    `${started.duplicates ? `, ${started.duplicates} duplicates` : ''}${started.rejected.length ? `, ${started.rejected.length} rejected` : ''}`);
  for (const r of started.rejected.slice(0, 20)) log(options.quiet, `  rejected ${JSON.stringify(r.input)}: ${r.error}`);
  if (started.rejected.length > 20) log(options.quiet, `  ... and ${started.rejected.length - 20} more rejected`);
  if (!options.wait) {
    process.stdout.write(`${id}\n`);
    return EXIT.ok;
  }

  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY) && file !== '-';
  const view = createProgressView(!options.quiet && Boolean(process.stderr.isTTY));
  const abort = new AbortController();
  let interrupted: 'cancel' | 'leave' | null = null;
  let asking = false;
  const onSignal = async () => {
    if (asking) return;
    asking = true;
    view.stop();
    const cancel = await askCancel(id, interactive).catch(() => true);
    interrupted = cancel ? 'cancel' : 'leave';
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let last: JobState = started.job;
  try {
    view.update(last);
    for await (const job of api.progress(id, abort.signal)) {
      last = job;
      view.update(job);
      if (isFinished(job.status)) break;
    }
    // a signal while the stream was between events: wait for the answer
    while (asking && interrupted === null) await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    view.stop();
  }

  if (interrupted === 'cancel') {
    const cancelled = await api.cancel(id);
    log(options.quiet, `cancelled: ${describeJob(cancelled)}`);
    return EXIT.interrupted;
  }
  if (interrupted === 'leave') {
    log(options.quiet, `job ${id} keeps running on the server: domain-scout status ${id} / domain-scout results ${id}`);
    return EXIT.interrupted;
  }
  if (!isFinished(last.status)) last = await api.job(id);

  const written = await writeResults(api, id, options);
  const seconds = ((Date.parse(last.finishedAt ?? new Date().toISOString()) - Date.parse(last.createdAt)) / 1000).toFixed(1);
  log(options.quiet, `${last.status}: ${last.succeeded} succeeded, ${last.failed} failed of ${last.total} in ${seconds} s; ${written} results written${options.out ? ` to ${options.out}` : ''}`);
  if (last.failed > 0 && !options.quiet) {
    const errors = await api.errors(id);
    const failedDomains = new Set<string>();
    for (const e of errors) {
      if (failedDomains.has(e.domain)) continue;
      failedDomains.add(e.domain);
      if (failedDomains.size <= 20) log(false, `  failed ${e.domain}: ${e.code} (${e.category}, ${e.attempts} attempts)`);
    }
    if (failedDomains.size > 20) log(false, `  ... and ${failedDomains.size - 20} more`);
  }
  if (last.status !== 'completed') {
    log(options.quiet, `job ended ${last.status}${last.error ? `: ${last.error.message}` : ''}`);
    return EXIT.jobEnded;
  }
  return last.failed > 0 && options.failOnErrors ? EXIT.domainsFailed : EXIT.ok;
}

async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { command, args, options, help } = parseCli(argv, env);
  if (help || !command) {
    (help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return help ? EXIT.ok : EXIT.usage;
  }
  const needsArg = (what: string) => {
    if (args.length !== 1) throw new CliError(`${command} needs exactly one ${what}\n\n${USAGE}`, EXIT.usage);
    return args[0];
  };
  const api = createApi({ url: options.url, apiKey: options.apiKey });
  switch (command) {
    case 'scan':
      return scan(api, needsArg('FILE (or - for stdin)'), options);
    case 'status': {
      const job = await api.job(needsArg('JOB id'));
      process.stdout.write(options.format === 'csv' ? `${describeJob(job)}\n` : `${JSON.stringify(job)}\n`);
      return EXIT.ok;
    }
    case 'results': {
      const id = needsArg('JOB id');
      const job = await api.job(id);
      if (!isFinished(job.status)) log(options.quiet, `job ${id} is ${job.status} (${job.progress}%): these results are partial`);
      await writeResults(api, id, options);
      return EXIT.ok;
    }
    case 'cancel': {
      const job = await api.cancel(needsArg('JOB id'));
      process.stdout.write(`${describeJob(job)}\n`);
      return EXIT.ok;
    }
    default:
      throw new CliError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`, EXIT.usage);
  }
}

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`domain-scout: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`domain-scout: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(EXIT.server);
  },
);
