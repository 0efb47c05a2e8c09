/** The process logger (pino, JSON lines). */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'domain-scout'): Logger {
  return pino({ name, level });
}
