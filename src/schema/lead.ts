/** The `Lead` type (one scanned domain) and `Mutation.scanDomain`. */
import { PROVIDERS, SEGMENTS, type Lead } from '../scan/scan.types.js';
import { scanDomainResolver } from '../resolvers/scan.resolvers.js';
import { builder } from './builder.js';

export const ProviderEnum = builder.enumType('Provider', { values: PROVIDERS });
export const SegmentEnum = builder.enumType('Segment', { values: SEGMENTS });

export const LeadRef = builder.objectRef<Lead>('Lead');

LeadRef.implement({
  description: 'A scanned domain scored as a sales lead (the REST scan result, in camelCase).',
  fields: (t) => ({
    domain: t.exposeString('domain', { description: 'Registrable domain (punycode A-label).' }),
    score: t.exposeInt('score', { description: 'Readiness score 0..100.' }),
    readinessScore: t.exposeInt('readiness_score'),
    segment: t.field({ type: SegmentEnum, resolve: (lead) => lead.segment }),
    reason: t.exposeString('reason'),
    provider: t.field({ type: ProviderEnum, resolve: (lead) => lead.provider }),
    providerConfidence: t.exposeString('provider_confidence', { description: 'high | medium | low' }),
    localProvider: t.exposeString('local_provider', { nullable: true }),
    tenantSize: t.exposeString('tenant_size', { nullable: true, description: 'small | medium | large (M365, Google)' }),
    mxRoot: t.exposeString('mx_root', { nullable: true }),
    mxHosts: t.exposeStringList('mx_hosts'),
    mailGateway: t.exposeString('mail_gateway', { nullable: true }),
    spf: t.exposeBoolean('spf'),
    spfIncludes: t.exposeStringList('spf_includes'),
    dkim: t.exposeBoolean('dkim'),
    dkimSelector: t.exposeString('dkim_selector', { nullable: true }),
    dmarcPolicy: t.exposeString('dmarc_policy', { nullable: true, description: 'none | quarantine | reject' }),
    dmarcCoverage: t.exposeInt('dmarc_coverage', { nullable: true }),
    registrar: t.exposeString('registrar', { nullable: true }),
    createdAt: t.exposeString('created_at', { nullable: true, description: 'Registration date (YYYY-MM-DD).' }),
    expiresAt: t.exposeString('expires_at', { nullable: true, description: 'Expiry date (YYYY-MM-DD).' }),
    nameservers: t.exposeStringList('nameservers', { nullable: true }),
    whoisSource: t.exposeString('whois_source', { nullable: true, description: 'rdap | whois' }),
    scanStatus: t.exposeString('scan_status', { description: 'completed | whois_failed' }),
    scannedAt: t.exposeString('scanned_at'),
    priorityScore: t.exposeInt('priority_score', { description: '1 (best) .. 7' }),
    technicalHeat: t.exposeString('technical_heat'),
    commercialSegment: t.exposeString('commercial_segment'),
    commercialHeat: t.exposeString('commercial_heat'),
    priorityCategory: t.exposeString('priority_category'),
    priorityLabel: t.exposeString('priority_label'),
    tags: t.exposeStringList('tags'),
  }),
});

builder.mutationField('scanDomain', (t) =>
  t.field({
    type: LeadRef,
    description: 'Scan one domain now (same retry policy as the workers).',
    args: { domain: t.arg.string({ required: true, description: 'A domain, URL or e-mail address.' }) },
    resolve: (_root, args, ctx) => scanDomainResolver(ctx, args.domain),
  }),
);
