/** The Hono environment of the HTTP app: what each request carries through the middlewares. */
import type { Principal } from '../auth/principal.js';

export interface AppEnv {
  Variables: {
    /** Set by the key middleware before any route runs. */
    principal: Principal;
  };
}
