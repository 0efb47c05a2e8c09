/**
 * Who is calling: the name of the API key a request carried (or none, in a deployment without
 * keys) and the client's address. Every door (REST, GraphQL, SSE, WebSocket) builds one per
 * request; services use it for job ownership and quotas.
 */
export interface Principal {
  /** Name of the API key used; null when the deployment has no keys (anonymous). */
  keyName: string | null;
  /** The client's address as the socket saw it ('local' for in-process calls). */
  address: string;
}

/**
 * Whose jobs a caller may see: with keys, a job belongs to the key name that created it;
 * without keys (`owner: null`) the deployment is one shared space. `'system'` is the service's
 * own access (timeouts, progress refresh), never a client's.
 */
export type Viewer = { owner: string | null } | 'system';

export const viewerOf = (principal: Principal): Viewer => ({ owner: principal.keyName });

/** The owner recorded on a job created by this caller. */
export const ownerOf = (principal: Principal): string | null => principal.keyName;

export function canView(viewer: Viewer, submittedBy: string | null): boolean {
  return viewer === 'system' || viewer.owner === null || viewer.owner === submittedBy;
}

/** The subject quotas count against: the key, or the client address when anonymous. */
export const quotaSubject = (principal: Principal): string =>
  principal.keyName !== null ? `key:${principal.keyName}` : `ip:${principal.address}`;

/** In-process calls (tests, the CLI in the same process): anonymous and local. */
export const LOCAL_PRINCIPAL: Principal = { keyName: null, address: 'local' };
