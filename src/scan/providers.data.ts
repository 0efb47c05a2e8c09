/**
 * Provider tables of `spec/domain-model.md` sections 3 and 5, as data. Suffixes are matched on
 * label boundaries (`classify.ts` `matchesSuffix`). Extend these tables, never shrink them: the
 * sales numbers of the earlier service depend on every entry.
 */
import type { Provider } from './scan.types.js';

/** A provider an MX host can identify directly (Local and Unknown are fallbacks, not matches). */
export type MxProvider = Exclude<Provider, 'Local' | 'Unknown'>;

/** MX host suffixes per provider class. Every suffix of the spec, plus the marked additions. */
export const MX_PROVIDER_SUFFIXES: Readonly<Record<MxProvider, readonly string[]>> = {
  M365: [
    'mail.protection.outlook.com',
    'mx.microsoft', // the DNSSEC-signed MX of Exchange Online
    'outlook.com',
    'outlook.de',
    'outlook.cn', // 21Vianet
    'office365.us', // GCC High
  ],
  Google: ['aspmx.l.google.com', 'googlemail.com', 'smtp.google.com', 'google.com'],
  Yandex: ['yandex.net', 'yandex.ru'],
  Zoho: [
    'zoho.com',
    'zoho.eu',
    'zoho.in',
    'zoho.com.au',
    'zohomail.com',
    // Added: Zoho's other data centres (China, Japan, Saudi Arabia, Canada).
    'zoho.com.cn',
    'zoho.jp',
    'zoho.sa',
    'zohocloud.ca',
  ],
  Amazon: ['amazonaws.com', 'amazonses.com'],
  SendGrid: ['sendgrid.net'],
  Mailgun: ['mailgun.org', 'mailgun.com'],
  Hosting: [
    // GoDaddy group
    'secureserver.net',
    'mailcore.me',
    'hosteurope.de',
    'ispgateway.de',
    '123-reg.co.uk',
    'extendcp.co.uk',
    'ovh.net',
    'ovh.ca',
    // IONOS / United Internet
    'kundenserver.de',
    'perfora.net',
    '1and1.com',
    'web.de',
    'gmx.net',
    'hostinger.com',
    // Namecheap
    'privateemail.com',
    'registrar-servers.com',
    'web-hosting.com',
    'jellyfish.systems',
    'websitewelcome.com', // HostGator
    'bluehost.com',
    'one.com',
    'rzone.de', // Strato
    'gandi.net',
    'mxrouting.net',
    // Rackspace
    'emailsrvr.com',
    'rack-host.net',
    'messagingengine.com', // Fastmail
    'mail.icloud.com', // iCloud
    'protonmail.ch', // Proton
    'mail.ru',
    'qq.com', // Tencent
  ],
};

/**
 * Security gateways that sit in front of the real mailbox: name (as reported in
 * `mail_gateway`) -> MX host suffixes.
 */
export const GATEWAY_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  Mimecast: ['mimecast.com', 'mimecast.co.za', 'mimecast-offshore.com'],
  Proofpoint: ['pphosted.com', 'ppe-hosted.com', 'gpphosted.com', 'ppops.net'],
  Barracuda: ['barracudanetworks.com', 'barracuda.com', 'cuda-inc.com'],
  Cisco: ['iphmx.com'],
  'Trend Micro': ['trendmicro.com', 'trendmicro.eu', 'trendmicro.co.jp'],
  Sophos: ['sophos.com', 'reflexion.net'],
  Symantec: ['messagelabs.com'],
  Forcepoint: ['mailcontrol.com'],
  Trellix: ['fireeyecloud.com'],
  SpamExperts: ['antispamcloud.com', 'spamexperts.eu'],
  Hornetsecurity: ['hornetsecurity.com'],
  'Cloudflare Email Routing': ['mx.cloudflare.net'],
};

/** One row of the SPF include -> provider inference used behind a gateway. */
export interface SpfProviderRule {
  provider: MxProvider;
  /**
   * An include target suffix (label boundary), or `<name>.*` for `<name>.<any public suffix>`
   * and its subdomains (`zoho.*` matches `zoho.eu` and `one.zoho.com.au`).
   */
  include: string;
}

/**
 * SPF include -> provider, in priority order: when includes of several providers are present,
 * the first row that matches wins (mailbox providers before Amazon SES, which is usually only
 * a transactional sender).
 */
export const SPF_PROVIDER_RULES: readonly SpfProviderRule[] = [
  { provider: 'M365', include: 'spf.protection.outlook.com' },
  // Added: the M365 sovereign clouds' SPF includes (GCC High, 21Vianet), matching the MX table.
  { provider: 'M365', include: 'spf.protection.office365.us' },
  { provider: 'M365', include: 'spf.protection.partner.outlook.cn' },
  { provider: 'Google', include: '_spf.google.com' },
  { provider: 'Zoho', include: 'zoho.*' },
  { provider: 'Zoho', include: 'zohomail.com' },
  { provider: 'Yandex', include: '_spf.yandex.net' },
  { provider: 'Amazon', include: 'amazonses.com' },
];

/** Regional hosters by MX root (registrable domain) -> `local_provider` name. */
export const LOCAL_HOSTERS: Readonly<Record<string, string>> = {
  'natrohost.com': 'Natro',
  'natro.com': 'Natro',
  'turhost.com': 'Turhost',
  'turkhost.com.tr': 'TürkHost',
  'isimtescil.net': 'İsimtescil',
  'superonline.net': 'Superonline',
  'ttnet.com.tr': 'TTNET',
  'dns.com.tr': 'DNS',
  'vit.com.tr': 'VIT',
  'kriweb.com': 'Kriweb',
  'bulutino.com': 'Bulutino',
  'pendns.net': 'Pendns',
};

/** Readiness points per provider (spec section 5). */
export const PROVIDER_POINTS: Readonly<Record<Provider, number>> = {
  M365: 50,
  Google: 50,
  Yandex: 30,
  Zoho: 30,
  Amazon: 20,
  SendGrid: 20,
  Mailgun: 20,
  Hosting: 20,
  Local: 10,
  Unknown: 0,
};
