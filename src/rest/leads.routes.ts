/**
 * Stored leads for the old clients (spec/api.md, part 2): `GET /leads`, `/leads/export`,
 * `/leads/{domain}`, `/leads/{domain}/score-breakdown`. The literal `export` is registered
 * before the `{domain}` pattern.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import { InputError } from '../services/input.errors.js';
import type { Services } from '../services/services.js';
import { LEAD_SORT_FIELDS, type LeadFilter, type LeadSort, type LeadSortField, type LeadWithCompany } from '../store/store.types.js';
import { cell } from './csv.js';
import { exportRow, leadRow } from './lead-row.js';
import { DomainParamSchema, EXPORT_COLUMNS, ExportQuerySchema, LeadRowSchema, LeadsPageSchema, LeadsQuerySchema, ScoreBreakdownSchema } from './leads.schemas.js';
import { commonResponses, DetailSchema, jsonContent } from './rest.schemas.js';
import { streamResponse } from './stream-response.js';
import { xlsxStream } from './xlsx-stream.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const listRoute = createRoute({
  method: 'get',
  path: '/leads',
  tags: ['leads'],
  summary: 'Scanned leads, filtered, sorted and paginated',
  description: 'The whole filtered set is sorted, then the page is cut. Default order: priority_score ascending, then readiness_score descending.',
  request: { query: LeadsQuerySchema },
  responses: { 200: jsonContent(LeadsPageSchema, 'One page of lead rows'), ...commonResponses },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/leads/export',
  tags: ['leads'],
  summary: 'Download the filtered leads as CSV (UTF-8 with BOM) or xlsx',
  request: { query: ExportQuerySchema },
  responses: {
    200: { content: { 'text/csv': { schema: { type: 'string' } }, [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } }, description: 'The file, sorted like /leads' },
    ...commonResponses,
  },
});

const detailRoute = createRoute({
  method: 'get',
  path: '/leads/{domain}',
  tags: ['leads'],
  summary: 'The stored lead of a domain',
  request: { params: DomainParamSchema },
  responses: {
    200: jsonContent(LeadRowSchema, 'The lead row'),
    400: jsonContent(DetailSchema, 'Invalid domain format'),
    404: jsonContent(DetailSchema, 'Not scanned yet'),
    ...commonResponses,
  },
});

const breakdownRoute = createRoute({
  method: 'get',
  path: '/leads/{domain}/score-breakdown',
  tags: ['leads'],
  summary: 'The terms of the readiness score (they sum to total_score)',
  request: { params: DomainParamSchema },
  responses: {
    200: jsonContent(ScoreBreakdownSchema, 'The score breakdown'),
    400: jsonContent(DetailSchema, 'Invalid domain format'),
    404: jsonContent(DetailSchema, 'Not scanned yet'),
    ...commonResponses,
  },
});

function filterOf(query: { segment?: string; min_score?: number; provider?: string; search?: string }): LeadFilter {
  const filter: LeadFilter = {};
  // exact matches: an unknown segment or provider simply matches nothing
  if (query.segment !== undefined) filter.segment = query.segment as LeadFilter['segment'];
  if (query.provider !== undefined) filter.provider = query.provider as LeadFilter['provider'];
  if (query.min_score !== undefined) filter.minScore = query.min_score;
  if (query.search !== undefined && query.search.trim() !== '') filter.search = query.search.trim();
  return filter;
}

function sortOf(sortBy: string | undefined, order: 'asc' | 'desc' | undefined): LeadSort | undefined {
  // an unknown sort_by falls back to the default order (the old service did so)
  if (sortBy === undefined || !(LEAD_SORT_FIELDS as readonly string[]).includes(sortBy)) return undefined;
  return { by: sortBy as LeadSortField, order: order ?? 'asc' };
}

/** A path domain the service rejects is the old service's 400, not a 422. */
async function withDomain<T>(run: () => Promise<T>): Promise<T | Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InputError) return Response.json({ detail: 'Invalid domain format' }, { status: 400 });
    throw error;
  }
}

/** `leads_2026-12-02_04-05-06` (UTC). */
function exportFileName(now: Date): string {
  const iso = now.toISOString();
  return `leads_${iso.slice(0, 10)}_${iso.slice(11, 19).replaceAll(':', '-')}`;
}

export function registerLeadRoutes(app: OpenAPIHono<AppEnv>, services: Services) {
  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query');
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 50;
    const result = await services.leads.page(filterOf(query), sortOf(query.sort_by, query.sort_order), page, pageSize);
    return c.json(
      { leads: result.rows.map(leadRow), total: result.total, page, page_size: pageSize, total_pages: Math.ceil(result.total / pageSize) },
      200,
    );
  });

  app.openapi(exportRoute, async (c) => {
    const query = c.req.valid('query');
    const rows = services.leads.exportRows(filterOf(query));
    const name = exportFileName(new Date());
    if (query.format === 'xlsx') {
      return new Response(xlsxStream(EXPORT_COLUMNS, rows, exportRow, 'Leads'), {
        status: 200,
        headers: { 'content-type': XLSX_TYPE, 'content-disposition': `attachment; filename=${name}.xlsx` },
      });
    }
    const line = (values: readonly unknown[]) => `${values.map(cell).join(',')}\r\n`;
    return streamResponse<LeadWithCompany>(`\uFEFF${line(EXPORT_COLUMNS)}`, rows, (page) => page.map((row) => line(exportRow(row))).join(''), '', {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename=${name}.csv`,
    });
  });

  app.openapi(detailRoute, async (c) => {
    const { domain } = c.req.valid('param');
    const found = await withDomain(() => services.leads.row(domain));
    return found instanceof Response ? (found as never) : c.json(leadRow(found), 200);
  });

  app.openapi(breakdownRoute, async (c) => {
    const { domain } = c.req.valid('param');
    const found = await withDomain(() => services.leads.breakdown(domain));
    return found instanceof Response ? (found as never) : c.json(found, 200);
  });
}
