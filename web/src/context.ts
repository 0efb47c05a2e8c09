/** What every view may ask of the shell: report an error, open a lead's history. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiError } from './api.js';

export interface Shell {
  reportError(error: ApiError | Error): void;
  openLead(domain: string): void;
}

export const ShellContext = createContext<Shell>({ reportError: () => {}, openLead: () => {} });
export const useShell = () => useContext(ShellContext);
