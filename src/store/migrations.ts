/**
 * Versioned schema migrations, applied in order at start. Each version runs once (recorded in
 * `schema_migrations`), in one transaction with its record, so a failed migration leaves nothing
 * half applied. Append new versions; never edit one that has shipped.
 */
import type { Db } from './db.js';

/** One schema change. */
export interface Migration {
  /** Positive, strictly increasing along `MIGRATIONS`. */
  version: number;
  name: string;
  /** One or more `;`-separated statements, no parameters. */
  sql: string;
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'leads, lead history, bulk jobs, job results, scan errors',
    // Lead columns are named after the `Lead` fields so `jsonb_populate_record(NULL::leads, lead)`
    // maps a lead onto a row. `data` keeps the whole lead for an exact round trip; the columns
    // are there for filters and indexes. Registration dates (`created_at`, `expires_at`) stay
    // text: they are reported as found, and one odd value must not make a batch fail.
    // No foreign keys from results and errors to `bulk_jobs`: they are written by other buffers
    // and may arrive before the job row does.
    sql: `
      CREATE TABLE IF NOT EXISTS leads (
        domain              text PRIMARY KEY,
        score               integer NOT NULL,
        segment             text NOT NULL,
        reason              text NOT NULL,
        provider            text NOT NULL,
        local_provider      text,
        tenant_size         text,
        mx_root             text,
        mx_hosts            text[] NOT NULL,
        mail_gateway        text,
        provider_confidence text NOT NULL,
        spf                 boolean NOT NULL,
        spf_includes        text[] NOT NULL,
        dkim                boolean NOT NULL,
        dkim_selector       text,
        dmarc_policy        text,
        dmarc_coverage      integer,
        registrar           text,
        created_at          text,
        expires_at          text,
        nameservers         text[],
        whois_source        text,
        scan_status         text NOT NULL,
        scanned_at          timestamptz NOT NULL,
        readiness_score     integer NOT NULL,
        priority_score      integer NOT NULL,
        technical_heat      text NOT NULL,
        commercial_segment  text NOT NULL,
        commercial_heat     text NOT NULL,
        priority_category   text NOT NULL,
        priority_label      text NOT NULL,
        tags                text[] NOT NULL,
        data                jsonb NOT NULL,
        stored_at           timestamptz NOT NULL DEFAULT now()
      );
      -- Listing order is (score DESC, domain): each filter index ends with it, so a filtered page
      -- is an index range scan that stops after "first" rows.
      CREATE INDEX IF NOT EXISTS leads_score_idx ON leads (score DESC, domain);
      CREATE INDEX IF NOT EXISTS leads_provider_idx ON leads (provider, score DESC, domain);
      CREATE INDEX IF NOT EXISTS leads_segment_idx ON leads (segment, score DESC, domain);
      CREATE INDEX IF NOT EXISTS leads_priority_score_idx ON leads (priority_score, score DESC, domain);
      CREATE INDEX IF NOT EXISTS leads_priority_category_idx ON leads (priority_category, score DESC, domain);
      CREATE INDEX IF NOT EXISTS leads_tags_idx ON leads USING gin (tags);
      CREATE INDEX IF NOT EXISTS leads_scanned_at_idx ON leads (scanned_at);

      -- Every scan of every domain, the latest included; (domain, scanned_at) identifies a scan,
      -- so writing the same scan again is a no-op.
      CREATE TABLE IF NOT EXISTS lead_history (
        domain         text NOT NULL,
        scanned_at     timestamptz NOT NULL,
        provider       text NOT NULL,
        segment        text NOT NULL,
        score          integer NOT NULL,
        priority_score integer NOT NULL,
        data           jsonb NOT NULL,
        PRIMARY KEY (domain, scanned_at)
      );

      CREATE TABLE IF NOT EXISTS bulk_jobs (
        id            text PRIMARY KEY,
        status        text NOT NULL
                      CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
        total         integer NOT NULL,
        processed     integer NOT NULL,
        succeeded     integer NOT NULL,
        failed        integer NOT NULL,
        created_at    timestamptz NOT NULL,
        started_at    timestamptz,
        finished_at   timestamptz,
        options       jsonb NOT NULL DEFAULT '{}',
        submitted_by  text,
        error_code    text,
        error_message text,
        updated_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS bulk_jobs_created_idx ON bulk_jobs (created_at DESC, id DESC);
      CREATE INDEX IF NOT EXISTS bulk_jobs_submitted_by_idx ON bulk_jobs (submitted_by, created_at DESC);

      -- A job's results: which scan of each domain it produced, in submission order.
      CREATE TABLE IF NOT EXISTS job_leads (
        job_id     text NOT NULL,
        position   integer,
        domain     text NOT NULL,
        scanned_at timestamptz NOT NULL,
        PRIMARY KEY (job_id, domain)
      );
      CREATE INDEX IF NOT EXISTS job_leads_position_idx ON job_leads (job_id, position);

      -- The permanent error log. A failure is identified by (job, domain, code, attempts, time),
      -- so a re-sent batch is a no-op; coalesce() makes single scans (no job) deduplicate too.
      CREATE TABLE IF NOT EXISTS scan_errors (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        job_id      text,
        domain      text NOT NULL,
        category    text NOT NULL,
        code        text NOT NULL,
        message     text NOT NULL,
        attempts    integer NOT NULL,
        occurred_at timestamptz NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS scan_errors_identity_idx
        ON scan_errors ((coalesce(job_id, '')), domain, code, attempts, occurred_at);
      CREATE INDEX IF NOT EXISTS scan_errors_job_idx ON scan_errors (job_id, occurred_at, id);
      CREATE INDEX IF NOT EXISTS scan_errors_domain_idx ON scan_errors (domain, occurred_at);
    `,
  },
  {
    version: 2,
    name: 'companies (a stable integer id per domain) and CSV ingest jobs',
    // One row per registrable domain; the id never changes once given (an upsert keeps it).
    // No foreign key to `leads`: a company may be ingested before it is scanned, or never be.
    sql: `
      CREATE TABLE IF NOT EXISTS companies (
        id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        domain       text NOT NULL UNIQUE,
        company_name text NOT NULL,
        email        text,
        website      text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS companies_name_lower_idx ON companies (lower(company_name));

      -- CSV uploads (POST /ingest/csv). With auto_scan the upload's job is the bulk job it
      -- started (bulk_job_id); without one it is finished when its rows are ingested.
      CREATE TABLE IF NOT EXISTS ingest_jobs (
        id          text PRIMARY KEY,
        total_rows  integer NOT NULL,
        ingested    integer NOT NULL,
        errors      jsonb NOT NULL DEFAULT '[]',
        bulk_job_id text,
        created_at  timestamptz NOT NULL,
        finished_at timestamptz
      );
    `,
  },
  {
    version: 3,
    name: 'ingest jobs record who uploaded them',
    // like bulk_jobs.submitted_by: with API keys, an upload belongs to the key that sent it
    sql: `ALTER TABLE ingest_jobs ADD COLUMN IF NOT EXISTS submitted_by text;`,
  },
];

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Versions applied by this call, in order; empty when the schema was up to date. */
  applied: number[];
  /** The schema version after the call. */
  version: number;
}

/**
 * Apply pending migrations. Idempotent: a second call applies nothing. Safe when several
 * processes start at once: the whole run holds a transaction-scoped advisory lock keyed by the
 * current schema, so the others wait, then find nothing left to do. (PGlite is single-process;
 * the lock costs nothing there and keeps one code path.)
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  assertOrdered(migrations);
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('domain-scout:migrate:' || coalesce(current_schema(), '')))`);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    const version = Math.max(0, ...done, ...applied);
    return { applied, version };
  });
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, i) => {
    const previous = i === 0 ? 0 : migrations[i - 1].version;
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new Error(`migration versions must be positive and strictly increasing: ${migration.version} after ${previous}`);
    }
  });
}
